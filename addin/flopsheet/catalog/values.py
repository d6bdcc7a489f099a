"""Reading figures off a catalog row: dense peaks, GPU_SPEC fields, required properties.

Every miss says WHY the figure is absent (unconfirmed / not published / not supported), because
"missing" alone invites users to trust some other number they found online.
"""

from __future__ import annotations

from flopsheet import csvtable
from flopsheet.catalog.model import FIELDS, GPU, PRECISION_FIELDS, PRECISIONS, TABLE
from flopsheet.errors import FlopsheetError

_PRECISION_LIST = ", ".join(PRECISIONS)
_PEAK_FIELDS = frozenset(PRECISION_FIELDS.values()) | {"fp64_tflops"}
# GPU_SPEC also takes a bare precision ("fp8") as shorthand for its peak field.
_FIELD_ALIASES = {**{f: f for f in FIELDS}, **PRECISION_FIELDS}


def precision_field(precision: str | None = "bf16") -> str:
    """The catalog field holding a precision's dense peak; blank means bf16."""
    field = PRECISION_FIELDS.get(precision)  # fast path: already canonical
    if field is not None:
        return field
    if precision is None or (isinstance(precision, str) and not precision.strip()):
        return PRECISION_FIELDS["bf16"]
    key = precision.strip().lower() if isinstance(precision, str) else None
    if key in PRECISION_FIELDS:
        return PRECISION_FIELDS[key]
    shown = precision.strip() if isinstance(precision, str) else precision
    raise FlopsheetError(f'precision must be one of {_PRECISION_LIST} (got "{shown}")', arg="precision")


def supported_precisions(gpu: GPU) -> tuple[str, ...]:
    """Precisions with a dense peak in the catalog for this GPU, in PRECISIONS order."""
    return tuple(p for p in PRECISIONS if getattr(gpu, PRECISION_FIELDS[p]) is not None)


def missing_reason(gpu: GPU, field: str) -> str:
    """Why a field of this row is empty, as a short phrase."""
    listed = TABLE.why_missing(gpu, field)
    if listed:
        return listed
    if field in _PEAK_FIELDS:
        return "format not supported"
    if field in ("usd_per_gpu_hour", "price_source", "price_date"):
        return "no sourced price recorded"
    return "not recorded"


def peak_tflops(gpu: GPU, precision: str | None = "bf16") -> float:
    """Dense peak TFLOPS (TOPS for int8) of `gpu` at `precision`."""
    field = precision_field(precision)
    value = getattr(gpu, field)
    if value is not None:
        return value
    p = "int8" if field == "int8_tops" else field[: -len("_tflops")]
    reason = missing_reason(gpu, field)
    have = supported_precisions(gpu)
    tail = f"it supports {', '.join(have)}" if have else "pass the peak TFLOPS as a number instead"
    if reason == "format not supported":
        raise FlopsheetError(f'precision "{p}": {gpu.name} has no dense {p} figure; {tail}', arg="precision")
    raise FlopsheetError(f'precision "{p}": {gpu.name} has no dense {p} figure ({reason}); {tail}', arg="precision")


def field_name(field: str | None) -> str:
    """The catalog field a GPU_SPEC `field` argument names ("FP8" -> fp8_tflops; blank -> bf16)."""
    if field is None or (isinstance(field, str) and not field.strip()):
        return "bf16_tflops"  # GPU_SPEC's default
    key = field.strip().lower() if isinstance(field, str) else None
    if key in _FIELD_ALIASES:
        return _FIELD_ALIASES[key]
    shown = field.strip()[:24] if isinstance(field, str) else field
    raise FlopsheetError(f'field must be one of {_field_list()} (got "{shown}")', arg="field")


def _field_list() -> str:
    """The fields for a message, the peaks grouped ("fp32/tf32/bf16..._tflops") to keep it one short line."""
    peaks = [f[: -len("_tflops")] for f in FIELDS if f.endswith("_tflops")]
    return ", ".join(["/".join(peaks) + "_tflops"] + [f for f in FIELDS if not f.endswith("_tflops")])


class Missing:
    """A figure the catalog does not have: not a number, and says why.

    `figure()` returns this instead of None so a writer (the hand-off GPUs sheet, a report)
    cannot turn a missing figure into 0: float(), arithmetic and comparisons raise TypeError.
    """

    __slots__ = ("gpu", "field", "reason")

    def __init__(self, gpu: str, field: str, reason: str):
        self.gpu, self.field, self.reason = gpu, field, reason

    def __bool__(self) -> bool:
        return False

    def __float__(self):
        raise TypeError(f"{self.gpu} has no {self.field} in the catalog ({self.reason})")

    def __repr__(self) -> str:
        return f"Missing({self.gpu!r}, {self.field!r}, {self.reason!r})"

    def __str__(self) -> str:
        return f"no {self.field} ({self.reason})"


def figure(gpu: GPU, field: str | None = "bf16_tflops") -> float | int | str | Missing:
    """One catalog value, or a `Missing` marker with the reason; never None, never 0 for blank."""
    name = field_name(field)
    value = getattr(gpu, name)
    if value is None or value == "":
        return Missing(gpu.name, name, missing_reason(gpu, name))
    return value


def spec(gpu: GPU, field: str | None = "bf16_tflops") -> float | int | str:
    """One catalog value (GPU_SPEC): a number, or text for vendor/source/full_name/confidence/
    price_source/price_date. A missing figure raises FlopsheetError saying why."""
    return csvtable.figure(gpu, field_name(field), missing_reason)


def require(gpu: GPU, field: str, purpose: str) -> float:
    """A numeric property that a calculation needs (bandwidth, memory, TDP...), or an error.

    `purpose` is a noun phrase for the message, e.g. "the decode roofline".
    """
    if not isinstance(gpu, GPU):
        # A number given as `gpu` is only a peak; it has no bandwidth, memory or TDP.
        raise FlopsheetError(
            f"{purpose} needs {field}, so gpu must be a catalog name, not a number (see GPU_NAMES())",
            arg="gpu",
        )
    if field not in FIELDS:
        raise FlopsheetError(f'field must be one of {_field_list()} (got "{field}")', arg="field")
    value = getattr(gpu, field)
    if value is None or isinstance(value, str):
        reason = missing_reason(gpu, field) if value in (None, "") else "not a number"
        raise FlopsheetError(f"{gpu.name} has no {field} in the catalog ({reason}), which {purpose} needs", arg="gpu")
    return float(value)
