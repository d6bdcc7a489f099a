"""Property: for random valid arguments, each function's twin recalculated by LibreOffice and by
Gnumeric equals the Python engine (relative 1e-9), and where Python returns an error the twin
shows #N/A in both.

Hypothesis draws 50 calls per function (arguments as cells, as literals in the formula, as
text magnitudes, or omitted); all of them go into ONE workbook, which is handed off and
recalculated ONCE per engine. A failure lists every bad row (shrinking would cost a LibreOffice run a try).
"""

from __future__ import annotations

import math

import openpyxl
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter

from engine_batch import recalculate, recalculate_gnumeric, shared_workbook
from flopsheet import catalog
from flopsheet.errors import FlopsheetError
from flopsheet.functions import REGISTRY
from flopsheet.handoff.copy import handoff
from flopsheet.handoff.twins import looks_up_models, reads_layout
from flopsheet.magnitudes import format_num

PER_FUNCTION = 50
# a look-up on the Models sheet by name (MODEL_SPEC) is tests/handoff/test_model_twins_engines.py's
# (LAYOUT_DECODE_MS' twin needs a catalog model, a GPU and a layout typed in the formula: its own engines' test,
# test_layout_twins_engines.py)
FUNCTIONS = [f for f in REGISTRY.values() if f.twin and not looks_up_models(f) and not reads_layout(f)]


st_floats = st.floats


def floats(lo, hi):  # normal doubles only: Excel stores a subnormal as 0
    return st_floats(lo, hi, allow_nan=False, allow_subnormal=False)


def log10(lo: float, hi: float):
    return floats(lo, hi).map(lambda e: float(f"{10**e:.12g}"))


def whole(lo: int, hi: int):
    return st.integers(lo, hi).map(float)


def frac(lo: float):
    return floats(lo, 1.0)


NUMBERS = {
    "params": log10(6, 12.3),
    "tokens": log10(3, 14),
    "flops": log10(15, 27),
    "days": log10(-1, 3),
    "gpus": whole(1, 4096),
    "usd_per_gpu_hour": log10(-1, 1.5),
    "mfu": frac(0.01),
    "prefill_mfu": frac(0.01),
    "pue": floats(1, 3),
    "flops_per_param_token": floats(1, 12),
    "tokens_per_param": floats(1, 100),
    "layers": whole(1, 200),
    "d_model": whole(64, 32768),
    "seq_len": whole(128, 10**6),
    "prompt_tokens": whole(0, 10**6),
    "output_tokens": whole(0, 10**5),
    "batch": whole(1, 512),
    "bytes_per_param": st.sampled_from([0.5, 1.0, 2.0, 4.0]),
    "kv_gb": floats(0, 100),
    "bw_efficiency": frac(0.1),
    "kv_heads": whole(1, 128),
    "head_dim": whole(16, 256),
    "context_tokens": whole(1, 10**6),
    "bytes_per_value": st.sampled_from([1.0, 2.0, 4.0]),
    "gb": log10(-1, 5),
    "usable_fraction": frac(0.1),
    "height": whole(1, 8192),
    "width": whole(1, 8192),
    "patch": whole(1, 64),
    "frames": whole(1, 10000),
    "temporal_patch": whole(1, 8),
    "fps": st.none(),  # VIDEO_TOKENS' fps is read only with a tokenizer name (no twin: the value is kept)
    "amount": log10(0, 9),
    "tokens_per_word": floats(0.5, 3),
    "seconds": log10(-1, 6),
    # issue 13
    "goodput": frac(0.01),
    "gpu_hours": log10(2, 9),
    "allreduce_us": floats(0, 100),
    "host_us": floats(0, 1000),  # ITL_MS, SERVING_GPUS: the server's CPU time per running sequence per step
    "host_serial": st.sampled_from([0.0, 0.25, 0.5, 1.0]),  # SERVING_GPUS: its share on the step's critical path
    "latency_ms": log10(0, 3),
    "peak_factor": floats(1, 5),
    "kv_gb_per_sequence": floats(0, 10),
    "requests_per_day": log10(0, 9),
    # Money (flopsheet.functions.economics)
    "usd_per_gpu": log10(3, 5),
    "overhead": floats(1, 3),
    "server_w": floats(100, 3000),
    "mw": log10(-1, 4),
    "usd_per_kwh": floats(0.01, 0.5),
    "hours": log10(0, 5),
    "years": floats(1, 10),
    "utilization": frac(0.1),
    "load": frac(0.05),
    "price": log10(-2, 2),
    "cost": log10(-2, 2),
    "base_case": log10(-2, 12),
    "low": log10(-3, 11),
    "high": log10(-1, 13),
    "kind": st.sampled_from([None, "output", "input", "blended"]),
    # issue 23: the finance TCO's capital charge and colocation
    "cost_of_capital": st.sampled_from([0.0, 0.05, 0.1, 0.17]),
    "usd_per_kw_month": floats(0, 400),
    # issue 20: TRAIN_MFU's global batch in tokens and its share of the peak
    "batch_tokens": log10(4, 8),
    "share": frac(0.01),
    # TRAIN_MFU's expert-parallel step: degrees within every catalog GPU's scale-up domain (8 or more), as documented
    "ep": st.sampled_from([1.0, 2.0, 4.0, 8.0]),
    "micro_batch_tokens": log10(2, 6),
    # and its layout's tensor-parallel, pipeline and virtual-stage degrees (the bubble, the experts' copies)
    "tp": st.sampled_from([1.0, 2.0, 4.0, 8.0]),
    "pp": st.sampled_from([1.0, 2.0, 4.0, 16.0]),
    "vp": st.sampled_from([1.0, 2.0, 4.0]),
    # the serving engine's limit on sequences at once (SERVING_GPUS, SERVING_BATCH)
    "max_batch": st.sampled_from([1.0, 16.0, 256.0, 1024.0, 65536.0]),
}


def _spellings(gpu):
    names = [gpu.name, gpu.full_name, *gpu.aliases]
    out = set(names) | {n.lower() for n in names} | {n.replace(" ", "-") for n in names}
    if gpu.vendor == "NVIDIA":  # one vendor word in front (the hand-off's key table lists those)
        out |= {f"nvidia {n}" for n in names if not n.lower().startswith("nvidia")}
    return sorted(out)


GPU_NAMES = st.sampled_from([s for g in catalog.all_gpus() if g.selectable for s in _spellings(g)])
ANY_GPU_NAME = st.sampled_from([s for g in catalog.all_gpus() for s in _spellings(g)])


def _value(fn, arg):
    """A strategy for one argument's Python value (None = blank)."""
    needs_name = fn.name in ("GPU_SPEC",) or any(
        p in (fn.formula.params if fn.formula else ()) for p in ("memory_gb", "bandwidth_tbs", "tdp_w", "server_w")
    )
    if arg.kind == "gpu":
        if fn.name == "GPU_SPEC":
            return ANY_GPU_NAME
        return GPU_NAMES if needs_name else st.one_of(GPU_NAMES, log10(0, 3.5))
    if arg.kind == "precision":
        return st.sampled_from([None, *catalog.PRECISIONS, "BF16", " fp8 "])
    if arg.name == "unit" and fn.name == "RANGE_TEXT":
        return st.sampled_from([None, "$", "USD", "MW", "GPUs"])
    if arg.name == "model" and fn.name == "AUDIO_TOKENS":  # issue 21: a rate's name, or tokens per second
        return st.one_of(st.sampled_from([None, "Whisper", "Gemini", "gemini", "whisper-large-v3"]), floats(1, 100))
    if arg.name == "unit":
        return st.one_of(st.sampled_from([None, "word", "en_char", "zh_char", "ZH_CHAR"]), floats(0.1, 3))
    if arg.name == "field":
        return st.sampled_from([None, *catalog.FIELDS, *catalog.PRECISIONS])
    if arg.name == "text":
        return st.one_of(
            log10(-3, 15).map(format_num),
            floats(0.1, 99).map(lambda x: f"{x:.1f}%"),
            whole(1, 9999).map(lambda x: f"{int(x)}万"),
        )
    return NUMBERS[arg.name]


@st.composite
def call(draw, fn):
    """(formula arguments, cell values, python arguments) for one random call of `fn`."""
    parts, cells, python = [], [], []
    attention = draw(st.booleans())  # TRAIN_FLOPS / INFER_FLOPS: all attention args or none
    for arg in fn.args:
        value = draw(_value(fn, arg))
        optional = arg.optional
        if arg.name in ("layers", "d_model", "seq_len") and arg.default is None:
            value = value if attention else None
        modes = ["cell", "literal"] + (["omit"] if optional else [])
        if isinstance(value, float) and arg.kind == "number":
            modes.append("text")
        mode = draw(st.sampled_from(modes))
        if value is None and mode == "literal":
            mode = "omit"
        if mode == "omit":
            parts.append(None)
            cells.append(None)
            python.append(None)
        elif mode == "literal":
            parts.append('"' + value + '"' if isinstance(value, str) else repr(value).upper())
            cells.append(None)
            python.append(value)
        else:
            typed = format_num(value) if mode == "text" else value
            parts.append("CELL")
            cells.append(typed)
            python.append(typed)
    return parts, cells, python


def draw_calls(fn) -> list:
    """PER_FUNCTION random calls of `fn`, drawn by Hypothesis (no shrinking: nothing fails here)."""
    drawn = []

    @settings(
        max_examples=PER_FUNCTION,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(call(fn))
    def collect(example):
        drawn.append(example)

    collect()
    return drawn


@shared_workbook("handoff.xlsx")
def handed_off(d):
    """The random calls' workbook and its hand-off copy (not recalculated: each engine does)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "P"
    rows = []
    r = 0
    for fn in FUNCTIONS:
        for parts, cells, python in draw_calls(fn):
            r += 1
            args = []
            for i, (part, cell) in enumerate(zip(parts, cells)):
                ref = f"{get_column_letter(i + 2)}{r}"
                if cell is not None:
                    ws[ref] = cell
                args.append("" if part is None else ref if part == "CELL" else part)
            while args and args[-1] == "":
                args.pop()
            ws.cell(r, 1, f"={fn.name}({','.join(args)})")
            rows.append((r, fn, python, ws.cell(r, 1).value))
    wb.save(d / "random.xlsx")
    handoff(d / "random.xlsx", d / "handoff.xlsx", recalc=False)
    return d, rows


@pytest.mark.parametrize("engine", ["libreoffice", "gnumeric"])
def test_twins_equal_the_engine(handed_off, engine, request):
    """Each engine's value equals Python's (1e-9 relative), and #N/A where Python errors (the
    same error in every engine: issue 10)."""
    request.getfixturevalue("soffice" if engine == "libreoffice" else "gnumeric")
    d, rows = handed_off
    run = recalculate if engine == "libreoffice" else recalculate_gnumeric
    got = openpyxl.load_workbook(run(d / "handoff.xlsx", d / f"{engine}.xlsx"), data_only=True)["P"]

    bad, errors = [], 0
    for r, fn, python, formula in rows:
        try:
            expected = fn(*python)
        except FlopsheetError as e:
            expected = e
            errors += 1
        actual = got.cell(r, 1).value
        if isinstance(expected, FlopsheetError):
            ok = actual == "#N/A" or (isinstance(actual, str) and actual.startswith(fn.name + ":"))
        elif isinstance(expected, str):
            ok = actual == expected
        else:
            ok = (
                isinstance(actual, (int, float))
                and not isinstance(actual, bool)
                and math.isclose(float(actual), float(expected), rel_tol=1e-9, abs_tol=1e-15)
            )
            # abs_tol: GROSS_MARGIN(x, x) is 0 in Python and may be 1e-16 when a spreadsheet parses
            # the literal x one unit in the last place away from the cell's x
        if not ok:
            bad.append(f"row {r} {formula} {python}: Python {expected!r}, twin {actual!r}")
    print(f"{len(rows)} random calls, {errors} rejected by Python")
    assert len(rows) >= PER_FUNCTION * len(FUNCTIONS) * 0.8
    assert errors < len(rows) / 2  # mostly valid arguments, so the arithmetic is really compared
    assert not bad, f"{len(bad)} mismatches:\n" + "\n".join(bad[:40])
