"""Model names in the hand-off copy, recalculated by BOTH spreadsheet engines: each call below,
its arguments in cells and a Models sheet beside them (handoff/modelsheet.py), shows what the
Python function returns (relative 1e-9), or #N/A where Python returns an error. The model-name
forms (mixture-of-experts weights read, all-reduces, prefill attention, MLA/GQA/window KV
caches), own-figure arguments and MODEL_SPEC are handoff/twins.py."""

from __future__ import annotations

import openpyxl
import pytest
from twin_cases import BLANK, arguments_in_row, cases_workbook, engine_tests
from twin_cases import SHEET as SHEET_NAME

from engine_batch import shared_workbook
from flopsheet.errors import FlopsheetError
from flopsheet.functions import REGISTRY
from flopsheet.handoff import modelsheet, twins
from flopsheet.handoff.gpusheet import ensure_table
from flopsheet.handoff.translate import Translator, _is_model_name
from flopsheet.handoff.twins import model_terms, render

COLUMN = 15  # the twin's column; its arguments are in A, B...
DS = ("DeepSeek-V3", "H200 SXM")
# (function, arguments, field literal: True for the 2nd argument typed in the formula, or the position of the one)
CASES: list[tuple[str, tuple, bool | int]] = []


def _literal_at(field_literal: bool | int) -> int | None:
    if field_literal is True:
        return 2
    return field_literal or None


# The GPU typed in the formula (GPU_LITERAL, its position): with it in a cell these twins are one formula only in a
# Workings-cell hand-off, the decode step's share of the bandwidth (looked up by the GPU's name) taking them past
# Excel's length (test_a_long_twin_with_the_gpu_in_a_cell_goes_to_workings)
ITL_GPU = 4
for fn in ("DECODE_MS", "TOKENS_PER_SECOND"):
    CASES += [
        (fn, (*DS, 64.0, 1.0, 8.0), False),
        (fn, (*DS, 1.0, 1.0, 8.0), False),
        (fn, ("deepseek v3", "H200 SXM", 64.0, 1.0, 8.0, 27.0, 0.8, 0.4, "fp8"), False),
        (fn, (*DS, 64.0, 1.0, 1.0), False),  # does not fit: an error
        (fn, ("Llama 3.1 70B", "H100 SXM", 64.0, 2.0, 4.0, 31.5), False),
        (fn, ("Kimi K2", "H200 SXM", 1.0, 1.0, 16.0, 674.6112, 0.8, 0.4, "fp8"), False),
        (fn, ("Mixtral 8x7B", "H100 SXM", 8.0, 2.0, 2.0), False),
        (fn, (7e10, "H100 SXM", 1.0, 2.0, 8.0), False),
        # issue 20: the model's own cache at a typed context (windowed layers: Gemma 2), an invalid degree
        (fn, ("Llama 3.1 70B", "H100 SXM", 16.0, 2.0, 4.0, BLANK, 0.8, 0.4, "bf16", 45.0, 8192.0), False),
        (fn, ("Gemma 2 27B", "H100 SXM", 8.0, 2.0, 2.0, BLANK, 0.8, 0.4, "bf16", 45.0, 8000.0), False),
        (fn, ("Llama 3.1 70B", "H100 SXM", 1.0, 2.0, 3.0), False),  # 3 does not divide 64 heads: an error
        (fn, ("Llama 2 70B", "H100 SXM", 1.0, 2.0, 4.0, BLANK, 0.8, 0.4, "bf16", 45.0, 8000.0), False),  # > 4k
    ]
# issue 20: the batch's cell left empty is #N/A in the copy (the serving batch is worked out only for a batch
# omitted in the formula: LITERAL below), never a number for another batch
CASES += [
    ("TOKENS_PER_SECOND", ("Llama 3.1 70B", "H100 SXM", BLANK, 2.0, 4.0), False),
    ("COST_PER_MTOK", ("Llama 3.1 70B", "H100 SXM", 2.5, "output", 1.0, BLANK, 2.0, 4.0), False),
]
CASES += [
    ("TTFT_SECONDS", ("DeepSeek-V3", 1000.0, "H200 SXM", 64.0, 1.0, 8.0, 0.8, 0.4, "fp8"), False),
    ("TTFT_SECONDS", ("Kimi K2", 1.2e6, "H200 SXM", 1.0, 1.0, 16.0, 0.8, 0.4, "fp8"), False),
    ("TTFT_SECONDS", ("Llama 3.1 8B", 32768.0, "H100 SXM", 1.0, 2.0, 1.0), False),
    ("RESPONSE_SECONDS", ("DeepSeek-V3", 1000.0, 500.0, "H200 SXM", 64.0, 1.0, 8.0, 27.0, 0.8, 0.4, "fp8"), False),
    ("RESPONSE_SECONDS", ("Llama 3.1 70B", 4000.0, 300.0, "H100 SXM", 1.0, 2.0, 8.0), False),
    ("RESPONSE_SECONDS", ("Llama 3.1 70B", 4000.0, 300.0, "H100 SXM", 1.5, 2.0, 8.0), False),  # batch 1.5
    ("COST_PER_MTOK", ("DeepSeek-V3", "H200 SXM", 2.5, "output", 1.0, 64.0, 1.0, 8.0), False),
    # ITL_MS: the decode step plus the other requests' prompt chunks (attention, all-reduce traffic; MoE weights
    # read by the batch), batch 1 (the step alone), no prompt, beyond the context (an error)
    ("ITL_MS", ("Llama 3.1 70B", 5000.0, 500.0, "H100 SXM", 25.0, 1.0, 2.0, BLANK, 0.8, 0.4, "fp8"), False),
    ("ITL_MS", ("Llama 3.1 70B", 5000.0, 500.0, "H100 SXM", 1.0, 1.0, 2.0), False),
    ("ITL_MS", ("DeepSeek-V3", 1000.0, 500.0, "H200 SXM", 64.0, 1.0, 8.0, 27.0, 0.8, 0.4, "fp8"), ITL_GPU),
    ("ITL_MS", ("Mixtral 8x7B", 2000.0, 300.0, "H100 SXM", 32.0, 2.0, 2.0), False),
    ("ITL_MS", ("Llama 3.1 8B", 0.0, 300.0, "H100 SXM", 64.0, 2.0, 1.0), False),
    # the server's CPU time per sequence: longer than the GPU's step at 2,043 sequences (all of it counts), shorter at
    # 8 and at 766 (LM Arena's 70B run on 4 H100s), where half of it is on the critical path (HOST_SERIAL_SHARE)
    (
        "ITL_MS",
        ("Llama 3.1 70B", 0.0, 350.0, "H100 SXM", 766.0, 2.0, 4.0, BLANK, 0.8, 0.4, "bf16", 20.0, 0.65, 68.0),
        ITL_GPU,
    ),
    (
        "ITL_MS",
        ("Llama 3.1 8B", 0.0, 396.0, "B200", 2043.0, 2.0, 1.0, BLANK, 0.8, 0.4, "bf16", 20.0, 0.65, 68.0),
        ITL_GPU,
    ),
    (
        "ITL_MS",
        ("Llama 3.1 8B", 200.0, 396.0, "B200", 8.0, 2.0, 1.0, BLANK, 0.8, 0.4, "bf16", 20.0, 0.65, 68.0),
        ITL_GPU,
    ),
    ("ITL_MS", ("Gemma 2 27B", 3000.0, 400.0, "H100 SXM", 16.0, 2.0, 2.0), False),
    ("ITL_MS", ("Llama 3.1 70B", 130000.0, 2000.0, "H100 SXM", 1.0, 2.0, 4.0), False),
    # the GPU typed in the formula (see ITL_GPU)
    ("COST_PER_MTOK", ("DeepSeek-V3", "H200 SXM", 2.5, "input", 0.5, 64.0, 1.0, 8.0, 27.0, 0.8, 0.4, "fp8"), True),
    ("COST_PER_MTOK", ("Llama 3.1 70B", "H100 SXM", 2.5, "blended", 1.0, 64.0, 2.0, 4.0, 31.5), False),
    ("COST_PER_MTOK", ("DeepSeek-V3", "H200 SXM", 2.5, "output", 1.0, 64.0, 1.0, 1.0), False),  # no fit
    ("INFER_FLOPS", ("Kimi K2", 1.2e6, 500.0), False),
    ("INFER_FLOPS", ("PaLM 540B", 2048.0, 0.0), False),
    ("KV_CACHE_GB", ("DeepSeek-V3", 128000.0), False),
    ("KV_CACHE_GB", ("Llama 3.1 70B", 1500.0, 64.0, 2.0, 16.0), False),
    ("KV_CACHE_GB", ("Gemma 2 27B", 8192.0), False),
    ("KV_CACHE_GB", ("gpt-oss-120b", 131072.0, 1.0, 2.0, 8.0), False),
    ("KV_CACHE_GB", ("Kimi K2", 1.2e6, 1.0, 1.0, 16.0), False),
    ("KV_CACHE_GB", ("Mistral 7B", 100000.0), False),
    ("WEIGHTS_GB", ("DeepSeek-V3", 1.0), False),
    ("WEIGHTS_GB", ("kimi k2",), False),
    ("WEIGHTS_GB", ("Nonexistent", 1.0), False),
    ("WEIGHTS_GB", (7e10, 2.0), False),
    # TRAIN_MFU: attention at the sequence, a MoE's all-to-all, the per-step overhead (and gpus without a batch)
    ("TRAIN_MFU", ("Llama 3 8B", "H100 SXM", "bf16", 8192.0), False),
    ("TRAIN_MFU", ("DeepSeek-V3", "H800", "fp8", 4096.0), False),
    ("TRAIN_MFU", ("Llama 4 Scout", "H100 SXM"), False),
    ("TRAIN_MFU", ("GPT-3 175B", "H100 SXM", "fp8", 2048.0, 11616.0, 5947392.0), False),
    ("TRAIN_MFU", ("Llama 3.1 405B", "H100 SXM", "bf16", 8192.0, 16.0), False),
    # with ep and micro_batch_tokens: expert GEMMs at their tokens, NVLink all-to-all, per micro-batch cost; a dense
    # model (no experts), ep without the micro-batch (an error), ep 1 (no all-to-all)
    ("TRAIN_MFU", ("Qwen3 30B-A3B", "B200", "fp8", 4096.0, 8.0, 2097152.0, BLANK, 8.0, 4096.0), False),
    ("TRAIN_MFU", ("DeepSeek-V3", "GB200", "fp8", 4096.0, 256.0, 8388608.0, BLANK, 64.0, 4096.0), False),
    ("TRAIN_MFU", ("gpt-oss-120b", "H100 SXM", "bf16", 4096.0, BLANK, BLANK, 0.35, 8.0, 16384.0), False),
    ("TRAIN_MFU", ("Llama 3 70B", "GB200", "fp8", 8192.0, 64.0, 1048576.0, BLANK, 8.0, 16384.0), False),
    ("TRAIN_MFU", ("Qwen3 30B-A3B", "B200", "fp8", 4096.0, BLANK, BLANK, BLANK, 8.0), False),
    ("TRAIN_MFU", ("Qwen3 235B-A22B", "B200", "fp8", 4096.0, BLANK, BLANK, BLANK, 1.0, 4096.0), False),
    # with tp, pp and vp (engine.training.layout_step_terms): the pipeline bubble and the experts' gradient reduction
    # across their copies, over the NICs (8-GPU nodes) or NVLink (inside an NVL72 rack); pp without ep, pp > 1
    # without gpus and batch_tokens: #N/A
    ("TRAIN_MFU", ("gpt-oss-120b", "H100 SXM", "bf16", 4096.0, 64.0, 2097152.0, BLANK, 8.0, 16384.0, 1.0, 4.0), False),
    ("TRAIN_MFU", ("gpt-oss-120b", "B200", "bf16", 4096.0, 64.0, 2097152.0, BLANK, 8.0, 16384.0), False),
    ("TRAIN_MFU", ("DeepSeek-V3", "GB200", "fp8", 4096.0, 256.0, 8388608.0, BLANK, 64.0, 4096.0, 1.0, 4.0, 4.0), False),
    ("TRAIN_MFU", ("Qwen3 235B-A22B", "GB200", "fp8", 4096.0, 64.0, 4194304.0, BLANK, 8.0, 4096.0, 2.0, 2.0), False),
    ("TRAIN_MFU", (7e9, "H100 SXM", "bf16", 4096.0, 64.0, 2097152.0, BLANK, 8.0, 16384.0, 1.0, 4.0, 2.0), False),
    ("TRAIN_MFU", ("gpt-oss-120b", "H100 SXM", "bf16", 4096.0, 64.0, 2097152.0, BLANK, BLANK, BLANK, 1.0, 4.0), False),
    ("TRAIN_MFU", ("gpt-oss-120b", "H100 SXM", "bf16", 4096.0, BLANK, BLANK, BLANK, 8.0, 16384.0, 1.0, 4.0), False),
    ("TRAIN_MFU", ("gpt-oss-120b", "H100 SXM", "bf16", 4096.0, BLANK, BLANK, BLANK, 8.0, 16384.0, 2.0, 1.0), False),
    # ep 1: the experts replicated as dense weights are (no copies' term), the bubble only; a GPU without NVLink figure
    ("TRAIN_MFU", ("gpt-oss-120b", "H100 PCIe", "bf16", 4096.0, 16.0, 1048576.0, BLANK, 1.0, 16384.0, 1.0, 2.0), False),
    # ep beyond the GPU's NVLink domain (engine.training.EP_DOMAIN: 8 on HGX/DGX nodes, 72 on NVL72 racks): #N/A
    ("TRAIN_MFU", ("DeepSeek-V3", "H100 SXM", "fp8", 4096.0, 256.0, 8388608.0, BLANK, 64.0, 4096.0), False),
    ("TRAIN_MFU", ("DeepSeek-V3", "GB200", "fp8", 4096.0, 256.0, 8388608.0, BLANK, 144.0, 4096.0), False),
    ("TRAIN_MFU", ("gpt-oss-120b", "MI300X", "bf16", 4096.0, BLANK, BLANK, BLANK, 16.0, 4096.0), False),
    ("TRAIN_MFU", ("DeepSeek-V3", "GB300", "fp8", 4096.0, BLANK, BLANK, BLANK, 72.0, 4096.0), False),
    ("TRAIN_FLOPS", ("Llama 3.1 405B",), False),
    ("TRAIN_FLOPS", ("Llama 3.1 405B", 1e12), False),
    ("TRAIN_FLOPS", ("DeepSeek-V3",), False),
    ("TRAIN_FLOPS", (7e10,), False),
    ("MODEL_SPEC", ("DeepSeek-V3", "experts"), True),
    ("MODEL_SPEC", ("Kimi K2", "attention"), True),
    ("MODEL_SPEC", ("deepseek-v3", "total_params"), True),
    ("MODEL_SPEC", ("GPT-3 175B", "gpu_hours"), True),
    ("MODEL_SPEC", ("Nonexistent", "layers"), True),
    ("MODEL_SPEC", (7e10, "layers"), True),
    ("MODEL_SPEC", ("Llama 3.1 70B",), True),
    ("MODEL_SPEC", ("Deep*", "layers"), True),
]
# serving's share of the peak is the number format's times the accelerator's (engine.inference.ACHIEVED_PEAK_SHARE:
# AMD's MI300X at 0.6, MI325X 0.75), chosen in the sheet by the GPU's name or alias: a compute-bound batch shows it, batch 1 not
AMD = ["MI300X", "mi300x oam", "AMD Instinct MI300X (OAM)", "MI325X", "H100 SXM", "MI355X"]
for g in AMD:
    for p in ("fp8", "bf16"):
        CASES.append(("TOKENS_PER_SECOND", (7e10, g, 4096.0, 1.0, 1.0, 0.0, 0.8, 0.4, p), False))
# and its decode bandwidth the accelerator's share of bw_efficiency (engine.inference.ACHIEVED_BANDWIDTH_SHARE: CDNA3
# at 0.75), chosen the same way: a one-sequence step reading 70 GB shows it
for g in AMD:
    CASES.append(("DECODE_MS", (7e10, g, 1.0, 1.0, 1.0, 0.0, 0.8, 0.4, "bf16"), False))
CASES += [
    ("DECODE_MS", (7e10, "MI300X", 1.0, 1.0, 1.0, 0.0, 0.8, 0.4, "fp8"), False),
    ("TOKENS_PER_SECOND", ("Llama 3.1 70B", "MI300X", 256.0, 1.0, 2.0, 20.0, 0.8, 0.4, "fp8"), False),
    ("TTFT_SECONDS", ("Llama 3.1 70B", 4096.0, "MI300X", 1.0, 1.0, 1.0, 0.8, 0.65, "fp8"), False),
    ("COST_PER_MTOK", ("Llama 3.1 405B", "MI300X", 2.5, "blended", 1.0, 256.0, 1.0, 8.0), False),
]
# a mixture of experts' routed GEMMs at the tokens each expert receives (engine.moe.gemm_params), in decode (a
# compute-bound batch of 64 tokens an expert, and 8 sequences at about one), prefill and the serving batch's search
CASES += [
    ("DECODE_MS", ("Qwen3 30B-A3B", "B200", 1024.0, 0.5, 1.0, BLANK, 0.8, 0.4, "fp4"), False),
    ("DECODE_MS", ("gpt-oss-20b", "H100 SXM", 8.0, 1.0, 1.0, BLANK, 0.8, 0.4, "fp8"), False),
    ("TTFT_SECONDS", ("Qwen3 30B-A3B", 512.0, "H100 SXM", 1.0, 2.0, 1.0), False),
    ("RESPONSE_SECONDS", ("Mixtral 8x7B", 128.0, 500.0, "H100 SXM", 256.0, 1.0, 1.0), False),
    ("COST_PER_MTOK", ("Qwen3 30B-A3B", "H100 SXM", 2.5, "blended", 1.0, 256.0, 1.0, 1.0), False),
]

# attention at the FP8 peak in an FP4 run (engine.inference.attention_cost), the GPU and the precision in cells: the
# cost read from the GPU's FP4 and FP8 peaks on the GPUs sheet (B200 2x, GB300 and B300 3x), the precision's text
# tested for fp4 whatever its case; another precision in the cell: attention at the GEMMs' rate
CASES += [
    ("DECODE_MS", ("DeepSeek-R1", "GB300", 64.0, 0.5, 8.0, BLANK, 0.8, 0.4, "fp4"), False),
    ("DECODE_MS", ("DeepSeek-R1", "GB300", 64.0, 1.0, 8.0, BLANK, 0.8, 0.4, "fp8"), False),
    ("DECODE_MS", ("Llama 3.1 70B", "B300", 256.0, 0.5, 1.0, BLANK, 0.8, 0.4, " FP4 ", 20.0, 6000.0), False),
    ("TTFT_SECONDS", ("DeepSeek-R1", 8192.0, "B200", 1.0, 0.5, 8.0, 0.8, 0.65, "fp4"), False),
    # the precision typed in the formula and the GPU in a cell; the GPU typed and the precision in a cell
    ("TTFT_SECONDS", ("DeepSeek-R1", 8192.0, "GB300", 1.0, 0.5, 8.0, 0.8, 0.65, "fp4"), 9),
    ("TTFT_SECONDS", ("DeepSeek-R1", 8192.0, "GB300", 1.0, 0.5, 8.0, 0.8, 0.65, "FP4"), 3),
]

# typed in the formula: the name is resolved at hand-off time, nothing is left to test in the sheet
LITERAL = [
    ("DECODE_MS", '"DeepSeek-V3","H200",64,1,8', ("DeepSeek-V3", "H200", 64.0, 1.0, 8.0)),
    ("KV_CACHE_GB", '"DeepSeek-V3",128000', ("DeepSeek-V3", 128000.0)),
    (
        "TTFT_SECONDS",
        '"Kimi K2",1200000,"H200",1,1,16,0.8,0.4,"fp8"',
        ("Kimi K2", 1.2e6, "H200", 1.0, 1.0, 16.0, 0.8, 0.4, "fp8"),
    ),
    ("MODEL_SPEC", '"kimi k2","attention"', ("kimi k2", "attention")),
    ("WEIGHTS_GB", '"DeepSeek-V3",1', ("DeepSeek-V3", 1.0)),
    (
        "COST_PER_MTOK",
        '"DeepSeek-V3","H200",2.5,"blended",0.5,64,1,8',
        ("DeepSeek-V3", "H200", 2.5, "blended", 0.5, 64.0, 1.0, 8.0),
    ),
    (
        "TOKENS_PER_SECOND",
        '7E10,"MI300X",4096,1,1,0,0.8,0.4,"fp8"',
        (7e10, "MI300X", 4096.0, 1.0, 1.0, 0.0, 0.8, 0.4, "fp8"),
    ),
    ("TOKENS_PER_SECOND", '7E10,"MI325X",4096,1,1', (7e10, "MI325X", 4096.0, 1.0, 1.0)),
    # ep against the GPU's domain decided at hand-off time (the GPU typed in the formula): refused, then answered
    (
        "TRAIN_MFU",
        '"DeepSeek-V3","H100","fp8",4096,,,,64,4096',
        ("DeepSeek-V3", "H100", "fp8", 4096.0, None, None, None, 64.0, 4096.0),
    ),
    (
        "TRAIN_MFU",
        '"DeepSeek-V3","GB200","fp8",4096,,,,64,4096',
        ("DeepSeek-V3", "GB200", "fp8", 4096.0, None, None, None, 64.0, 4096.0),
    ),
    ("DECODE_MS", '7E10,"MI300X",1,1,1', (7e10, "MI300X", 1.0, 1.0, 1.0)),
]


def python_value(name, args):
    fn = REGISTRY[name]
    if any(a is BLANK and fn.args[i].name in fn.twin_blank_cell_na for i, a in enumerate(args)):
        return None  # the copy's #N/A by design, where Python searches (Function.twin_blank_cell_na)
    try:
        v = REGISTRY[name](*(None if a is BLANK else a for a in args))
    except FlopsheetError:
        return None
    return v if isinstance(v, str) else float(v)


def _twin(name, exprs, args, table, models):
    """What translate.Translator renders: the model form when the first argument names a model
    and the plain-number twin would not do."""
    fn = REGISTRY[name]
    if (model_terms(fn) or name == "KV_CACHE_GB") and _is_model_name(args[0], fn.args[0].name):
        return twins.render_model(fn, exprs, table, models, args[0].strip())
    return render(fn, exprs, table, models)


# The cases whose twin as one formula passes Excel's length since a prefill's weight read and GEMMs overlap but for a
# share of the shorter (engine.inference.prefill_phases_s: each written twice, where the slower alone was MAX of the
# two, each once), or since attention's cost at a precision held in a cell is chosen in the sheet (attention_cost,
# written where each attention term is): they keep their value as one formula (a call over ranges, a defined name)
# and are written here as the hand-off's cell mode writes them, their quantities in Workings cells (sheet W, a column
# a case), so both engines still recalculate them (model, function); Mixtral's ITL_MS since its routed experts' width
# cost (engine.moe.EXPERT_WIDTH_HALF) is written in each of its three passes' grouped-GEMM terms
LONG_AS_ONE_FORMULA = {
    ("Mixtral 8x7B", "ITL_MS"),
    ("Llama 3.1 70B", "ITL_MS"),
    ("Llama 3.1 70B", "COST_PER_MTOK"),
    ("DeepSeek-V3", "RESPONSE_SECONDS"),
    ("DeepSeek-V3", "COST_PER_MTOK"),
    ("Llama 3.1 405B", "COST_PER_MTOK"),
    ("Mixtral 8x7B", "RESPONSE_SECONDS"),
    ("Qwen3 30B-A3B", "COST_PER_MTOK"),
}


def _twin_in_cells(wb, r, name, exprs, args, table, models):
    """The twin of row r as cell mode writes it: its quantities (Hoister's helpers) in column r of sheet W, each
    marker of an earlier one replaced by that cell."""
    hoister = twins.Hoister(SHEET_NAME, ())
    text = twins.render_model(REGISTRY[name], exprs, table, models, args[0].strip(), hoister)
    w = wb["W"] if "W" in wb.sheetnames else wb.create_sheet("W")
    refs: dict[int, str] = {}
    for i, h in enumerate(hoister.helpers):
        cell = w.cell(i + 1, r)
        cell.value = "=" + twins.MARKER.sub(lambda m: refs[int(m.group(1))], h.text)
        refs[i] = f"W!${cell.column_letter}${cell.row}"
    return twins.MARKER.sub(lambda m: refs[int(m.group(1))], text)


@shared_workbook("cases.xlsx")
def workbook(d):
    wb, ws = cases_workbook()
    table = ensure_table(wb)
    models = modelsheet.ensure_table(wb)
    rows = []
    for r, (name, args, field_literal) in enumerate(CASES, start=1):
        exprs = arguments_in_row(ws, r, args, literal_at=_literal_at(field_literal))
        try:
            text = _twin(name, exprs, args, table, models)
        except twins.Untranslatable as u:
            if "beyond Excel" not in u.reason or (args[0], name) not in LONG_AS_ONE_FORMULA:
                raise
            text = _twin_in_cells(wb, r, name, exprs, args, table, models)
        ws.cell(r, COLUMN, "=" + text)
        rows.append((r, name, args, python_value(name, args)))
    tr = Translator(table, None, models)
    for r, (name, text, args) in enumerate(LITERAL, start=len(CASES) + 1):
        res = tr.translate(f"={name}({text})", "Cases")
        assert not res.frozen, res.frozen
        ws.cell(r, COLUMN, res.text)
        rows.append((r, name, args, python_value(name, args)))
    src = d / "cases.xlsx"
    wb.save(src)
    return d, src, rows


def test_python_side_of_the_cases():
    values = {(n, a): python_value(n, a) for n, a, _ in CASES}
    assert values[("DECODE_MS", (*DS, 64.0, 1.0, 8.0))] > 5 * values[("DECODE_MS", (*DS, 1.0, 1.0, 8.0))] / 2
    assert values[("DECODE_MS", (*DS, 64.0, 1.0, 1.0))] is None  # 671 GB on one H200
    assert values[("MODEL_SPEC", ("Kimi K2", "attention"))] == "MLA"
    assert values[("MODEL_SPEC", ("GPT-3 175B", "gpu_hours"))] is None
    assert sum(v is None for v in values.values()) >= 6 and sum(v is not None for v in values.values()) > 30
    # a compute-bound step on AMD's CDNA3 reaches 0.6 of what its datasheet peak would give (alias too), MI325X's
    # 0.75 (the same peak at 1,000 W); MI355X 1
    from flopsheet import catalog

    tps = {
        (g, p): values[("TOKENS_PER_SECOND", (7e10, g, 4096.0, 1.0, 1.0, 0.0, 0.8, 0.4, p))]
        for g in AMD
        for p in ("fp8", "bf16")
    }

    def peak(g, p):
        return catalog.peak_tflops(catalog.resolve(g), p)

    for p in ("fp8", "bf16"):
        assert tps[("MI300X", p)] / tps[("H100 SXM", p)] == pytest.approx(0.6 * peak("MI300X", p) / peak("H100", p))
        assert tps[("MI355X", p)] / tps[("H100 SXM", p)] == pytest.approx(peak("MI355X", p) / peak("H100", p))
        assert tps[("mi300x oam", p)] == tps[("AMD Instinct MI300X (OAM)", p)] == tps[("MI300X", p)]
        assert tps[("MI325X", p)] / tps[("MI300X", p)] == pytest.approx(0.75 / 0.6)
    # a one-sequence step reads its weights at 0.75 of bw_efficiency on CDNA3 (alias too), at all of it on MI355X
    step = {g: values[("DECODE_MS", (7e10, g, 1.0, 1.0, 1.0, 0.0, 0.8, 0.4, "bf16"))] for g in AMD}

    def bandwidth(g):
        return catalog.resolve(g).bandwidth_tbs

    for g, share in (("MI300X", 0.75), ("mi300x oam", 0.75), ("MI325X", 0.75), ("MI355X", 1.0)):
        assert step[g] / step["H100 SXM"] == pytest.approx(bandwidth("H100") / (share * bandwidth(g))), g


def test_a_long_twin_with_the_gpu_in_a_cell_goes_to_workings():
    """COST_PER_MTOK of DeepSeek-V3 with all twelve arguments in cells, the GPU among them, far down a sheet: as one
    formula (a call over ranges) its twin passes Excel's 8,192 characters, so the copy keeps the add-in's value and
    says why (never a truncated formula); in a cell (the hand-off's Workings mode) it renders. With the GPU typed in
    the formula it is one formula (CASES)."""
    from flopsheet.handoff.twins import MAX_FORMULA, Hoister, Untranslatable, render_model

    args = ("DeepSeek-V3", "H200 SXM", 2.5, "input", 0.5, 64.0, 1.0, 8.0, 27.0, 0.8, 0.4, "fp8")
    wb, ws = cases_workbook()
    table, models = ensure_table(wb), modelsheet.ensure_table(wb)
    exprs = arguments_in_row(ws, 1000, args)
    fn = REGISTRY["COST_PER_MTOK"]
    with pytest.raises(Untranslatable, match="characters, beyond Excel"):
        render_model(fn, exprs, table, models, args[0])
    hoister = Hoister("Cases", ())
    text = render_model(fn, exprs, table, models, args[0], hoister)
    assert len(text) < MAX_FORMULA and hoister.helpers


def test_the_long_ones_are_written_in_workings_cells(workbook):
    """Only the listed cases pass Excel's length as one formula, each is then a formula of Workings cells (not a
    value), and most cases stay one formula."""
    _, src, _ = workbook
    sheet = openpyxl.load_workbook(src)[SHEET_NAME]
    texts = {r: sheet.cell(r, COLUMN).value for r in range(1, len(CASES) + 1)}
    in_cells = [r for r, text in texts.items() if "W!$" in text]  # a formula of the W sheet's cells
    assert {(CASES[r - 1][1][0], CASES[r - 1][0]) for r in in_cells} == LONG_AS_ONE_FORMULA
    assert len(in_cells) <= 12 < len(CASES) - len(in_cells)  # 11 rows of 8 (model, function) pairs
    assert all(texts[r].startswith("=") and len(texts[r]) < twins.MAX_FORMULA - 100 for r in in_cells)


def test_a_model_name_is_looked_up_not_frozen(workbook):
    _, src, _ = workbook
    text = openpyxl.load_workbook(src)["Cases"].cell(1, COLUMN).value
    assert "Models!" in text and "671" not in text  # figures come from the sheet, not typed in


# every case above, recalculated by LibreOffice and by Gnumeric, shows what Python returns (twin_cases.py)
test_libreoffice_shows_what_python_returns, test_gnumeric_shows_what_python_returns = engine_tests(COLUMN)
