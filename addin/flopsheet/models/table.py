"""The model row (`Model`) and loading the shipped models.csv.

Mirrors the GPU catalog (flopsheet/catalog/model.py): every figure comes from a primary source
named in the row's `source`; a figure the sources do not give is left EMPTY and listed in
`not_published` (the developer did not publish it) or `unconfirmed` (it may be public but was
not confirmed from a primary source), with the detail in `notes`. The only other empty figures
are structural: MoE fields of a dense model, MLA latent sizes of a non-MLA model, and sliding
window fields of a model without sliding-window layers. Loading refuses a row that breaks this,
so a guess cannot pass for a published value and a gap cannot pass silently.
"""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass
from importlib import resources

from flopsheet.errors import FlopsheetError
from flopsheet.models.fields import ATTENTION_KINDS, FIELDS, MLA_FIELDS, MOE_FIELDS, SLIDING_FIELDS

_INT_COLS = tuple(f for f, s in FIELDS.items() if s.numeric and s.unit in ("count", "tokens", "year"))
_FLOAT_COLS = tuple(f for f, s in FIELDS.items() if s.numeric and f not in _INT_COLS)
_TEXT_COLS = ("family", "developer", "attention", "training_hardware", "source", "confidence", "full_name", "notes")
_LIST_COLS = ("unconfirmed", "not_published", "aliases")


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


def _number(text: str, col: str, integer: bool) -> float | int | None:
    if not text:
        return None
    value = float(text)
    if integer:
        if value != int(value):
            raise ValueError(f"{col} must be a whole number (got {text})")
        return int(value)
    return value


def _check(model: Model) -> None:
    where = f"models.csv row {model.name}"
    if model.attention not in ATTENTION_KINDS:
        raise FlopsheetError(f"{where}: attention must be one of {', '.join(ATTENTION_KINDS)} (got {model.attention!r})")
    for field in model.unconfirmed + model.not_published:
        if field not in FIELDS:
            raise FlopsheetError(f"{where}: {field} listed as missing is not a field")
        if getattr(model, field) not in (None, ""):
            raise FlopsheetError(f"{where}: {field} is listed as missing but has a value")
    # Every empty figure has a reason: listed as missing, or structurally not applicable.
    listed = set(model.unconfirmed) | set(model.not_published)
    for field, _spec in FIELDS.items():
        if field in ("notes",):
            continue
        if getattr(model, field) in (None, "") and field not in listed and structural_reason(model, field) is None:
            raise FlopsheetError(f"{where}: {field} is empty with no reason (list it in unconfirmed or not_published)")
    if model.is_moe and (model.experts_per_token is None or model.moe_layers is None):
        raise FlopsheetError(f"{where}: an MoE row needs experts_per_token and moe_layers")
    if (model.sliding_window is None) != (model.sliding_layers is None) and not listed & {"sliding_window", "sliding_layers"}:
        raise FlopsheetError(f"{where}: sliding_window and sliding_layers go together")


def _parse_row(raw: dict[str, str], line: int) -> Model:
    values: dict[str, object] = {"name": raw["name"].strip()}
    try:
        for col in _INT_COLS:
            values[col] = _number(raw[col].strip(), col, integer=True)
        for col in _FLOAT_COLS:
            values[col] = _number(raw[col].strip(), col, integer=False)
    except ValueError as exc:
        raise FlopsheetError(f"catalog models.csv line {line}: {exc}") from None
    for col in _TEXT_COLS:
        values[col] = raw[col].strip()
    for col in _LIST_COLS:
        values[col] = tuple(s.strip() for s in raw[col].split(";") if s.strip())
    model = Model(**values)
    _check(model)
    return model


@functools.lru_cache(maxsize=1)
def all_models() -> tuple[Model, ...]:
    """Every catalog row, in catalog order."""
    text = resources.files("flopsheet.models").joinpath("models.csv").read_text("utf-8")
    reader = csv.DictReader(io.StringIO(text))
    return tuple(_parse_row(raw, i) for i, raw in enumerate(reader, start=2))
