"""The function reference (docs/functions.md), generated from the registry so it cannot drift.

Each function's name, syntax, arguments (with unit and default), result unit, source and an
example call with the result `flopsheet.udfs` actually computes for it. A test compares the
committed file with `function_reference()`; regenerate it (with everything else generated) by
`python -m tools.regenerate`, or alone by `python -m tools.docs -o docs/functions.md --force`.
"""

from __future__ import annotations

import argparse
import sys

from flopsheet import catalog, udfs
from flopsheet.exceltext import number_literal, string_literal
from flopsheet.functions import (
    REGISTRY,
    Arg,
    Function,
    catalogs,
    economics,
    hardware,
    inference,
    parallel,
    tokens,
    training,
)
from flopsheet.functions.declaration import excel_required

# The spec's four tables (../shared/spec/excel-functions.md), one registry module each.
SECTIONS = (
    ("Training", training.FUNCTIONS),
    ("Inference", inference.FUNCTIONS + parallel.FUNCTIONS),
    ("Tokens: text, images, video, audio", tokens.FUNCTIONS),
    ("Hardware and utilities", hardware.FUNCTIONS),
    ("Models", catalogs.FUNCTIONS),
    ("Money: buying, powering, training and serving (issue 14)", economics.FUNCTIONS),
)

INTRO = """\
# flopsheet function reference

Generated from the function registry by `python -m tools.regenerate`; do not edit by hand (a
test fails when this file is stale). Every example below was computed by the add-in.

Conventions for every function:

- **Numbers** may be typed as text magnitudes: `"175B"`, `"1.4T"`, `"7e10"`, `"2.53万"`,
  `"3.5亿"`, `"40%"`, `"1,000"` (K M B=G T P E, 万 亿 万亿, a trailing % divides by 100).
  Video resolution words are never magnitudes: `"720p"`, `"1080p"`, `"2160p"` (a line count
  with p, which would read as peta) are refused everywhere, and `"4K"`, `"8K"` (resolution
  names) are refused where a side in pixels is expected (IMAGE_TOKENS, VIDEO_TOKENS,
  VIDEO_SECONDS_TOKENS); elsewhere `"4K"` is 4,000. No other suffix makes a resolution word.
- **Ranges** (a row, a column or a block) broadcast against each other like Excel arithmetic;
  the result spills with the same shape. One bad cell gives an error text in that cell only.
- **Blank** optional arguments mean their default; a blank required argument is an error.
- **Errors** are one line starting with the function's name and naming the argument, e.g.
  `GPU_DAYS: unknown GPU "H10"; did you mean "H100 SXM"?`.
- **`gpu`** is a catalog name (case-insensitive, aliases such as `"H100"`, `"A100"`; see
  `GPU_NAMES()`) or, where only the peak is needed, a number read as dense peak TFLOPS.
  Catalog peaks are dense (no 2:4 sparsity).
- **`precision`** is one of {precisions}; default bf16.
- **`params`** may be a model-catalog name (`"Llama 3.1 405B"`, `"DeepSeek-V3"`; see
  `MODEL_NAMES()`): its active parameters for FLOPs, its total parameters for memory
  (WEIGHTS_GB, the fit check), and for inference its experts, layers and width. Text that is a
  magnitude (`"175B"`) stays a number; any other text that is not a catalog name is an error
  with did-you-mean.
- **`goodput`** (training time, GPU-hours, cost, energy; the last argument) is the productive
  share of wall-clock time, separate from `mfu`: default 0.85, backed out of Llama 3.1 405B's
  published hours. Pass 1 to count compute only (the seed report's figures) or a benchmark
  clock (MLPerf Training's time to train, which excludes failures and restarts).
- **Training `mfu`** left blank is the achievable share of the peak at `precision`, by number
  format: 37.5% of a BF16/FP16 peak, 36% of an FP8/INT8 peak, 25% of an FP4 peak (named
  assumptions TrainMFU, TrainFP8Share, TrainFP4Share), so FP8 is not twice BF16's speed for free.
  A typed `mfu` is a fraction of the peak at `precision`, as before.
- **`TRAIN_MFU(model, gpu, [precision], [seq_len], [gpus], [batch_tokens], [share], [ep],
  [micro_batch_tokens], [tp], [pp], [vp])`** estimates the MFU
  of one run from its setup, for GPU_HOURS, TRAIN_DAYS and the rest as `mfu` (they take FLOPs,
  not the model): the precision's share of the peak for a dense model's work with attention
  counted (40% of BF16, 41% of FP8/INT8, 26% of FP4: TrainStepShare...), less the attention
  scores at `seq_len` (2 L d s / N of extra work; Chowdhery et al. 2022, appendix B), a mixture of
  experts' all-to-all (TrainA2ABytes per routed expert, MoE layer and unit of width over
  ScaleOutGBs per GPU; DeepSeek-V3 report §3.2.1), and with `gpus` and `batch_tokens` a per-step
  overhead: TrainStepOverheadTokens per GPU (pipeline bubble, gradient reduction; Narayanan et
  al. 2021) plus TrainStepFixedS of fixed time, which a small model at few tokens per GPU feels.
  Fitted at once on the 45 training rows of `docs/fidelity.md` (MLPerf Training v3.1-v5.1 time to
  train, 26 runs from 8 to 11,616 accelerators, all within 20%; model cards' and papers'
  GPU-hours) and checked on 13 published dense training steps (torchtitan's and Megatron-Bridge's
  Llama 3 8B to 405B on H100, GB300, GB200 and B200, within 18%); goodput is separate. A mixture
  of experts trained with expert parallelism inside one NVLink domain takes `ep` (its degree: 8 on
  an 8-GPU node, up to 72 on an NVL72 rack) and `micro_batch_tokens` (micro-batch sequences x
  seq_len): the all-to-all then crosses NVLink (the GPU's interconnect_gbs) instead of the 400 Gb/s
  NICs, the expert GEMMs run at the tokens each expert gets (DeepGEMM's grouped-GEMM efficiency, as
  serving uses it), and each MoE layer costs 7 ms of host launches per micro-batch (Megatron-Core's
  MoE guide: a dropless MoE layer is launched from the host; "increase micro-batch size"; fitted on
  Megatron-Bridge 25.11's MoE steps). Nine of those 14 steps land within 40% (0.85-1.11). The
  step's `tp`, `pp` and `vp` (tensor-parallel, pipeline and interleaved virtual stages, blank 1;
  with `ep`, `gpus` and `batch_tokens`) add two terms computed from the layout, not fitted: the
  pipeline bubble, (pp - 1) / (vp x m) of the step with m = batch_tokens / (micro_batch_tokens x
  gpus / (tp x pp)) micro-batches a pipeline (Narayanan et al. 2021), and the experts' gradient
  reduction across their gpus / (ep x pp) copies, 4 bytes (BF16 reduce-scatter and all-gather) a
  held expert parameter over the 400 Gb/s NICs when the copies span NVLink domains (an ESTIMATE,
  counted as not overlapped). gpt-oss-120b on 64 H100s, TP1 PP4 EP8, 512 x 4,096 tokens a step in
  micro-batches of 4 x 4,096: `=TRAIN_MFU("gpt-oss-120b","H100","bf16",4096,64,2097152,,8,16384,1,4)`
  = 0.187, 6,006 tokens/s a GPU (Megatron-Bridge measured 5,630; with the degrees blank 6,726, and
  1.51x optimistic before these terms); on 64 B200s at EP8 the copies' reduction is 1 s of a 3 s
  step (1.97x -> 1.31x). A dense run's pipeline stays in the fitted per-step overhead, so `tp`,
  `pp` and `vp` without `ep` are refused. Still off: PP16's stage balance with multi-token
  prediction (1.50), 24 virtual stages across two H100 nodes (2.16) and GB300, faster than its FP8
  peak says (0.69). `ep` beyond
  the GPU's NVLink domain is refused, in the add-in and in the hand-off copy (#N/A): the largest
  platform the GPU comes in (`catalog/platforms.csv`: 8 on HGX/DGX H100, H200, H800, B200, B300 and
  the MI300X platform, 72 on GB200 and GB300 NVL72 racks; 8 assumed for a GPU with no platform row,
  an ASSUMPTION; a peak typed as a number has no known domain and is not checked). For expert
  parallelism across nodes leave `ep` blank (the lumped scale-out all-to-all). Qwen3 30B-A3B on 8 GB200s, EP8, micro-batches of 4 x 4,096
  tokens: `=TRAIN_MFU("Qwen3 30B-A3B","GB200","fp8",4096,8,2097152,,8,16384)` = 0.098, 24,700
  tokens/s a GPU (Megatron-Bridge measured 23,766; with ep blank, 0.036). E.g.
  `=GPU_HOURS(TRAIN_FLOPS("Llama 3.1 405B",15.6E12),"H100",TRAIN_MFU("Llama 3.1 405B","H100",
  "bf16",8192))`. Llama 3 and 3.1 8B's cards stay 1.7-1.9x under it (whole-run utilisation half
  that of the 70B and 405B on the same hardware, with no published GPU count or batch to say why;
  not the width: one 8B step on H100s runs at the 70B's and 405B's share of the peak).
- **Gives** says what each number is: an **estimate** (calibrated or rule-of-thumb defaults:
  expect an error either way), a **bound** (the best the hardware allows, e.g. a roofline: real
  runs are slower or need more), or **exact** (arithmetic or a published figure, given its inputs).

**Breaking change (issue 20):** IMPLIED_MFU takes a 5th argument, `goodput` (default 0.85, as
GPU_HOURS'), and returns the MFU at that goodput, so `GPU_HOURS(flops, gpu, IMPLIED_MFU(flops,
hours, gpu))` gives `hours` back; it used to return whole-run utilisation (MFU x goodput), which
fed back as `mfu` applied goodput twice. Pass goodput 1 for the old figure. Training functions'
blank `mfu` went from 40% of any peak to the precision's training default above.

**New (issue 20): ITL_MS, the inter-token latency users see on a loaded server.** DECODE_MS is one decode
step of a batch. A continuously batched server (vLLM, SGLang, TensorRT-LLM and NIM with chunked prefill)
also prefills the arriving requests' prompts inside those steps, so with `batch` requests in flight, each of
`prompt_tokens` in and `output_tokens` out, `ITL_MS` is the decode step plus (batch - 1) x prompt_tokens /
output_tokens prompt tokens a step at the prefill efficiency (the steady state of a full batch: the same as
DECODE_MS at batch 1 or with no prompt), with the server's own CPU time, batch x `host_us` (0 by default, 68 us a
running sequence for vLLM v0.11, fitted on its published runs), overlapped with the GPUs' step but for half of it,
the share on the critical path (`host_serial`, blank HOST_SERIAL_SHARE, an estimate fitted on ML.ENERGY's
steady-state vLLM runs: `benchmarks/fit_host.py`; 0 for TensorRT-LLM's overlap scheduler): the step is the longer of
the GPUs' time and half the CPU's, plus the other half.
An estimate: queueing and preemption are not counted. NIM 1.8's setup at concurrency 25 (Llama 3.3 70B FP8 on
2 H100s, 5,000-token prompts, 500-token answers) measured 38.75 ms; `=ITL_MS("Llama 3.1 70B",5000,500,"H100",25,
1,2,KV_CACHE_GB("Llama 3.1 70B",5250,25,1,2),,,"fp8")` with its FP8 cache gives 44.3 ms (DECODE_MS alone 24.5;
docs/fidelity.md, nim-2), 48.3 ms with the default BF16 cache.

**What the serving batch holds to the latency target, and what it does not.** The serving batch (SERVING_BATCH,
SERVING_GPUS, a blank `batch` in TOKENS_PER_SECOND and COST_PER_MTOK) is the largest whose caches fit and whose
*decode step* (DECODE_MS) meets `latency_ms`. The other requests' prefill that rides on those steps is charged to
the fleet's time (SERVING_GPUS counts every request's prefill) but not to that test, so on a loaded server the
time between tokens (ITL_MS) is longer than the target: Llama 3.1 70B on 4 H100s, 1,000-token prompts and 500-token
answers, serving batch 353, decode step 50 ms, ITL_MS 95.1 ms. The batch whose ITL_MS meets 50 ms is 162, with 0.78
of the throughput (SERVING_GPUS for 10M requests a day: 144 GPUs, not 128). The search stays on the decode step because
that is what fits the published server runs: searched on ITL_MS, MLPerf Server's runs land further from their
measured throughput (Llama 2 70B on 8 H200s 0.91 of it, not 1.00; on MI325Xs 0.75, not 0.84: docs/fidelity.md's
mlperf-inf-8 and -19), ITL_MS at their batches being 10-30% longer than the time per token they measured. To promise users a time between
tokens, check ITL_MS at the serving batch and lower `latency_ms` (or type a smaller batch) until it meets it.
A serving engine also caps the sequences it runs at once (vLLM's `max_num_seqs`, 256 before its V1 engine and
1,024 since; TensorRT-LLM's `max_batch_size`; SGLang's `max_running_requests`): type it as `max_batch`
(SERVING_GPUS, SERVING_BATCH, and TOKENS_PER_SECOND and COST_PER_MTOK with `batch` blank) and the serving batch is
the smaller of it and what memory and `latency_ms` allow.

**The serving engine's own CPU time (`host_us` and `host_serial` of SERVING_GPUS, SERVING_BATCH, TOKENS_PER_SECOND
and COST_PER_MTOK).** At thousands of sequences on a
fast GPU, the engine's CPU work per running sequence per step (scheduling, sampling's bookkeeping, detokenising) can
outlast the GPUs' step. `host_us` is that time per sequence (blank: none) and `host_serial` the share of it on the
step's critical path (blank 0.5, vLLM's, fitted as ITL_MS' is; 0 where the engine hides it but where it outlasts the
GPUs, TensorRT-LLM's overlap scheduler): the step is the longer of the GPUs' time plus `host_serial` of the CPU's,
and the CPU's whole time, in the latency test (the serving batch) and in the throughput and cost. On vLLM, Qwen3
30B-A3B on one B200 at $3 a GPU-hour costs `=COST_PER_MTOK("Qwen3 30B-A3B","B200",3)` = $0.025 per million output
tokens at the serving batch of 1,375 sequences, and `=COST_PER_MTOK("Qwen3 30B-A3B","B200",3,,,,,,,,,,,,,,,68)` =
$0.057 with vLLM's CPU time, whose batch x 68 us meets the 50 ms target at 735 sequences. Estimates: 68 us for vLLM v0.11
(fitted on ML.ENERGY's runs), 29.4 us per sequence of each attention-data-parallel rank for TensorRT-LLM's PyTorch
executor (NVIDIA's measured 45.11 ms a step at 1,536 sequences a rank, pull request #10273; not fitted here). Where
it binds: TensorRT-LLM 1.0 served Qwen3 30B-A3B (FP4) on one B200 at 25,828 output tokens/s with 1,000-token prompts
and answers (trtllm-bench, its scheduler reserving each request's cache at 2,000 tokens: 1,492 sequences);
`=1E9*1000/86400/SERVING_GPUS(1E9,1000,1000,"Qwen3 30B-A3B","B200",1,1E7,1,KV_CACHE_GB("Qwen3 30B-A3B",1500,1,1,1),
0.5,,,"fp4",,,1492,29.4,0)` gives 30,864 tokens/s a GPU, 47,827 without the CPU's time (docs/fidelity.md,
trtllm-18; the 210 cells of that table: RMS log error 0.357 -> 0.295, benchmarks/trtllm_table.py).
Blank, only memory and latency bound it (at most 65,536): `=SERVING_BATCH("Llama 3.1 70B","H100",2,4)` = 413,
`=SERVING_BATCH("Llama 3.1 70B","H100",2,4,,,,,,,256)` = 256, and `=SERVING_GPUS(1E6,1000,300,"Llama 3.1 70B",
"H100",4,,,,,,,,,,64)` = 20 GPUs where the uncapped batch needs 12.

**Breaking change (issue 20, serving defaults):** blank serving arguments now answer the question asked.
`kv_gb` left blank in DECODE_MS, RESPONSE_SECONDS, ITL_MS, TOKENS_PER_SECOND and COST_PER_MTOK is a catalog model's
own KV cache (BF16) for every sequence of the batch, with its attention FLOPs: at `context_tokens` (new last
argument; default 1,085 tokens, prompt + half the answer of the median request of Azure's conversation
trace, Splitwise, Patel et al. 2024) or, in RESPONSE_SECONDS and ITL_MS, at the request's own running context (prompt +
half the answer). It used to be no cache: type `kv_gb` 0 for the old figure. A plain parameter count ("70B")
has no layers or heads to size a cache, so it still has none: `TOKENS_PER_SECOND("70B","H100",64,2,8)` and
`TOKENS_PER_SECOND("Llama 3.1 70B","H100",64,2,8)` differ by the cache each step reads (and the all-reduces
the model's layers make). `batch` left blank in TOKENS_PER_SECOND and COST_PER_MTOK is the serving batch (the
largest whose caches fit in usable memory and whose step stays under 50 ms, as SERVING_GPUS), not 1. `gpus`
left blank (DECODE_MS, RESPONSE_SECONDS, ITL_MS, TTFT_SECONDS, TOKENS_PER_SECOND, COST_PER_MTOK, SERVING_GPUS) is the
fewest valid tensor-parallel GPUs that hold the weights and the cache, not 1. A typed `gpus` must be a valid
tensor-parallel degree: it divides the model's attention heads, splits its KV heads evenly (or copies them
evenly) and stays within one 8-GPU NVLink domain, as vLLM and TensorRT-LLM require; `gpus` 3 for a 64-head
model, or 16, is an error that names the valid degrees. The hand-off copy computes both blanks natively (the
fewest valid degree as a chain over 1-8 GPUs, the serving batch as its bisection written out in Workings
cells); SERVING_BATCH gives the serving batch itself. A cell left empty for `batch` or `gpus` is #N/A in the
copy: leave the argument out of the formula instead.

**Breaking change (issue 13):** DECODE_MS, RESPONSE_SECONDS and TOKENS_PER_SECOND now share
one order of optional arguments, `..., [batch], [bytes_per_param], [gpus], [kv_gb],
[bw_efficiency], [mfu], [precision], [allreduce_us]`. RESPONSE_SECONDS used to take `mfu` 8th
and `kv_gb` 9th: a formula written for the old order reads its mfu as kv_gb (GB) now; move
the mfu to the 10th argument. GPU-hours, days, cost and energy now include downtime (goodput
0.85) unless goodput 1 is passed.
"""


def syntax(fn: Function) -> str:
    """`NAME(a, b, [c])`: optional arguments in brackets, as Excel's help writes them."""
    return f"{fn.name}({', '.join(f'[{a.name}]' if a.optional else a.name for a in fn.args)})"


def excel_literal(value) -> str:
    """A Python argument as a user would type it in a formula."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return string_literal(value)
    return number_literal(value)


def show_result(value) -> str:
    """A result as the reference prints it: 6 significant digits, thousands separated."""
    if isinstance(value, list):
        cells = [c for row in value for c in row]
        shown = ", ".join(show_result(c) for c in cells)
        return f"a column of {len(cells)}: {shown}"
    if isinstance(value, str):
        return f'"{value}"'
    x = float(value)
    if x != 0 and (abs(x) >= 1e15 or abs(x) < 1e-3):
        return f"{x:.6g}".replace("e+", "E+").replace("e-", "E-")
    y = float(f"{x:.6g}")
    return f"{int(y):,}" if y.is_integer() else f"{y:,}"


def _default(arg: Arg, excel_optional: bool = False) -> str:
    if not arg.optional:
        # required in the plain form, left out in a shorter one (a catalog model's name first)
        return "required (not in the model-name form)" if excel_optional else "required"
    if arg.default is None:
        return "optional"
    return f"optional, default {excel_literal(arg.default)}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def function_section(fn: Function) -> str:
    lines = [
        f"### {fn.name}",
        "",
        fn.summary,
        "",
        f"`{syntax(fn)}` → {fn.returns}",
        "",
        f"Gives: **{fn.nature}** ({fn.nature_why}).",
        "",
    ]
    if fn.args:
        lines += ["| Argument | Default | Description |", "|---|---|---|"]
        needed = excel_required(fn)
        lines += [f"| `{a.name}` | {_default(a, i >= needed)} | {_cell(a.doc)} |" for i, a in enumerate(fn.args)]
        lines.append("")
    call = f"={fn.name}({', '.join(excel_literal(v) for v in fn.example)})"
    result = getattr(udfs, fn.name)(*fn.example)
    lines += [f"Example: `{call}` → {show_result(result)}", "", f"Source: {fn.source}", ""]
    return "\n".join(lines)


def vision_tokenizers() -> str:
    """The vision-tokenizer catalog as a table: what IMAGE_TOKENS, VIDEO_TOKENS, VIDEO_SECONDS_TOKENS and
    AUDIO_TOKENS accept as a tokenizer name, each rule's source, the date read, and its status."""
    from flopsheet.engine import vision_catalog as vision

    lines = [
        "### Vision tokenizers",
        "",
        "Names IMAGE_TOKENS and VIDEO_TOKENS take in `patch`, and VIDEO_SECONDS_TOKENS and AUDIO_TOKENS in "
        "`model` (case, spaces, hyphens and dots ignored; aliases after the name). Each row is the "
        "vendor's published rule; an estimate says why.",
        "",
        "| Name (aliases) | Image | Video | Audio | Status | Source (read) |",
        "|---|---|---|---|---|---|",
    ]
    for r in vision.rows():
        p = r.params
        video = (
            f"{p['video_tokens_per_s']:g} a second"
            if p.get("video_tokens_per_s")
            else f"{p['video_fps']:g} fps, frame pairs"
            if r.video
            else ""
        )
        audio = f"{r.audio:g} a second" if r.audio else ""
        names = r.name + (f" ({', '.join(r.aliases)})" if r.aliases else "")
        lines.append(
            f"| {_cell(names)} | {r.rule if r.images else ''} | {video} | {audio} | {r.status} | "
            f"[{_cell(r.source)}]({r.url}) ({r.read}){'. ' + _cell(r.note) if r.note else ''} |"
        )
    return "\n".join(lines) + "\n"


def function_reference() -> str:
    """The whole reference as markdown, in the registry's order, grouped like the spec."""
    parts = [INTRO.format(precisions=", ".join(f"`{p}`" for p in catalog.PRECISIONS))]
    listed = set()
    for title, fns in SECTIONS:
        fns = [f for f in fns if REGISTRY.get(f.name) is f]
        parts.append(f"## {title}\n")
        parts.append(
            "| Function | Returns | Gives |\n|---|---|---|\n"
            + "".join(f"| [`{syntax(f)}`](#{f.name.lower()}) | {f.returns} | {f.nature} |\n" for f in fns)
        )
        parts += [function_section(f) for f in fns]
        if fns is tokens.FUNCTIONS or any(f.name == "IMAGE_TOKENS" for f in fns):
            parts.append(vision_tokenizers())
        listed.update(f.name for f in fns)
    rest = [f for f in REGISTRY.values() if f.name not in listed]
    if rest:
        parts.append("## Other functions\n")
        parts += [function_section(f) for f in rest]
    return "\n".join(parts).rstrip("\n") + "\n"


# -- README blocks: generated text between <!-- BEGIN name --> and <!-- END name --> ----------

# What each sheet holds, for workbook/README.md's table (generated in the template's sheet order; a sheet
# without an entry fails `python -m tools.regenerate`). The Start sheet's own shorter list: template/sheets/start.py.
SHEET_DETAILS = {
    "Start": (
        "What the workbook is; the add-in status cell `=FLOPSHEET_VERSION()` (shows `#NAME?` until the functions are "
        "on); how to switch them on in Excel for Windows; the global assumptions as defined names (`DefaultMFU`, `TrainMFU`, "
        "`TrainFP8Share`, `TrainFP4Share`, "
        "`PUE`, `BwEfficiency`, `UsableMemory`, `DefaultPrecision`, `SecondsPerDay`, `DaysPerMonth`, `WattsPerMW`); "
        "in the copy, how to use it instead; the cell-style legend; every function with its arguments."
    ),
    "GPUs": (
        "The accelerator catalog as an Excel table `GPUCatalog`: dense peaks per precision, memory, bandwidth, TDP, "
        "sparsity factor, an editable $/GPU-hour assumption, sources, and why a cell is empty. Unprotected: add a GPU"
        " in the first row below the table."
    ),
    "Models": (
        "The model catalog as an Excel table `ModelCatalog`: total and active parameters, layers, attention and KV "
        "heads, head "
        "dimension, experts, the KV cache's shape (MLA latent, windowed layers), published training tokens and "
        'GPU-hours, sources. Functions given a model name (`=KV_CACHE_GB("DeepSeek-V3",128000)`) read it; the copy\'s '
        "formulas look figures up here by name."
    ),
    "Training": (
        "Scenario rows (GPT-3 as the seed computes it; the seed's 500B model on all 2022 images at the dense H100 "
        "peak and at the seed's sparse 1,979 TFLOPS; a Chinchilla-optimal 70B; DeepSeek-V3 on its 37B active "
        "parameters) and 25 pre-formatted blank rows. Helper columns show what each result uses: the GPU's row on the"
        " GPUs sheet (MATCH), the precision (blank = `DefaultPrecision`), peak, TDP and price (INDEX into whole "
        "columns, so a GPU added below the table is found) and MFU (blank = the precision's `TrainMFU`, `TrainFP8Share` or `TrainFP4Share`); compute, GPU-hours, "
        "GPU-days, wall-clock days, GPUs for a deadline and cost are function calls on them; energy is GPU-hours x "
        "TDP x `PUE` / `WattsPerMW` on the GPUs sheet's TDP (so an edited TDP moves the .xlsm and the copy alike). A "
        "chart of GPU-days over every scenario row."
    ),
    "Inference": (
        "One GPT-3 answer: the seed's compute-bound seconds beside the roofline `RESPONSE_SECONDS` and why they "
        "differ tenfold; memory to hold the model; a serving fleet (requests per day to GPUs); Kimi's 2 million "
        "Chinese characters of context."
    ),
    "Economics": (
        "Money, each figure with its low-cost and high-cost case and a `RANGE_TEXT` line: the dated price table "
        "(primary source per row), the seed's H100 fleet bought, powered and run for a year, a serving P&L, rented "
        "GPU-hours against owned hardware (Epoch AI's amortisation), and a sensitivity table of training cost by MFU "
        "and price."
    ),
    "Multimodal": (
        "Image tokens (BEiT 224 px, 1024x768, LLaVA-1.5 336 px), the seed's all-images-of-2022 estimate (dense vs "
        "sparse H100s, five vendors, H100-months), MagicVideo-V2's video tokens."
    ),
    "Seed check": (
        "Every worked figure of the seed report: the report's value, the workbook's (a function call on the row's "
        "arguments), the difference; the dense-peak and roofline corrections; DeepSeek-V3's published GPU-hours and "
        "cost against the Training sheet."
    ),
    "Sources": ("Papers, datasheets, prices and assumptions, with links."),
    "Workings": (
        "Only in the hand-off copy: every quantity the translated formulas use (a GPU's row, the peak and MFU used, a"
        " decode step's time), one labelled cell each."
    ),
    "xlwings.conf": ("Tells xlwings to load `flopsheet.udfs` (leave it in place)."),
}


def sheet_names(copy: bool = False) -> tuple[str, ...]:
    """The template's sheets in its order, then the one the copy adds (Workings) or the one the .xlsm keeps last."""
    from flopsheet.template.layout import SHEET_ORDER

    return SHEET_ORDER + (("Workings",) if copy else ("xlwings.conf",))


def readme_sheet_list() -> str:
    """The README's sheet list: every sheet of the template, in its order, with what it holds (Start's words)."""
    from flopsheet.template.sheets.start import SHEETS

    described = dict(SHEETS)
    return "\n".join(f"- **{name}**: {described[name]}" for name in sheet_names()[:-1])


def sheet_table() -> str:
    """workbook/README.md's table: every sheet of the template and of its copy, in the workbook's order."""
    names = sheet_names()[:-1] + ("Workings", "xlwings.conf")
    rows = ["| Sheet | What it holds |", "|---|---|"]
    rows += [f"| {name} | {SHEET_DETAILS[name]} |" for name in names]
    return "\n".join(rows)


def workbook_readme_blocks() -> dict[str, str]:
    """workbook/README.md's generated part: its sheet table."""
    return {"sheets": sheet_table()}


def readme_blocks() -> dict[str, str]:
    """The README's generated parts: the seed-report table and the function list."""
    from flopsheet import seed

    functions = ["| Function | Gives | What it gives |", "|---|---|---|"]
    for _title, fns in SECTIONS:
        for f in fns:
            functions.append(
                f"| [`{syntax(f)}`](docs/functions.md#{f.name.lower()}) | {f.nature} | {_cell(f.summary)} |"
            )
    return {"seed-table": seed.markdown_table(), "functions": "\n".join(functions), "sheets": readme_sheet_list()}


def fill_blocks(text: str, blocks: dict[str, str]) -> str:
    """`text` with each marked block replaced by its generated content."""
    import re

    for name, body in blocks.items():
        pattern = re.compile(rf"(<!-- BEGIN {name} -->).*?(<!-- END {name} -->)", re.S)
        if not pattern.search(text):
            from flopsheet.errors import FlopsheetError

            raise FlopsheetError(f"the README has no <!-- BEGIN {name} --> ... <!-- END {name} --> block")
        text = pattern.sub(lambda m: f"{m.group(1)}\n{body}\n{m.group(2)}", text)
    return text


# -- command line: `python -m tools.docs` ------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m tools.docs", description="The function reference generated from the registry."
    )
    p.add_argument("-o", "--output", help="write to this file instead of standard output")
    p.add_argument("--force", action="store_true", help="overwrite --output if it exists")
    p.add_argument("--check", metavar="FILE", help="exit 1 if FILE differs from the generated reference")
    p.add_argument("--readme", metavar="README", help="refresh the generated blocks of this README in place")
    return p


def run(args) -> int:
    from flopsheet.safefile import write_text

    if getattr(args, "readme", None):
        with open(args.readme, encoding="utf-8") as fh:
            text = fill_blocks(fh.read(), readme_blocks())
        write_text(args.readme, text, force=True)
        return 0
    text = function_reference()
    if getattr(args, "check", None):
        try:
            with open(args.check, encoding="utf-8") as fh:
                current = fh.read()
        except OSError as e:
            print(f"tools.docs: cannot read {args.check}: {e.strerror}", file=sys.stderr)
            return 1
        if current != text:
            print(
                f"tools.docs: {args.check} is stale; regenerate with `python -m tools.docs -o {args.check} --force`",
                file=sys.stderr,
            )
            return 1
        return 0
    if getattr(args, "output", None):
        write_text(args.output, text, force=args.force)
        return 0
    out = getattr(sys.stdout, "buffer", None)
    if out is not None:  # UTF-8 and \n whatever the console's code page (the text has 万 and 亿)
        sys.stdout.flush()
        out.write(text.encode("utf-8"))
        out.flush()
    else:
        sys.stdout.write(text)
    return 0


def main(argv=None) -> int:
    from tools import command

    return command("tools.docs", parser(), run, argv)


if __name__ == "__main__":
    sys.exit(main())
