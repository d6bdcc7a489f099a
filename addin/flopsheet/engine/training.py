"""Training compute, time, hardware, cost and energy.

All peaks are dense TFLOPS (1e12 FLOP/s) and `mfu` is model FLOPs utilization: the fraction
of peak a real training run sustains (PaLM 540B: 0.462 on TPU v4, Chowdhery et al. 2022 §4;
Llama 3.1 405B: 0.38-0.43, Dubey et al. 2024 Table 4; Epoch AI's median of known runs 0.375).

`goodput` is the productive share of wall-clock time, separate from MFU (the per-step figure
papers report): published GPU-hours include failures, restarts, checkpointing and evaluation.
Backed out of public runs (IMPLIED_MFU = FLOPs / (GPU-hours x peak)), whole-run utilisation is:
  Llama 3.1 405B: 3.8e25 FLOPs / (30.84M H100-hours x 989.5 TFLOPS) = 0.346 against a reported
    MFU of 0.38-0.43 (Dubey et al. 2024, Table 4; Section 3.3.4 reports "higher than 90%
    effective training time"), goodput 0.346 / 0.40 = 0.86;
  PaLM 540B: 2.527e24 / (8.40M TPU v4 chip-hours x 275) = 0.304 against 0.462 (Chowdhery et
    al. 2022, Table 3 and appendix B, hours "including some downtime"), goodput 0.66;
  BLOOM 176B: 6 x 176B x 366B / (1.08M A100-hours x 312) = 0.32 against 0.50 (156 of 312
    TFLOPS in the fastest configuration, BigScience 2022, arXiv:2211.05100 §3.4), goodput 0.64.
DEFAULT_GOODPUT = 0.85 is the most recent large run's (Llama 3.1 405B), an ESTIMATE: 2022-era
runs lost a third of their time; pass goodput 1 to count compute only (the seed report does, and so
does a benchmark clock: MLPerf Training's time to train and MegaScale's MFU exclude failures and
restarts, so such a run is goodput 1 at its published MFU).

Training efficiency by number format. A blank `mfu` is the achievable share of the peak at the
`precision` the run uses (`training_mfu`), so FP8 is not twice as fast as BF16 for free: only the
GEMMs run at the FP8 rate; attention, norms, optimizer and communication do not. Each figure is an
ESTIMATE, the median of the published figures of its class (per-step, goodput 1):
- TRAIN_MFU = 0.375 of a BF16/FP16 (or TF32/FP32) peak: Epoch AI's median of known runs 0.375;
  per-step reports Llama 3.1 405B 0.38-0.43 (Dubey et al. 2024, Table 4), PaLM 0.462, BLOOM 0.50
  (A100, §3.4), MegaScale 0.552 on 12,288 GPUs (Jiang et al. 2024, arXiv:2402.15627, abstract); model cards' whole-run figures over goodput 0.85 give 0.16-0.50
  (tests/reference/measured.csv, train_gpu_hours rows; Llama 3/3.1 8B 0.16-0.18, Llama 2 0.46-0.50).
- TRAIN_SHARE_8BIT = 0.36 of an FP8 (or INT8) peak: MLPerf Training v4.0/v5.0 time-to-train rows
  0.27-0.41, median 0.359 (GPT-3 175B and Llama 3.1 405B on H100, GB200 in FP8, TPU v5p in INT8;
  measured.csv); NVIDIA Megatron-Bridge 25.11 published Model TFLOP/s/GPU on H100 FP8-CS, Llama 3
  8B 744, 70B 719, Llama 3.1 405B 737 of 1,979 (0.36-0.38; github.com/NVIDIA-NeMo/Megatron-Bridge
  docs/performance-summary.md, 25.11 container). MoE runs reach less (DeepSeek-V3 0.195 of its H800
  FP8 peak, Llama 4 Behemoth 390 TFLOPS/GPU = 0.197, https://ai.meta.com/blog/llama-4-multimodal-
  intelligence/ 2025-04-05): type their MFU.
- TRAIN_SHARE_4BIT = 0.25 of an FP4 peak: NVFP4 made MLPerf Training v5.1's Llama 3.1 405B on
  2,560 Blackwell GPUs 18.79 min against v5.0's 26.93 min on 2,496 (NVIDIA's results announcement,
  2025-11-12, as https://epium.com/news/nvidia-sweeps-mlperf-training-v51 reports it): 1.4x the FP8
  rate per GPU where the peak doubles, so 0.36 x 1.4 / 2 = 0.25 (one comparison: the least sure).
"""

from __future__ import annotations

import numpy as np

from flopsheet.engine._checks import (
    FRACTION,
    MODEL_SIZE,
    NONNEGATIVE,
    POSITIVE,
    SERVER_W,
    USD_PER_GPU_HOUR,
    WHOLE,
    Condition,
    Rule,
    ceil_whole,
    quantity,
)
from flopsheet.engine.moe import A2A_EFFICIENCY, COMBINE_BYTES, GROUPED_GEMM_HALF_TOKENS, moe_split
from flopsheet.errors import FlopsheetError

DEFAULT_MFU = 0.40  # inference's compute-bound phases (engine.inference); training: training_mfu
TRAIN_MFU = 0.375  # of a BF16/FP16 peak (module docstring)
TRAIN_SHARE_8BIT = 0.36  # of an FP8/INT8 peak
TRAIN_SHARE_4BIT = 0.25  # of an FP4 peak
# the training efficiency of a blank `mfu`, by the number format of the peak (catalog precisions)
TRAINING_MFU = {"fp8": TRAIN_SHARE_8BIT, "int8": TRAIN_SHARE_8BIT, "fp4": TRAIN_SHARE_4BIT}
DEFAULT_GOODPUT = 0.85  # productive share of wall-clock time (module docstring: Llama 3.1 405B)
SECONDS_PER_HOUR = 3600.0
SECONDS_PER_DAY = 86400.0


def training_mfu(precision: str | None) -> float:
    """The share of the peak at `precision` a training run sustains when `mfu` is blank (module
    docstring): TRAIN_MFU for BF16, FP16, TF32 and FP32, the 8-bit and 4-bit shares below them."""
    return TRAINING_MFU.get((precision or "bf16").strip().lower(), TRAIN_MFU)


# -- The per-step efficiency of one run, from its model, GPU and layout (TRAIN_MFU) ---------------------
# Fitted across the 45 training rows of tests/reference/measured.csv at once (MLPerf Training v3.1-v5.1
# time to train: GPT-3 175B on 512-11,616 H100s, 512-6,144 TPU v5p and 1,024 Gaudi 2, Llama 3.1 405B on
# H100 and GB200, Llama 3.1 8B on 8-512 GB200/GB300; model cards' and papers' GPU-hours on A100, H100
# and H800: Llama 1, Llama 2, Llama 3/3.1, Llama 4, BLOOM, DeepSeek 67B, DeepSeek-V2, DeepSeek-V3; refitted
# 2026-12-06 with the 13 dense per-step rates below added, benchmarks/fit_training.py: bf16 0.408, fp8
# 0.421, fp4 0.248, 6.3 bytes, 277 tokens, 0.050 s, the constants kept: the refit's median error over the
# training rows is 1.079x against their 1.071x), robust least squares
# (soft L1, scale 0.1) on the log of predicted / measured, as fidelity.py maps each row; each term is a
# published mechanism, each constant an ESTIMATE:
# - TRAIN_STEP_SHARE: the share of the peak a dense model's FLOPs reach per step when the attention
#   scores are counted as work (12 L d s per token, full matrix, as PaLM and Megatron count MFU:
#   Chowdhery et al. 2022 appendix B; Narayanan et al. 2021 eq. 3). Fitted 0.40 of a BF16 peak (0.403)
#   and 0.41 of an FP8/INT8 peak (0.412): MLPerf's FP8 runs of GPT-3 175B and Llama 3.1 405B at 512 GPUs
#   reach 0.39-0.43 of the FP8 peak with attention counted, Llama 3.1 405B's BF16 run 0.38-0.43 (Dubey
#   et al. 2024, Table 4). FP4: 0.26 from the two NVFP4 rows (Llama 3.1 8B on 8 GB200s and 8 GB300s,
#   MLPerf v5.1), near TRAIN_SHARE_4BIT's one comparison (0.25); checked, not fitted, on Llama 3.1
#   405B in NVFP4 on 2,560 and 5,120 GB200s (MLPerf v5.1): 1.03 and 1.00 of the measured minutes.
# - attention: the 6N FLOPs a model's size gives leave out the attention scores, 2 L d s / N of them
#   (Llama 3 8B at 8,192 tokens: +27%; 405B: +8%), run at the same share (FlashAttention-2 reaches
#   50-73% of A100's peak forward, Dao 2023): a long sequence makes a small model slower per 6N.
# - MoE all-to-all: each token's hidden vector goes to and comes back from each routed expert, in
#   the forward and backward passes, over the scale-out network (DeepSeek-V3 report §3.2.1: cross-node
#   expert parallelism gives "an inefficient computation-to-communication ratio of approximately 1:1").
#   A2A_BYTES = 6.2 bytes (fitted 6.15) per routed expert per MoE layer per unit of width per token
#   is what the MoE rows (DeepSeek-V2, DeepSeek-V3, Llama 4 Scout and Maverick) fit: dispatch and
#   combine in the forward and backward passes are 4 transfers, 8 bytes in BF16 (6 with DeepSeek's
#   FP8 dispatch), so about three quarters of it is exposed, not hidden behind computation.
#   SCALE_OUT_GBS = 50 GB/s per GPU: one 400 Gb/s NIC per GPU (NVIDIA DGX H100 user guide: 8
#   ConnectX-7 at 400 Gb/s; DeepSeek's H800 nodes, report §3.1, 8 InfiniBand NICs of 400 Gb/s).
#   It stays a Start-sheet assumption rather than the GPU's catalog/platforms.csv figure (checked
#   2026-12-06): every MoE training row it was fitted on ran on H100 or H800, whose platform row is
#   this same 50 GB/s, so reading the platform would move no fidelity row; but the TRAIN_MFU twin reads
#   GPU figures from the hand-off GPUs sheet, which has no platform column, so Python would give a
#   GB300 (100 GB/s) a number its twin cannot (tests/engine/test_train_mfu.py pins the first fact).
# - per-step overhead: pipeline bubbles, the gradient reduction and the optimizer step cost about
#   the same time per step whatever the batch, so the share falls with the tokens each GPU processes
#   per step (Narayanan et al. 2021 §3: the bubble (p - 1) / m), and a step also has a fixed time
#   whatever its size (kernel launches, synchronisation): 1 / (1 + STEP_OVERHEAD_TOKENS / T +
#   STEP_FIXED_S / (seconds per token x T)) at T = batch tokens / GPUs. STEP_OVERHEAD_TOKENS = 250
#   (fitted 246) is what runs of one benchmark at several scales fit: GPT-3 on 512 to 11,616 H100s
#   (0.41 -> 0.27 of the FP8 peak), Llama 3.1 405B on 512 and 8,192 H100s and on 512 and 2,496 GB200s,
#   GPT-3 on 512 to 6,144 TPU v5p. STEP_FIXED_S = 0.052 s is what a small model shows: Llama 3.1 8B
#   on 512 GB200/GB300s (MLPerf v5.1, 1,024 tokens per GPU, a step of ~30 ms of work) runs at 0.4 of
#   what the proportional term alone gives. The terms give Meta's ratio of 430 -> 400 TFLOPS from
#   8,192 to 16,384 GPUs at 16M-token batches within a few percent (Dubey et al. 2024, Table 4).
#   Blank GPUs or batch: no such loss (a model card publishes neither).
# Left out: a GPU-generation factor. The nine A100 rows sit at 0.96-1.36 of measured (median 1.15,
# pessimistic), and A100 steps reach more of their peak than H100 steps (torchtitan's Llama 3 8B and 70B
# on 64 A100s at 58% and 52% MFU, github.com/pytorch/torchtitan docs/performance.md at 1d5815c,
# 2024-10-30), but an A100 factor fitted with the rest (1.31) takes the BF16 share to 0.35 and moves the
# H100 BF16 rows away (Llama 3.1 405B's card 1.06 -> 1.20, torchtitan's 8B steps 0.94 -> 0.83) for no
# gain in the median (1.071 -> 1.072 over the training rows). Left out too, as the rows refute it, a
# width or size term. Published steps of one model family on one GPU show no loss for a narrow model
# once attention is counted: Llama
# 3.1 8B on 8 and 128 H100s in BF16 at 6,514-6,667 tokens/s a GPU (torchtitan, end of 2024, FSDP2 +
# torch.compile, 500 W: "33% to 39% MFU", github.com/pytorch/torchtitan benchmarks/
# llama3_h100_202412_torchtitan.md), Llama 3 8B, 70B and 3.1 405B in FP8 on H100s at 744, 719 and 737
# model TFLOP/s a GPU, on GB300s at 1,933, 1,995 and 2,145, on GB200s at 1,622, 1,937 and 1,782 (NVIDIA
# Megatron-Bridge 25.11, docs/performance-summary.md, 2025-12-04); TRAIN_MFU gives these 13 steps
# 0.85-1.05 of measured, the 8B's within 10% of the 405B's on each GPU (measured.csv train_tokens_per_s
# rows). On one H100 SXM the project measured square BF16 GEMMs at 781 TFLOPS from 4,096 wide (677 at
# 2,048) and a 1.1B Llama-shaped model (d_model 2,048) training at 0.53-0.56 of the peak
# (tests/reference/h100-measured.json, 2026-11-27): an 8B's GEMMs (4,096 wide, thousands of tokens) are
# not narrow for an H100. A narrow-GEMM term 1 / (1 + D0 / d_model) fitted with the rest
# (benchmarks/fit_training.py --term width: D0 = 344) brings the Llama 3 8B cards only from 0.52-0.58 to
# 0.54-0.60 and moves Llama 2 7B's A100 card from 1.33 to 1.38 (with the five H100 steps alone it took
# D0 = 682: cards 0.57-0.64, Llama 2 7B 1.46, the 8B's H100 steps 0.84-0.88, MLPerf's 8B on 72 GB300s
# 1.24); --term size fits N0 to 0. The non-GEMM traffic of Korthikanti et al. 2022 (arXiv:2205.05198, a
# term in peak / (bandwidth x d_model)) is ~4% of an 8B's step on an H100 and ~1% of a 405B's (34 bytes
# of activations per unit of width, token and layer, their §4.1, about 100 read and written forward and
# backward, at 3.35 TB/s, against the layer's GEMMs at 40% of 989 TFLOPS): too small to see.
# - MoE step inside an NVLink domain (ep and micro_batch_tokens typed; moe_step_seconds replaces the lumped
#   all-to-all above). Megatron-Bridge 25.11's MoE steps (DeepSeek-V3, Qwen3 30B-A3B and 235B-A22B, gpt-oss-120b
#   on GB300, GB200, B200 and H100, experts force-balanced, "token-dropless") came out 0.31-1.48 of measured with the
#   lumped term: 0.31-0.71 on NVL72 racks (EP up to 64 inside the 72-GPU NVLink domain, no scale-out all-to-all) and
#   up to 1.48 for small experts on 8-GPU nodes. What a step of such a layout adds to the dense work, per token:
#   * the expert GEMMs at the tokens each expert gets per micro-batch, m = micro_batch_tokens x ep x k / E (each of
#     the ep ranks sends its micro-batch's tokens to the experts they chose), at engine.moe.grouped_gemm_efficiency
#     m / (m + 100) (DeepGEMM's grouped GEMMs on H800, as serving uses it): 6 x routed x 100 / (peak x share x
#     micro_batch_tokens x ep) of extra seconds, a few percent at the published layouts (m >= 1,024);
#   * the all-to-all over NVLink: each token's hidden vector to each of its k experts and back, forward and
#     backward, BF16 both ways (A2A_TRAIN_BYTES = 8 bytes per copy and unit of width, an ESTIMATE: an FP8 dispatch
#     would send 1 byte), (ep - 1) / ep of the copies leaving the GPU, over one direction of the GPU's NVLink
#     (catalog interconnect_gbs / 2) at engine.moe.A2A_EFFICIENCY (DeepEP's intranode kernels: 153-158 of ~160
#     GB/s). "EP All-to-All can consume 30-40% of training time without optimization" (Megatron-Core MoE README,
#     github.com/NVIDIA/Megatron-LM megatron/core/transformer/moe/README.md at d98e8a6, read 2026-12-06);
#   * MOE_MICROBATCH_S = 7 ms per MoE layer per micro-batch on each GPU, whatever its tokens: a dropless MoE
#     layer's kernels are launched from the host for each micro-batch (its dynamic shapes "make MoE layers
#     uncapturable" by CUDA graphs, and the alltoall dispatcher copies the token counts to the host and
#     synchronises each time: megatron/core/transformer/moe/token_dispatcher.py at d98e8a6, cuda_sync_point), the
#     README's "CPU Overhead Bottleneck", remedied by "increase micro-batch size". The tables show it: Qwen3 30B-A3B at
#     EP8 runs 9,299 tokens/s a GPU on B200 at micro-batch 1 and 23,766 on GB200 at micro-batch 4 (2.56x, where the
#     FP8 peaks differ by 1.11x). Fitted (soft L1, with every training row, benchmarks/fit_training.py: 7.1 ms;
#     7.5 ms over the 14 MoE steps alone; the dense constants move by under 1%). An ESTIMATE of host time on these
#     systems and software (NeMo 25.11, Grace or x86 hosts): CUDA graphs of MoE layers would remove most of it.
#   With them nine of the 14 steps land within 40% (0.85-1.11: DeepSeek-V3 and gpt-oss-120b on both racks, Qwen3
#   30B-A3B on GB300, GB200 and B200, Qwen3 235B-A22B on GB200 and B200). With the layouts' TP, PP and VP typed as
#   well (tp, pp, vp: layout_step_terms above, from the layout, not fitted; refitting every constant with them moves
#   none by more than 2.2%, MOE_MICROBATCH_S 7.1 -> 7.0 ms, benchmarks/fit_training.py, 2026-12-06), two more:
#   gpt-oss-120b at EP8 on 64 B200s (its experts' eight copies reduce their gradients across 8-GPU nodes every step)
#   1.97 -> 1.31, and on 64 H100s at PP4 with 8 micro-batches a pipeline (bubble 3/8) 1.51 -> 1.07. Three stay
#   checks (tests/engine/test_fidelity.py, TRAINING_MISSING_PHYSICS): DeepSeek-V3 at PP16 on B200s 1.50 (the bubble took it from 1.71; the last of 16
#   stages also holds the output head and the multi-token-prediction module, and the slowest stage sets the pace),
#   Qwen3 30B-A3B at PP2 with 24 virtual stages on H100s 2.16 (its bubble is 0.1%: the stages' sends across the
#   NICs and FP8 current scaling of narrow experts are not terms), and GB300, which runs the GB200's layouts
#   1.08-1.23x faster at the same FP8 peak in the catalog (Qwen3 235B-A22B TP2 on GB300: 0.69). ep is the
#   degree inside one NVLink domain (the GPU's scale-up domain, catalog/platforms.csv: 8 on HGX nodes, 72 on NVL72
#   racks); expert parallelism across nodes is the lumped term's (ep blank). Both faces refuse ep beyond the domain
#   (EP_DOMAIN below; the twin chooses the domain by the GPU's name, as it does the bandwidth share).
# Not explained: Llama 3 and 3.1 8B's cards (0.16 and 0.14 of the BF16 peak over the whole run, half of
# what the same hardware gives the 70B and 405B, while one 8B step runs at their share): a whole-run or
# layout fact the cards do not publish (tests/engine/test_fidelity.py, OFF_FOR_A_STATED_REASON).
TRAIN_STEP_SHARE = {"bf16": 0.40, "fp16": 0.40, "tf32": 0.40, "fp32": 0.40, "fp8": 0.41, "int8": 0.41, "fp4": 0.26}
A2A_BYTES = 6.2  # bytes per routed expert, MoE layer, unit of width and token over the scale-out network
SCALE_OUT_GBS = 50.0  # GB/s of scale-out network per GPU (400 Gb/s)
STEP_OVERHEAD_TOKENS = 250.0  # tokens per GPU a step's proportional overhead is worth
STEP_FIXED_S = 0.052  # seconds a step costs whatever the model and batch (launches, synchronisation, optimizer)


MOE_MICROBATCH_S = 0.007  # seconds per MoE layer per micro-batch on each GPU (host launches of a dropless layer)
A2A_TRAIN_BYTES = 2.0 * (2.0 + COMBINE_BYTES)  # forward and backward: a BF16 dispatch and combine of each copy


def moe_step_seconds(
    params, peak_tflops, share, d_model, routed_experts, moe_layers, total_params, expert_share, interconnect_gbs,
    ep, micro_batch_tokens,
):  # fmt: skip
    """GPU-seconds per token a mixture of experts' expert-parallel step adds to its dense work (the comment
    above): the expert GEMMs' loss at the tokens each expert gets (engine.moe.grouped_gemm_efficiency), the
    all-to-all over NVLink, and MOE_MICROBATCH_S per MoE layer per micro-batch. 0 for a dense model."""
    _, routed = moe_split(params, total_params, expert_share)
    routed = np.maximum(routed, 0.0)  # total below active: refused by HOLDS_ACTIVE; never a negative cost here
    ep, interconnect_gbs = np.asarray(ep, dtype=float), np.asarray(interconnect_gbs, dtype=float)  # x / 0: inf
    with np.errstate(all="ignore"):
        # each local expert gets m = micro_batch_tokens x ep x expert_share tokens per micro-batch (the micro-batch
        # of each of the ep ranks, k of E experts each); the routed experts' 6 x expert_share x routed FLOPs per
        # token at m / (m + m_half) of the rate cost 6 x expert_share x routed x m_half / m more, which is
        # 6 x routed x m_half / (micro_batch_tokens x ep)
        gemm_loss = np.where(
            expert_share > 0,
            6.0 * routed * GROUPED_GEMM_HALF_TOKENS / (peak_tflops * 1e12 * share * micro_batch_tokens * ep),
            0.0,
        )
        nvlink = interconnect_gbs / 2.0 * 1e9 * A2A_EFFICIENCY  # one direction, at DeepEP's intranode share
        a2a = np.where(
            (ep > 1) & (routed_experts > 0),
            A2A_TRAIN_BYTES * routed_experts * moe_layers * d_model * (ep - 1.0) / ep / nvlink,
            0.0,
        )
        fixed = MOE_MICROBATCH_S * moe_layers / micro_batch_tokens
    return gemm_loss + a2a + fixed


# Pipeline and expert replicas of a published layout (tp, pp, vp typed with ep and micro_batch_tokens): two terms of
# the step the fitted per-step overhead cannot stand for, computed from the layout, not fitted.
# - The pipeline bubble (Narayanan et al. 2021, "Efficient Large-Scale Language Model Training on GPU Clusters Using
#   Megatron-LM", SC21, §2.2.1-2.2.2): with pp stages, m micro-batches per pipeline per step and vp interleaved
#   (virtual) stages per GPU, the idle share of the step is (pp - 1) / (vp x m); m = batch_tokens / (micro_batch_tokens
#   x dp), dp = gpus / (tp x pp) data-parallel pipelines. The fitted STEP_OVERHEAD_TOKENS stands for it in dense runs
#   of many micro-batches (their bubbles are a few percent); a shallow pipeline of few micro-batches is not that:
#   gpt-oss-120b on 64 H100s at PP4 with 8 micro-batches idles 3/8 of its step (Megatron-Bridge 25.11, nemo-moe-13).
# - The experts' gradient reduction across their replicas: with ep experts' GPUs in a group and pp stages, each GPU
#   holds routed / (ep x pp) of the routed weights, replicated gpus / (ep x pp) times (expert tensor parallelism 1,
#   Megatron-Core's EP x ETP x EDP x PP = world size with ETP 1, as the published MoE layouts run: TP2 EP64 on 64
#   GPUs holds only with ETP 1; with ep 1 the experts are replicated as the dense weights are, whose data-parallel
#   reduction the fitted per-step overhead stands for, so no term). Each step reduce-scatters their BF16 gradients
#   and all-gathers the BF16 weights (the distributed optimizer: EXPERT_SYNC_BYTES = 4 bytes a held parameter, times
#   (R - 1) / R of a ring, an ESTIMATE: FP32 gradient reduction would be 6), over the scale-out network
#   (SCALE_OUT_GBS per GPU) when the replicas span NVLink domains (gpus > the GPU's domain, or the domain unknown),
#   else over one direction of NVLink.
#   Counted as exposed, an upper-side ESTIMATE (Megatron can overlap it with the backward pass): gpt-oss-120b at EP8 on
#   64 B200s (eight copies of 14.5B expert parameters on 8-GPU nodes) spends ~1 s of a ~3 s step on it (nemo-moe-10;
#   with 6 bytes, 1.5 s).
EXPERT_SYNC_BYTES = 4.0  # bytes per held expert parameter a step moves: BF16 reduce-scatter + BF16 all-gather


def layout_step_terms(routed, gpus, batch_tokens, micro_batch_tokens, ep, tp, pp, vp, interconnect_gbs, scaleup_gpus):
    """(bubble, sync_s) of a typed layout (the comment above): the pipeline's idle share of a step and the seconds each
    step spends reducing the experts' gradients across their replicas; (0, 0) with pp = 1 and one replica."""
    gpus, ep, tp, pp, vp = (np.asarray(x, dtype=float) for x in (gpus, ep, tp, pp, vp))
    with np.errstate(all="ignore"):
        # (pp - 1) / (vp x m), m = batch_tokens / (micro_batch_tokens x gpus / (tp x pp)) micro-batches a pipeline
        bubble = np.where(pp > 1, (pp - 1.0) * micro_batch_tokens * gpus / (batch_tokens * vp * tp * pp), 0.0)
        # held x (R - 1) / R, held = routed / (ep x pp), R = gpus / (ep x pp): routed x (1 / (ep x pp) - 1 / gpus)
        domain = np.asarray(scaleup_gpus, dtype=float)
        across = ~((domain > 0) & (gpus <= domain))  # the copies span NVLink domains (or the domain is unknown)
        link = np.where(across, SCALE_OUT_GBS, np.asarray(interconnect_gbs, dtype=float) / 2.0)
        # experts spread (ep > 1) only: with ep 1 every GPU holds them all, replicated as the dense weights are, whose
        # data-parallel reduction the fitted per-step overhead stands for
        copies = np.where(ep > 1, np.maximum(1.0 / (ep * pp) - 1.0 / gpus, 0.0), 0.0)
        sync_s = np.where(copies > 0, np.maximum(routed, 0.0) * EXPERT_SYNC_BYTES * copies / (link * 1e9), 0.0)
    return bubble, sync_s


def _ep_link_known(ep=None, d_model=0.0, interconnect_gbs=0.0, **_):
    """A catalog model (its width known) with ep > 1 needs the GPU's NVLink figure, as the twin divides by it."""
    if ep is None:
        return True
    d_model = 0.0 if d_model is None else d_model
    link = 0.0 if interconnect_gbs is None else interconnect_gbs
    return ~((np.asarray(ep) > 1) & (np.asarray(d_model) > 0) & ~(np.asarray(link) > 0))


EP_LINK = Condition(
    "ep",
    _ep_link_known,
    lambda **_: "ep > 1 needs the GPU's NVLink bandwidth (interconnect_gbs); the catalog has none",
)


def _holds_its_active(params, total_params=0.0, expert_share=0.0, ep=None, **_):
    """With ep (the expert-parallel step), a mixture of experts' total_params, when given, holds at least its
    active params (else its routed weights, (total - active) / (1 - share), would be negative)."""
    if ep is None:
        return True
    total = 0.0 if total_params is None else total_params
    share = 0.0 if expert_share is None else expert_share
    return ~((np.asarray(share) > 0) & (np.asarray(total) > 0) & (np.asarray(total) < np.asarray(params)))


# ep prices its all-to-all over NVLink, so it is a degree inside one scale-up domain: the GPU's largest platform
# (functions: catalog/platforms.csv scaleup_gpus, 8 on HGX/DGX nodes, 72 on NVL72 racks; a catalog GPU with no
# platform row: engine.tensor_parallel.SCALE_UP_GPUS, the 8-GPU HGX/DGX node, an ASSUMPTION as for the layouts).
# ep = 64 on 8-GPU nodes would be answered at NVLink speed while most of its all-to-all crosses the 400 Gb/s NICs:
# refused, pointing at the lumped scale-out term (ep blank). A typed peak (no catalog GPU) has no known domain
# (scaleup_gpus 0): not checked here; where ep changes the answer (a catalog model) EP_LINK refuses ep > 1 for it.
def _ep_inside_domain(ep=None, scaleup_gpus=0.0, **_):
    """ep, when given, is at most the GPU's scale-up (NVLink) domain where that domain is known (> 0)."""
    if ep is None:
        return True
    domain = np.asarray(0.0 if scaleup_gpus is None else scaleup_gpus)
    return ~((domain > 0) & (np.asarray(ep) > domain))


def _beyond_domain(ep, scaleup_gpus, **_):
    d = f"{scaleup_gpus:g}"
    where = "an NVL72 rack" if scaleup_gpus == 72 else "one node" if scaleup_gpus <= 16 else "one rack"
    return (
        f"ep = {ep:g} is beyond the GPU's NVLink domain of {d} GPUs ({where}: catalog/platforms.csv, 8 assumed where "
        f"it has no row for the GPU); type ep <= {d}, or leave ep blank for expert parallelism across nodes"
    )


EP_DOMAIN = Condition("ep", _ep_inside_domain, _beyond_domain)


HOLDS_ACTIVE = Condition(
    "total_params",
    _holds_its_active,
    lambda params, total_params, **_: (
        f"total_params ({total_params:g}) is below params ({params:g}): a mixture of experts holds at least its "
        "active parameters; type its total parameters (or 0 for a dense model)"
    ),
)


def train_step_share(precision: str | None) -> float:
    """TRAIN_MFU's share of the peak at `precision` for a dense model's counted work (above)."""
    return TRAIN_STEP_SHARE.get((precision or "bf16").strip().lower(), TRAIN_STEP_SHARE["bf16"])


@quantity(
    EP_LINK,
    EP_DOMAIN,
    HOLDS_ACTIVE,
    params=MODEL_SIZE,
    peak_tflops=POSITIVE,
    share=FRACTION,
    layers=NONNEGATIVE,
    d_model=NONNEGATIVE,
    seq_len=NONNEGATIVE,
    routed_experts=NONNEGATIVE,
    moe_layers=NONNEGATIVE,
    gpus=WHOLE,
    batch_tokens=POSITIVE,
    total_params=NONNEGATIVE,
    expert_share=Rule(">= 0 and < 1", lo=0.0, hi=0.999999),
    interconnect_gbs=NONNEGATIVE,
    ep=WHOLE,
    micro_batch_tokens=POSITIVE,
    scaleup_gpus=NONNEGATIVE,
    tp=WHOLE,
    pp=WHOLE,
    vp=WHOLE,
)
def train_mfu(
    params,
    peak_tflops,
    share,
    layers=0.0,
    d_model=0.0,
    seq_len=0.0,
    routed_experts=0.0,
    moe_layers=0.0,
    gpus=None,
    batch_tokens=None,
    total_params=0.0,
    expert_share=0.0,
    interconnect_gbs=0.0,
    ep=None,
    micro_batch_tokens=None,
    scaleup_gpus=0.0,
    tp=None,
    pp=None,
    vp=None,
):
    """The MFU (6N FLOPs over peak) one training step sustains: share / (1 + attention + all-to-all)
    / (1 + per-step overhead), each term in the comment above. `params` are the active parameters.
    With ep and micro_batch_tokens (a mixture of experts' expert-parallel group inside one NVLink domain
    and the tokens of one micro-batch), the all-to-all term is moe_step_seconds' instead of the lumped
    scale-out one; scaleup_gpus (the GPU's NVLink domain, 0: unknown) bounds ep (EP_DOMAIN). tp, pp and vp (that
    step's tensor-parallel, pipeline and virtual-stage degrees, blank 1; with ep, gpus and batch_tokens) add the
    pipeline bubble and the experts' gradient reduction across their replicas (layout_step_terms)."""
    layout = "pp" if pp is not None else "tp" if tp is not None else "vp" if vp is not None else None
    if layout is not None and ep is None:
        raise FlopsheetError(
            f"{layout} describes the expert-parallel step's layout: give it with ep and micro_batch_tokens (a dense "
            "run's pipeline is in the fitted per-step overhead)",
            arg=layout,
        )
    attention = 2.0 * layers * d_model * seq_len / params
    gemm_s = 6.0 * params / (peak_tflops * 1e12 * share)  # seconds per token of the weights' FLOPs
    if ep is None and micro_batch_tokens is None:
        a2a_s = A2A_BYTES * routed_experts * moe_layers * d_model / (SCALE_OUT_GBS * 1e9)
    elif ep is None or micro_batch_tokens is None:
        given = "ep" if ep is not None else "micro_batch_tokens"
        raise FlopsheetError(
            "ep and micro_batch_tokens go together for the expert-parallel step (got only " + given + ")", arg=given
        )
    else:
        a2a_s = moe_step_seconds(
            params, peak_tflops, share, d_model, routed_experts, moe_layers, total_params, expert_share,
            interconnect_gbs, ep, micro_batch_tokens,
        )  # fmt: skip
    work = 1.0 + attention + a2a_s / gemm_s  # the step's work per token over its weights' GEMMs
    if gpus is not None and batch_tokens is not None:
        per_gpu = batch_tokens / gpus  # tokens each GPU processes per step
        bubble, sync_s = 0.0, 0.0
        if ep is not None:  # the layout's bubble and expert copies (tp, pp, vp blank: 1)
            _, routed = moe_split(params, total_params, expert_share)
            tp, pp, vp = (1.0 if x is None else x for x in (tp, pp, vp))
            bubble, sync_s = layout_step_terms(
                routed, gpus, batch_tokens, micro_batch_tokens, ep, tp, pp, vp, interconnect_gbs, scaleup_gpus
            )
        # a step on one GPU: per_gpu x gemm_s x work of computation, plus the proportional overhead (the same work for
        # STEP_OVERHEAD_TOKENS more tokens) and STEP_FIXED_S, the pipeline idle for a bubble's share of it all but the
        # experts' reduction (sync_s); the MFU is the share of that time the 6N FLOPs fill at the share of the peak,
        # share x per_gpu x gemm_s / step, written with the work once (the twin reads it once, as long as it is)
        step_per_token = (1.0 + bubble) * work * (1.0 + STEP_OVERHEAD_TOKENS / per_gpu)
        mfu = share / (step_per_token + ((1.0 + bubble) * STEP_FIXED_S + sync_s) / (gemm_s * per_gpu))
    else:
        mfu = share / work
    if (gpus is None) != (batch_tokens is None):
        given = "gpus" if gpus is not None else "batch_tokens"
        raise FlopsheetError(
            "gpus and batch_tokens go together for the per-step overhead (got only " + given + ")", arg=given
        )
    if gpus is None and pp is not None and np.any(np.asarray(pp) > 1):
        raise FlopsheetError("pp needs gpus and batch_tokens (the micro-batches each pipeline runs a step)", arg="pp")
    return mfu


# Tokens may be few: 6N FLOPs per token (tokens = 1), or per step of a measured run, is a correct
# use. The units trap (300 typed for 300B) is guarded where it is laid: model sizes (MODEL_SIZE)
# and the template's tokens cells (data validation, >= 1E+6).
@quantity(
    params=MODEL_SIZE,
    tokens=POSITIVE,
    flops_per_param_token=POSITIVE,
    layers=WHOLE,
    d_model=WHOLE,
    seq_len=WHOLE,
)
def train_flops(params, tokens, flops_per_param_token=6.0, layers=None, d_model=None, seq_len=None):
    """Training FLOPs.

    6 FLOPs per parameter per token: 2 for the forward multiply-add, 4 for the backward pass
    (Kaplan et al. 2020, "Scaling Laws for Neural Language Models", §2.1, C = 6ND). With
    layers, d_model and seq_len, add the attention-score FLOPs that 6ND leaves out:
    12 * L * d * s per token, full (not causal-halved) attention matrix (Chowdhery et al. 2022,
    PaLM, appendix B). Use ACTIVE parameters for mixture-of-experts models.
    """
    given = [n for n, v in (("layers", layers), ("d_model", d_model), ("seq_len", seq_len)) if v is not None]
    if 0 < len(given) < 3:
        # Half an attention term would be a silent under-count: ask for all three.
        raise FlopsheetError(
            f"layers, d_model and seq_len go together for the attention term (got only {', '.join(given)})",
            arg=given[0],
        )
    flops = flops_per_param_token * params * tokens
    if layers is not None:
        flops = flops + 12.0 * layers * d_model * seq_len * tokens
    return flops


@quantity(params=MODEL_SIZE, tokens_per_param=POSITIVE)
def chinchilla_tokens(params, tokens_per_param=20.0):
    """Compute-optimal training tokens: about 20 per parameter (Hoffmann et al. 2022,
    "Training Compute-Optimal Large Language Models", Table 3: 70B params -> 1.4T tokens)."""
    return params * tokens_per_param


@quantity(flops=POSITIVE, peak_tflops=POSITIVE, mfu=FRACTION, goodput=FRACTION)
def gpu_seconds(flops, peak_tflops, mfu=TRAIN_MFU, goodput=DEFAULT_GOODPUT):
    """Seconds one GPU needs: FLOPs over sustained FLOP/s (peak * 1e12 * mfu)."""
    return flops / (peak_tflops * 1e12 * mfu * goodput)


@quantity(flops=POSITIVE, peak_tflops=POSITIVE, mfu=FRACTION, goodput=FRACTION)
def gpu_hours(flops, peak_tflops, mfu=TRAIN_MFU, goodput=DEFAULT_GOODPUT):
    """GPU-hours: flops / (peak * mfu * 3600)."""
    return flops / (peak_tflops * 1e12 * mfu * goodput * SECONDS_PER_HOUR)


@quantity(flops=POSITIVE, peak_tflops=POSITIVE, mfu=FRACTION, goodput=FRACTION)
def gpu_days(flops, peak_tflops, mfu=TRAIN_MFU, goodput=DEFAULT_GOODPUT):
    """GPU-days: flops / (peak * mfu * 86400). The seed's GPT-3 on A100: 25,293."""
    return flops / (peak_tflops * 1e12 * mfu * goodput * SECONDS_PER_DAY)


@quantity(flops=POSITIVE, peak_tflops=POSITIVE, gpus=WHOLE, mfu=FRACTION, goodput=FRACTION)
def train_days(flops, peak_tflops, gpus, mfu=TRAIN_MFU, goodput=DEFAULT_GOODPUT):
    """Wall-clock days on `gpus` GPUs, assuming the MFU already prices in the scaling loss."""
    return flops / (peak_tflops * 1e12 * mfu * goodput * SECONDS_PER_DAY) / gpus


@quantity(flops=POSITIVE, peak_tflops=POSITIVE, days=POSITIVE, mfu=FRACTION, goodput=FRACTION)
def gpus_needed(flops, peak_tflops, days, mfu=TRAIN_MFU, goodput=DEFAULT_GOODPUT):
    """Whole GPUs to finish in `days` wall-clock days (rounded up: 0.1 of a GPU is a GPU)."""
    return ceil_whole(flops / (peak_tflops * 1e12 * mfu * goodput * SECONDS_PER_DAY) / days)


@quantity(flops=POSITIVE, peak_tflops=POSITIVE, usd_per_gpu_hour=USD_PER_GPU_HOUR, mfu=FRACTION, goodput=FRACTION)
def train_cost(flops, peak_tflops, usd_per_gpu_hour, mfu=TRAIN_MFU, goodput=DEFAULT_GOODPUT):
    """USD: GPU-hours times the rental (or amortised ownership) price per GPU-hour."""
    return flops / (peak_tflops * 1e12 * mfu * goodput * SECONDS_PER_HOUR) * usd_per_gpu_hour


DEFAULT_PUE = 1.2  # data-centre power usage effectiveness; hyperscalers report 1.1-1.2
PUE = Rule(">= 1 and <= 3", lo=1.0, hi=3.0)  # below 1 is impossible; above 3 is a typo


@quantity(flops=POSITIVE, peak_tflops=POSITIVE, server_w=SERVER_W, mfu=FRACTION, pue=PUE, goodput=FRACTION)
def train_energy_mwh(flops, peak_tflops, server_w, mfu=TRAIN_MFU, pue=DEFAULT_PUE, goodput=DEFAULT_GOODPUT):
    """MWh at the wall: GPU-hours * the server's power per GPU (IT power, flopsheet.engine.economics)
    * PUE / 1e6, as FLEET_POWER_MW x hours.

    An upper bound: server_w is the platform's maximum system power (host CPUs, NICs, switches and
    fans included) and servers draw less at typical MFU. Lost time (1 - goodput) is charged at the
    same power: restarts and idle waits keep the cluster powered.
    """
    return flops / (peak_tflops * 1e12 * mfu * goodput * SECONDS_PER_HOUR) * server_w * pue / 1e6


@quantity(flops=POSITIVE, gpu_hours=POSITIVE, peak_tflops=POSITIVE, goodput=FRACTION)
def implied_mfu(flops, gpu_hours, peak_tflops, goodput=DEFAULT_GOODPUT):
    """The MFU a published run's GPU-hours imply at `goodput`: FLOPs / (GPU-hours x 3600 x peak x
    goodput), the inverse of gpu_hours, so fed back as `mfu` with the same goodput it gives the
    hours back. Llama 3.1 405B, 3.8e25 FLOPs in 30.84M H100-hours: 0.407 at goodput 0.85 (the paper
    reports 0.38-0.43); goodput 1 gives whole-run utilisation, downtime included (0.346)."""
    return flops / (gpu_hours * SECONDS_PER_HOUR * peak_tflops * 1e12 * goodput)
