"""The one template language for formula text: `{name}` or `{scope:name}`.

Used wherever flopsheet writes a formula from a pattern:
- function twins (flopsheet.handoff.twins): `{mfu}` an argument, `{peak}` the GPU's peak,
  `{gpu:memory_gb}` a catalog figure of the `gpu` argument, `{model:layers}` one of the catalog
  model a model argument names; `[[A||B]]` marks a part dropped (B in its place) when it reads a
  model and the call names none, or when its optional arguments are omitted (twins only);
- template sheets (flopsheet.template.layout): `{key}` a cell this sheet placed under `key`,
  `{Seed check:key}` one another sheet placed; the Training sheet's row formulas, `{gpu}`
  this row's cell of the gpu column.
`fill` replaces each placeholder with what `value(scope, name)` returns (scope None when
absent); nothing else in the text is touched, so Excel's own text passes through unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable

PLACEHOLDER = re.compile(r"\{(?:([^{}:\"]+):)?([A-Za-z_][A-Za-z0-9_]*)\}")


def fill(template: str, value: Callable[[str | None, str], str]) -> str:
    """`template` with every `{name}` / `{scope:name}` replaced by `value(scope, name)`."""
    return PLACEHOLDER.sub(lambda m: value(m.group(1), m.group(2)), template)


def placeholders(template: str) -> list[tuple[str | None, str]]:
    """The (scope, name) of each placeholder, in order."""
    return [(m.group(1), m.group(2)) for m in PLACEHOLDER.finditer(template)]
