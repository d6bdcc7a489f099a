"""The catalog row (`GPU`) and loading the shipped accelerators.csv.

The CSV is transcribed from the project's reference table (datasheets, with a source per row).
A figure the reference marks "unconfirmed" or "not published" is left EMPTY here and its field
is listed in the row's `unconfirmed` column (and also in `not_published` when that is the
reason), so a guess can never pass for a datasheet value. An empty precision that is not listed
there means the format is not supported (the reference says "n/a").
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from flopsheet.csvtable import Table, check_listed_empty
from flopsheet.errors import FlopsheetError

# Precision names users type, in the order error messages list them.
PRECISIONS = ("bf16", "fp16", "fp8", "fp4", "int8", "tf32", "fp32")
PRECISION_FIELDS = {p: ("int8_tops" if p == "int8" else f"{p}_tflops") for p in PRECISIONS}

# What GPU_SPEC accepts; the first 15 are fixed by the contract, the rest are additions.
FIELDS = (
    "fp32_tflops",
    "tf32_tflops",
    "bf16_tflops",
    "fp16_tflops",
    "fp8_tflops",
    "fp4_tflops",
    "int8_tops",
    "memory_gb",
    "bandwidth_tbs",
    "tdp_w",
    "interconnect_gbs",
    "sparsity_factor",
    "vendor",
    "year",
    "source",
    "fp64_tflops",
    "full_name",
    "confidence",
    "usd_per_gpu_hour",
    "price_source",
    "price_date",
    "server_w",
    "server_source",
)

TABLE = Table(
    "flopsheet.catalog",
    "accelerators.csv",
    ints=("year",),
    floats=(
        "memory_gb",
        "bandwidth_tbs",
        "fp32_tflops",
        "tf32_tflops",
        "bf16_tflops",
        "fp16_tflops",
        "fp8_tflops",
        "fp4_tflops",
        "int8_tops",
        "fp64_tflops",
        "sparsity_factor",
        "interconnect_gbs",
        "tdp_w",
        "server_w",
        "usd_per_gpu_hour",
    ),
    texts=("vendor", "price_source", "price_date", "server_source", "source", "confidence", "full_name", "notes"),
    publisher="vendor",
    unconfirmed="unconfirmed in public sources",
)


@dataclass(frozen=True)
class GPU:
    """One accelerator. Peaks are DENSE (no 2:4 sparsity); None = not in the catalog."""

    name: str
    vendor: str
    year: int | None
    memory_gb: float | None
    bandwidth_tbs: float | None
    fp32_tflops: float | None
    tf32_tflops: float | None
    bf16_tflops: float | None
    fp16_tflops: float | None
    fp8_tflops: float | None
    fp4_tflops: float | None
    int8_tops: float | None
    fp64_tflops: float | None
    sparsity_factor: float | None  # vendor's with-sparsity headline = dense * this
    interconnect_gbs: float | None
    tdp_w: float | None
    # IT power per accelerator of its reference server or rack at full load (system maximum / its
    # accelerators: DGX H100 10.2 kW / 8), host CPUs, NICs, switches and fans included; PUE not
    # included. server_source says whose figure it is, or begins "ESTIMATE:" and says how it was made.
    server_w: float | None
    server_source: str
    usd_per_gpu_hour: float | None  # an editable assumption, dated; see price_source
    price_source: str  # who published the price and what kind it is (list price / assumption)
    price_date: str  # ISO date the price was published or read; a price row has both
    source: str
    confidence: str
    unconfirmed: tuple[str, ...]  # fields left empty: reference says unconfirmed/not published
    not_published: tuple[str, ...]  # the subset the reference says "not published"
    aliases: tuple[str, ...]
    full_name: str
    notes: str
    selectable: bool  # has a dense bf16 or fp16 peak, so it can stand in for a GPU argument

    def __repr__(self) -> str:  # the full row is long; the name identifies it
        return f"GPU({self.name!r})"


def _parse_row(raw: dict[str, str], line: int) -> GPU:
    values = TABLE.parse(raw, line)
    values["selectable"] = values["bf16_tflops"] is not None or values["fp16_tflops"] is not None
    gpu = GPU(**values)
    # A field can only be listed as missing if it is empty; catch a hand edit that breaks this.
    check_listed_empty(gpu, FIELDS, f"catalog row {gpu.name}", gpu.unconfirmed + gpu.not_published)
    # A price is only shipped with who published it and when (GPU_SPEC shows both).
    if (gpu.usd_per_gpu_hour is None) != (not gpu.price_source) or (gpu.usd_per_gpu_hour is None) != (
        not gpu.price_date
    ):
        raise FlopsheetError(
            f"catalog row {gpu.name}: a price needs price_source and price_date, and they need a price"
        )
    if (gpu.server_w is None) != (not gpu.server_source):
        raise FlopsheetError(f"catalog row {gpu.name}: server_w needs server_source, and server_source a server_w")
    if gpu.price_date and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", gpu.price_date):
        raise FlopsheetError(f"catalog row {gpu.name}: price_date must be YYYY-MM-DD (got {gpu.price_date!r})")
    return gpu


@functools.lru_cache(maxsize=1)
def all_gpus() -> tuple[GPU, ...]:
    """Every catalog row (selectable or not), in catalog order."""
    return TABLE.read(_parse_row)
