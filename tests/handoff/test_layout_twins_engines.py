"""Issue 20, item 7: LAYOUT_DECODE_MS and LAYOUT_PREFILL_TOKENS_PER_SECOND have native twins. The decode step of an expert-parallel instance
(engine.moe.expert_parallel_seconds: the busiest GPU's weights and cache, its grouped expert GEMMs at their tokens,
routing imbalance, the dispatch/combine all-to-all over NVLink and the scale-out NIC, two micro-batches' overlap, the
attention replicas' all-reduces, the server's CPU time; a prefill pass of the instance's prompts with causal attention)
is written out in Workings cells (functions.layouttwins). A
workbook of such calls, handed off and recalculated by LibreOffice and by Gnumeric, shows what the add-in returns
(relative 1e-9), and #N/A where the add-in refuses the call's cells; the calls the twin does not cover keep their value
and say why."""

from __future__ import annotations

import re
from typing import NamedTuple

import openpyxl
import pytest
import xlsxwriter
from twin_cases import mismatches

from engine_batch import recalculate, recalculate_gnumeric, shared_workbook
from flopsheet import functions as F
from flopsheet.errors import FlopsheetError
from flopsheet.handoff.copy import handoff


class Changed(NamedTuple):
    """Column A's cell as a formula whose saved value (what the hand-off reads) is `saved`; it computes another
    text when the copy recalculates."""

    saved: str
    formula: str


# (formula text after the name, arguments in Python); {A}: column A of the row (a batch, a context, host_us...)
CALLS = [
    # DeepSeek-R1 on one B200 node, attention TP8 and experts EP8 (ML.ENERGY's vLLM layout), an FP8 cache
    ('"DeepSeek-R1","B200","TP8 EP8",8,5930,"fp8",1', ("DeepSeek-R1", "B200", "TP8 EP8", 8, 5930, "fp8", 1), None),
    ('"DeepSeek-R1","B200","TP8 EP8",{A},5930,"fp8",1', ("DeepSeek-R1", "B200", "TP8 EP8", 256, 5930, "fp8", 1), 256),
    # DeepSeek's decode layout, EP144 over 18 H800 nodes: attention data-parallel, the all-to-all over the NICs
    ('"DeepSeek-V3","H800","EP144",{A},4989,"fp8",1', ("DeepSeek-V3", "H800", "EP144", 9216, 4989, "fp8", 1), 9216),
    # EP32 on 4 H100 nodes with 8 attention replicas of TP4, BF16 cache, a loaded server's CPU time per sequence
    (
        '"DeepSeek-V3","H100","TP4 EP32",512,2000,"fp8",,{A}',
        ("DeepSeek-V3", "H100", "TP4 EP32", 512, 2000, "fp8", None, 68),
        68,
    ),
    # Qwen3 235B-A22B in FP8 on 4 H100s at 383 sequences with vLLM's host_us; in BF16 on 8 H200s (EP8, DP attention)
    (
        '"Qwen3 235B-A22B","H100","TP4 EP4",383,{A},"fp8",1,68',
        ("Qwen3 235B-A22B", "H100", "TP4 EP4", 383, 400, "fp8", 1, 68),
        400,
    ),
    ('"Qwen3 235B-A22B","H200","EP8",{A},3000,,,68', ("Qwen3 235B-A22B", "H200", "EP8", 64, 3000, None, None, 68), 64),
    ('"Qwen3 235B-A22B","H100","EP8",{A},3000', ("Qwen3 235B-A22B", "H100", "EP8", 64, 3000), 64),  # 72 GB of weights
    # Llama 4 Maverick (interleaved MoE layers, chunked attention) and gpt-oss-120b (windowed layers, FP4) on B200
    (
        '"Llama 4 Maverick","B200","TP8 EP8",{A},2000,"fp8",1',
        ("Llama 4 Maverick", "B200", "TP8 EP8", 128, 2000, "fp8", 1),
        128,
    ),
    ('"gpt-oss-120b","B200","EP4",{A},9000,"fp4",1', ("gpt-oss-120b", "B200", "EP4", 512, 9000, "fp4", 1), 512),
    # the model named in a cell: checked at hand-off for that model, and the cell tested to still name it
    ('{A},"B200","TP8 EP8",8,5930,"fp8",1', ("DeepSeek-R1", "B200", "TP8 EP8", 8, 5930, "fp8", 1), "DeepSeek-R1"),
    # the layout, the GPU or the precision in a cell: read at hand-off as if typed, the copy testing it still holds
    # that text (case and spaces aside); an empty precision cell is the add-in's blank (bf16)
    ('"DeepSeek-R1","B200",{A},8,5930,"fp8",1', ("DeepSeek-R1", "B200", "tp8  EP8", 8, 5930, "fp8", 1), "tp8  EP8"),
    ('"DeepSeek-V3",{A},"EP144",9216,4989,"fp8",1', ("DeepSeek-V3", "h800", "EP144", 9216, 4989, "fp8", 1), "h800"),
    ('"DeepSeek-R1","B200","TP8 EP8",8,5930,{A},1', ("DeepSeek-R1", "B200", "TP8 EP8", 8, 5930, "FP8", 1), "FP8"),
    ('"Qwen3 235B-A22B","H200","EP8",64,3000,{A}', ("Qwen3 235B-A22B", "H200", "EP8", 64, 3000), ""),
    # a cell whose text changes after the hand-off (a formula whose saved value the hand-off read, computing another
    # text when the copy recalculates): #N/A, never the number for the old text
    (
        '"DeepSeek-R1","B200",{A},8,5930,"fp8",1',
        ("DeepSeek-R1", "B200", "EP4", 8, 5930, "fp8", 1),
        Changed("TP8 EP8", '="EP"&"4"'),
    ),
    (
        '"DeepSeek-V3",{A},"EP144",9216,4989,"fp8",1',
        ("DeepSeek-V3", "H100", "EP144", 9216, 4989, "fp8", 1),
        Changed("H800", '="H"&"100"'),
    ),
    (
        '{A},"B200","TP8 EP8",8,5930,"fp8",1',
        ("DeepSeek-V3", "B200", "TP8 EP8", 8, 5930, "fp8", 1),
        Changed("DeepSeek-R1", '="DeepSeek-"&"V3"'),
    ),
    # AMD's MI300X platform: its achieved shares of the peak and the decode bandwidth (engine.inference)
    ('"DeepSeek-V3","MI300X","EP8",{A},2000,"fp8",1', ("DeepSeek-V3", "MI300X", "EP8", 64, 2000, "fp8", 1), 64),
    # GB200 NVL72: EP72 inside one NVLink domain (no scale-out term)
    ('"DeepSeek-V3","GB200","EP72",{A},4000,"fp8",1', ("DeepSeek-V3", "GB200", "EP72", 4096, 4000, "fp8", 1), 4096),
    # refused by the add-in: #N/A in the copy (a fractional batch, a cache that does not fit, a context beyond the
    # model's, host_us below 0, kv_bytes above 4)
    ('"DeepSeek-R1","B200","TP8 EP8",{A},5930,"fp8",1', ("DeepSeek-R1", "B200", "TP8 EP8", 8.5, 5930, "fp8", 1), 8.5),
    ('"DeepSeek-R1","B200","TP8 EP8",{A},5930,"fp8"', ("DeepSeek-R1", "B200", "TP8 EP8", 100000, 5930, "fp8"), 100000),
    ('"DeepSeek-R1","B200","TP8 EP8",8,{A},"fp8",1', ("DeepSeek-R1", "B200", "TP8 EP8", 8, 200000, "fp8", 1), 200000),
    (
        '"DeepSeek-R1","B200","TP8 EP8",8,5930,"fp8",1,{A}',
        ("DeepSeek-R1", "B200", "TP8 EP8", 8, 5930, "fp8", 1, -1),
        -1,
    ),
    ('"DeepSeek-R1","B200","TP8 EP8",8,5930,"fp8",{A}', ("DeepSeek-R1", "B200", "TP8 EP8", 8, 5930, "fp8", 5), 5),
    # gpt-oss-120b's MXFP4 experts computed at the BF16 peak on Hopper: bytes_per_param typed apart from the precision
    (
        '"gpt-oss-120b","H100","EP4",{A},2000,"bf16",2,,0.5',
        ("gpt-oss-120b", "H100", "EP4", 512, 2000, "bf16", 2, None, 0.5),
        512,
    ),
    # the same as the format's name, as WEIGHTS_GB takes it
    (
        '"gpt-oss-120b","H100","EP4",{A},2000,"bf16",2,," FP4"',
        ("gpt-oss-120b", "H100", "EP4", 256, 2000, "bf16", 2, None, " FP4"),
        256,
    ),
    # the CPU time's share on the critical path (host_serial): typed, in a cell, an empty cell (vLLM's 0.5), and a
    # share beyond 1 (refused: #N/A)
    (
        '"DeepSeek-V3","B200","EP8",256,4664,"fp8",1,68,,1',
        ("DeepSeek-V3", "B200", "EP8", 256, 4664, "fp8", 1, 68, None, 1),
        None,
    ),
    (
        '"DeepSeek-V3","B200","EP8",256,4664,"fp8",1,68,,{A}',
        ("DeepSeek-V3", "B200", "EP8", 256, 4664, "fp8", 1, 68, None, 0),
        0,
    ),
    (
        '"DeepSeek-V3","B200","EP8",256,4664,"fp8",1,68,,{A}',
        ("DeepSeek-V3", "B200", "EP8", 256, 4664, "fp8", 1, 68),
        "",
    ),
    (
        '"DeepSeek-V3","B200","EP8",256,4664,"fp8",1,68,,{A}',
        ("DeepSeek-V3", "B200", "EP8", 256, 4664, "fp8", 1, 68, None, 2),
        2,
    ),
]
# calls the twin does not cover: the copy keeps the add-in's value, with the reason
KEPT = [
    ('"Llama 3.1 70B","H100","TP4",64,2000', None, "DECODE_MS"),
    ('"DeepSeek-R1","B200",{A},8,5930,"fp8",1', "TP8 XP8", "is not a degree"),  # the add-in's message, frozen
    ('"gpt-oss-120b","H100","EP4",512,2000,"bf16",2,,{A}', 0.5, "bytes_per_param typed in the formula"),
]


# LAYOUT_PREFILL_TOKENS_PER_SECOND: DeepSeek's prefill layout (EP32 over 4 H800 nodes, SGLang's on H100s), a batch of
# prompts per GPU in a cell, EP8 in one node, a GB200 rack; refused: a prompt beyond the context, a fractional batch
PREFILL = [
    ('"DeepSeek-V3","H800","EP32",4989,"fp8"', ("DeepSeek-V3", "H800", "EP32", 4989, "fp8"), None),
    ('"DeepSeek-V3","H100","EP32",{A},"fp8"', ("DeepSeek-V3", "H100", "EP32", 2000, "fp8"), 2000),
    ('"DeepSeek-V3","H200","TP8 EP8",1000,"fp8",{A}', ("DeepSeek-V3", "H200", "TP8 EP8", 1000, "fp8", 4), 4),
    (
        '"Qwen3 235B-A22B","GB200","TP2 EP36",{A},"fp8",2',
        ("Qwen3 235B-A22B", "GB200", "TP2 EP36", 8192, "fp8", 2),
        8192,
    ),
    ('"DeepSeek-V3","MI300X","TP8 EP8",{A},"fp8"', ("DeepSeek-V3", "MI300X", "TP8 EP8", 2000, "fp8"), 2000),
    ('"gpt-oss-120b","B200","EP4",{A},"fp4"', ("gpt-oss-120b", "B200", "EP4", 150000, "fp4"), 150000),
    ('"DeepSeek-V3","H800","EP32",4989,"fp8",{A}', ("DeepSeek-V3", "H800", "EP32", 4989, "fp8", 1.5), 1.5),
    ('"gpt-oss-120b","H100","EP4",{A},"bf16",1,0.5', ("gpt-oss-120b", "H100", "EP4", 8192, "bf16", 1, 0.5), 8192),
]

# LAYOUT_TOKENS_PER_SECOND: the serving batch searched (engine.parallel.largest_ep_batch's bisection, unrolled) or the
# batch typed, each request's prefill; DeepSeek's decode layout (no prompt, its published context), a batch, latency
# or context in a cell (an empty batch cell: searched), other models and GPUs; refused: even one sequence over the
# latency target, a request beyond the context, a batch that does not fit, no answer
SERVING = [
    (
        '"DeepSeek-V3","H800","EP144",0,1000,"fp8",,,4989',
        ("DeepSeek-V3", "H800", "EP144", 0, 1000, "fp8", None, None, 4989),
        None,
    ),
    (
        '"DeepSeek-V3","H800","EP144",0,1000,"fp8",{A},,4989',
        ("DeepSeek-V3", "H800", "EP144", 0, 1000, "fp8", 9216, None, 4989),
        9216,
    ),
    (
        '"DeepSeek-V3","H800","EP144",0,1000,"fp8",{A},,4989',
        ("DeepSeek-V3", "H800", "EP144", 0, 1000, "fp8", None, None, 4989),
        "",
    ),
    (
        '"Qwen3 235B-A22B","H100","TP4 EP4",1000,{A},"fp8"',
        ("Qwen3 235B-A22B", "H100", "TP4 EP4", 1000, 1000, "fp8"),
        1000,
    ),
    (
        '"DeepSeek-R1","B200","TP8 EP8",1024,8192,"fp8",,,,1',
        ("DeepSeek-R1", "B200", "TP8 EP8", 1024, 8192, "fp8", None, None, None, 1),
        None,
    ),
    (
        '"Llama 4 Maverick","GB200","EP4",8192,1024,"fp4",,,,1',
        ("Llama 4 Maverick", "GB200", "EP4", 8192, 1024, "fp4", None, None, None, 1),
        None,
    ),
    (
        '"DeepSeek-V3","H200","TP8 EP8",2000,500,"fp8",,{A}',
        ("DeepSeek-V3", "H200", "TP8 EP8", 2000, 500, "fp8", None, 20),
        20,
    ),
    (
        '"DeepSeek-V3","H200","TP8 EP8",2000,500,"fp8",,,{A}',
        ("DeepSeek-V3", "H200", "TP8 EP8", 2000, 500, "fp8", None, None, 3000),
        3000,
    ),
    ('"gpt-oss-120b","H100","EP2",1000,1000,"fp8"', ("gpt-oss-120b", "H100", "EP2", 1000, 1000, "fp8"), None),
    (
        '{A},"H200","TP8 EP8",2000,500,"fp8"',
        ("Qwen3 235B-A22B", "H200", "TP8 EP8", 2000, 500, "fp8"),
        "Qwen3 235B-A22B",
    ),
    ('"DeepSeek-V3","MI300X","EP8",1000,{A},"fp8"', ("DeepSeek-V3", "MI300X", "EP8", 1000, 500, "fp8"), 500),
    (
        '"DeepSeek-V3","H200","TP8 EP8",2000,500,"fp8",,{A}',
        ("DeepSeek-V3", "H200", "TP8 EP8", 2000, 500, "fp8", None, 1),
        1,
    ),
    ('"DeepSeek-V3","H200","TP8 EP8",{A},5000,"fp8"', ("DeepSeek-V3", "H200", "TP8 EP8", 130000, 5000, "fp8"), 130000),
    (
        '"DeepSeek-V3","H200","TP8 EP8",2000,500,"fp8",{A}',
        ("DeepSeek-V3", "H200", "TP8 EP8", 2000, 500, "fp8", 100000),
        100000,
    ),
    ('"DeepSeek-V3","H200","TP8 EP8",2000,{A},"fp8"', ("DeepSeek-V3", "H200", "TP8 EP8", 2000, 0, "fp8"), 0),
    (
        '"gpt-oss-120b","H100","EP4",1000,{A},"bf16",,,,2,0.5',
        ("gpt-oss-120b", "H100", "EP4", 1000, 1000, "bf16", None, None, None, 2, 0.5),
        1000,
    ),
    # the server's CPU time per sequence (host_us, each attention replica's over its own) in the serving search and
    # the throughput: vLLM's share, TensorRT-LLM's 0 in a cell, host_us in a cell, and a share beyond 1 (#N/A)
    (
        '"Qwen3 30B-A3B","B200","EP2",1000,1000,"fp4",,,,1,,68',
        ("Qwen3 30B-A3B", "B200", "EP2", 1000, 1000, "fp4", None, None, None, 1, None, 68),
        None,
    ),
    (
        '"DeepSeek-V3","H200","TP8 EP8",2000,500,"fp8",,,,1,,29.4,{A}',
        ("DeepSeek-V3", "H200", "TP8 EP8", 2000, 500, "fp8", None, None, None, 1, None, 29.4, 0),
        0,
    ),
    (
        '"Qwen3 30B-A3B","H100","EP8",1000,2000,"fp8",,,,1,,{A}',
        ("Qwen3 30B-A3B", "H100", "EP8", 1000, 2000, "fp8", None, None, None, 1, None, 150),
        150,
    ),
    (
        '"Qwen3 30B-A3B","B200","EP2",1000,1000,"fp4",,,,1,,68,1.5',
        ("Qwen3 30B-A3B", "B200", "EP2", 1000, 1000, "fp4", None, None, None, 1, None, 68, 1.5),
        None,
    ),
]


def _python(name, args, a=None):
    """What the copy must show: the add-in's value, #N/A (None) where it refuses, and #N/A where a cell read at the
    hand-off has changed since (the add-in would answer the new text; the copy asks for the hand-off again)."""
    if isinstance(a, Changed):
        return None
    try:
        return F.REGISTRY[name](*args)
    except FlopsheetError:
        return None


ROWS = (
    [(f"=LAYOUT_DECODE_MS({text})", a, _python("LAYOUT_DECODE_MS", args, a)) for text, args, a in CALLS]
    + [
        (f"=LAYOUT_PREFILL_TOKENS_PER_SECOND({text})", a, _python("LAYOUT_PREFILL_TOKENS_PER_SECOND", args))
        for text, args, a in PREFILL
    ]
    + [
        (f"=LAYOUT_TOKENS_PER_SECOND({text})", a, _python("LAYOUT_TOKENS_PER_SECOND", args))
        for text, args, a in SERVING
    ]
)


@shared_workbook("layout-copy.xlsx")
def handed_off(d):
    src = d / "layout-calls.xlsx"
    wb = xlsxwriter.Workbook(str(src))
    ws = wb.add_worksheet("S")
    for r, (formula, a, value) in enumerate(ROWS, start=1):
        if isinstance(a, Changed):
            ws.write_formula(r - 1, 0, a.formula, None, a.saved)
        elif a is not None and a != "":  # "": the cell left empty
            ws.write(r - 1, 0, a)
        ws.write_formula(r - 1, 5, formula.format(A=f"A{r}"), None, value if value is not None else "")
    for i, (text, a, _) in enumerate(KEPT):
        r = len(ROWS) + 1 + i
        if a is not None:
            ws.write(r - 1, 0, a)
        ws.write_formula(r - 1, 5, f"=LAYOUT_DECODE_MS({text})".format(A=f"A{r}"))
    wb.close()
    report = handoff(src, d / "layout-copy.xlsx", recalc=False)
    return d, report


def test_the_cases_answer_and_refuse_as_listed():
    answered = [v for _, _, v in ROWS if v is not None]
    assert len(answered) == len(ROWS) - 17 == 41 and all(v > 0 for v in answered)

    # the CPU time counts: a share of 1 is slower than 0, an empty cell is vLLM's 0.5, a share beyond 1 is refused
    def row(text, a=None):
        return next(v for f, cell, v in ROWS if f.endswith("(" + text + ")") and (a is None or cell == a))

    host = '"DeepSeek-V3","B200","EP8",256,4664,"fp8",1,68,,'
    assert row(host + "{A}", 0) < row(host + "{A}", "") < row(host + "1") and row(host + "{A}", 2) is None
    qwen = ("Qwen3 30B-A3B", "B200", "EP2", 1000, 1000, "fp4", None, None, None, 1)
    assert row('"Qwen3 30B-A3B","B200","EP2",1000,1000,"fp4",,,,1,,68') < 0.7 * _python(
        "LAYOUT_TOKENS_PER_SECOND", qwen
    )
    assert row('"Qwen3 30B-A3B","B200","EP2",1000,1000,"fp4",,,,1,,68,1.5') is None
    # bytes_per_param counts: 0.5-byte weights read in a quarter of BF16's time (the step 0.91 of BF16's at 512
    # sequences: its attention then reads the same cache, a kernel of its own, engine.inference.DECODE_KERNELS), and
    # leave room for more sequences
    oss = ("gpt-oss-120b", "H100", "EP4", 512, 2000, "bf16", 2)
    assert row('"gpt-oss-120b","H100","EP4",{A},2000,"bf16",2,,0.5') < 0.95 * _python("LAYOUT_DECODE_MS", oss)
    assert row('"gpt-oss-120b","H100","EP4",{A},2000,"bf16",2,," FP4"') == _python(
        "LAYOUT_DECODE_MS", ("gpt-oss-120b", "H100", "EP4", 256, 2000, "bf16", 2, None, 0.5)
    )
    served = ("gpt-oss-120b", "H100", "EP4", 1000, 1000, "bf16", None, None, None, 2)
    # 1.41x the throughput (its steps' attention reads the same cache either way, DECODE_KERNELS)
    assert row('"gpt-oss-120b","H100","EP4",1000,{A},"bf16",,,,2,0.5') > 1.35 * _python(
        "LAYOUT_TOKENS_PER_SECOND", served
    )
    # a typed batch, and a cell left empty for it: the serving batch (the same number as the call without one)
    served = ROWS[len(CALLS) + len(PREFILL) :]
    assert served[1][2] != served[0][2] and served[2][2] == served[0][2]
    # the server's CPU time counts where it is typed (the twin's last steps)
    assert ROWS[3][2] > _python("LAYOUT_DECODE_MS", ("DeepSeek-V3", "H100", "TP4 EP32", 512, 2000, "fp8"))
    # SGLang's EP32 prefill on 96 H100s: 52.3k prompt tokens/s a node; flopsheet 39.5k (docs/parallelism.md; 51.4k
    # before the routed experts' width cost, engine.moe.EXPERT_WIDTH_HALF)
    assert 35e3 < ROWS[len(CALLS) + 1][2] / 4 < 45e3


def test_every_expert_parallel_call_is_translated_and_the_rest_say_why(handed_off):
    d, report = handed_off
    assert len(report.frozen) == len(KEPT), report.frozen
    for (_, _, why), (_, _, frozen) in zip(KEPT, report.frozen):
        assert frozen.startswith("LAYOUT_DECODE_MS(): ") and why in frozen, frozen
    book = openpyxl.load_workbook(d / "layout-copy.xlsx", read_only=True)
    formulas = [row[5] for row in book["S"].iter_rows(max_row=len(ROWS), max_col=6, values_only=True)]
    for text in formulas:
        assert isinstance(text, str) and "LAYOUT_" not in text, text
    # a model named in a cell: the copy tests that the cell still names it (another name there is #N/A); the test is
    # a Workings quantity of that row, labelled in its helper column's first row (a row's own: the model may differ)
    labels = [v for v in next(book["Workings"].iter_rows(max_row=1, values_only=True)) if isinstance(v, str)]
    assert any(t.startswith("the cell still names DeepSeek-R1") for t in labels)
    assert any(t.startswith("the cell still names Qwen3 235B-A22B") for t in labels)


def test_a_row_whose_batch_cell_is_empty_is_not_given_the_row_aboves_translation(handed_off):
    """Two rows of one relative form, the batch typed in A on the first and left empty on the second: the hand-off's
    cache of translations (CachedTranslator) must not reuse the first's (which reads the batch) for the second, whose
    empty cell the add-in reads as "search the serving batch" (Function.twin_blank_cell_na)."""
    d, _ = handed_off
    ws = openpyxl.load_workbook(d / "layout-copy.xlsx")["S"]
    first = len(CALLS) + len(PREFILL) + 2  # the row typing 9,216, then the row leaving A empty
    typed, empty = ws.cell(first, 6).value, ws.cell(first + 1, 6).value
    assert ws.cell(first + 1, 1).value is None and ws.cell(first, 1).value == 9216
    # column A's cell, not a Workings column ending in A ($PA35)
    assert f'(A{first + 1}="")' in empty and not re.search(rf"(?<![A-Z$])A{first}=", typed), (typed[:200], empty[:200])


@pytest.mark.parametrize("engine_name", ["LibreOffice", "Gnumeric"])
def test_the_copy_recalculates_the_layouts_step(handed_off, engine_name, soffice, gnumeric):
    d, _ = handed_off
    run = recalculate if engine_name == "LibreOffice" else recalculate_gnumeric
    rows = [(r, formula, "", expected) for r, (formula, _, expected) in enumerate(ROWS, start=1)]
    wrong = mismatches(run(d / "layout-copy.xlsx", d / f"layout-{engine_name}.xlsx"), rows, 6, "S")
    assert not wrong, "\n".join(wrong)
