"""Turning what a user typed ("nvidia h100", "A100 80GB", "H100-80GB", "v6e") into a catalog row.

Text is always a NAME: "910B" is the Ascend 910B and "4090" the RTX 4090, never a magnitude;
text that names no GPU ("1979") is refused with a hint to type a peak as a number instead.

Two steps, the first exact, the second by model number:
1. Keys: the text after normalising case, spaces, hyphens and underscores and dropping vendor
   words ("NVIDIA H100-SXM" and "h100sxm" are one key). Each row answers to its name, its
   aliases and the reference's full name; two rows claiming one key is a catalog bug and fails
   at load rather than silently picking one. The hand-off copy's formulas reproduce this step.
2. Model number (`names.parse`): "H100 SXM5 80GB" is model h100, form sxm, 80 GB. Among the
   rows of that model, the model's default row (the one the bare model names: "H100" -> H100
   SXM) wins if nothing typed contradicts it; otherwise the one row that fits. Several fits,
   or none, is an error that lists the model's rows. Suggestions never leave the model number:
   "B100" does not suggest V100 and "H100-80GB" never H800.
"""

from __future__ import annotations

import functools
import itertools

from flopsheet.catalog import names
from flopsheet.catalog.model import GPU, all_gpus
from flopsheet.csvtable import label_index, labels
from flopsheet.errors import FlopsheetError

_DROP = str.maketrans("", "", " \t-_")
_PREFIXES = tuple(sorted(names.VENDOR_WORDS))


def normalise_key(text: str) -> str:
    """The exact-match key of a spelling: lower case, no spaces/tabs/-/_, vendor words dropped.

    Public because the hand-off GPUs sheet writes these keys for its formulas to match.
    """
    key = text.lower().translate(_DROP)
    stripped = True
    while stripped:
        stripped = False
        for prefix in _PREFIXES:
            if key.startswith(prefix) and len(key) > len(prefix):
                key, stripped = key[len(prefix) :], True
    return key


@functools.lru_cache(maxsize=1)
def _index() -> dict[str, GPU]:
    return label_index(all_gpus(), normalise_key)


@functools.lru_cache(maxsize=1)
def _models() -> tuple[dict[str, tuple[GPU, ...]], dict[str, GPU], dict[GPU, frozenset[str]]]:
    """model key -> its rows; model key -> its default row; row -> its form factors.

    A row's model keys come from its name and aliases (not the descriptive full name); its
    default for a model is the row whose label is that bare model ("H100" on H100 SXM).
    """
    rows: dict[str, list[GPU]] = {}
    default: dict[str, GPU] = {}
    forms: dict[GPU, frozenset[str]] = {}
    for gpu in all_gpus():
        found: set[str] = set()
        for label in labels(gpu):
            parsed = names.parse(label)
            if parsed is None:
                raise FlopsheetError(f'catalog bug: label "{label}" of {gpu.name} is not a parseable name')
            if parsed.form:
                found.add(parsed.form)
            if label == gpu.full_name or not parsed.tokens:
                continue
            model = parsed.model
            if gpu not in rows.setdefault(model, []):
                rows[model].append(gpu)
            if parsed.form is None and parsed.memory_gb is None:
                other = default.setdefault(model, gpu)
                if other is not gpu:
                    raise FlopsheetError(f'catalog bug: model "{model}" is the default of {other.name} and {gpu.name}')
        forms[gpu] = frozenset(found)
    return {m: tuple(g) for m, g in rows.items()}, default, forms


def gpu_names() -> list[str]:
    """Canonical names of the rows a GPU argument accepts (those with a dense bf16/fp16 peak)."""
    return [g.name for g in all_gpus() if g.selectable]


def _fits(gpu: GPU, parsed: names.Parsed, forms: frozenset[str]) -> bool:
    """Nothing typed contradicts the row: same memory (if typed), a form it has (if it names any)."""
    if parsed.memory_gb is not None and (gpu.memory_gb is None or abs(gpu.memory_gb - parsed.memory_gb) >= 0.5):
        return False
    return parsed.form is None or not forms or parsed.form in forms


def _listing(rows, sep: str = ", ") -> str:
    return sep.join(f'"{g.name}"' for g in rows)


def _by_model(shown: str, parsed: names.Parsed) -> GPU | str | None:
    """Step 2: the row a parsed spelling names, an error message, or None (no model number)."""
    rows, default, forms = _models()
    tokens = parsed.tokens
    # The model number is the longest run of words that is a known model ("gaudi 3" -> gaudi3);
    # any other word must itself be a model key of the same rows ("Gaudi 3 HL-325L").
    spans = sorted(itertools.combinations(range(len(tokens) + 1), 2), key=lambda s: s[0] - s[1])
    for start, end in spans:
        model = "".join(tokens[start:end])
        if model not in rows:
            continue
        candidates = rows[model]
        rest = tokens[:start] + tokens[end:]
        if rest:
            # "".join(rest) as one more key: "Gaudi 3 HL-325L" -> model gaudi3, rest hl325l.
            extra = rows.get("".join(rest), ())
            candidates = tuple(g for g in candidates if g in extra)
            if not candidates:
                return f'unknown GPU "{shown}"; the catalog has {model.upper()} only as {_listing(rows[model])}'
        fitting = [g for g in candidates if _fits(g, parsed, forms[g])]
        base = default.get(model)
        if base in fitting:
            return base
        if len(fitting) == 1:
            return fitting[0]
        if not fitting:
            return f'unknown GPU "{shown}"; the catalog has {model.upper()} only as {_listing(candidates)}'
        return f'GPU "{shown}" is ambiguous: it could be {_listing(fitting)}; type one of these names'
    return None


def _suggestions(parsed: names.Parsed | None) -> list[GPU]:
    """Rows to suggest for an unknown spelling, never one of another model number."""
    if parsed is None or not parsed.tokens:
        return []
    rows, default, _ = _models()
    typed = parsed.model
    out: list[GPU] = []
    for model in sorted((m for m in rows if names.near_model(typed, m)), key=lambda m: (len(m), m)):
        gpu = default.get(model) or rows[model][0]
        if gpu not in out:
            out.append(gpu)
    return out


# Rack names whose NVL number counts GPU dies, not GPUs: NVIDIA's "Vera Rubin NVL144" (GTC 2025)
# counts two Rubin dies per GPU package, 72 packages, the rack NVIDIA's later documentation calls
# "Vera Rubin NVL72" (docs.nvidia.com/reference-architectures/vera-rubin-nvl72-ai-factory). The
# catalog's Rubin row is one package, so NVL144 means 72 of it, never 144.
_DIE_COUNTED_RACKS = {("Rubin", 144): 72}


def _looks_like_a_number(text: str) -> bool:
    return text[:1].isdigit() or (text[:1] in "+-." and text[1:2].isdigit())


@functools.lru_cache(maxsize=4096)
def _by_text(name: str) -> GPU | str:
    """The row for raw text, else the error message.

    Cached on the raw text, so a repeated call skips normalising (< 2 us per call); misses are
    cached too, since parsing and suggesting is the slow part of a bad name.
    """
    shown = name.strip()
    if not shown:
        return "gpu is blank; give a catalog name (see GPU_NAMES()) or a peak TFLOPS"
    gpu = _index().get(normalise_key(shown))
    if gpu is not None:
        return gpu
    parsed = names.parse(shown)
    if parsed is not None and parsed.tokens:
        found = _by_model(shown, parsed)
        if isinstance(found, GPU) and parsed.rack:
            # a rack-scale name ("GB200 NVL72") is never silently one GPU of the rack
            n = parsed.rack
            packages = _DIE_COUNTED_RACKS.get((found.name, n))
            if packages:
                return (
                    f'"{shown}" is a rack of {packages} GPUs (NVIDIA\'s {n} counts dies, {n // packages} per GPU); '
                    f'the catalog\'s figures are per GPU: type "{found.name}" and count the GPUs ({packages} per rack)'
                )
            return (
                f'"{shown}" is a rack of {n} GPUs; the catalog\'s figures are per GPU: type "{found.name}" '
                f"and count the GPUs ({n} per rack)"
            )
        if found is not None:
            return found
    if _looks_like_a_number(shown):
        return f'no GPU is named "{shown}"; to give a peak in TFLOPS, type the number without quotes'
    close = _suggestions(parsed)
    if close:
        return f'unknown GPU "{shown}"; did you mean {_listing(close, " or ")}?'
    return f'unknown GPU "{shown}"; see GPU_NAMES() for the catalog'


def _not_selectable(gpu: GPU) -> FlopsheetError:
    missing = [f for f in ("bf16_tflops", "fp16_tflops") if f in gpu.unconfirmed]
    why = "not published" if missing and all(f in gpu.not_published for f in missing) else "unconfirmed"
    return FlopsheetError(
        f"{gpu.name} has no dense bf16/fp16 peak in the catalog ({why}); pass the peak TFLOPS as a number instead",
        arg="gpu",
    )


def resolve(name: str, *, selectable_only: bool = True) -> GPU:
    """The catalog row a user-typed name means. Text is always a name, never a number.

    With selectable_only=False, rows without a bf16/fp16 peak (Ascend 910B...) are returned too,
    for GPU_SPEC-style look-ups of their other fields.
    """
    if not isinstance(name, str):
        raise FlopsheetError(f"gpu must be a catalog name or a peak TFLOPS (got {name!r})", arg="gpu")
    found = _by_text(name)
    if isinstance(found, GPU):
        if found.selectable or not selectable_only:
            return found
        raise _not_selectable(found)
    raise FlopsheetError(found, arg="gpu")
