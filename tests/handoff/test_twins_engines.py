"""Issue 10's edges, recalculated by BOTH spreadsheet engines: every twin below, with its
arguments in cells, shows what the Python function returns (relative 1e-9), and #N/A exactly
where Python returns an error (never a number, never #VALUE! in one engine and #N/A in the
other). One workbook, one LibreOffice run and one Gnumeric run for the whole module.

The cases are the silent wrong answers the issue lists: GPU names that look like magnitudes,
wildcard characters in names, precisions, units and fields, control characters, booleans,
fractional counts, implausible model sizes, missing catalog figures, unknown GPUs, count
rounding at ties, image patches after float noise, TRAIN_COST's catalog price.
"""

from __future__ import annotations

import pytest
from twin_cases import BLANK, arguments_in_row, cases_workbook, engine_tests

from engine_batch import shared_workbook
from flopsheet import catalog, engine
from flopsheet.errors import FlopsheetError
from flopsheet.functions import REGISTRY
from flopsheet.handoff.gpusheet import ensure_table
from flopsheet.handoff.twins import render

COLUMN = 10  # the twin's column; its arguments are in A, B...

GPU_TEXTS = [
    "H100",
    "h100 sxm",
    "A100",
    "910B",
    "4090",
    "1979",
    "H1*",
    "H?00",
    "~H100",
    "*",
    "H100\t",
    "H\t100",
    "H100\n",
    "Nonexistent",
    True,
    False,
    312.0,
    BLANK,
]

CASES: list[tuple[str, tuple]] = []
for g in GPU_TEXTS:
    CASES += [("GPU_DAYS", (6.3e24, g)), ("GPU_SPEC", (g, "memory_gb")), ("TRAIN_ENERGY_MWH", (6.3e24, g))]
for p in ["bf16", "fp8", "fp*", "?p8", "bf16\t", True, BLANK]:
    CASES.append(("GPU_DAYS", (6.3e24, "H100", 0.4, p)))
for f in ["memory_gb", "mem*", "memory_g?", "~memory_gb", "tdp_w\t", "vendor", "price_date", True, BLANK]:
    CASES.append(("GPU_SPEC", ("H100", f)))
# figures the catalog lacks are #N/A in both engines (Gnumeric's VLOOKUP of an empty cell is 0)
for g, f in [("A100", "fp8_tflops"), ("A100", "fp4_tflops"), ("B200", "usd_per_gpu_hour"), ("910B", "bf16_tflops")]:
    CASES.append(("GPU_SPEC", (g, f)))
for u in ["word", "zh_char", "*char", "en_cha?", "word\t", 0.5, True, BLANK]:
    CASES.append(("TEXT_TOKENS", (1000.0, u)))
# booleans and implausible sizes in number arguments
CASES += [
    ("TRAIN_FLOPS", (True, 3e11)),
    ("TRAIN_FLOPS", (1.75e11, True)),
    ("TRAIN_FLOPS", (70.0, 3e11)),
    ("TRAIN_FLOPS", (7e10, 300.0)),
    ("TRAIN_FLOPS", (7e10, 3e11)),
    ("CHINCHILLA_TOKENS", (70.0,)),
    ("WEIGHTS_GB", (999999.0,)),
    ("WEIGHTS_GB", (1e6,)),
    ("GPU_DAYS", (True, "H100")),
    ("GPU_DAYS", (6.3e24, "H100", True)),
]
# fractional counts
CASES += [
    ("TRAIN_DAYS", (6.3e24, "H100", 0.4)),
    ("TRAIN_DAYS", (6.3e24, "H100", 8.0)),
    ("TRAIN_DAYS", (6.3e24, "H100", 2.5)),
    ("KV_CACHE_GB", (32.0, 8.0, 128.0, 1000.0, 2.5)),
    ("KV_CACHE_GB", (32.5, 8.0, 128.0, 1000.0)),
    ("DECODE_MS", (8e9, "H100", 1.5, 2.0, 1.0)),
    ("VIDEO_TOKENS", (10.5, 224.0, 224.0)),
    ("IMAGE_TOKENS", (224.0, 224.0, 15.5)),
]
# issue 20: a plain parameter count has no cache (blank kv_gb is none); any degree up to the 8-GPU NVLink domain
CASES += [
    ("DECODE_MS", (8e9, "H100", 1.0, 2.0, 3.0)),
    ("DECODE_MS", (8e9, "H100", 1.0, 2.0, 9.0)),
    ("TOKENS_PER_SECOND", (7e10, "H100", 64.0, 2.0, 2.0)),
    ("TOKENS_PER_SECOND", (7e10, "H100", 64.0, 2.0, 2.0, BLANK)),  # kv_gb's cell left empty
    # every argument in a cell, written in place (one formula): under Excel's 8,192 characters since a plain count's
    # decode step has no attention term in its twin
    ("COST_PER_MTOK", (7e10, "H100", 2.5, "output", 1.0, 64.0, 2.0, 2.0)),
    ("COST_PER_MTOK", (7e10, "MI300X", 2.5, "blended", 0.8, 64.0, 2.0, 4.0, 20.0)),
    ("COST_PER_MTOK", (7e10, "H100", 2.5, "output", 1.0, 64.5, 2.0, 2.0)),  # no answer: a fractional batch
    ("RESPONSE_SECONDS", (7e10, 1000.0, 200.0, "H100", 8.0, 2.0, 4.0)),
    ("ITL_MS", (7e10, 1000.0, 200.0, "H100", 8.0, 2.0, 4.0)),
    ("ITL_MS", (7e10, 1000.0, 200.0, "H100", 8.0, 2.0, 4.0, 12.5)),
    ("ITL_MS", (8e9, 1000.0, 0.0, "H100", 8.0, 2.0, 1.0)),  # no answer: no inter-token latency, an error
]
# the count rule at its edges, and patches after float noise
for gb in [
    216.00000000036,
    216.0,
    216.00000000035,
    216.0000000004,
    144.00000000036,
    72.0 * 3.0000000000045,
    72.0 * 2.999999999995,
    0.1,
    1e-3,
]:
    CASES.append(("GPUS_TO_FIT", (gb, "H100")))
for h in [2240 * 0.1, 224.0, 224.00000001, 16 * 0.1 * 10, 0.1 + 0.2, 1000.0 * 1.1]:
    CASES += [("IMAGE_TOKENS", (h, 224.0)), ("VIDEO_TOKENS", (h, 224.0, h, 16.0, 1.0))]
CASES += [("GPUS_NEEDED", (9.216e26, "H100", 30.0)), ("GPUS_NEEDED", (6.3e24, "H100", 1.0, 0.5))]
# a GPU without a confirmed peak still has its memory (GPUS_TO_FIT), never its peak (GPU_DAYS above)
for g in ["910B", "Ascend 910B", "MLU590"]:
    CASES.append(("GPUS_TO_FIT", (350.0, g)))
# TRAIN_COST: blank price = the catalog's dated price; none in the catalog: an error
CASES += [
    ("TRAIN_COST", (6.3e24, "H100", BLANK)),
    ("TRAIN_COST", (6.3e24, "H100", 2.0)),
    ("TRAIN_COST", (6.3e24, "B200", BLANK)),
    ("TRAIN_COST", (6.3e24, 989.0, BLANK)),
    ("TRAIN_COST", (6.3e24, "910B", 2.0)),
]

# a blank mfu is the training efficiency of the precision's peak (engine.training_mfu), in a cell or typed
for p in ["bf16", "fp8", "int8", "fp4", "FP8", "fp*", BLANK]:
    CASES += [("GPU_DAYS", (6.3e24, "B200", BLANK, p)), ("TRAIN_COST", (6.3e24, "B200", 2.0, BLANK, p))]
CASES += [("GPU_DAYS", (6.3e24, "B200", 0.5, "fp8")), ("TRAIN_ENERGY_MWH", (6.3e24, "H100", BLANK, "fp8"))]
# TRAIN_MFU with a plain parameter count: the precision's share (no model terms), the per-step overhead, its pairing
CASES += [
    ("TRAIN_MFU", (7e9, "A100")),
    ("TRAIN_MFU", (7e9, "H100", "fp8")),
    ("TRAIN_MFU", (7e9, "H100", BLANK, BLANK, 64.0, 262144.0)),
    ("TRAIN_MFU", (7e9, "H100", "bf16", 0.0, 64.0, BLANK)),
    ("TRAIN_MFU", (7e9, "H100", "fp4", BLANK, BLANK, BLANK, 0.3)),
    ("TRAIN_MFU", (7e9, "H100", "bf16", 4096.0, 2.5, 1e6)),
    ("TRAIN_MFU", (7e9, "H100", "bf16", 4096.0, 64.0, 262144.0, BLANK, 8.0, 4096.0)),  # no experts: as blank
    ("TRAIN_MFU", (7e9, "H100", "bf16", BLANK, BLANK, BLANK, BLANK, BLANK, 4096.0)),  # the pair: an error
    ("TRAIN_MFU", (True, "H100")),
    # ep beyond the GPU's NVLink domain (engine.training.EP_DOMAIN): #N/A where Python refuses, even for a plain
    # count; at the domain, and on a typed peak (no domain known), answered; GB200's NVL72 domain by alias spelling
    ("TRAIN_MFU", (7e9, "H100", "bf16", BLANK, BLANK, BLANK, BLANK, 64.0, 4096.0)),
    ("TRAIN_MFU", (7e9, "h100 sxm", "bf16", BLANK, BLANK, BLANK, BLANK, 9.0, 4096.0)),
    ("TRAIN_MFU", (7e9, "H100 PCIe", "bf16", BLANK, BLANK, BLANK, BLANK, 16.0, 4096.0)),
    ("TRAIN_MFU", (7e9, "H100", "bf16", BLANK, BLANK, BLANK, BLANK, 8.0, 4096.0)),
    ("TRAIN_MFU", (7e9, "GB200", "fp8", BLANK, BLANK, BLANK, BLANK, 72.0, 4096.0)),
    ("TRAIN_MFU", (7e9, "NVIDIA GB200", "fp8", BLANK, BLANK, BLANK, BLANK, 73.0, 4096.0)),
    ("TRAIN_MFU", (7e9, 989.0, "bf16", BLANK, BLANK, BLANK, BLANK, 64.0, 4096.0)),
]
# IMPLIED_MFU: the MFU at a goodput (default GPU_HOURS'), so it feeds GPU_HOURS back (test_implied_mfu_roundtrip.py)
CASES += [
    ("IMPLIED_MFU", (3.8e25, 30.84e6, "H100")),
    ("IMPLIED_MFU", (3.8e25, 30.84e6, "H100", "bf16", 1.0)),
    ("IMPLIED_MFU", (3.8e25, 30.84e6, "H100", "fp8", 0.9)),
    ("IMPLIED_MFU", (3.8e25, 30.84e6, "H100", BLANK, 0.0)),
]


def python_value(name, args):
    try:
        return float(REGISTRY[name](*(None if a is BLANK else a for a in args)))
    except FlopsheetError:
        return None
    except (TypeError, ValueError):  # GPU_SPEC text fields
        return REGISTRY[name](*(None if a is BLANK else a for a in args))


@shared_workbook("cases.xlsx")
def workbook(d):
    wb, ws = cases_workbook()
    table = ensure_table(wb)
    rows = []
    for r, (name, args) in enumerate(CASES, start=1):
        ws.cell(r, COLUMN, "=" + render(REGISTRY[name], arguments_in_row(ws, r, args), table))
        rows.append((r, name, args, python_value(name, args)))
    src = d / "cases.xlsx"
    wb.save(src)
    return d, src, rows


def test_python_side_of_the_cases():
    """The cases say what the issue says Python must do (so the engine checks test the right thing)."""
    values = {(n, a): python_value(n, a) for n, a in CASES}
    assert values[("GPU_DAYS", (6.3e24, "910B"))] is None
    assert values[("GPU_DAYS", (6.3e24, "4090"))] == pytest.approx(
        6.3e24
        / (
            catalog.peak_tflops(catalog.resolve("RTX 4090"), "bf16")
            * 1e12
            * engine.TRAIN_MFU
            * engine.DEFAULT_GOODPUT
            * 86400
        )
    )
    assert values[("GPU_DAYS", (6.3e24, "1979"))] is None
    # ep against the GPU's NVLink domain: beyond it refused (None), inside it or on a typed peak answered
    ep = {
        (a[1], a[7]): v
        for (n, a), v in values.items()
        if n == "TRAIN_MFU" and len(a) > 7 and a[3] is BLANK and a[7] is not BLANK
    }
    assert ep[("H100", 64.0)] is ep[("h100 sxm", 9.0)] is ep[("H100 PCIe", 16.0)] is ep[("NVIDIA GB200", 73.0)] is None
    assert ep[("H100", 8.0)] == 0.4 and ep[("GB200", 72.0)] == 0.41 and ep[(989.0, 64.0)] == 0.4
    assert values[("GPUS_TO_FIT", (216.00000000036, "H100"))] == 4
    assert values[("IMAGE_TOKENS", (2240 * 0.1, 224.0))] == 196
    assert values[("TRAIN_DAYS", (6.3e24, "H100", 0.4))] is None
    assert values[("TRAIN_COST", (6.3e24, "H100", BLANK))] == pytest.approx(
        values[("TRAIN_COST", (6.3e24, "H100", 2.0))] * catalog.resolve("H100").usd_per_gpu_hour / 2
    )
    # blank mfu: the share of the precision's peak; FP8 is 2 x 0.36 / 0.375 = 1.92x BF16's rate, FP4 2.67x
    bf16 = values[("GPU_DAYS", (6.3e24, "B200", BLANK, "bf16"))]
    assert values[("GPU_DAYS", (6.3e24, "B200", BLANK, BLANK))] == bf16
    assert bf16 / values[("GPU_DAYS", (6.3e24, "B200", BLANK, "fp8"))] == pytest.approx(2 * 0.36 / 0.375)
    assert bf16 / values[("GPU_DAYS", (6.3e24, "B200", BLANK, "int8"))] == pytest.approx(2 * 0.36 / 0.375)
    assert bf16 / values[("GPU_DAYS", (6.3e24, "B200", BLANK, "fp4"))] == pytest.approx(4 * 0.25 / 0.375)
    assert values[("GPU_DAYS", (6.3e24, "B200", BLANK, "fp*"))] is None
    assert values[("IMPLIED_MFU", (3.8e25, 30.84e6, "H100", BLANK, 0.0))] is None
    assert sum(v is None for v in values.values()) > 40 and sum(v is not None for v in values.values()) > 30


# every case above, recalculated by LibreOffice and by Gnumeric, shows what Python returns (twin_cases.py)
test_libreoffice_shows_what_python_returns, test_gnumeric_shows_what_python_returns = engine_tests(COLUMN)
