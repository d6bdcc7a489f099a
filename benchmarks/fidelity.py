"""flopsheet against published measurements (issue 20): each row of tests/reference/measured.csv
mapped to one flopsheet call with default inputs except the setup the source publishes (model,
GPU, GPU count and tensor-parallel group, batch, prompt and output lengths, precision, training
tokens), and predicted / measured.

    PYTHONPATH=addin python benchmarks/fidelity.py               # prints the table and the summary
    PYTHONPATH=addin python benchmarks/fidelity.py --write-doc   # also rewrites docs/fidelity.md and docs/fidelity.png

How a row becomes a call (`kind` column):
- output_throughput with a published batch: batch x output_tokens / RESPONSE_SECONDS (prefill of the
  batch's prompts, then output_tokens decode steps, each reading the batch's KV cache at the running
  context, prompt + half the answer, in the recipe's cache format: KV_BYTES), per tensor-parallel
  instance, times the instances (gpus / gpus_per_instance); with no output length (prompts of
  unpublished lengths), TOKENS_PER_SECOND at that batch.
- output_throughput with batch "max" (offline and serving runs that publish no batch): the serving
  model SERVING_GPUS uses (the largest batch whose KV cache fits and whose decode step meets the
  per-token limit, prefill charged per request) at peak_factor 1: requests_per_day x output_tokens /
  86,400 / GPUs, with a load large enough that rounding to whole GPUs is below 1e-4. The limit is the
  run's own, a setup fact (latency_target): none for an offline run (MLPerf Offline, trtllm-bench
  throughput, vLLM's benchmark_throughput.py: every request queued at once, the batch is what memory
  holds), MLPerf's time-per-output-token limit for a Server run (loadgen/mlperf.conf), SERVING_GPUS'
  default 50 ms for the rest; each sequence's cache is the model's own at the running context in the
  recipe's cache format (kv_per_sequence). A run whose engine caps the batch and whose harness sets no cap
  (vLLM's benchmark_throughput.py before the V1 engine: max_num_seqs 256, engine_batch_cap) gives
  SERVING_GPUS that cap as its max_batch; so does a trtllm-bench run, whose scheduler admits a request only when its
  cache at prompt + output tokens fits (GUARANTEED_NO_EVICT: reserved_batch, at most 4,096 sequences), while each
  step reads the caches at their running context. A trtllm-bench run is also a finite dataset sent at once (its
  page's $num_requests, run_requests): never more sequences than requests, and a last wave of the requests the
  full waves leave over, run alone at its own batch (finite_run).
- input_throughput: prompt tokens x batch / TTFT_SECONDS per instance; a cached share of the input
  (DeepSeek's note) costs no prefill, so the computed rate is divided by 1 - cache_hit_share.
- decode_step_ms: DECODE_MS, with the batch's KV cache (KV_CACHE_GB of the model at the running context,
  prompt + half the output rounded down to a whole token; FP8 beside 8- and 4-bit weights, see KV_BYTES)
  when the row publishes its lengths; ttft_s: TTFT_SECONDS.
- decode_step_ms measured on a server under steady load (under_load: a benchmark client holding a fixed number
  of requests in flight, NIM's AIPerf/genai-perf "at fixed concurrency", or ML.ENERGY's "steady-state vLLM
  serving"): the inter-token latency its users see, ITL_MS with the row's prompt and output lengths and the same
  cache, a decode step plus the chunked prefill of the other requests' prompts that rides on it ((batch - 1) x
  prompt / output tokens a step; with no published prompt length, input 0, that is DECODE_MS); on a vLLM server
  (a setup fact of the software, like its batch cap) with its CPU time per running sequence per step, host_us =
  VLLM_HOST_US (68 us), overlapped with the GPU's step but for HOST_SERIAL_SHARE (0.5) of it on the critical path
  (it binds at thousands of sequences on one fast GPU, and adds to the GPU's step at hundreds). Not dstack's
  rows: benchmark_serving.py sent all their requests at once, so every prefill ran before the decode steps its
  TPOT times (a static batch), and not the rows typed with an expert-parallel layout (LAYOUT_DECODE_MS below,
  which has no prefill share; on vLLM under load it takes the same host_us).
- train_minutes: TRAIN_DAYS(TRAIN_FLOPS(model, tokens), gpu, gpus, TRAIN_MFU(model, gpu, precision,
  seq_len, gpus, batch x seq_len), goodput=1) x 1,440 (MLPerf time to train); for training rows `batch`
  is the global batch in sequences and `input_tokens` the sequence length, as the run's config and log
  publish them. goodput 1 is a setup fact, not a fit: MLPerf's clock runs from run_start to run_stop of
  one successful run, so failures and restarts (what goodput discounts) are outside it, while its
  evaluations and the warm-up steps stay inside (they are part of the MFU the run sustains).
- train_gpu_hours: GPU_HOURS(TRAIN_FLOPS(model, tokens), gpu, TRAIN_MFU(model, gpu, precision, seq_len))
  at the default goodput (0.85): a model card's GPU-hours are the whole run's, restarts and checkpoints
  included; a row whose notes say COMPUTE-ONLY HOURS (the source's hours are its throughput times its
  tokens, as the LLaMA paper's and DeepSeek's per-trillion-token figures are) is goodput 1. A blank
  sequence length leaves the attention term out; a model card publishes no GPU count or batch, so no
  per-step overhead.
- train_tokens_per_s (tokens a second per GPU of a training step, as torchtitan's and NVIDIA Megatron-Bridge's
  benchmark tables publish it): 1 / (3,600 x GPU_HOURS(TRAIN_FLOPS(model, 1), gpu, TRAIN_MFU(model, gpu,
  precision, seq_len, gpus, batch x seq_len), precision, goodput=1)), one token's hours at the step's MFU: a
  per-step rate has no failures or restarts in it (goodput 1, a setup fact), and its layout's gpus and global
  batch reach TRAIN_MFU's per-step overhead as MLPerf's do. These rows check TRAIN_MFU per step across model
  sizes on one GPU (Llama 3 8B, 70B and 405B on H100s, GB300s, GB200s and B200s), which the model cards' whole-run
  hours cannot, and MoE steps (Megatron-Bridge's DeepSeek-V3, gpt-oss-120b and Qwen3 runs), typed with the
  expert-parallel degree and micro-batch their notes publish ("MBS 4, TP1 PP1 EP64": TRAIN_MFU's ep and
  micro_batch_tokens = MBS x seq_len); the layouts TRAIN_MFU does not model (pipelines and expert replicas across
  8-GPU nodes) say so in their notes.
- a row with a published parallel `layout` ("EP144": experts over 144 GPUs, attention data-parallel; "TP4 EP8"):
  LAYOUT_TOKENS_PER_SECOND / LAYOUT_PREFILL_TOKENS_PER_SECOND (engine.parallel's expert-parallel model):
  output_throughput at the row's published batch of the instance, or with batch "max" at the largest batch under
  the run's latency limit (latency_target: none offline, else the default 50 ms per token) that fits (a decode-only
  unit of a disaggregated deployment has no input length, so no prefill), at most, in a trtllm-bench run, what its
  scheduler reserves and its requests allow, in waves (layout_bench_batch, finite_run); its cache at the row's
  `kv_context` when the source publishes the average cached length;
  input_throughput at `batch` prompts per GPU; decode_step_ms: LAYOUT_DECODE_MS at the row's batch and running
  context (ML.ENERGY's vLLM runs: attention TP and experts EP over the same GPUs, "TP8 EP8"; under steady load with
  vLLM's host_us, as ITL_MS rows). Typed as
  published: DeepSeek's note and SGLang's post (EP144 / EP32, EP72 / EP32), TensorRT-LLM's "DEP4"/"DEP8"
  columns (attention data-parallel with expert parallel over the group: "EP4"/"EP8"), NVIDIA's MLPerf configs
  with enable_attention_dp and moe_expert_parallelism 8 ("EP8").
A precision of fp8 or fp4 is typed twice, as the call's `precision` (the peak) and as bytes per
weight (1 or 0.5; int8 as 1); a blank `mfu` is the training efficiency of that precision's peak
(engine.training_mfu), serving's efficiencies are their defaults (by phase and number format); goodput
(but the benchmark clock's) stays at its default; the latency target is the run's own where it publishes
one (or none, offline), else the default; the KV cache is the model's own at the running context in the
recipe's cache format (a time to first token reads none): prompt + half the answer, or for an MLPerf row its
dataset's, the cached tokens a decoding sequence holds on average over the steps, E[o (i + o / 2)] / E[o] over its
samples (running_context, tests/reference/mlperf-lengths/), its config's batch at most what fits then (mlperf_batch);
an MLPerf Offline row whose log gives its query's samples_per_query runs them through that batch, the longest answers
draining at a shrinking batch at the end (offline_run).

ratio = predicted / measured in the row's unit: above 1 a throughput is optimistic and a time is
pessimistic. error factor = max(ratio, 1 / ratio).
"""

from __future__ import annotations

import argparse
import csv
import functools
import importlib
import math
import re
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "reference" / "measured.csv"
DOC = ROOT / "docs" / "fidelity.md"
CHART = ROOT / "docs" / "fidelity.png"

BYTES = {"bf16": 2.0, "fp16": 2.0, "fp8": 1.0, "int8": 1.0, "fp4": 0.5}
# Bytes per cached key/value where a row's cache is typed (every serving kind but the prefill ones): FP8 beside
# 8- and 4-bit weights, as the FP8 and NVFP4 recipes quantize the cache with the weights: TensorRT-LLM's ModelOpt
# checkpoints export kv_cache_quant_algo FP8 (ModelOpt's hf_quant_config), NIM's run at 50 sequences of 5,250
# tokens holds 70.5 GB of weights and 43 GB of FP8 cache on two 80 GB H100s (in BF16 the cache alone would be
# 86 GB), AMD's MLPerf v5.1 harness sets kv_cache_dtype fp8 (closed/AMD/code/mixtral-8x7b/.../offline_mi300x.yaml,
# mlperf-inf-22's note), TensorRT-LLM v0.6's static batches build with --fp8_kv_cache (its Llama 2 70B batch of 480
# on 4 H100s holds only in FP8: test_static_batches_hold_their_cache_in_the_recipes_format); Intel's Gaudi FP8
# recipe (optimum-habana + INC, maxabs_quant.json with no allowlist) quantizes the KVCache module by INC's default
# module table, and its Gaudi 3 batches of 240 and 450 70B sequences fit only in FP8 (gaudi-g3-6/-3's notes; that
# the page ran this recipe is an ASSUMPTION); an ASSUMPTION for vLLM's runs on MI300X; BF16 otherwise
KV_BYTES = {"bf16": 2.0, "fp16": 2.0, "fp8": 1.0, "int8": 1.0, "fp4": 1.0}
COMPUTE_ONLY = "COMPUTE-ONLY HOURS"  # a train_gpu_hours row whose hours are throughput x tokens: goodput 1
LOAD = 1e11  # requests a day for the serving-model throughput: >= 1e4 replicas, so whole-GPU rounding < 1e-4
# The per-token latency limit a "batch max" run was held to, the benchmark's own (a setup fact, not a fit):
# - Offline runs have none: MLPerf Offline queues every sample at once, trtllm-bench throughput sends requests
#   "at an infinite rate" (TensorRT-LLM perf-overview.md, "Throughput Measurements"), vLLM's
#   benchmark_throughput.py queues all requests; the batch is what memory holds. NO_LIMIT_MS types that.
# - MLPerf Server runs meet a 99th-percentile time per output token, by benchmark (mlcommons/inference,
#   loadgen/mlperf.conf at commit 001712e9, read 2026-12-06: llama2-70b and mixtral-8x7b 200 ms, llama3_1-405b
#   175 ms, llama3_1-8b 100 ms, deepseek-r1 80 ms; their time-to-first-token limits, 2-6 s, are not modelled).
# - Any other run (a production service) keeps SERVING_GPUS' default target.
NO_LIMIT_MS = 1e7
MLPERF_SERVER_TPOT_MS = {
    "Llama 2 70B": 200.0,
    "Mixtral 8x7B": 200.0,
    "Llama 3.1 405B": 175.0,
    "Llama 3.1 8B": 100.0,
    "DeepSeek-R1": 80.0,
}


def scenario(row: dict) -> str:
    """'offline', 'server' (an MLPerf Server run) or '' (unknown: the default target), from the row's notes."""
    notes = row["notes"]
    if row["id"].startswith("mlperf-inf"):  # its own scenario first (a row's notes may name another's)
        if "MLPerf Offline" in notes:
            return "offline"
        return "server" if "Server" in notes else "offline" if "Offline" in notes else ""
    if "trtllm-bench throughput" in notes or "benchmark_throughput" in notes:
        return "offline"
    return ""


def latency_target(row: dict) -> float | None:
    """The per-token latency limit of a "batch max" row (None: SERVING_GPUS' default)."""
    kind = scenario(row)
    if kind == "offline":
        return NO_LIMIT_MS
    if kind == "server":
        return MLPERF_SERVER_TPOT_MS.get(row["model_as_typed"])
    return None


# The batch an engine's own scheduler caps a run at when the run sets none, a setup fact like the latency limit:
# vLLM before its V1 engine (V1 the default from v0.8.0, 2025-03) admits at most max_num_seqs = 256 sequences a step
# (vllm-project/vllm, vllm/engine/arg_utils.py, EngineArgs.__post_init__: "self.max_num_seqs = 256 if not
# envs.VLLM_USE_V1 else 1024", read 2026-12-06); its benchmark_throughput.py queues every request, so an offline
# run of 2024 decodes at 256 however much memory holds (vllm-oracle-5/6: 8 MI300Xs hold ~3,000 sequences of Llama 3.1
# 405B at 128 + 1,024 tokens).
VLLM_V0_MAX_NUM_SEQS = 256.0
VLLM_V1_DEFAULT_FROM = "2025-03"


# TensorRT-LLM's trtllm-bench admits a request only when its KV cache at its FULL length fits: its LLM API's capacity
# scheduler defaults to GUARANTEED_NO_EVICT (tensorrt_llm/llmapi/llm_args.py, SchedulerConfig.capacity_scheduler_policy
# "default=CapacitySchedulerPolicy.GUARANTEED_NO_EVICT"; trtllm-serve sets it explicitly, tensorrt_llm/commands/serve.py
# get_llm_args; read 2026-12-06), which reserves each request's blocks to completion (prompt + maximum output), and
# TensorRT-LLM's performance pages set no scheduler_config (perf-overview.md's llm_options.yml: CUDA graphs only).
# vLLM and NVIDIA's MLPerf harness (llmlib/config.py: batch_scheduler_policy 'max_util', MAX_UTILIZATION) admit by
# the cache in use, the running context SERVING_GPUS holds. So a "batch max" trtllm-bench run holds at most as many
# sequences as the usable memory beside the weights holds at prompt + output tokens each (the step still reads each
# at its running context), and at most 4,096: trtllm-bench's own max_batch_size when the command sets none caps the
# requests it estimates fit at 4,096 ("Cap total batch size to avoid decoder buffer size becoming too large",
# tensorrt_llm/bench/build/tuning.py, finetune_setting, read 2026-12-06; its estimate, which rounds up, is otherwise
# looser than the reservation). A setup fact of the software, as vLLM V0's 256 is: not fitted. Measured 2026-12-06 on
# the 210 cells of TensorRT-LLM 1.0's table (tests/reference/trtllm-perf-overview.csv, benchmarks/trtllm_table.py):
# RMS log error 0.408 -> 0.357, cells outside 40% 56 -> 43; the expert-parallel layout rows (LAYOUT_TOKENS_PER_SECOND,
# its own batch search) are not capped.
TRTLLM_BENCH_MAX_BATCH = 4096.0


# A trtllm-bench run is a finite dataset sent at once: $num_requests synthetic requests of exactly ISL/OSL tokens,
# the number set per shape by each performance page ("For each input and output sequence length combination, the
# table below details the $num_requests that were used": docs/source/performance/perf-overview.md at 00f37686, the
# 1.0-era page, and docs/source/developer-guide/perf-overview.md at 03e27c7, the later one, read 2026-12-06; the two
# agree where both list a shape), and its figure is the whole run's output over its whole time ("Total Output
# Throughput", tensorrt_llm/bench/dataclasses/reporting.py). Two setup facts follow, neither fitted:
# - the run never holds more sequences than it has requests: where memory would hold more (gpt-oss-120b on two B200s:
#   ~8,800 sequences at 1,000 + 1,000 tokens, of a 3,000-request run), the batch is the run's;
# - requests of one length finish together, so they run in waves of the batch the scheduler admits, and the requests
#   the full waves leave over run as a last wave alone, at their own smaller batch, where the GPUs' step shrinks less
#   than the batch (finite_run). Qwen3 235B-A22B on four B200s at 1,024 + 8,192 tokens: 1,500 requests in a wave of
#   ~800 and one of ~700.
# Measured 2026-12-06 (benchmarks/trtllm_table.py, "as run" against "an endless stream"): the 1.0 table's 210 cells
# RMS log error 0.262 -> 0.254, outside 40% 27 -> 24; the later table's 115 answered (DEP columns with the layout's
# own reservation, layout_bench_batch) 0.446 -> 0.351 and 46 -> 29.
TRTLLM_BENCH_REQUESTS = {
    (128, 128): 30000.0,
    (128, 2048): 3000.0,
    (128, 4096): 1500.0,
    (1000, 2000): 1500.0,
    (2048, 128): 3000.0,
    (2048, 2048): 1500.0,
    (5000, 500): 1500.0,
    (1000, 1000): 3000.0,
    (500, 2000): 3000.0,
    (20000, 2000): 1000.0,
    (1024, 1024): 3000.0,
    (8192, 1024): 1500.0,
    (1024, 8192): 1500.0,
    (32768, 1024): 1000.0,
    (1024, 32768): 1000.0,
}


def layout_bench_batch(row: dict, ctx: float | None, kv: float, limit: float | None) -> tuple[float, float]:
    """(batch, last wave) of a trtllm-bench run of an expert-parallel layout (a DEP column): the layout's own search
    (the largest batch memory holds at the running context, under the run's latency limit), at most what the
    reservation admits (engine_batch_cap's rule for a TP row: each request's cache at prompt + output tokens,
    functions.layout.held_sequences; TRTLLM_BENCH_MAX_BATCH a rank, each attention data-parallel rank its own
    scheduler) and the instance's share of the run's requests (run_requests); the last wave is what the waves at that
    batch leave over (0: none, or every request in one wave)."""
    from flopsheet.functions.layout import ep_serving, held_sequences

    model, gpu, layout = row["model_as_typed"], row["gpu"], row["layout"]
    prec, weight_bytes = weight_format(row)
    inp, out = float(row["input_tokens"]), float(row["output_tokens"])
    kw = dict(precision=prec, kv_bytes=kv, bytes_per_param=weight_bytes)
    searched = ep_serving(model, gpu, layout, inp, out, context=ctx, latency_ms=limit or 50.0, **kw)["batch"]
    reserved = held_sequences(model, gpu, layout, reserved_context(model, inp + out), **kw)
    batch = float(max(1, min(searched, reserved, TRTLLM_BENCH_MAX_BATCH * float(row["gpus_per_instance"]))))
    requests = run_requests(row)
    if requests is None:  # an endless stream: the steady batch
        return batch, 0.0
    per_instance = requests * float(row["gpus_per_instance"]) / float(row["gpus"])
    batch = min(batch, per_instance)
    return batch, per_instance - math.floor(per_instance / batch) * batch


def finite_run(requests: float, last: float, rate: float, last_rate: float) -> float:
    """Output tokens/s of a run of `requests` identical requests whose waves but the last run at the steady `rate`
    and whose last wave of `last` requests runs alone at `last_rate` (tokens/s at that batch): requests x output
    over the waves' times, each wave's requests x output / its rate."""
    return requests / ((requests - last) / rate + last / last_rate)


ENDLESS = "an endless stream of requests"  # a software text's words for a what-if with no finite dataset


def run_requests(row: dict) -> float | None:
    """The requests of a "batch max" trtllm-bench run (TRTLLM_BENCH_REQUESTS by its prompt and output tokens); None
    for other software, a shape the pages do not list, or a what-if whose software text says ENDLESS."""
    if row["batch"] != "max" or "trtllm-bench" not in row["software"] or ENDLESS in row["software"]:
        return None
    try:
        shape = (int(float(row["input_tokens"])), int(float(row["output_tokens"])))
    except ValueError:
        return None
    return TRTLLM_BENCH_REQUESTS.get(shape)


# Checkpoints whose experts are published in MXFP4 only (openai/gpt-oss-120b and -20b: "MXFP4 quantization of the MoE
# weights", the attention and the rest in BF16; the gpt-oss model card, arXiv:2508.10925), run whatever a table's
# column calls its precision: 0.5 bytes a weight, as flopsheet counts a 4-bit format (block scales not counted).
# Their MoE GEMMs compute at the FP8 peak where the GPU has FP4 tensor cores (MXFP4 weights x MXFP8 activations:
# TensorRT-LLM's W4A8_MXFP4_MXFP8, its gpt_oss_120b MoE profile; vLLM's mxfp8 x mxfp4 CUTLASS MoE on Blackwell,
# vllm-project/vllm pull request #23696) and at the BF16 peak where it has none (Hopper, no FP4 tensor cores: the
# weights upcast in the kernel, W4A16_MXFP4; TensorRT-LLM's gpt-oss guide runs OpenAI's Triton MoE kernels there,
# pull request #7101; "bf16 x mxfp4 for gpt-oss on hopper", #23696), with an FP8 cache on Blackwell and a BF16 one on
# Hopper (the later perf-overview page's gpt-oss llm_options: "kv_cache_config: dtype: fp8  # Hopper: use auto"). A
# layout row types the same through the LAYOUT_ functions' bytes_per_param. Measured 2026-12-06:
# trtllm-pg-3 (gpt-oss-20b, one H100) 2.30 -> 1.86, pg-1 (gpt-oss-120b, one H200) 0.79 -> 1.40; pg-4 and pg-2
# (Blackwell) 1.44 -> 1.34 and 1.61 -> 1.43; the later table's TP gpt-oss cells on Hopper 0.44-2.40 -> 0.74-1.87; its
# 11 DEP columns (gpt-oss-120b on 2 B200s and 4 H100s), once the layout functions took bytes_per_param, RMS log error
# 0.759 -> 0.502 (1.30-3.09 -> 1.15-2.04; the model's 22 cells 0.559 -> 0.388), the table's 115 cells 0.351 -> 0.303.
MXFP4_CHECKPOINTS = frozenset({"gpt-oss-120b", "gpt-oss-20b"})


def weight_format(row: dict) -> tuple[str, float]:
    """(the precision whose peak the run's GEMMs compute at, bytes per weight) of a serving row: its precision twice
    (BYTES), but for an MXFP4 checkpoint (MXFP4_CHECKPOINTS): FP8 where the GPU has an FP4 peak in the catalog, else
    BF16, and 0.5 bytes."""
    from flopsheet import functions as F
    from flopsheet.errors import FlopsheetError

    prec = row["precision"]
    if row["model_as_typed"] not in MXFP4_CHECKPOINTS or row["kind"] in TRAINING_KINDS:
        return prec, BYTES[prec]
    try:
        F.GPU_SPEC(row["gpu"], "fp4_tflops")
    except FlopsheetError:  # no FP4 tensor cores: the weights upcast to BF16
        return "bf16", BYTES["fp4"]
    return "fp8", BYTES["fp4"]


def reserved_batch(row: dict) -> float | None:
    """The most sequences a trtllm-bench run admits with each one's cache reserved at prompt + output tokens in the
    recipe's cache format (KV_BYTES), capped at TRTLLM_BENCH_MAX_BATCH: (the instance's usable memory - its weights) /
    one request's full-length cache (all its copies), rounded down; None for a model without a cache shape. A mixture
    of experts runs with attention data parallelism (attention_ranks), each rank holding its weights outside the
    routed experts whole (attention, dense and shared layers, embeddings: replicated_gb), so the instance's weights
    are the model's plus (ranks - 1) copies of those (the routed experts split over the ranks, expert parallel).
    Measured 2026-12-06: trtllm-15 (Llama 4 Maverick on 8 H100s, 14 GB of such weights in FP8 on each) 2.16 -> 1.32;
    the table's 210 cells RMS log error 0.295 -> 0.262, outside 40% 34 -> 27."""
    model = row["model_as_typed"]
    prec, weight_bytes = weight_format(row)
    tp = float(row["gpus_per_instance"])
    full = kv_per_sequence(
        model, reserved_context(model, float(row["input_tokens"]) + float(row["output_tokens"])), prec, tp
    )
    if full is None:
        return None
    free = room_gb(row, tp) - (attention_ranks(row) - 1.0) * replicated_gb(model, weight_bytes)
    return float(min(TRTLLM_BENCH_MAX_BATCH, math.floor(free / full)))


def room_gb(row: dict, tp: float) -> float:
    """GB an instance of `tp` GPUs of the row's GPU has for KV cache: their usable memory (engine.inference.
    USABLE_FRACTION) less the model's weights at the bytes the run holds them in (weight_format)."""
    from flopsheet import functions as F
    from flopsheet.engine.inference import USABLE_FRACTION

    _, weight_bytes = weight_format(row)
    return tp * F.GPU_SPEC(row["gpu"], "memory_gb") * USABLE_FRACTION - F.WEIGHTS_GB(
        row["model_as_typed"], weight_bytes
    )


def replicated_gb(model: str, bytes_per_param: float) -> float:
    """GB of a mixture of experts' weights outside its routed experts (attention, dense and shared layers,
    embeddings), which every attention data-parallel rank holds whole: the dense part of engine.moe.moe_split at the
    catalog's counts (share = experts_per_token / experts); 0 for a dense model."""
    from flopsheet import functions as F
    from flopsheet.engine.moe import moe_split
    from flopsheet.errors import FlopsheetError

    try:
        share = F.MODEL_SPEC(model, "experts_per_token") / F.MODEL_SPEC(model, "experts")
    except FlopsheetError:
        return 0.0
    dense, _ = moe_split(F.MODEL_SPEC(model, "active_params"), F.MODEL_SPEC(model, "total_params"), share)
    return float(dense) * bytes_per_param / 1e9


def attention_ranks(row: dict) -> float:
    """The schedulers a trtllm-bench instance's sequences are shared among: each attention data-parallel rank runs its
    own executor over its own sequences, and TensorRT-LLM's pages run every mixture of experts with
    enable_attention_dp (perf-overview.md's MoE llm_options.yml; the later page's gpt-oss recipe), so its
    gpus_per_instance ranks; a dense model's tensor-parallel ranks all step the whole batch: 1."""
    from flopsheet import functions as F
    from flopsheet.errors import FlopsheetError

    try:
        F.MODEL_SPEC(row["model_as_typed"], "experts")
    except FlopsheetError:
        return 1.0  # no experts: a dense model
    return float(row["gpus_per_instance"])


def engine_host(row: dict) -> tuple[float, float] | None:
    """(host_us, host_serial) of a "batch max" run on TensorRT-LLM's PyTorch executor (trtllm-bench): its CPU time per
    sequence a scheduler steps (engine.inference.TRTLLM_HOST_US, from NVIDIA's measurement, not fitted here) over the
    instance's attention_ranks, hidden by the overlap scheduler but where it outlasts the GPUs (host_serial 0); None
    for other software (vLLM's offline runs of 2024 and NVIDIA's MLPerf harness publish no CPU figure and do not bind
    at their batches)."""
    from flopsheet.engine.inference import TRTLLM_HOST_US

    if not _on_trtllm_executor(row):
        return None
    return TRTLLM_HOST_US / attention_ranks(row), 0.0


def _on_trtllm_executor(row: dict) -> bool:
    """A "batch max" run of trtllm-bench on TensorRT-LLM's PyTorch executor (its software text)."""
    return row["batch"] == "max" and "trtllm-bench" in row["software"] and "PyTorch" in row["software"]


def layout_host(row: dict) -> tuple[float | None, float | None]:
    """(host_us, host_serial) of a layout row run on TensorRT-LLM's PyTorch executor (trtllm-bench): TRTLLM_HOST_US a
    sequence, hidden (0), the layout functions dividing each attention replica's sequences among their CPUs themselves;
    (None, None) for other software."""
    from flopsheet.engine.inference import TRTLLM_HOST_US

    return (TRTLLM_HOST_US, 0.0) if _on_trtllm_executor(row) else (None, None)


def engine_batch_cap(row: dict) -> float | None:
    """The scheduler's batch cap of a "batch max" run whose harness sets none (None: memory and latency decide)."""
    if row["batch"] != "max":
        return None
    if "trtllm-bench" in row["software"] and not row.get("layout"):
        caps = [c for c in (reserved_batch(row), run_requests(row)) if c is not None]
        return min(caps) if caps else None
    if "benchmark_throughput" not in row["notes"]:
        return None
    return VLLM_V0_MAX_NUM_SEQS if row["source_date"] < VLLM_V1_DEFAULT_FROM else None


# The decode_step_ms rows measured on a server under steady load (a setup fact of the benchmark, read from the
# row's notes): a client that keeps a fixed number of requests in flight, so new prompts arrive while others decode
# and their chunked prefill shares the decode steps (ITL_MS). NIM's AIPerf runs "at fixed concurrency"; ML.ENERGY's
# leaderboard measures vLLM's "steady-state" window with every request queued and max_num_seqs in flight.
STEADY_LOAD = ("at fixed concurrency", "steady-state vLLM serving")


# ML.ENERGY's vLLM GPQA runs of Qwen3 8B, 14B, 30B-A3B and 32B on one B200: slower per step than the same files'
# H100 runs at the same or a smaller batch, with the same vLLM flags (configs/vllm/gpqa/Qwen/*/{B200,H100} of
# ml-energy/benchmark are identical), at 290-510 W a B200 of 1,000 W against 700-970 W in the same models' chat runs
# on the same B200s: a faster GPU waiting on something the source does not explain. Listed with their cause in
# tests/engine/test_fidelity.py; left out of the fit of the server's CPU time (benchmarks/fit_host.py).
SLOWER_THAN_THEIR_H100 = frozenset(f"mlenergy-{i}" for i in (3, 4, 15, 16, 19, 20, 23, 24))


def under_load(row: dict) -> bool:
    """Whether a decode_step_ms row is an inter-token latency under steady load (ITL_MS), not one step (DECODE_MS)."""
    return row["kind"] == "decode_step_ms" and any(s in row["notes"] for s in STEADY_LOAD)


def host_us(row: dict) -> float:
    """The server's CPU time per running sequence per step of an ITL_MS row, a setup fact of its software: vLLM's
    (engine.inference.VLLM_HOST_US, fitted on ML.ENERGY's vLLM v0.11.1 rows at 2,000-4,000 sequences), else 0 (NIM's
    TensorRT-LLM runs at 25-50 requests, where no CPU figure is published and none would bind)."""
    from flopsheet.engine.inference import VLLM_HOST_US

    return VLLM_HOST_US if row["software"].startswith("vLLM") else 0.0


# TensorRT-LLM applies Llama 4's chunked attention (three of every four layers attend within their 8,192-token chunk:
# config attention_chunk_size) to context requests only ("Note that chunked attention can only be applied to context
# requests", docs/source/features/long-sequence.md, NVIDIA/TensorRT-LLM at 1ec63b4, read 2026-12-06): its cache keeps
# every token of every layer, so trtllm-bench reserves a request's cache at full length in all 48 layers, not at
# most a chunk in the chunked ones as the catalog's shape holds it (vLLM's hybrid allocator frees them: vllm-project/
# vllm pull request #19351, 2025-06). Only the reservation is retyped: what a decode step reads of that cache is the
# model's own. Measured 2026-12-06 (benchmarks/trtllm_table.py): the later table 0.223 -> 0.215 RMS log error, 13 ->
# 12 cells outside 40% (Maverick's 1,024 + 32,768-token answers on eight H200s 1.97 -> 1.37), the 1.0 table 0.190 ->
# 0.188; reading the whole cache too gives 0.219 and 0.189. The same page says per-layer sliding windows still
# allocate "the buffer's maximum value", but gpt-oss (128-token windows in half its layers) typed so moves away in
# every table (its H200 runs 0.69-1.12 -> 0.42-0.78): not retyped.
CHUNKED_ATTENTION_MODELS = ("Llama 4 Scout", "Llama 4 Maverick")


def reserved_context(model: str, context: float) -> float:
    """The context at which the catalog's shape of `model` holds as many token-layers as trtllm-bench reserves for a
    request of `context` tokens: `context` itself, but for a model of CHUNKED_ATTENTION_MODELS, whose chunked layers
    TensorRT-LLM caches at full length: (layers x context - chunked layers x chunk) / full layers beyond a chunk (a
    sequence's cache is linear in its token-layers)."""
    from flopsheet import functions as F

    if model not in CHUNKED_ATTENTION_MODELS:
        return context
    layers, chunked, chunk = (F.MODEL_SPEC(model, k) for k in ("layers", "sliding_layers", "sliding_window"))
    if context <= chunk:
        return context
    return (layers * context - chunked * chunk) / (layers - chunked)


def kv_per_sequence(model: str, context: float, prec: str, tp: float) -> float | None:
    """KV_CACHE_GB of one sequence of a catalog model at `context` tokens (rounded up) in the recipe's cache
    format (KV_BYTES), split over `tp` GPUs; None for a model without a cache shape (SERVING_GPUS' own then)."""
    from flopsheet import functions as F
    from flopsheet.errors import FlopsheetError

    try:
        return F.KV_CACHE_GB(model, float(math.ceil(context)), 1.0, KV_BYTES[prec], tp)
    except FlopsheetError:
        return None


KINDS = (
    "output_throughput",
    "input_throughput",
    "decode_step_ms",
    "ttft_s",
    "request_latency_s",
    "train_minutes",
    "train_gpu_hours",
    "train_tokens_per_s",
)
TRAINING_KINDS = ("train_minutes", "train_gpu_hours", "train_tokens_per_s")


def load(path: Path = DATA) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _num(text: str) -> float | None:
    return float(text) if text not in ("", None) else None


def _layout_degree(row: dict, name: str) -> float | None:
    """A degree of a published step's layout as its notes give it ("MBS 4, TP1 PP4 VP2 EP8": name "PP" is 4.0);
    None when the layout does not give it."""
    found = re.search(rf"\b{name} ?(\d+)\b", row["notes"])
    return float(found.group(1)) if found else None


def _expert_layout(row: dict, seq: float) -> tuple[float | None, float | None]:
    """A published MoE step's expert-parallel degree and micro-batch tokens, from its layout as the notes give
    it ("MBS 4, TP1 PP1 EP64"): TRAIN_MFU's ep and micro_batch_tokens (MBS x sequence length); (None, None)
    for a step with no EP in its layout."""
    ep, mbs = _layout_degree(row, "EP"), _layout_degree(row, "MBS")
    if ep is None or mbs is None:
        return None, None
    return ep, mbs * seq


def _pipeline_layout(row: dict) -> tuple[float, float, float]:
    """A published MoE step's tensor-parallel, pipeline and virtual-stage degrees from its layout ("TP1 PP4 VP2 EP8";
    a degree the layout omits is 1): TRAIN_MFU's tp, pp and vp."""
    return tuple(_layout_degree(row, name) or 1.0 for name in ("TP", "PP", "VP"))


def predict(row: dict) -> tuple[float, str]:
    """flopsheet's answer for one row, in the row's unit, and the call that gave it (as text)."""
    from flopsheet import functions as F

    kind, model, gpu, prec = row["kind"], row["model_as_typed"], row["gpu"], row["precision"]
    m = f'"{model}"'
    seq = _num(row["input_tokens"])
    if kind == "train_gpu_hours":
        tokens = float(row["train_tokens"])
        mfu = F.TRAIN_MFU(model, gpu, prec, seq)
        mfu_call = f'TRAIN_MFU({m}, "{gpu}", "{prec}"' + (f", {seq:g})" if seq else ")")
        if COMPUTE_ONLY in row["notes"]:
            value = F.GPU_HOURS(F.TRAIN_FLOPS(model, tokens), gpu, mfu, precision=prec, goodput=1)
            return value, f'GPU_HOURS(TRAIN_FLOPS({m}, {tokens:.4g}), "{gpu}", {mfu_call}, "{prec}", goodput=1)'
        value = F.GPU_HOURS(F.TRAIN_FLOPS(model, tokens), gpu, mfu, precision=prec)
        return value, f'GPU_HOURS(TRAIN_FLOPS({m}, {tokens:.4g}), "{gpu}", {mfu_call}, "{prec}")'
    gpus = float(row["gpus"])
    if kind == "train_tokens_per_s":
        batch_tokens = float(row["batch"]) * seq
        ep, micro = _expert_layout(row, seq)
        tp, pp, vp = _pipeline_layout(row) if ep else (None, None, None)
        mfu = F.TRAIN_MFU(model, gpu, prec, seq, gpus, batch_tokens, None, ep, micro, tp, pp, vp)
        hours = F.GPU_HOURS(F.TRAIN_FLOPS(model, 1.0), gpu, mfu, precision=prec, goodput=1)
        moe = f", , {ep:g}, {micro:.0f}, {tp:g}, {pp:g}, {vp:g}" if ep else ""
        call = (
            f'1 / (3600 x GPU_HOURS(TRAIN_FLOPS({m}, 1), "{gpu}", TRAIN_MFU({m}, "{gpu}", "{prec}", {seq:g}, '
            f'{gpus:g}, {batch_tokens:.0f}{moe}), "{prec}", goodput=1))'
        )
        return 1.0 / (3600.0 * hours), call
    if kind == "train_minutes":
        tokens = float(row["train_tokens"])
        step = _num(row["batch"]) if row["batch"] not in ("max",) else None  # "max": no published batch
        batch_tokens = step * seq if step and seq else None
        mfu = F.TRAIN_MFU(model, gpu, prec, seq, gpus if batch_tokens else None, batch_tokens)
        mfu_call = f'TRAIN_MFU({m}, "{gpu}", "{prec}", {seq or 0:g}' + (
            f", {gpus:g}, {batch_tokens:.0f})" if batch_tokens else ")"
        )
        value = F.TRAIN_DAYS(F.TRAIN_FLOPS(model, tokens), gpu, gpus, mfu, precision=prec, goodput=1) * 1440.0
        call = (
            f'TRAIN_DAYS(TRAIN_FLOPS({m}, {tokens:.4g}), "{gpu}", {gpus:g}, {mfu_call}, precision="{prec}", '
            "goodput=1) x 1440"
        )
        return value, call
    if row.get("layout"):
        return _predict_layout(row)
    prec, weight_bytes = weight_format(row)
    tp = float(row["gpus_per_instance"])
    instances = gpus / tp
    kw = dict(bytes_per_param=weight_bytes, gpus=tp, precision=prec)
    inp = _num(row["input_tokens"]) or 0.0
    out = _num(row["output_tokens"])
    batch = row["batch"]
    setup = f'"{gpu}", batch, {weight_bytes:g}, {tp:g}, precision="{prec}"'
    if kind == "decode_step_ms":
        if out is None:
            value = F.DECODE_MS(model, gpu, batch=float(batch), **kw)
            return value, f"DECODE_MS({m}, {setup.replace('batch', batch)})"
        # the batch's own cache at the requests' running context (prompt + half the answer), as serving holds it
        context = inp + math.floor(out / 2.0)  # a whole token count (KV_CACHE_GB refuses 122.5)
        kv_bytes = KV_BYTES[prec]
        kv = F.KV_CACHE_GB(model, context, float(batch), kv_bytes, tp)
        kv_call = f"kv_gb=KV_CACHE_GB({m}, {context:g}, {batch}, {kv_bytes:g}, {tp:g})"
        if under_load(row):  # the inter-token latency of a loaded server: the other requests' prefill rides along
            host = host_us(row)
            value = F.ITL_MS(model, inp, out, gpu, batch=float(batch), kv_gb=kv, host_us=host, **kw)
            tail = f", host_us={host:g}" if host else ""
            return value, f"ITL_MS({m}, {inp:g}, {out:g}, {setup.replace('batch', batch)}, {kv_call}{tail})"
        value = F.DECODE_MS(model, gpu, batch=float(batch), kv_gb=kv, **kw)
        return value, f"DECODE_MS({m}, {setup.replace('batch', batch)}, {kv_call})"
    if kind == "ttft_s":
        value = F.TTFT_SECONDS(model, inp, gpu, batch=float(batch), **kw)
        return value, f"TTFT_SECONDS({m}, {inp:g}, {setup.replace('batch', batch)})"
    if kind == "request_latency_s":
        kv, kv_call = _cache(row, model, m, inp, out, batch, prec, tp)
        value = F.RESPONSE_SECONDS(model, inp, out, gpu, batch=float(batch), kv_gb=kv, **kw)
        return value, f"RESPONSE_SECONDS({m}, {inp:g}, {out:g}, {setup.replace('batch', batch)}, {kv_call})"
    if kind == "input_throughput":
        b = float(batch)
        value = inp * b / F.TTFT_SECONDS(model, inp, gpu, batch=b, **kw) * instances
        hit = _num(row["cache_hit_share"]) or 0.0
        call = f"{inp:g} x {b:g} / TTFT_SECONDS({m}, {inp:g}, {setup.replace('batch', batch)})"
        if hit:
            value, call = value / (1.0 - hit), call + f" / (1 - {hit:g})"
        return _per(row, value, call + (f" x {instances:g}" if instances != 1 else ""))
    if kind != "output_throughput":
        raise ValueError(f"{row['id']}: unknown kind {kind!r}")
    cap = engine_batch_cap(row)
    if batch == "max":
        serving = dict(kw)
        limit = latency_target(row)
        extra = ""
        if cap is not None:  # the engine's own limit on sequences at once (SERVING_GPUS' max_batch)
            serving["max_batch"] = cap
            extra += f", max_batch={cap:g}"
        if limit is not None:
            serving["latency_ms"] = limit
            extra += f", latency_ms={limit:g}"
        host = engine_host(row)
        if host is not None:  # the serving engine's CPU time per running sequence, and its share on the critical path
            serving["host_us"], serving["host_serial"] = host
            extra += f", host_us={host[0]:.6g}, host_serial={host[1]:g}"
        context = running_context(row, inp, out)  # the running context, as SERVING_GPUS holds it
        kv_seq = kv_per_sequence(model, context, prec, tp)
        if kv_seq is not None:
            serving["kv_gb_per_sequence"] = kv_seq
            extra += f", kv_gb_per_sequence=KV_CACHE_GB({m}, {math.ceil(context):g}, 1, {KV_BYTES[prec]:g}, {tp:g})"
        served = F.SERVING_GPUS(LOAD, inp, out, model, gpu, peak_factor=1, **serving)
        value = LOAD / 86400.0 * out / served * gpus
        call = (
            f'{LOAD:.0e} x {out:g} / 86400 / SERVING_GPUS({LOAD:.0e}, {inp:g}, {out:g}, {m}, "{gpu}", {tp:g}, '
            f'peak_factor=1, bytes_per_param={weight_bytes:g}, precision="{prec}"{extra}) x {gpus:g}'
        )
        requests = run_requests(row)
        if requests is not None and cap is not None and requests > cap:
            last = requests - math.floor(requests / cap) * cap  # the last wave's requests
            if last > 0:
                tail = F.SERVING_GPUS(LOAD, inp, out, model, gpu, peak_factor=1, **dict(serving, max_batch=last))
                tail_rate = LOAD / 86400.0 * out / tail * gpus
                value = finite_run(requests, last, value, tail_rate)
                call = f"finite_run({requests:g} requests, last wave {last:g}: {call}; at max_batch={last:g})"
    elif out is None:
        value = F.TOKENS_PER_SECOND(model, gpu, batch=float(batch), **kw) * instances
        call = f"TOKENS_PER_SECOND({m}, {setup.replace('batch', batch)})" + (
            f" x {instances:g}" if instances != 1 else ""
        )
    else:
        b = mlperf_batch(row, model, math.floor(running_context(row, inp, out)), float(batch), prec, tp)
        batch = f"{b:g}"
        kv, kv_call = _cache(row, model, m, inp, out, batch, prec, tp)
        value = b * out / F.RESPONSE_SECONDS(model, inp, out, gpu, batch=b, kv_gb=kv, **kw) * instances
        call = (
            f"{b:g} x {out:g} / RESPONSE_SECONDS({m}, {inp:g}, {out:g}, {setup.replace('batch', batch)}, {kv_call})"
            + (f" x {instances:g}" if instances != 1 else "")
        )
        if samples_per_query(row) is not None:  # an MLPerf Offline query: its samples through the engine's batch

            def step_ms(n, cached):
                kv_n = F.KV_CACHE_GB(model, float(cached), float(n), KV_BYTES[prec], tp)
                return F.DECODE_MS(model, gpu, batch=float(n), kv_gb=kv_n, **kw)

            prefill = F.TTFT_SECONDS(model, inp, gpu, batch=b, **kw) / b
            per_token = kv_per_sequence(model, 1000.0, prec, tp) / 1000.0
            value = offline_run(row, b, room_gb(row, tp) / per_token, step_ms, prefill) * instances
            call = (
                f"offline_run({samples_per_query(row):g} samples, batch {b:g}, DECODE_MS, TTFT_SECONDS / {b:g}: {call})"
            )
    return _per(row, value, call)


# MLPerf Inference's datasets, per sample (tests/reference/mlperf-lengths/, a third party's extraction of MLCommons'
# official pickles: openshift-psap/performance-dashboard, mlperf-data/summaries at commit 71007029, SECONDARY, read
# 2026-12-06): each model's prompt and reference-answer lengths in tokens.
MLPERF_DATASETS = {
    "DeepSeek-R1": "deepseek-r1.csv",
    "Llama 2 70B": "llama2-70b-99.csv",
    "Llama 3.1 405B": "llama3-1-405b.csv",
    "Llama 3.1 8B": "llama3-1-8b-datacenter.csv",
    "Mixtral 8x7B": "mixtral-8x7b.csv",
}


@functools.cache
def _dataset(name: str) -> tuple[tuple[float, float], ...]:
    with open(ROOT / "tests" / "reference" / "mlperf-lengths" / name, newline="", encoding="utf-8") as f:
        return tuple((float(r["input_length"]), float(r["output_length"])) for r in csv.DictReader(f))


def dataset_lengths(row: dict) -> tuple[tuple[float, float], ...] | None:
    """(prompt, answer) tokens of each sample of an MLPerf Inference row's dataset (MLPERF_DATASETS), None for any
    other row or a model without one."""
    if source_group(row) != "mlperf-inf" or row["model_as_typed"] not in MLPERF_DATASETS:
        return None
    return _dataset(MLPERF_DATASETS[row["model_as_typed"]])


# The cache a decoding sequence holds, on average over the steps, is not the mean request's: a serving engine keeps
# its batch full, and a request holds its slot for as many steps as it has answer tokens, so the sequences in flight
# at any step are the long-answer ones in proportion to their length (renewal-reward: the slot's time-averaged cached
# tokens are E[o (i + o / 2)] / E[o] over requests of prompt i and answer o). Equal lengths give i + o / 2, what
# SERVING_GPUS and the layout functions hold; a heavy-tailed dataset holds far more. MLPerf's DeepSeek-R1 answers (mean
# 4,043 tokens, median 2,196, up to 32,768) give ~5,400 cached tokens against 2,670 for the mean request; Llama 2
# 70B's OpenOrca 1.17x; Llama 3.1 405B's 0.98x (long prompts, short answers). The run's own answers are the model's,
# not the dataset's references (Llama 2 70B writes 273-294 tokens a sample where the references average 219): the
# dataset's shape at the run's mean, each answer scaled by the run's mean over the references', capped at the
# dataset's longest (the benchmark's output limit), an ASSUMPTION. A setup fact of the benchmark, not fitted. Measured
# 2026-12-06: mlperf-inf-25 and -26 (DeepSeek-R1 FP4 on 8 B200s and a GB300 rack) 1.76 -> 1.40 and 1.96 -> 1.43,
# mlperf-inf-10 1.95 -> 1.63; the Llama 2 70B rows 1-3% lower (mlperf-inf-13, B200 FP4 at 2,048: 0.72 -> 0.70).
def run_answers(row: dict, out: float) -> list[tuple[float, float]]:
    """(prompt, answer) tokens of each sample of the row's dataset with its answers at the run's mean `out`: each scaled
    by the run's mean over the references', capped at the dataset's longest (running_context's comment)."""
    lengths = dataset_lengths(row)
    scale = out / (sum(o for _, o in lengths) / len(lengths))
    longest = max(o for _, o in lengths)
    return [(i, min(scale * o, longest)) for i, o in lengths]


def running_context(row: dict, inp: float, out: float) -> float:
    """Cached tokens a decoding sequence of the row holds, averaged over its steps (the comment above): its dataset's
    E[o (i + o / 2)] / E[o], the answers at the row's mean; prompt + half the answer without a dataset."""
    if not dataset_lengths(row):
        return inp + out / 2.0
    answers = run_answers(row, out)
    return sum(o * (i + o / 2.0) for i, o in answers) / sum(o for _, o in answers)


# NVIDIA's MLPerf harness passes a config's gpu_batch_size as the engine's max_batch_size (closed/NVIDIA/code/llmlib,
# builder.py; measured.csv's notes): a cap, under which the engine's KV pool decides how many sequences run. Where
# the dataset's running context (running_context) leaves room for fewer, the batch is what fits: Llama 2 70B in FP4
# on one B200 holds ~1,850 of its 2,048; DeepSeek-R1 on a GB300 rack's EP8 instance ~8,600 of its 10,240.
def mlperf_batch(row: dict, model: str, context: float, batch: float, prec: str, tp: float) -> float:
    """An MLPerf row's published batch, at most what fits beside the weights at `context` cached tokens (the
    recipe's cache format, KV_BYTES; the weights' bytes, weight_format); any other row's batch as published."""
    if source_group(row) != "mlperf-inf":
        return batch
    one = kv_per_sequence(model, context, prec, tp)
    return batch if one is None else float(min(batch, max(1, math.floor(room_gb(row, tp) / one))))


# An MLPerf Offline run is one query of samples_per_query samples, all queued at once (its log's figure, in the row's
# notes), that the engine decodes at its batch until the queue is empty, then drains: the last answers finish at a
# shrinking batch, each step still reading the weights. With answers of one length that is a wave (finite_run); with
# the dataset's, the longest answers outlast the queue by up to their own length: DeepSeek-R1's reach 32,768 tokens in
# a run of ~6 answers a slot. offline_run simulates that queue on flopsheet's own step: each step is the row's decode
# step at the batch in flight and its mean cached tokens; each admitted sample costs its prefill, in proportion to its
# prompt (the steady model's charge for the mean prompt); NVIDIA's harness admits by the cache in use
# (MAX_UTILIZATION: a sample enters while its prompt fits beside the caches held, and when the held caches outgrow the
# memory the newest sequence is paused, to resume first with its cache recomputed as a prefill); the dataset's samples
# in their order, repeated to the run's count, answers at the row's mean (running_context's scaling). A setup fact of
# the benchmark, not fitted. Measured 2026-12-06: mlperf-inf-25 (DeepSeek-R1 FP4 on 8 B200s, 26,328 samples at 4,096)
# 1.40 -> 1.20 (the simulated run 2,489 s against the log's 2,947 s), mlperf-inf-26 (the GB300 rack's nine EP8
# instances, 399,308 samples; until then held to the Server's 80 ms a token, its notes naming another row's Server
# figure: scenario reads a row's own "MLPerf Offline" first) 1.43 -> 1.29; Llama 3.1 405B's (8,313 samples, 128 at once on
# each of two TP4 instances) and Llama 2 70B's (200,640-992,640 samples) move by under 1%, their answers being short
# and even. Rows whose notes carry samples_per_query (the MLPerf Offline rows with a published batch whose logs were
# read); the others keep the steady serving model.
_SAMPLES = re.compile(r"samples_per_query ([\d,]+)")
OFFLINE_STEP_RATIO = 1.02  # the simulation's batches: a geometric grid of 2% steps (each step's time at its grid batch)
OFFLINE_CACHE_BUCKET = 64.0  # and its mean cached tokens in buckets of 64 (the step's time at the bucket's floor)


def samples_per_query(row: dict) -> float | None:
    """An MLPerf Offline row's samples (its notes' samples_per_query), None for any other row."""
    found = _SAMPLES.search(row["notes"])
    if found is None or scenario(row) != "offline" or not dataset_lengths(row):
        return None
    return float(found.group(1).replace(",", ""))


def offline_run(row: dict, batch: float, room_tokens: float, step_ms, prefill_s: float) -> float:
    """Output tokens/s of one instance's share of an MLPerf Offline run (the comment above): its samples at most
    `batch` at once and their caches within room_tokens cached tokens, each decode step step_ms(b, mean cached
    tokens) seconds x 1e3 at b in flight, each admitted sample prefill_s x its prompt / the row's mean prompt."""
    import bisect
    import collections
    import heapq
    import random

    inp = float(row["input_tokens"])
    answers = [(i, max(1, round(o))) for i, o in run_answers(row, float(row["output_tokens"]))]
    random.Random(0).shuffle(answers)  # loadgen draws the samples at random (its sample_index_rng_seed); a fixed order
    count = max(1, int(samples_per_query(row) * float(row["gpus_per_instance"]) / float(row["gpus"])))
    grid = [1]
    while grid[-1] < batch:
        grid.append(int(min(batch, max(grid[-1] + 1, math.floor(grid[-1] * OFFLINE_STEP_RATIO)))))
    memo: dict = {}

    def step(b: int, mean: float) -> float:
        at = grid[bisect.bisect_right(grid, b) - 1]  # the grid's batch at or below b, and the cache's bucket
        key = (at, OFFLINE_CACHE_BUCKET * max(1.0, math.floor(mean / OFFLINE_CACHE_BUCKET)))
        if key not in memo:
            memo[key] = step_ms(*key) / 1e3
        return memo[key]

    seconds, steps, tokens, cached, queue, serial = 0.0, 0, 0, 0.0, 0, 0
    active: dict = {}  # serial -> (cached tokens at admission, admission step, finish step), in admission order
    finishing: list = []  # (finish step, serial), a heap; a paused sequence's entry is skipped when it comes up
    paused: collections.deque = collections.deque()  # (cached tokens to recompute, answer tokens left), first out
    while queue < count or active or paused:
        while len(active) < batch and (paused or queue < count):  # admit while the prompt fits beside the caches
            prompt, left = paused[0] if paused else answers[queue % len(answers)]
            if active and cached + prompt > room_tokens:
                break
            if paused:
                paused.popleft()
            else:
                queue += 1
            active[serial] = (prompt, steps, steps + left)
            heapq.heappush(finishing, (steps + left, serial))
            serial, cached, seconds = serial + 1, cached + prompt, seconds + prefill_s * prompt / inp
        seconds += step(len(active), cached / len(active))
        steps, tokens, cached = steps + 1, tokens + len(active), cached + len(active)
        while finishing and finishing[0][0] <= steps:
            _, done = heapq.heappop(finishing)
            if done in active:
                prompt, start, _ = active.pop(done)
                cached -= prompt + steps - start
        while len(active) > 1 and cached > room_tokens:  # the newest sequence paused, its cache to recompute
            newest = next(reversed(active))
            prompt, start, finish = active.pop(newest)
            cached -= prompt + steps - start
            paused.appendleft((prompt + steps - start, finish - steps))
    return tokens / seconds


def _cache(
    row: dict, model: str, m: str, inp: float, out: float, batch: str, prec: str, tp: float
) -> tuple[float, str]:
    """The batch's KV cache at the row's running context (running_context) in the number format its engine caches
    in (KV_BYTES: FP8 beside 8- and 4-bit weights), as decode_step_ms rows type it: RESPONSE_SECONDS' blank kv_gb is
    the model's own BF16 cache since issue 20, and the cache's format is part of the published setup."""
    from flopsheet import functions as F

    context = math.floor(running_context(row, inp, out))  # a whole token count (KV_CACHE_GB refuses 122.5)
    kv = F.KV_CACHE_GB(model, context, float(batch), KV_BYTES[prec], tp)
    return kv, f"kv_gb=KV_CACHE_GB({m}, {context:g}, {batch}, {KV_BYTES[prec]:g}, {tp:g})"


def _predict_layout(row: dict) -> tuple[float, str]:
    """A row whose source publishes its parallel layout (`layout`: "EP144", "TP4 EP8"): LAYOUT_TOKENS_PER_SECOND or
    LAYOUT_PREFILL_TOKENS_PER_SECOND (the expert-parallel model of engine.parallel) of one instance of that layout,
    times the instances. A decode row's cache is its `kv_context` when the source publishes the average cached
    length (DeepSeek: 4,989 tokens per output token), else the running context."""
    from flopsheet import functions as F
    from flopsheet.engine.parallel import parse_layout

    kind, model, gpu, layout = row["kind"], row["model_as_typed"], row["gpu"], row["layout"]
    prec, weight_bytes = weight_format(row)
    # bytes_per_param only where they are not the precision's (an MXFP4 checkpoint): the functions' blank otherwise
    wb = weight_bytes if weight_bytes != BYTES[prec] else None
    wb_text = f", {wb:g}" if wb is not None else ""
    gpus, per = float(row["gpus"]), float(row["gpus_per_instance"])
    if parse_layout(layout).gpus != per:
        raise ValueError(f"{row['id']}: layout {layout!r} is not {per:g} GPUs (gpus_per_instance)")
    inp = _num(row["input_tokens"]) or 0.0
    out = _num(row["output_tokens"])
    head = f'"{model}", "{gpu}", "{layout}"'
    if kind == "decode_step_ms" and out:
        # one step of the instance's batch at the running context (prompt + half the answer), as DECODE_MS rows; under
        # a steady load on vLLM, with the server's CPU time per sequence (host_us, as ITL_MS rows)
        context, b, kv = inp + math.floor(out / 2.0), float(row["batch"]), KV_BYTES[prec]
        host = host_us(row) if under_load(row) else 0.0
        value = F.LAYOUT_DECODE_MS(model, gpu, layout, b, context, prec, kv, host, wb)
        tail = (f", {host:g}" if host else ", " if wb is not None else "") + wb_text
        return value, f'LAYOUT_DECODE_MS({head}, {b:g}, {context:g}, "{prec}", {kv:g}{tail})'
    if kind == "output_throughput" and out:
        ctx = _num(row.get("kv_context") or "")
        if ctx is None and dataset_lengths(row):  # a benchmark's dataset: its running context, whole tokens
            ctx = float(math.floor(running_context(row, inp, out)))
        b = None if row["batch"] == "max" else float(row["batch"])
        kv = KV_BYTES[prec]  # the harness' cache format: FP8 beside 8- and 4-bit weights (see KV_BYTES)
        if b is not None and source_group(row) == "mlperf-inf":  # the harness' max_batch_size: at most what fits
            from flopsheet.functions.layout import held_sequences

            context = ctx or inp + out / 2.0
            fit = held_sequences(model, gpu, layout, context, precision=prec, kv_bytes=kv, bytes_per_param=weight_bytes)
            b = float(min(b, max(1, fit)))
        limit = latency_target(row)  # an offline run has none (LAYOUT_TOKENS_PER_SECOND's blank: 50 ms)
        last = 0.0
        if b is None and "trtllm-bench" in row["software"]:  # the engine's batch, in waves of the run's requests
            b, last = layout_bench_batch(row, ctx, kv, limit)
        host = layout_host(row)  # (host_us, host_serial) of TensorRT-LLM's executor, each rank over its own sequences
        rate = F.LAYOUT_TOKENS_PER_SECOND(model, gpu, layout, inp, out, prec, b, limit, ctx, kv, wb, *host)
        tail = (f", {b:g}" if b else ", ") + (f", {limit:g}" if limit else ", ")
        tail += (f", {ctx:g}" if ctx else ", ") + f", {kv:g}" + (wb_text or (", " if host[0] is not None else ""))
        tail += f", {host[0]:g}, {host[1]:g}" if host[0] is not None else ""
        call = f'LAYOUT_TOKENS_PER_SECOND({head}, {inp:g}, {out:g}, "{prec}"{tail})'
        if b is not None and samples_per_query(row) is not None:  # an MLPerf Offline query through the batch

            def step_ms(n, cached):
                return F.LAYOUT_DECODE_MS(model, gpu, layout, float(n), float(cached), prec, kv, 0, wb)

            from flopsheet.functions.layout import held_sequences

            prefill = inp / F.LAYOUT_PREFILL_TOKENS_PER_SECOND(model, gpu, layout, inp, prec, 1, wb)
            room = held_sequences(model, gpu, layout, 1000, precision=prec, kv_bytes=kv, bytes_per_param=weight_bytes)
            rate = offline_run(row, b, room * 1000.0, step_ms, prefill)
            call = f"offline_run({samples_per_query(row):g} samples, batch {b:g}, LAYOUT_DECODE_MS: {call})"
        if last > 0:  # the run's last wave, alone at its own batch
            per_instance = run_requests(row) * per / gpus
            last_rate = F.LAYOUT_TOKENS_PER_SECOND(model, gpu, layout, inp, out, prec, last, limit, ctx, kv, wb, *host)
            rate = finite_run(per_instance, last, rate, last_rate)
            call = f"finite_run({per_instance:g} requests, last wave {last:g}: {call}; at batch {last:g})"
    elif kind == "input_throughput":
        b = float(row["batch"])
        rate = F.LAYOUT_PREFILL_TOKENS_PER_SECOND(model, gpu, layout, inp, prec, b, wb)
        call = f'LAYOUT_PREFILL_TOKENS_PER_SECOND({head}, {inp:g}, "{prec}", {b:g}{wb_text})'
    else:
        raise ValueError(f"{row['id']}: a layout row of kind {kind!r} (batch {row['batch']!r}) has no mapping")
    value, instances = rate * gpus / per, gpus / per
    call += f" x {instances:g}" if instances != 1 else ""
    hit = _num(row["cache_hit_share"]) or 0.0
    if hit:
        value, call = value / (1.0 - hit), call + f" / (1 - {hit:g})"
    return _per(row, value, call)


def _per(row: dict, value: float, call: str) -> tuple[float, str]:
    """A rate for the row's `gpus`, expressed per GPU or per 8-GPU node when the unit says so."""
    gpus = float(row["gpus"])
    if "per GPU" in row["unit"]:
        return value / gpus, call + f" / {gpus:g}"
    if "per node" in row["unit"] and gpus != 8:
        return value / (gpus / 8.0), call + f" / {gpus / 8:g} nodes"
    return value, call


def evaluate(rows: list[dict]) -> list[dict]:
    """Each row with predicted, ratio and error factor; a call that fails keeps its message in `error`."""
    from flopsheet.errors import FlopsheetError

    results = []
    for row in rows:
        r = dict(row, predicted=None, ratio=None, factor=None, call="", error="")
        try:
            r["predicted"], r["call"] = predict(row)
        except (FlopsheetError, ValueError, ZeroDivisionError) as e:
            r["error"] = str(e)
        else:
            r["ratio"] = r["predicted"] / float(row["value"])
            r["factor"] = max(r["ratio"], 1.0 / r["ratio"])
        results.append(r)
    return results


def summary(results: list[dict]) -> dict:
    """Median error factor and the shares within 25% (|ratio - 1| <= 0.25) and within 2x, over rows that gave
    a number."""
    ok = [r for r in results if r["ratio"] is not None]
    if not ok:
        return dict(
            rows=len(results), answered=0, median_factor=math.nan, median_ratio=math.nan, within_25=0, within_2x=0
        )
    return dict(
        rows=len(results),
        answered=len(ok),
        median_factor=statistics.median(r["factor"] for r in ok),
        median_ratio=statistics.median(r["ratio"] for r in ok),
        within_25=sum(abs(r["ratio"] - 1.0) <= 0.25 for r in ok),
        within_2x=sum(r["factor"] <= 2.0 for r in ok),
    )


def by(results: list[dict], key) -> dict[str, dict]:
    groups: dict[str, list[dict]] = {}
    for r in results:
        groups.setdefault(key(r), []).append(r)
    return {k: summary(v) for k, v in groups.items()}


def source_group(r: dict) -> str:
    return r["id"].rsplit("-", 1)[0] if r["id"][-1].isdigit() else r["id"].split("-")[0]


def _fmt(x: float | None) -> str:
    if x is None:
        return "-"
    if x == 0 or 0.01 <= abs(x) < 1e6:
        return f"{x:,.4g}" if abs(x) < 1000 else f"{x:,.0f}"
    return f"{x:.3e}"


def _line(name: str, s: dict) -> str:
    if not s["answered"]:
        return f"| {name} | 0 of {s['rows']} | - | - | - | - |"
    return (
        f"| {name} | {s['answered']} | {s['median_factor']:.2f}x | {s['median_ratio']:.2f} | "
        f"{s['within_25']} ({s['within_25'] / s['answered']:.0%}) | {s['within_2x']} "
        f"({s['within_2x'] / s['answered']:.0%}) |"
    )


def summary_table(results: list[dict]) -> list[str]:
    head = [
        "| Rows | n | Median error factor | Median predicted/measured | Within 25% | Within 2x |",
        "|---|---|---|---|---|---|",
    ]
    lines = head + [_line("**all**", summary(results))]
    lines += [_line(f"kind: {k}", s) for k, s in sorted(by(results, lambda r: r["kind"]).items())]
    lines += [_line(f"source: {k}", s) for k, s in sorted(by(results, source_group).items())]
    return lines


def row_table(results: list[dict]) -> list[str]:
    lines = [
        "| id | kind | model | hardware | precision | batch | in / out | measured | unit | predicted | "
        "predicted / measured | source date |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        io = (
            f"{r['input_tokens'] or '-'} / {r['output_tokens'] or '-'}"
            if r["kind"] not in ("train_minutes", "train_gpu_hours")
            else f"{float(r['train_tokens']):.3g} tokens"
        )
        ratio = f"{r['ratio']:.2f}" if r["ratio"] is not None else f"error: {r['error']}"
        lines.append(
            f"| [{r['id']}]({r['source_url']}) | {r['kind']} | {r['model']} | {r['hardware']} | "
            f"{r['precision']} | {r['batch'] or '-'} | {io} | {_fmt(float(r['value']))} | {r['unit']} | "
            f"{_fmt(r['predicted'])} | {ratio} | {r['source_date']} |"
        )
    return lines


def print_report(results: list[dict], out=sys.stdout) -> None:
    w = max(len(r["id"]) for r in results)
    print(f"{'id':<{w}}  {'kind':<17} {'measured':>12} {'predicted':>12}  ratio  unit", file=out)
    for r in results:
        pred = _fmt(r["predicted"]) if r["predicted"] is not None else "ERROR"
        ratio = f"{r['ratio']:.2f}" if r["ratio"] is not None else r["error"]
        print(
            f"{r['id']:<{w}}  {r['kind']:<17} {_fmt(float(r['value'])):>12} {pred:>12}  {ratio:>5}  {r['unit']}",
            file=out,
        )
    print(file=out)
    print("\n".join(summary_table(results)), file=out)


# -- the chart: Pillow only (the package's dependency), log-log, one colour per kind -----------------

COLOURS = {
    "output_throughput": (31, 119, 180),
    "input_throughput": (23, 190, 207),
    "decode_step_ms": (255, 127, 14),
    "ttft_s": (214, 39, 40),
    "request_latency_s": (140, 86, 75),
    "train_minutes": (44, 160, 44),
    "train_gpu_hours": (148, 103, 189),
    "train_tokens_per_s": (188, 189, 34),
}


def chart(results: list[dict], path: Path = CHART) -> None:
    """Left: predicted against measured, log-log, each row in its own unit. Right: predicted / measured of
    every row by kind, log scale, so the size of each miss reads directly. Bands: within 25% and 2x."""
    from PIL import Image, ImageDraw, ImageFont

    pts = [(float(r["value"]), r["predicted"], r["kind"]) for r in results if r["predicted"]]
    lo = math.floor(math.log10(min(min(m, p) for m, p, _ in pts)))
    hi = math.ceil(math.log10(max(max(m, p) for m, p, _ in pts)))
    size, left, top = 900, 90, 50
    plot = size - left - 40 - 80 + 40
    img = Image.new("RGB", (size + 760, size), "white")
    d = ImageDraw.Draw(img)
    try:
        font = ImageFont.load_default(size=15)
    except TypeError:  # Pillow < 10.1: the bitmap font has one size
        font = ImageFont.load_default()

    def xy(m: float, p: float) -> tuple[float, float]:
        fx = (math.log10(m) - lo) / (hi - lo)
        fy = (math.log10(p) - lo) / (hi - lo)
        return left + fx * plot, top + (1 - fy) * plot

    for band, shade in ((2.0, (235, 235, 235)), (1.25, (205, 225, 205))):  # 2x, then 25% around y = x
        poly = [
            xy(10**lo, 10**lo * band),
            xy(10**hi / band, 10**hi),
            xy(10**hi, 10**hi),
            xy(10**hi, 10**hi / band),
            xy(10**lo * band, 10**lo),
            xy(10**lo, 10**lo),
        ]
        d.polygon(poly, fill=shade)
    d.line([xy(10**lo, 10**lo), xy(10**hi, 10**hi)], fill=(90, 90, 90), width=1)
    d.rectangle([left, top, left + plot, top + plot], outline="black")
    for e in range(lo, hi + 1):
        x, _ = xy(10**e, 10**lo)
        _, y = xy(10**lo, 10**e)
        d.line([x, top + plot, x, top + plot + 6], fill="black")
        d.line([left - 6, y, left, y], fill="black")
        d.text((x - 12, top + plot + 10), f"1e{e}", fill="black", font=font)
        d.text((left - 48, y - 8), f"1e{e}", fill="black", font=font)
    d.text((left + plot / 2 - 150, top + plot + 40), "measured (each row in its own unit)", fill="black", font=font)
    d.text(
        (left, top - 35),
        "predicted by flopsheet with default inputs, against measured (log-log)",
        fill="black",
        font=font,
    )
    for m, p, kind in sorted(pts, key=lambda t: t[2]):
        x, y = xy(m, p)
        d.ellipse([x - 5, y - 5, x + 5, y + 5], fill=COLOURS[kind], outline="black")

    # right panel: the ratio of every row, one column per kind
    x0, w, rlo, rhi = left + plot + 130, 560, -1.0, math.log10(20.0)

    def ry(ratio: float) -> float:
        return top + (1 - (math.log10(ratio) - rlo) / (rhi - rlo)) * plot

    for band, shade in ((2.0, (235, 235, 235)), (1.25, (205, 225, 205))):
        d.rectangle([x0, ry(band), x0 + w, ry(1 / band)], fill=shade)
    d.line([x0, ry(1.0), x0 + w, ry(1.0)], fill=(90, 90, 90))
    d.rectangle([x0, top, x0 + w, top + plot], outline="black")
    for ratio in (0.1, 0.25, 0.5, 1, 2, 4, 10, 20):
        d.line([x0 - 6, ry(ratio), x0, ry(ratio)], fill="black")
        d.text((x0 - 44, ry(ratio) - 8), f"{ratio:g}", fill="black", font=font)
    d.text(
        (x0, top - 35),
        "predicted / measured, by kind (log; > 1: throughput optimistic, time pessimistic)",
        fill="black",
        font=font,
    )
    col = w / len(KINDS)
    for i, kind in enumerate(KINDS):
        ratios = sorted(r["ratio"] for r in results if r["kind"] == kind and r["ratio"])
        cx = x0 + col * (i + 0.5)
        for j, ratio in enumerate(ratios):
            x = cx + ((j % 5) - 2) * 7
            y = ry(min(max(ratio, 10**rlo), 10**rhi))
            d.ellipse([x - 5, y - 5, x + 5, y + 5], fill=COLOURS[kind], outline="black")
        d.text((cx - 30, top + plot + 10 + (i % 2) * 22), kind.replace("_", " "), fill=COLOURS[kind], font=font)
    d.text((x0 + w / 2 - 120, top + plot + 60), "bands: within 25% (green) and 2x (grey)", fill="black", font=font)
    img.save(path, optimize=True)


def _table_check() -> list[str]:
    """benchmarks/trtllm_table.py's summary (it imports this module, so it is imported here, when the doc is written)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import trtllm_table

    lines = []
    for table, what in (("1.0", "The 1.0-era table's 210 cells"), ("later", "The later table's 123 cells")):
        runs = trtllm_table.every_mode(table)
        off = [r["id"] for r in runs["as run"] if r["error"]]
        lines += ["", f"{what} (`{trtllm_table.TABLES[table].name}`):", "", *trtllm_table.summary_lines(runs)]
        if off:
            lines += ["", f"Not answered ({len(off)}, flopsheet's refusal): " + "; ".join(off) + "."]
    return lines


def _results_check(module: str, why: str) -> list[str]:
    """benchmarks/<module>.py's summary and the results it could not type, `why` saying why (imported when the doc
    is written, as trtllm_table)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    table = importlib.import_module(module)
    computed, skipped = table.evaluate()
    return [
        *table.summary_lines(computed),
        "",
        f"Not typed ({len(skipped)}: {why}): {table.trtllm_table.untyped(skipped)}.",
    ]


def write_doc(results: list[dict], doc: Path = DOC, png: Path = CHART) -> None:
    from flopsheet.engine import inference, moe  # the defaults the text states, as the engine holds them

    chart(results, png)
    errors = [r for r in results if r["error"]]
    text = [
        "# Fidelity: flopsheet against published measurements",
        "",
        "Generated by `benchmarks/fidelity.py --write-doc` from `tests/reference/measured.csv` (the measurements, "
        "their sources and setups are described in `tests/reference/README.md`). Each row is one flopsheet call "
        "with default inputs except the setup the source publishes: model, GPU, GPU count and tensor-parallel "
        "group, batch, prompt and output lengths, precision, training tokens. How each kind of row becomes a call "
        "is in the script's docstring; the call itself is listed at the end. The setup includes the run's own "
        "per-token latency limit (none for an offline run such as MLPerf Offline or trtllm-bench throughput; "
        "MLPerf Server's time-per-output-token limit from loadgen/mlperf.conf) and the recipe's KV cache format "
        "(FP8 beside 8- and 4-bit weights).",
        "",
        "Serving defaults fitted on these rows (each across all the runs of its kind, never one; sources in "
        "`addin/flopsheet/engine/inference.py`): a prefill's share of the peak (0.65), a compute-bound decode "
        "step's (0.40 at small batches, growing with the batch towards the prefill's: the larger of 0.40 and "
        "0.65 x batch / (batch + 125), DECODE_GEMM_HALF_BATCH; a decode step is two kernels' rooflines in turn, "
        "the weights' GEMMs against their read, then the attention against the cache's read: DECODE_KERNELS), the "
        "share of an FP8 or FP4 peak per unit of it "
        f"({inference.PEAK_SHARE_8BIT:g}, {inference.PEAK_SHARE_4BIT:g}), a prefill pass's weight reads and GEMMs overlapped but for 0.9 of the shorter of the two "
        "(PREFILL_EXPOSED_SHARE, fitted on every time-to-first-token row: benchmarks/fit_prefill.py), "
        "attention computing at the FP8 peak in an FP4 run (attention_cost, not fitted: "
        f"{inference.attention_cost('fp4', 2.0, 1.0):.2f}x the FP4 rate's time on B200 and GB200, "
        f"{inference.attention_cost('fp4', 3.0, 1.0):.2f}x on B300 and GB300, from their datasheets' FP4/FP8 peaks), "
        "the fixed costs of a forward pass (50 us a layer) and of a tensor-parallel all-reduce "
        "(20 us), and the share of its datasheet peak an accelerator's kernels reach against NVIDIA's "
        "(ACHIEVED_PEAK_SHARE: AMD's MI300X 0.6, MI325X 0.75 at its 1,000 W; the rest 1) and the share of the "
        "decode bandwidth its GEMVs reach against NVIDIA's (ACHIEVED_BANDWIDTH_SHARE: MI300X and MI325X 0.75 of the "
        "0.8, so 0.6 of the datasheet; the rest 1; dstack-3, vLLM's run of the setup TGI ran as dstack-5 at 0.66x its "
        "step, is off for that software reason). A vLLM offline run "
        "from before vLLM's V1 engine decodes at most 256 sequences (its scheduler's default max_num_seqs: "
        "SERVING_GPUS' max_batch); a trtllm-bench run at most as many as fit with each request's cache reserved "
        "at prompt + output tokens (its scheduler's GUARANTEED_NO_EVICT; at most 4,096, trtllm-bench's own cap; a "
        "mixture of experts' attention-DP ranks each holding its weights outside the routed experts), each step "
        "still reading the caches at their running context, and its PyTorch executor's CPU time, 29.4 us a sequence "
        "of each scheduling rank (TRTLLM_HOST_US, NVIDIA's measured figure, not fitted), hidden under the GPUs' step "
        "but where it outlasts it (SERVING_GPUS' host_us, host_serial 0). gpt-oss runs as its checkpoint is "
        "published whatever a table's column says: MXFP4 weights (0.5 bytes), its MoE GEMMs at the FP8 peak on a "
        "GPU with FP4 tensor cores and at the BF16 peak (with a BF16 cache) on Hopper, which has none "
        "(weight_format). An "
        "inter-token latency measured on a server under steady load (NIM at fixed concurrency, ML.ENERGY's "
        "steady-state vLLM) is ITL_MS: a decode step plus the chunked prefill of the other requests' prompts that "
        "rides on it, and on vLLM the server's CPU time per running sequence (68 us, VLLM_HOST_US, fitted on the "
        "ML.ENERGY rows at 511-4,095 sequences where it binds), overlapped with the GPU's step but for half of it "
        "(HOST_SERIAL_SHARE, fitted on ML.ENERGY's steady-state rows: benchmarks/fit_host.py); ML.ENERGY's "
        "expert-parallel rows (LAYOUT_DECODE_MS) take the same host_us. A "
        "mixture of experts' routed GEMMs run at the tokens each expert receives, m / (m + 100) of the step's rate "
        "(DeepGEMM's measured table, not fitted here; docs/parallelism.md), a serving prefill pass carrying 8,192 "
        "tokens (the engines' default token budget), and their work at the experts' width's share of it, w / (w + "
        f"{moe.EXPERT_WIDTH_HALF:,.0f}) for experts w wide (EXPERT_WIDTH_HALF, fitted with the FP4 share across these "
        "rows and the three out-of-sample tables below: Qwen3-30B-A3B's 768-wide experts at 0.27, DeepSeek's 2,048 at "
        "0.5, Mixtral's 14,336 at 0.88). An MLPerf row's sequences hold its dataset's running context, "
        "the cached tokens a decoding sequence holds on average over the steps, E[o (i + o / 2)] / E[o] over the "
        "dataset's samples (a request holds its slot for as many steps as it has answer tokens): 2.0x the mean "
        "request's for DeepSeek-R1's heavy-tailed answers, 1.17x for Llama 2 70B's, and its config's batch (the "
        "engine's max_batch_size) at most what fits at that context; an Offline row whose log gives its query's "
        "samples_per_query runs those samples through that batch, admitted by the cache in use, the longest answers "
        "draining at a shrinking batch at the end (offline_run: DeepSeek-R1's 26,328 samples on 8 B200s 1.23 -> 1.08, "
        "399,308 on a GB300 rack 1.27 -> 1.16).",
        "",
        "predicted / measured above 1 means a throughput is optimistic, or a time (ms, s, minutes, GPU-hours) is "
        "pessimistic. The error factor is max(ratio, 1 / ratio). Rows marked SECONDARY, ASSUMPTION or undated "
        "in their notes are weaker evidence; see the CSV.",
        "",
        "![predicted vs measured, log-log](fidelity.png)",
        "",
        "## Summary",
        "",
        *summary_table(results),
        "",
        f"{len(errors)} rows returned an error instead of a number." if errors else "Every row returned a number.",
        "",
        "## Out of sample: every cell of TensorRT-LLM's throughput tables",
        "",
        "`benchmarks/trtllm_table.py` puts every cell of TensorRT-LLM's two published tables (the 1.0-era page, "
        "`tests/reference/trtllm-perf-overview.csv`, 210 cells; the later page, "
        "`tests/reference/trtllm-perf-overview-later.csv`, 123 cells; 40 of them are rows above) through the same "
        "mapping four ways: 'as run' (trtllm-bench's scheduler reserves each request's cache at its full length, a "
        "mixture of experts' attention-DP ranks each holding its weights outside the routed experts; its PyTorch "
        "executor's CPU time per sequence, 29.4 us of each attention-DP rank's, is hidden under the GPUs' step but "
        "where it outlasts it; and the run is the page's finite dataset, 1,000-30,000 requests of one length sent at "
        "once, so never more sequences than requests, and the requests the full waves leave over run as a last wave "
        "alone at their own batch), 'an endless stream' (the same engine fed without end), 'no CPU time' (the "
        "reservation and the finite run) and 'by use' (none of these: requests admitted by the cache in use, vLLM's "
        "and MLPerf's harness' way). A later-table DEP column (attention data-parallel, experts over the group) goes "
        "through LAYOUT_TOKENS_PER_SECOND at no latency limit (an offline run), at most the sequences whose whole "
        "cache the layout reserves and the run's requests, in waves, with the same CPU time, each attention rank's "
        "over its own sequences (LAYOUT_TOKENS_PER_SECOND's host_us and host_serial). The dense Llama cells land; the "
        "mixtures of experts are what the model does not yet capture: "
        "Maverick and Qwen3 235B-A22B at 128-token prompts on eight H200s (0.65-0.70), Scout on H100s (1.48-1.54) and "
        "on one GB200 (1.46-1.85), Qwen3 30B-A3B on one GB200 (1.46-1.78) and on one B200 at 128/128 (0.71), gpt-oss-120b's H100 DEP column at 8,192-token "
        "prompts (typed as its MXFP4 checkpoint runs, bytes_per_param 0.5: 1.42x), Maverick's 1,024 + 8,192-token "
        "requests on eight H200s in a DEP column (1.77x), Scout on four H200s at 20,000 + 2,000 tokens (1.46), Qwen3 "
        "235B-A22B on four H200s at "
        "1,000 tokens each way (0.65), gpt-oss-120b on one H200 at 1,024 + 8,192 tokens (0.69), gpt-oss-20b on one "
        "Hopper GPU at 1,000 tokens each way (1.41-1.47), and on one Blackwell GPU, where 53,800 tokens/s (18.6 us a "
        "token) is faster than 29.4 us of CPU time a sequence allows (0.52-0.54). The routed experts' width cost "
        "(EXPERT_WIDTH_HALF) took the tables from 0.254 and 0.303 RMS log error (24 and 29 cells outside 40%) to 0.238 "
        "and 0.254 (21 and 20). Queued prompts sharing their prefill pass's all-reduces "
        "(engine.inference.prefill_comm_seconds: each of a pass's all-reduces pays its latency once for the pass, not "
        "once a prompt) took the 1.0 table to 0.190 (16 outside 40%) and the later one to 0.253 (20): Maverick and Qwen3 "
        "235B-A22B at 128/128 tokens on eight GPUs had been 0.32-0.48, their 128-token prompts each charged 2 x layers "
        "all-reduce latencies (1.9 ms for Maverick, more than its 128 decode steps' share of the GPUs' time). The "
        "expert-parallel step as two kernels' rooflines in turn, GEMMs against the weights' read and then attention "
        "against the cache's, as the tensor-parallel step (engine.moe.expert_parallel_seconds; it was one roofline of "
        "all reads and all FLOPs, which let a batch's GEMMs hide under its attention's cache read) took the later "
        "table to 0.223 (13 outside 40%): the long answers of gpt-oss-120b and Maverick in DEP columns had been 1.51-"
        "1.74x optimistic. trtllm-bench reserving Llama 4's chunked layers at full length (TensorRT-LLM applies chunked "
        "attention to context requests only: fidelity.reserved_context) took the later table to 0.215 (12) and the 1.0 "
        "table to 0.188: Maverick's 1,024 + 32,768-token answers on eight H200s had been 1.97x optimistic. The later "
        "table's 8 cells of Qwen3 at 1,024 + 32,768 tokens were refused while the catalog gave Qwen3 the 32,768-token "
        "context its model cards call native (its pre-training length); its config.json and the engines that serve it "
        "take 40,960 (Qwen's deployment docs: 32,768 tokens for the answer and 8,192 for the prompt), the catalog's "
        "figure since: the 8 land at 0.93-1.11 and the table at 0.209 over its 123 cells (12 outside 40%). The later "
        "table lands better still without the CPU time (0.200, 10), as if its release's "
        "CPU time were below the 1.0 release's figure. The 1.0 table's mixtures of experts on several GPUs are typed as "
        "their columns say (TP<n>), though the page's MoE command asks for expert parallel and attention data-parallel "
        "(`--ep`, enable_attention_dp; only their CPU time is counted per attention rank): typed as DEP columns "
        '(LAYOUT_TOKENS_PER_SECOND of "EP<n>", `trtllm_table.as_dep`) the table lands at 0.196 and 17 outside 40%, '
        "Maverick and Qwen3 235B-A22B on eight B200s a median 1.20x and 1.23x optimistic (0.98 and 0.91 as TP8).",
        *_table_check(),
        "",
        "## Out of sample: every closed Offline LLM result of MLPerf Inference v5.1",
        "",
        "`benchmarks/mlperf_table.py` puts every closed datacenter Offline result of MLPerf Inference v5.1's five LLM "
        "benchmarks (`tests/reference/mlperf-v51-offline.csv`: 115 results of 24 submitters, one a system and "
        "benchmark) through the mapping of the MLPerf rows above: the dataset's mean prompt, the run's own mean answer "
        "held as the dataset's running context, the instance and batch of the submitter's own config (else the config "
        "most systems of that GPU ran, else the tensor-parallel degree that serves the most), DeepSeek-R1 as "
        "LAYOUT_TOKENS_PER_SECOND of its expert-parallel instance with its Offline query simulated. Many results are "
        "one configuration run by several submitters (fifteen B200 systems run NVIDIA's Llama 2 70B config), so the "
        "table weighs configurations unevenly; the measured spread of one configuration across submitters is 1.0-1.3x. "
        "What it shows: the dense models in FP4 on B200 and GB200 and in FP8 on H200 at 0.73-0.87 of measured, medians "
        "0.77-0.80 (0.69-0.79 before the experts' width cost and the FP4 share of 0.5; v5.1's "
        "8-H200 result grew from 27,738 tokens/s in v4.0 to 34,864-35,044 in v4.1 and v5.1, mlperf-inf-1, -3 and -20 "
        "above, which flopsheet gives one figure, 26,939), vLLM on MI300X and MI325X at "
        "0.81-0.97, DeepSeek-R1 at 1.08-1.20 (1.20-1.33 before).",
        "",
        *_results_check("mlperf_table", "accelerators outside the catalog, CPUs, or two kinds in one system"),
        "",
        "## Out of sample: every closed Llama 3.1 result of MLPerf Training v5.0 and v5.1",
        "",
        "`benchmarks/mlperf_train_table.py` puts every closed Llama 3.1 8B and 405B pretraining result of the two "
        "rounds (`tests/reference/mlperf-training-llama31.csv`: 59 results of 13 submitters, from each result's own "
        "logs: the median run's minutes, the tokens it trained, its global batch and sequence, its GPUs) through the "
        "mapping of the train_minutes rows above, in the number format its log or its submitter's one config for that "
        "size states. Predicted / measured is of minutes (above 1: flopsheet slower). The Blackwell Ultra results "
        "(B300, GB300) are the most optimistic in NVFP4 (0.83-0.87: their FP4 peak is 1.5x Blackwell's, the runs 1.15x "
        "as fast) and the most pessimistic in FP8 (1.07-1.20, at the same FP8 peak as Blackwell and 1.1-1.17x its "
        "board power).",
        "",
        *_results_check("mlperf_train_table", "the number format neither the log nor a single config settles"),
        "",
        "## Rows",
        "",
        *row_table(results),
        "",
        "## Calls",
        "",
        *[f"- `{r['id']}`: `{r['call'] or r['error']}`" for r in results],
        "",
    ]
    doc.write_text("\n".join(text), encoding="utf-8")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--write-doc", action="store_true", help="rewrite docs/fidelity.md and docs/fidelity.png")
    args = ap.parse_args(argv)
    results = evaluate(load())
    print_report(results)
    if args.write_doc:
        write_doc(results)
        print(f"\nwrote {DOC.relative_to(ROOT)} and {CHART.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
