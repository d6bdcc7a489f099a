"""The model row (`Model`) and loading the shipped models.csv (read as the GPU catalog is, by
flopsheet.csvtable): every figure comes from a primary source
named in the row's `source`; a figure the sources do not give is left EMPTY and listed in
`not_published` (the developer did not publish it) or `unconfirmed` (it may be public but was
not confirmed from a primary source), with the detail in `notes`. The only other empty figures
are structural: MoE fields of a dense model, MLA latent sizes of a non-MLA model, and sliding
window fields of a model without sliding-window layers. Loading refuses a row that breaks this,
so a guess cannot pass for a published value and a gap cannot pass silently.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from flopsheet.csvtable import Table, check_listed_empty
from flopsheet.errors import FlopsheetError
from flopsheet.models.fields import ATTENTION_KINDS, FIELDS, MLA_FIELDS, MOE_FIELDS, SLIDING_FIELDS

_INTS = tuple(f for f, s in FIELDS.items() if s.numeric and s.unit in ("count", "tokens", "year"))
TABLE = Table(
    "flopsheet.models",
    "models.csv",
    ints=_INTS,
    floats=tuple(f for f, s in FIELDS.items() if s.numeric and f not in _INTS),
    texts=("family", "developer", "attention", "training_hardware", "source", "confidence", "full_name", "notes"),
    publisher="developer",
    unconfirmed="unconfirmed in primary sources",
)


@dataclass(frozen=True)
class Model:
    """One model. Counts are raw numbers (parameters, tokens); None = not in the catalog."""

    name: str
    family: str
    developer: str
    year: int | None
    total_params: float | None
    active_params: float | None
    layers: int | None
    d_model: int | None
    heads: int | None
    kv_heads: int | None
    head_dim: int | None
    attention: str
    kv_lora_rank: int | None
    qk_rope_head_dim: int | None
    sliding_window: int | None
    sliding_layers: int | None
    experts: int | None
    experts_per_token: int | None
    shared_experts: int | None
    moe_layers: int | None
    vocab: int | None
    context: int | None
    training_tokens: int | None
    training_flops: float | None
    training_hardware: str
    training_chips: int | None
    gpu_hours: float | None
    mfu: float | None
    source: str
    confidence: str
    unconfirmed: tuple[str, ...]
    not_published: tuple[str, ...]
    aliases: tuple[str, ...]
    full_name: str
    notes: str

    @property
    def is_moe(self) -> bool:
        return self.experts is not None

    def __repr__(self) -> str:
        return f"Model({self.name!r})"


def structural_reason(model: Model, field: str) -> str | None:
    """Why `field` is empty by construction for this architecture, or None if it should hold a value."""
    if field in MOE_FIELDS and not model.is_moe:
        return "not applicable: dense model"
    if field in MLA_FIELDS and model.attention != "MLA":
        return f"not applicable: {model.attention} attention caches no latent"
    if field in SLIDING_FIELDS and model.sliding_window is None and model.sliding_layers is None:
        return "not applicable: no sliding-window layers"
    return None


def _check(model: Model) -> None:
    where = f"models.csv row {model.name}"
    if model.attention not in ATTENTION_KINDS:
        raise FlopsheetError(
            f"{where}: attention must be one of {', '.join(ATTENTION_KINDS)} (got {model.attention!r})"
        )
    check_listed_empty(model, FIELDS, where, model.unconfirmed + model.not_published)
    # Every empty figure has a reason: listed as missing, or structurally not applicable.
    listed = set(model.unconfirmed) | set(model.not_published)
    for field, _spec in FIELDS.items():
        if field in ("notes",):
            continue
        if getattr(model, field) in (None, "") and field not in listed and structural_reason(model, field) is None:
            raise FlopsheetError(f"{where}: {field} is empty with no reason (list it in unconfirmed or not_published)")
    if model.is_moe and (model.experts_per_token is None or model.moe_layers is None):
        raise FlopsheetError(f"{where}: an MoE row needs experts_per_token and moe_layers")
    if (model.sliding_window is None) != (model.sliding_layers is None) and not listed & {
        "sliding_window",
        "sliding_layers",
    }:
        raise FlopsheetError(f"{where}: sliding_window and sliding_layers go together")


def _parse_row(raw: dict[str, str], line: int) -> Model:
    model = Model(**TABLE.parse(raw, line))
    _check(model)
    return model


@functools.lru_cache(maxsize=1)
def all_models() -> tuple[Model, ...]:
    """Every catalog row, in catalog order."""
    return TABLE.read(_parse_row)
