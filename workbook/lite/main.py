"""flopsheet's functions for xlwings Lite: paste this file into the xlwings Lite editor's main.py.

GENERATED from flopsheet 0.1.0's registry by `flopsheet lite` (flopsheet/lite.py); regenerate it
rather than editing it. The workbook's requirements.txt must install the same flopsheet version.

Each function hands its arguments to flopsheet's `excel_io.call`, as the Windows add-in does, so a
cell shows the same number, range or one-line error in both. Every argument is read with
`ndim=2` (a range is a list of rows, a row stays a row and a column a column; one cell stays the
value itself) and `err_to_str=True` (an error cell such as #N/A arrives as its text and is
reported by name instead of being taken for a blank, which would mean the default).
"""

from xlwings import arg, func, ret  # noqa: F401 - ret: no function needs result options

from flopsheet import excel_io
from flopsheet.functions import REGISTRY

ARG_OPTIONS = {"ndim": 2, "err_to_str": True}


@func
@arg('params', doc='A catalog model name ("Llama 3.1 70B"; its active parameters, layers, width and experts), or active parameters as a number (a dense model of unknown shape: no attention or all-to-all term)', **ARG_OPTIONS)
@arg('gpu', doc='GPU name from the catalog ("H100", "A100"; see GPU_NAMES), or its dense peak TFLOPS as a number (text is always a name: "4090" is the RTX 4090)', **ARG_OPTIONS)
@arg('precision', doc='Precision of the peak: bf16 (default), fp16, fp8, fp4, int8, tf32 or fp32', **ARG_OPTIONS)
@arg('seq_len', doc='Training sequence length in tokens (optional; blank: the attention scores are not counted)', **ARG_OPTIONS)
@arg('gpus', doc='GPUs training together (optional, with batch_tokens: the per-step overhead)', **ARG_OPTIONS)
@arg('batch_tokens', doc='Global batch per step in tokens, sequences x seq_len (optional, with gpus)', **ARG_OPTIONS)
@arg('share', doc="Share of the peak a dense model's counted work reaches, in (0, 1]; default by precision: 40% of BF16, 41% of FP8/INT8, 26% of FP4 (estimates fitted on measured.csv)", **ARG_OPTIONS)
@arg('ep', doc='Expert-parallel degree of a mixture of experts inside one NVLink domain (at most 8 on an 8-GPU node, 72 on an NVL72 rack; optional, with micro_batch_tokens): all-to-all over NVLink, expert GEMMs, a cost per MoE layer and micro-batch; blank: scale-out', **ARG_OPTIONS)
@arg('micro_batch_tokens', doc='Tokens in one micro-batch, micro-batch sequences x seq_len (optional, with ep)', **ARG_OPTIONS)
@arg('tp', doc='Tensor-parallel degree of that expert-parallel step (optional, with ep; blank 1)', **ARG_OPTIONS)
@arg('pp', doc="Pipeline stages of that step (optional, with ep, gpus and batch_tokens; blank 1): the bubble (pp - 1) / (vp x micro-batches) and the experts' copies, gpus / (ep x pp), whose gradients each step reduces", **ARG_OPTIONS)
@arg('vp', doc='Virtual (interleaved) pipeline stages per GPU (optional, with pp; blank 1)', **ARG_OPTIONS)
def TRAIN_MFU(params, gpu, precision='bf16', seq_len=0.0, gpus=None, batch_tokens=None, share=None, ep=None, micro_batch_tokens=None, tp=None, pp=None, vp=None):
    """MFU a model's training step sustains on a GPU: the precision's peak share, less attention at seq_len, MoE all-to-all (ep: NVLink), bubble and expert copies of tp, pp, vp and, with gpus and batch_tokens, per-step overhead; give it to GPU_HOURS as mfu."""
    return excel_io.call(REGISTRY['TRAIN_MFU'], (params, gpu, precision, seq_len, gpus, batch_tokens, share, ep, micro_batch_tokens, tp, pp, vp))


@func
@arg('params', doc='Parameters (active ones for mixture-of-experts), e.g. 175E+9 or "175B", or a catalog model name ("Llama 3.1 405B"; see MODEL_NAMES): its active parameters', **ARG_OPTIONS)
@arg('tokens', doc='Training tokens, e.g. "300B"; optional only when params is a catalog model name (its published training tokens)', **ARG_OPTIONS)
@arg('flops_per_param_token', doc='FLOPs per parameter per token; default 6 (2 forward + 4 backward)', **ARG_OPTIONS)
@arg('layers', doc='Transformer layers (optional, for the attention term)', **ARG_OPTIONS)
@arg('d_model', doc="Attention width, heads x head_dim (optional, for the attention term; d_model for most models, but PaLM 540B's is 12,288, not 18,432)", **ARG_OPTIONS)
@arg('seq_len', doc='Training sequence length (optional, for the attention term)', **ARG_OPTIONS)
def TRAIN_FLOPS(params, tokens=None, flops_per_param_token=6.0, layers=None, d_model=None, seq_len=None):
    """Training compute in FLOPs: 6 x params x tokens, plus attention if layers, d_model and seq_len are given; a model name gives its active parameters and published tokens."""
    return excel_io.call(REGISTRY['TRAIN_FLOPS'], (params, tokens, flops_per_param_token, layers, d_model, seq_len))


@func
@arg('params', doc='Parameters (active ones for mixture-of-experts), e.g. 175E+9 or "175B", or a catalog model name ("Llama 3.1 405B"; see MODEL_NAMES): its active parameters', **ARG_OPTIONS)
@arg('tokens_per_param', doc='Tokens per parameter; default 20', **ARG_OPTIONS)
def CHINCHILLA_TOKENS(params, tokens_per_param=20.0):
    """Compute-optimal training tokens for a model size (Chinchilla: about 20 tokens per parameter)."""
    return excel_io.call(REGISTRY['CHINCHILLA_TOKENS'], (params, tokens_per_param))


@func
@arg('flops', doc='Compute in FLOPs, e.g. 3.15E+23 or "3.15e23"', **ARG_OPTIONS)
@arg('gpu', doc='GPU name from the catalog ("H100", "A100"; see GPU_NAMES), or its dense peak TFLOPS as a number (text is always a name: "4090" is the RTX 4090)', **ARG_OPTIONS)
@arg('mfu', doc='Model FLOPs utilization, a fraction of the peak at precision in (0, 1]; default by precision: 37.5% of a BF16/FP16 peak, 36% of an FP8/INT8 peak, 25% of an FP4 peak (training efficiencies, estimates)', **ARG_OPTIONS)
@arg('precision', doc='Precision of the peak: bf16 (default), fp16, fp8, fp4, int8, tf32 or fp32', **ARG_OPTIONS)
@arg('goodput', doc='Productive share of wall-clock time (failures, restarts, checkpoints excluded), in (0, 1]; default 0.85 (Llama 3.1 405B); 1 counts compute only', **ARG_OPTIONS)
def GPU_HOURS(flops, gpu, mfu=None, precision='bf16', goodput=0.85):
    """GPU-hours to compute flops at mfu of the GPU's dense peak."""
    return excel_io.call(REGISTRY['GPU_HOURS'], (flops, gpu, mfu, precision, goodput))


@func
@arg('flops', doc='Compute in FLOPs, e.g. 3.15E+23 or "3.15e23"', **ARG_OPTIONS)
@arg('gpu', doc='GPU name from the catalog ("H100", "A100"; see GPU_NAMES), or its dense peak TFLOPS as a number (text is always a name: "4090" is the RTX 4090)', **ARG_OPTIONS)
@arg('mfu', doc='Model FLOPs utilization, a fraction of the peak at precision in (0, 1]; default by precision: 37.5% of a BF16/FP16 peak, 36% of an FP8/INT8 peak, 25% of an FP4 peak (training efficiencies, estimates)', **ARG_OPTIONS)
@arg('precision', doc='Precision of the peak: bf16 (default), fp16, fp8, fp4, int8, tf32 or fp32', **ARG_OPTIONS)
@arg('goodput', doc='Productive share of wall-clock time (failures, restarts, checkpoints excluded), in (0, 1]; default 0.85 (Llama 3.1 405B); 1 counts compute only', **ARG_OPTIONS)
def GPU_DAYS(flops, gpu, mfu=None, precision='bf16', goodput=0.85):
    """GPU-days to compute flops at mfu of the GPU's dense peak."""
    return excel_io.call(REGISTRY['GPU_DAYS'], (flops, gpu, mfu, precision, goodput))


@func
@arg('flops', doc='Compute in FLOPs, e.g. 3.15E+23 or "3.15e23"', **ARG_OPTIONS)
@arg('gpu', doc='GPU name from the catalog ("H100", "A100"; see GPU_NAMES), or its dense peak TFLOPS as a number (text is always a name: "4090" is the RTX 4090)', **ARG_OPTIONS)
@arg('gpus', doc='GPUs training together', **ARG_OPTIONS)
@arg('mfu', doc='Model FLOPs utilization, a fraction of the peak at precision in (0, 1]; default by precision: 37.5% of a BF16/FP16 peak, 36% of an FP8/INT8 peak, 25% of an FP4 peak (training efficiencies, estimates)', **ARG_OPTIONS)
@arg('precision', doc='Precision of the peak: bf16 (default), fp16, fp8, fp4, int8, tf32 or fp32', **ARG_OPTIONS)
@arg('goodput', doc='Productive share of wall-clock time (failures, restarts, checkpoints excluded), in (0, 1]; default 0.85 (Llama 3.1 405B); 1 counts compute only', **ARG_OPTIONS)
def TRAIN_DAYS(flops, gpu, gpus, mfu=None, precision='bf16', goodput=0.85):
    """Wall-clock days to compute flops on gpus GPUs."""
    return excel_io.call(REGISTRY['TRAIN_DAYS'], (flops, gpu, gpus, mfu, precision, goodput))


@func
@arg('flops', doc='Compute in FLOPs, e.g. 3.15E+23 or "3.15e23"', **ARG_OPTIONS)
@arg('gpu', doc='GPU name from the catalog ("H100", "A100"; see GPU_NAMES), or its dense peak TFLOPS as a number (text is always a name: "4090" is the RTX 4090)', **ARG_OPTIONS)
@arg('days', doc='Deadline in wall-clock days', **ARG_OPTIONS)
@arg('mfu', doc='Model FLOPs utilization, a fraction of the peak at precision in (0, 1]; default by precision: 37.5% of a BF16/FP16 peak, 36% of an FP8/INT8 peak, 25% of an FP4 peak (training efficiencies, estimates)', **ARG_OPTIONS)
@arg('precision', doc='Precision of the peak: bf16 (default), fp16, fp8, fp4, int8, tf32 or fp32', **ARG_OPTIONS)
@arg('goodput', doc='Productive share of wall-clock time (failures, restarts, checkpoints excluded), in (0, 1]; default 0.85 (Llama 3.1 405B); 1 counts compute only', **ARG_OPTIONS)
def GPUS_NEEDED(flops, gpu, days, mfu=None, precision='bf16', goodput=0.85):
    """Whole GPUs needed to compute flops within days wall-clock days (rounded up)."""
    return excel_io.call(REGISTRY['GPUS_NEEDED'], (flops, gpu, days, mfu, precision, goodput))


@func
@arg('flops', doc='Compute in FLOPs, e.g. 3.15E+23 or "3.15e23"', **ARG_OPTIONS)
@arg('gpu', doc='GPU name from the catalog ("H100", "A100"; see GPU_NAMES), or its dense peak TFLOPS as a number (text is always a name: "4090" is the RTX 4090)', **ARG_OPTIONS)
@arg('usd_per_gpu_hour', doc='Price of one GPU-hour in USD, 0.01 to 100 (rental or amortised); optional: blank is the catalog\'s price for the GPU, GPU_SPEC(gpu, "usd_per_gpu_hour"), whose source and date GPU_SPEC(gpu, "price_source") and GPU_SPEC(gpu, "price_date") show', **ARG_OPTIONS)
@arg('mfu', doc='Model FLOPs utilization, a fraction of the peak at precision in (0, 1]; default by precision: 37.5% of a BF16/FP16 peak, 36% of an FP8/INT8 peak, 25% of an FP4 peak (training efficiencies, estimates)', **ARG_OPTIONS)
@arg('precision', doc='Precision of the peak: bf16 (default), fp16, fp8, fp4, int8, tf32 or fp32', **ARG_OPTIONS)
@arg('goodput', doc='Productive share of wall-clock time (failures, restarts, checkpoints excluded), in (0, 1]; default 0.85 (Llama 3.1 405B); 1 counts compute only', **ARG_OPTIONS)
def TRAIN_COST(flops, gpu, usd_per_gpu_hour=None, mfu=None, precision='bf16', goodput=0.85):
    """Cost in USD of computing flops at a price per GPU-hour (blank: the catalog's dated price for the GPU)."""
    return excel_io.call(REGISTRY['TRAIN_COST'], (flops, gpu, usd_per_gpu_hour, mfu, precision, goodput))


@func
@arg('flops', doc='Compute in FLOPs, e.g. 3.15E+23 or "3.15e23"', **ARG_OPTIONS)
@arg('gpu', doc='GPU name from the catalog ("H100", "A100"; see GPU_NAMES)', **ARG_OPTIONS)
@arg('mfu', doc='Model FLOPs utilization, a fraction of the peak at precision in (0, 1]; default by precision: 37.5% of a BF16/FP16 peak, 36% of an FP8/INT8 peak, 25% of an FP4 peak (training efficiencies, estimates)', **ARG_OPTIONS)
@arg('precision', doc='Precision of the peak: bf16 (default), fp16, fp8, fp4, int8, tf32 or fp32', **ARG_OPTIONS)
@arg('pue', doc='Data-centre power usage effectiveness; default 1.2', **ARG_OPTIONS)
@arg('goodput', doc='Productive share of wall-clock time (failures, restarts, checkpoints excluded), in (0, 1]; default 0.85 (Llama 3.1 405B); 1 counts compute only', **ARG_OPTIONS)
@arg('server_w', doc='IT power per accelerator of its server or rack in W, 50 to 5000 (DGX H100: 10,200 W / 8 = 1275); optional; blank: the catalog\'s figure for the GPU\'s platform, GPU_SPEC(gpu, "server_w"), its source GPU_SPEC(gpu, "server_source")', **ARG_OPTIONS)
def TRAIN_ENERGY_MWH(flops, gpu, mfu=None, precision='bf16', pue=1.2, goodput=0.85, server_w=None):
    """Energy in MWh at the wall: GPU-hours x the server's power per GPU (IT power) x PUE; an upper bound (servers' maximum power)."""
    return excel_io.call(REGISTRY['TRAIN_ENERGY_MWH'], (flops, gpu, mfu, precision, pue, goodput, server_w))


@func
@arg('flops', doc='Compute in FLOPs, e.g. 3.15E+23 or "3.15e23"', **ARG_OPTIONS)
@arg('gpu_hours', doc='GPU-hours the run reports (downtime included)', **ARG_OPTIONS)
@arg('gpu', doc='GPU name from the catalog ("H100", "A100"; see GPU_NAMES), or its dense peak TFLOPS as a number (text is always a name: "4090" is the RTX 4090)', **ARG_OPTIONS)
@arg('precision', doc='Precision of the peak: bf16 (default), fp16, fp8, fp4, int8, tf32 or fp32', **ARG_OPTIONS)
@arg('goodput', doc="Productive share of those hours, in (0, 1]; default 0.85 as GPU_HOURS' (Llama 3.1 405B); 1 gives whole-run utilisation (MFU x goodput, downtime included)", **ARG_OPTIONS)
def IMPLIED_MFU(flops, gpu_hours, gpu, precision='bf16', goodput=0.85):
    """MFU a published run's GPU-hours imply: flops / (gpu_hours x 3600 x the GPU's dense peak x goodput); fed back to GPU_HOURS as mfu with the same goodput, it gives the hours back."""
    return excel_io.call(REGISTRY['IMPLIED_MFU'], (flops, gpu_hours, gpu, precision, goodput))


@func
@arg('params', doc='Active parameters ("70B"), or a catalog model name ("DeepSeek-V3"; see MODEL_NAMES): active for FLOPs, total for memory and the experts a batch reads, layers and width for tensor-parallel all-reduces', **ARG_OPTIONS)
@arg('gpu', doc='GPU name from the catalog ("H100", "A100"; see GPU_NAMES)', **ARG_OPTIONS)
@arg('bytes_per_param', doc='Bytes per weight: 2 for BF16/FP16 (default), 1 for FP8/INT8, 0.5 for 4-bit', **ARG_OPTIONS)
@arg('gpus', doc="GPUs in tensor parallel (bandwidth and peak add up); a valid degree divides the model's attention heads, splits its KV heads evenly and stays within an 8-GPU NVLink domain; default (blank): the fewest valid GPUs that hold the weights and the KV cache", **ARG_OPTIONS)
@arg('bw_efficiency', doc="Fraction of datasheet memory bandwidth reached, in (0, 1]; default 0.8 (a decode step on AMD's MI300X and MI325X reads at 0.75 of it, the share their GEMVs reach: 0.6 of the datasheet)", **ARG_OPTIONS)
@arg('mfu', doc='Share of the peak a compute-bound decode step reaches, a fraction in (0, 1]; default 0.40; times 0.75 at an FP8 peak, 0.5 at FP4 (estimates, fitted on published runs)', **ARG_OPTIONS)
@arg('precision', doc='Precision of the peak: bf16 (default), fp16, fp8, fp4, int8, tf32 or fp32', **ARG_OPTIONS)
@arg('allreduce_us', doc='Fixed cost of one tensor-parallel all-reduce in microseconds (its latency over the link); default 20 (calibrated on small-batch decode runs, beside a fixed 50 us per layer of each forward pass); used when params is a model name and gpus > 1', **ARG_OPTIONS)
@arg('context_tokens', doc="Tokens a sequence holds in its cache on average, for a catalog model's own KV cache; default 1085: prompt + half the answer of the median request of Azure's conversation trace (1,020 + 129 / 2; Splitwise, 2024)", **ARG_OPTIONS)
@arg('latency_ms', doc='Most milliseconds per generated token (per user); default 50 (estimate: 20 tokens/s)', **ARG_OPTIONS)
@arg('max_batch', doc="Most sequences the serving engine runs at once (vLLM's max_num_seqs, TensorRT-LLM's max_batch_size, SGLang's max_running_requests), 1 to 65,536: caps the serving batch searched for; default (blank): only memory and the latency target bound it", **ARG_OPTIONS)
@arg('host_us', doc="Serving engine's CPU time per running sequence per step in microseconds (scheduling, sampling's bookkeeping, detokenising); default 0; 68 for vLLM v0.11, 29.4 per sequence of each attention-DP rank for TensorRT-LLM (estimates, docs/fidelity.md)", **ARG_OPTIONS)
@arg('host_serial', doc="Share of that CPU time on the step's critical path, 0 to 1; default 0.5 (vLLM's, estimate); 0 for TensorRT-LLM's overlap scheduler (the step is then the longer of the GPUs' and the CPU's time)", **ARG_OPTIONS)
def SERVING_BATCH(params, gpu, bytes_per_param=2.0, gpus=None, bw_efficiency=0.8, mfu=0.4, precision='bf16', allreduce_us=20.0, context_tokens=1085.0, latency_ms=50.0, max_batch=None, host_us=None, host_serial=None):
    """The serving batch: the largest whose KV caches fit in usable memory beside the weights and whose decode step stays within latency_ms (what TOKENS_PER_SECOND and COST_PER_MTOK take for a blank batch)."""
    return excel_io.call(REGISTRY['SERVING_BATCH'], (params, gpu, bytes_per_param, gpus, bw_efficiency, mfu, precision, allreduce_us, context_tokens, latency_ms, max_batch, host_us, host_serial))


@func
@arg('params', doc='Parameters (active ones for mixture-of-experts), e.g. 175E+9 or "175B", or a catalog model name ("Llama 3.1 405B"; see MODEL_NAMES): its active parameters', **ARG_OPTIONS)
@arg('prompt_tokens', doc='Tokens in the prompt', **ARG_OPTIONS)
@arg('output_tokens', doc='Tokens generated in the answer', **ARG_OPTIONS)
@arg('layers', doc='Transformer layers (optional, for the attention term)', **ARG_OPTIONS)
@arg('d_model', doc="Attention width, heads x head_dim (optional, for the attention term; d_model for most models, but PaLM 540B's is 12,288, not 18,432)", **ARG_OPTIONS)
def INFER_FLOPS(params, prompt_tokens, output_tokens, layers=None, d_model=None):
    """FLOPs to answer one request: 2 x params per token, plus causal attention if layers and d_model are given (or params names a catalog model: its layers and heads x head_dim)."""
    return excel_io.call(REGISTRY['INFER_FLOPS'], (params, prompt_tokens, output_tokens, layers, d_model))


@func
@arg('flops', doc='Compute in FLOPs, e.g. 3.15E+23 or "3.15e23"', **ARG_OPTIONS)
@arg('gpu', doc='GPU name from the catalog ("H100", "A100"; see GPU_NAMES), or its dense peak TFLOPS as a number (text is always a name: "4090" is the RTX 4090)', **ARG_OPTIONS)
@arg('mfu', doc='Model FLOPs utilization, a fraction in (0, 1]; default 0.40', **ARG_OPTIONS)
@arg('precision', doc='Precision of the peak: bf16 (default), fp16, fp8, fp4, int8, tf32 or fp32', **ARG_OPTIONS)
def INFER_SECONDS(flops, gpu, mfu=0.4, precision='bf16'):
    """Compute-bound seconds for flops at mfu of the GPU's peak (the seed's method; a floor, see RESPONSE_SECONDS)."""
    return excel_io.call(REGISTRY['INFER_SECONDS'], (flops, gpu, mfu, precision))


@func
@arg('params', doc='Active parameters ("70B"), or a catalog model name ("DeepSeek-V3"; see MODEL_NAMES): active for FLOPs, total for memory and the experts a batch reads, layers and width for tensor-parallel all-reduces', **ARG_OPTIONS)
@arg('gpu', doc='GPU name from the catalog ("H100", "A100"; see GPU_NAMES)', **ARG_OPTIONS)
@arg('batch', doc='Sequences decoded together, each getting one token per step; default 1', **ARG_OPTIONS)
@arg('bytes_per_param', doc='Bytes per weight: 2 for BF16/FP16 (default), 1 for FP8/INT8, 0.5 for 4-bit', **ARG_OPTIONS)
@arg('gpus', doc="GPUs in tensor parallel (bandwidth and peak add up); a valid degree divides the model's attention heads, splits its KV heads evenly and stays within an 8-GPU NVLink domain; default (blank): the fewest valid GPUs that hold the weights and the KV cache", **ARG_OPTIONS)
@arg('kv_gb', doc='KV cache of the whole batch read each step, in GB (KV_CACHE_GB); default (blank): a catalog model\'s own BF16 cache at context_tokens for every sequence, with its attention FLOPs; none for a plain count ("70B")', **ARG_OPTIONS)
@arg('bw_efficiency', doc="Fraction of datasheet memory bandwidth reached, in (0, 1]; default 0.8 (a decode step on AMD's MI300X and MI325X reads at 0.75 of it, the share their GEMVs reach: 0.6 of the datasheet)", **ARG_OPTIONS)
@arg('mfu', doc='Share of the peak a compute-bound decode step reaches, a fraction in (0, 1]; default 0.40; times 0.75 at an FP8 peak, 0.5 at FP4 (estimates, fitted on published runs)', **ARG_OPTIONS)
@arg('precision', doc='Precision of the peak: bf16 (default), fp16, fp8, fp4, int8, tf32 or fp32', **ARG_OPTIONS)
@arg('allreduce_us', doc='Fixed cost of one tensor-parallel all-reduce in microseconds (its latency over the link); default 20 (calibrated on small-batch decode runs, beside a fixed 50 us per layer of each forward pass); used when params is a model name and gpus > 1', **ARG_OPTIONS)
@arg('context_tokens', doc="Tokens a sequence holds in its cache on average, for a catalog model's own KV cache; default 1085: prompt + half the answer of the median request of Azure's conversation trace (1,020 + 129 / 2; Splitwise, 2024)", **ARG_OPTIONS)
def DECODE_MS(params, gpu, batch=1.0, bytes_per_param=2.0, gpus=None, kv_gb=None, bw_efficiency=0.8, mfu=0.4, precision='bf16', allreduce_us=20.0, context_tokens=1085.0):
    """Milliseconds per decode step (one token per sequence): the weights' GEMMs or their read, whichever is slower, then the attention or the KV cache's read, whichever is slower."""
    return excel_io.call(REGISTRY['DECODE_MS'], (params, gpu, batch, bytes_per_param, gpus, kv_gb, bw_efficiency, mfu, precision, allreduce_us, context_tokens))


@func
@arg('params', doc='Active parameters ("70B"), or a catalog model name ("DeepSeek-V3"; see MODEL_NAMES): active for FLOPs, total for memory and the experts a batch reads, layers and width for tensor-parallel all-reduces', **ARG_OPTIONS)
@arg('prompt_tokens', doc='Tokens in the prompt', **ARG_OPTIONS)
@arg('output_tokens', doc='Tokens generated in the answer', **ARG_OPTIONS)
@arg('gpu', doc='GPU name from the catalog ("H100", "A100"; see GPU_NAMES)', **ARG_OPTIONS)
@arg('batch', doc='Sequences decoded together, each getting one token per step; default 1', **ARG_OPTIONS)
@arg('bytes_per_param', doc='Bytes per weight: 2 for BF16/FP16 (default), 1 for FP8/INT8, 0.5 for 4-bit', **ARG_OPTIONS)
@arg('gpus', doc="GPUs in tensor parallel (bandwidth and peak add up); a valid degree divides the model's attention heads, splits its KV heads evenly and stays within an 8-GPU NVLink domain; default (blank): the fewest valid GPUs that hold the weights and the KV cache", **ARG_OPTIONS)
@arg('kv_gb', doc='KV cache of the whole batch read each step, in GB (KV_CACHE_GB); default (blank): a catalog model\'s own BF16 cache at prompt_tokens + output_tokens / 2 for every sequence; none for a plain count ("70B")', **ARG_OPTIONS)
@arg('bw_efficiency', doc="Fraction of datasheet memory bandwidth reached, in (0, 1]; default 0.8 (a decode step on AMD's MI300X and MI325X reads at 0.75 of it, the share their GEMVs reach: 0.6 of the datasheet)", **ARG_OPTIONS)
@arg('mfu', doc='Share of the peak a compute-bound decode step reaches, a fraction in (0, 1]; default 0.40; times 0.75 at an FP8 peak, 0.5 at FP4 (estimates, fitted on published runs)', **ARG_OPTIONS)
@arg('precision', doc='Precision of the peak: bf16 (default), fp16, fp8, fp4, int8, tf32 or fp32', **ARG_OPTIONS)
@arg('allreduce_us', doc='Fixed cost of one tensor-parallel all-reduce in microseconds (its latency over the link); default 20 (calibrated on small-batch decode runs, beside a fixed 50 us per layer of each forward pass); used when params is a model name and gpus > 1', **ARG_OPTIONS)
@arg('prefill_mfu', doc='Share of the peak the prefill reaches, a fraction in (0, 1]; default 0.65 (estimate, fitted on published runs); times 0.75 at an FP8 peak, 0.5 at FP4', **ARG_OPTIONS)
def RESPONSE_SECONDS(params, prompt_tokens, output_tokens, gpu, batch=1.0, bytes_per_param=2.0, gpus=None, kv_gb=None, bw_efficiency=0.8, mfu=0.4, precision='bf16', allreduce_us=20.0, prefill_mfu=0.65):
    """Seconds to answer a request: compute-bound prefill of the prompt plus one decode step per output token."""
    return excel_io.call(REGISTRY['RESPONSE_SECONDS'], (params, prompt_tokens, output_tokens, gpu, batch, bytes_per_param, gpus, kv_gb, bw_efficiency, mfu, precision, allreduce_us, prefill_mfu))


@func
@arg('params', doc='Active parameters ("70B"), or a catalog model name ("DeepSeek-V3"; see MODEL_NAMES): active for FLOPs, total for memory and the experts a batch reads, layers and width for tensor-parallel all-reduces', **ARG_OPTIONS)
@arg('prompt_tokens', doc='Tokens in the prompt', **ARG_OPTIONS)
@arg('output_tokens', doc='Tokens generated in the answer', **ARG_OPTIONS)
@arg('gpu', doc='GPU name from the catalog ("H100", "A100"; see GPU_NAMES)', **ARG_OPTIONS)
@arg('batch', doc='Sequences decoded together, each getting one token per step; default 1', **ARG_OPTIONS)
@arg('bytes_per_param', doc='Bytes per weight: 2 for BF16/FP16 (default), 1 for FP8/INT8, 0.5 for 4-bit', **ARG_OPTIONS)
@arg('gpus', doc="GPUs in tensor parallel (bandwidth and peak add up); a valid degree divides the model's attention heads, splits its KV heads evenly and stays within an 8-GPU NVLink domain; default (blank): the fewest valid GPUs that hold the weights and the KV cache", **ARG_OPTIONS)
@arg('kv_gb', doc='KV cache of the whole batch read each step, in GB (KV_CACHE_GB); default (blank): a catalog model\'s own BF16 cache at prompt_tokens + output_tokens / 2 for every sequence; none for a plain count ("70B")', **ARG_OPTIONS)
@arg('bw_efficiency', doc="Fraction of datasheet memory bandwidth reached, in (0, 1]; default 0.8 (a decode step on AMD's MI300X and MI325X reads at 0.75 of it, the share their GEMVs reach: 0.6 of the datasheet)", **ARG_OPTIONS)
@arg('mfu', doc='Share of the peak a compute-bound decode step reaches, a fraction in (0, 1]; default 0.40; times 0.75 at an FP8 peak, 0.5 at FP4 (estimates, fitted on published runs)', **ARG_OPTIONS)
@arg('precision', doc='Precision of the peak: bf16 (default), fp16, fp8, fp4, int8, tf32 or fp32', **ARG_OPTIONS)
@arg('allreduce_us', doc='Fixed cost of one tensor-parallel all-reduce in microseconds (its latency over the link); default 20 (calibrated on small-batch decode runs, beside a fixed 50 us per layer of each forward pass); used when params is a model name and gpus > 1', **ARG_OPTIONS)
@arg('prefill_mfu', doc='Share of the peak the prefill reaches, a fraction in (0, 1]; default 0.65 (estimate, fitted on published runs); times 0.75 at an FP8 peak, 0.5 at FP4', **ARG_OPTIONS)
@arg('host_us', doc="Server CPU time per running sequence per step in microseconds (scheduling, detokenising, streaming), overlapped with the GPUs' step but for host_serial of it; default 0; 68 for vLLM v0.11 (estimate, docs/fidelity.md)", **ARG_OPTIONS)
@arg('host_serial', doc="Share of that CPU time on the step's critical path, 0 to 1; default 0.5 (vLLM's, estimate); 0 for TensorRT-LLM's overlap scheduler (the step is then the longer of the GPUs' and the CPU's time)", **ARG_OPTIONS)
def ITL_MS(params, prompt_tokens, output_tokens, gpu, batch=1.0, bytes_per_param=2.0, gpus=None, kv_gb=None, bw_efficiency=0.8, mfu=0.4, precision='bf16', allreduce_us=20.0, prefill_mfu=0.65, host_us=0.0, host_serial=None):
    """Milliseconds between two tokens of one request on a continuously batched server with batch requests in flight: a decode step of the batch plus the chunked prefill of the other requests' prompts that lands in it."""
    return excel_io.call(REGISTRY['ITL_MS'], (params, prompt_tokens, output_tokens, gpu, batch, bytes_per_param, gpus, kv_gb, bw_efficiency, mfu, precision, allreduce_us, prefill_mfu, host_us, host_serial))


@func
@arg('params', doc='Active parameters ("70B"), or a catalog model name ("DeepSeek-V3"; see MODEL_NAMES): active for FLOPs, total for memory and the experts a batch reads, layers and width for tensor-parallel all-reduces', **ARG_OPTIONS)
@arg('prompt_tokens', doc='Tokens in the prompt', **ARG_OPTIONS)
@arg('gpu', doc='GPU name from the catalog ("H100", "A100"; see GPU_NAMES)', **ARG_OPTIONS)
@arg('batch', doc='Sequences decoded together, each getting one token per step; default 1', **ARG_OPTIONS)
@arg('bytes_per_param', doc='Bytes per weight: 2 for BF16/FP16 (default), 1 for FP8/INT8, 0.5 for 4-bit', **ARG_OPTIONS)
@arg('gpus', doc="GPUs in tensor parallel (bandwidth and peak add up); a valid degree divides the model's attention heads, splits its KV heads evenly and stays within an 8-GPU NVLink domain; default (blank): the fewest valid GPUs that hold the weights and the KV cache", **ARG_OPTIONS)
@arg('bw_efficiency', doc="Fraction of datasheet memory bandwidth reached, in (0, 1]; default 0.8 (a decode step on AMD's MI300X and MI325X reads at 0.75 of it, the share their GEMVs reach: 0.6 of the datasheet)", **ARG_OPTIONS)
@arg('mfu', doc='Share of the peak the prefill reaches, a fraction in (0, 1]; default 0.65 (estimate, fitted on published runs); times 0.75 at an FP8 peak, 0.5 at FP4', **ARG_OPTIONS)
@arg('precision', doc='Precision of the peak: bf16 (default), fp16, fp8, fp4, int8, tf32 or fp32', **ARG_OPTIONS)
@arg('allreduce_us', doc='Fixed cost of one tensor-parallel all-reduce in microseconds (its latency over the link); default 20 (calibrated on small-batch decode runs, beside a fixed 50 us per layer of each forward pass); used when params is a model name and gpus > 1', **ARG_OPTIONS)
def TTFT_SECONDS(params, prompt_tokens, gpu, batch=1.0, bytes_per_param=2.0, gpus=None, bw_efficiency=0.8, mfu=0.65, precision='bf16', allreduce_us=20.0):
    """Seconds to the first token: prefill of the prompt, compute (with causal attention for a model name) or reading the weights once, whichever is slower, plus 0.9 of the other, plus tensor-parallel all-reduces."""
    return excel_io.call(REGISTRY['TTFT_SECONDS'], (params, prompt_tokens, gpu, batch, bytes_per_param, gpus, bw_efficiency, mfu, precision, allreduce_us))


@func
@arg('params', doc='Active parameters ("70B"), or a catalog model name ("DeepSeek-V3"; see MODEL_NAMES): active for FLOPs, total for memory and the experts a batch reads, layers and width for tensor-parallel all-reduces', **ARG_OPTIONS)
@arg('gpu', doc='GPU name from the catalog ("H100", "A100"; see GPU_NAMES)', **ARG_OPTIONS)
@arg('batch', doc='Sequences decoded together, each getting one token per step; default (blank): the serving batch, the largest whose KV cache fits in usable memory and whose step stays under 50 ms (as SERVING_GPUS)', **ARG_OPTIONS)
@arg('bytes_per_param', doc='Bytes per weight: 2 for BF16/FP16 (default), 1 for FP8/INT8, 0.5 for 4-bit', **ARG_OPTIONS)
@arg('gpus', doc="GPUs in tensor parallel (bandwidth and peak add up); a valid degree divides the model's attention heads, splits its KV heads evenly and stays within an 8-GPU NVLink domain; default (blank): the fewest valid GPUs that hold the weights and the KV cache", **ARG_OPTIONS)
@arg('kv_gb', doc='KV cache of the whole batch read each step, in GB (KV_CACHE_GB); default (blank): a catalog model\'s own BF16 cache at context_tokens for every sequence, with its attention FLOPs; none for a plain count ("70B")', **ARG_OPTIONS)
@arg('bw_efficiency', doc="Fraction of datasheet memory bandwidth reached, in (0, 1]; default 0.8 (a decode step on AMD's MI300X and MI325X reads at 0.75 of it, the share their GEMVs reach: 0.6 of the datasheet)", **ARG_OPTIONS)
@arg('mfu', doc='Share of the peak a compute-bound decode step reaches, a fraction in (0, 1]; default 0.40; times 0.75 at an FP8 peak, 0.5 at FP4 (estimates, fitted on published runs)', **ARG_OPTIONS)
@arg('precision', doc='Precision of the peak: bf16 (default), fp16, fp8, fp4, int8, tf32 or fp32', **ARG_OPTIONS)
@arg('allreduce_us', doc='Fixed cost of one tensor-parallel all-reduce in microseconds (its latency over the link); default 20 (calibrated on small-batch decode runs, beside a fixed 50 us per layer of each forward pass); used when params is a model name and gpus > 1', **ARG_OPTIONS)
@arg('context_tokens', doc="Tokens a sequence holds in its cache on average, for a catalog model's own KV cache; default 1085: prompt + half the answer of the median request of Azure's conversation trace (1,020 + 129 / 2; Splitwise, 2024)", **ARG_OPTIONS)
@arg('max_batch', doc="Most sequences the serving engine runs at once (vLLM's max_num_seqs, TensorRT-LLM's max_batch_size, SGLang's max_running_requests), 1 to 65,536: caps the serving batch searched for; default (blank): only memory and the latency target bound it", **ARG_OPTIONS)
@arg('host_us', doc="Serving engine's CPU time per running sequence per step in microseconds (scheduling, sampling's bookkeeping, detokenising); default 0; 68 for vLLM v0.11, 29.4 per sequence of each attention-DP rank for TensorRT-LLM (estimates, docs/fidelity.md)", **ARG_OPTIONS)
@arg('host_serial', doc="Share of that CPU time on the step's critical path, 0 to 1; default 0.5 (vLLM's, estimate); 0 for TensorRT-LLM's overlap scheduler (the step is then the longer of the GPUs' and the CPU's time)", **ARG_OPTIONS)
def TOKENS_PER_SECOND(params, gpu, batch=None, bytes_per_param=2.0, gpus=None, kv_gb=None, bw_efficiency=0.8, mfu=0.4, precision='bf16', allreduce_us=20.0, context_tokens=1085.0, max_batch=None, host_us=None, host_serial=None):
    """Generated tokens per second, all sequences of the batch together: batch / DECODE_MS x 1000; batch left blank: the serving batch (the largest that fits and keeps a step under 50 ms)."""
    return excel_io.call(REGISTRY['TOKENS_PER_SECOND'], (params, gpu, batch, bytes_per_param, gpus, kv_gb, bw_efficiency, mfu, precision, allreduce_us, context_tokens, max_batch, host_us, host_serial))


@func
@arg('requests_per_day', doc='Requests a day', **ARG_OPTIONS)
@arg('prompt_tokens', doc='Tokens in the prompt', **ARG_OPTIONS)
@arg('output_tokens', doc='Tokens generated in the answer', **ARG_OPTIONS)
@arg('params', doc='Active parameters ("70B"), or a catalog model name ("DeepSeek-V3"; see MODEL_NAMES): active for FLOPs, total for memory and the experts a batch reads, layers and width for tensor-parallel all-reduces', **ARG_OPTIONS)
@arg('gpu', doc='GPU name from the catalog ("H100", "A100"; see GPU_NAMES)', **ARG_OPTIONS)
@arg('gpus', doc="GPUs per replica, in tensor parallel (a valid degree: it divides the model's attention heads, splits its KV heads evenly, stays within an 8-GPU NVLink domain); default (blank): the fewest valid GPUs that hold the weights and one request's KV cache", **ARG_OPTIONS)
@arg('latency_ms', doc='Most milliseconds per generated token (per user); default 50 (estimate: 20 tokens/s)', **ARG_OPTIONS)
@arg('peak_factor', doc='Busiest hour over the daily average, >= 1; default 2 (estimate)', **ARG_OPTIONS)
@arg('kv_gb_per_sequence', doc="KV cache of one request in GB (KV_CACHE_GB); default (blank): a catalog model's own at its running context, prompt + half the output (BF16); none for a plain parameter count", **ARG_OPTIONS)
@arg('bytes_per_param', doc='Bytes per weight: 2 for BF16/FP16 (default), 1 for FP8/INT8, 0.5 for 4-bit', **ARG_OPTIONS)
@arg('bw_efficiency', doc="Fraction of datasheet memory bandwidth reached, in (0, 1]; default 0.8 (a decode step on AMD's MI300X and MI325X reads at 0.75 of it, the share their GEMVs reach: 0.6 of the datasheet)", **ARG_OPTIONS)
@arg('mfu', doc='Share of the peak a compute-bound decode step reaches, a fraction in (0, 1]; default 0.40; times 0.75 at an FP8 peak, 0.5 at FP4 (estimates, fitted on published runs)', **ARG_OPTIONS)
@arg('precision', doc='Precision of the peak: bf16 (default), fp16, fp8, fp4, int8, tf32 or fp32', **ARG_OPTIONS)
@arg('allreduce_us', doc='Fixed cost of one tensor-parallel all-reduce in microseconds (its latency over the link); default 20 (calibrated on small-batch decode runs, beside a fixed 50 us per layer of each forward pass); used when params is a model name and gpus > 1', **ARG_OPTIONS)
@arg('prefill_mfu', doc='Share of the peak the prefill reaches, a fraction in (0, 1]; default 0.65 (estimate, fitted on published runs); times 0.75 at an FP8 peak, 0.5 at FP4', **ARG_OPTIONS)
@arg('max_batch', doc="Most sequences the serving engine runs at once (vLLM's max_num_seqs, TensorRT-LLM's max_batch_size, SGLang's max_running_requests), 1 to 65,536: caps the serving batch searched for; default (blank): only memory and the latency target bound it", **ARG_OPTIONS)
@arg('host_us', doc="Serving engine's CPU time per running sequence per step in microseconds (scheduling, sampling's bookkeeping, detokenising); default 0; 68 for vLLM v0.11, 29.4 per sequence of each attention-DP rank for TensorRT-LLM (estimates, docs/fidelity.md)", **ARG_OPTIONS)
@arg('host_serial', doc="Share of that CPU time on the step's critical path, 0 to 1; default 0.5 (vLLM's, estimate); 0 for TensorRT-LLM's overlap scheduler (the step is then the longer of the GPUs' and the CPU's time)", **ARG_OPTIONS)
def SERVING_GPUS(requests_per_day, prompt_tokens, output_tokens, params, gpu, gpus=None, latency_ms=50.0, peak_factor=2.0, kv_gb_per_sequence=None, bytes_per_param=2.0, bw_efficiency=0.8, mfu=0.4, precision='bf16', allreduce_us=20.0, prefill_mfu=0.65, max_batch=None, host_us=None, host_serial=None):
    """GPUs to serve a daily load at its peak hour, counting prefill and decode, at the largest batch that keeps each token under latency_ms and fits in memory."""
    return excel_io.call(REGISTRY['SERVING_GPUS'], (requests_per_day, prompt_tokens, output_tokens, params, gpu, gpus, latency_ms, peak_factor, kv_gb_per_sequence, bytes_per_param, bw_efficiency, mfu, precision, allreduce_us, prefill_mfu, max_batch, host_us, host_serial))


@func
@arg('params', doc='Parameters, e.g. "175B", or a catalog model name (see MODEL_NAMES): its total parameters, every expert included', **ARG_OPTIONS)
@arg('bytes_per_param', doc='Bytes per weight: 2 for BF16/FP16 (default), 1 for FP8/INT8, 0.5 for 4-bit; or the format\'s name ("fp8", "bf16", "fp4")', **ARG_OPTIONS)
def WEIGHTS_GB(params, bytes_per_param=2.0):
    """Memory of the weights in GB (1e9 bytes); a model name counts all its weights (every expert)."""
    return excel_io.call(REGISTRY['WEIGHTS_GB'], (params, bytes_per_param))


@func
@arg('params', doc='Parameters, e.g. "175B", or a catalog model name (see MODEL_NAMES): its total parameters, every expert included', **ARG_OPTIONS)
@arg('bytes_per_param', doc='Bytes per parameter; default 16 (ZeRO: 2+2+12)', **ARG_OPTIONS)
def TRAIN_MEMORY_GB(params, bytes_per_param=16.0):
    """Memory for weights, gradients and Adam states in mixed-precision training, in GB (activations excluded)."""
    return excel_io.call(REGISTRY['TRAIN_MEMORY_GB'], (params, bytes_per_param))


@func
@arg('layers', doc="Transformer layers, or a catalog model name: then KV_CACHE_GB(model, context_tokens, [batch], [bytes_per_value], [gpus]) with the model's own cache (MLA latent, windowed layers)", **ARG_OPTIONS)
@arg('kv_heads', doc='Key/value heads (fewer than query heads with GQA)', **ARG_OPTIONS)
@arg('head_dim', doc='Dimension of one head', **ARG_OPTIONS)
@arg('context_tokens', doc='Tokens held in the cache per sequence', **ARG_OPTIONS)
@arg('batch', doc='Sequences; default 1', **ARG_OPTIONS)
@arg('bytes_per_value', doc='Bytes per cached value; default 2 (BF16)', **ARG_OPTIONS)
@arg('gpus', doc='GPUs in tensor parallel: heads are replicated when gpus > kv_heads; default 1', **ARG_OPTIONS)
def KV_CACHE_GB(layers, kv_heads, head_dim=None, context_tokens=None, batch=1.0, bytes_per_value=2.0, gpus=1.0):
    """KV cache in GB: 2 x layers x kv_heads x head_dim x bytes x context_tokens x batch / 1e9, or a catalog model's own cache: KV_CACHE_GB(model, context_tokens, [batch], [bytes_per_value], [gpus])."""
    return excel_io.call(REGISTRY['KV_CACHE_GB'], (layers, kv_heads, head_dim, context_tokens, batch, bytes_per_value, gpus))


@func
@arg('gb', doc='Memory to hold, in GB (e.g. WEIGHTS_GB + KV_CACHE_GB)', **ARG_OPTIONS)
@arg('gpu', doc='GPU name from the catalog ("H100", "A100"; see GPU_NAMES)', **ARG_OPTIONS)
@arg('usable_fraction', doc="Fraction of each GPU's memory usable; default 0.9", **ARG_OPTIONS)
def GPUS_TO_FIT(gb, gpu, usable_fraction=0.9):
    """Whole GPUs whose memory holds gb, using usable_fraction of each (rounded up)."""
    return excel_io.call(REGISTRY['GPUS_TO_FIT'], (gb, gpu, usable_fraction))


@func
@arg('model', doc='A catalog model ("DeepSeek-V3", "Qwen3 235B-A22B"; see MODEL_NAMES)', **ARG_OPTIONS)
@arg('gpu', doc='A catalog GPU ("H800", "H100", "GB200"; see GPU_NAMES)', **ARG_OPTIONS)
@arg('layout', doc='The parallel layout of one instance: "TP8" (tensor parallel), "EP32" (experts over 32 GPUs, attention data-parallel on each), "TP4 EP8" (attention TP4 in two replicas, experts over 8)', **ARG_OPTIONS)
@arg('prompt_tokens', doc='Tokens in each prompt', **ARG_OPTIONS)
@arg('output_tokens', doc='Tokens generated in each answer', **ARG_OPTIONS)
@arg('precision', doc='Number format of the weights and the peak: bf16 (default), fp8 or fp4 (weights of 2, 1 or 0.5 bytes)', **ARG_OPTIONS)
@arg('batch', doc='Sequences the instance decodes together; default (blank): the largest whose step stays within latency_ms and whose KV cache fits beside the weights', **ARG_OPTIONS)
@arg('latency_ms', doc='Most milliseconds per generated token (per user) for the default batch; default 50', **ARG_OPTIONS)
@arg('context_tokens', doc='Cached tokens per sequence while decoding, when known (DeepSeek: 4,989); default the prompt + half the answer', **ARG_OPTIONS)
@arg('kv_bytes', doc='Bytes per cached key/value: 2 (BF16, default, as the other serving functions) or 1 (an FP8 cache)', **ARG_OPTIONS)
@arg('bytes_per_param', doc='Bytes per weight when the checkpoint stores them in another format than precision computes at (an MXFP4 checkpoint on Hopper: 0.5 or "fp4" with "bf16"), at most 4; default (blank) the precision\'s: 2, 1 or 0.5', **ARG_OPTIONS)
@arg('host_us', doc="Serving engine's CPU time per running sequence per step in microseconds (scheduling, sampling's bookkeeping, detokenising); default 0; 68 for vLLM v0.11, 29.4 per sequence of each attention-DP rank for TensorRT-LLM (estimates, docs/fidelity.md)", **ARG_OPTIONS)
@arg('host_serial', doc="Share of that CPU time on the step's critical path, 0 to 1; default 0.5 (vLLM's, estimate); 0 for TensorRT-LLM's overlap scheduler (the step is then the longer of the GPUs' and the CPU's time)", **ARG_OPTIONS)
def LAYOUT_TOKENS_PER_SECOND(model, gpu, layout, prompt_tokens, output_tokens, precision='bf16', batch=None, latency_ms=50.0, context_tokens=None, kv_bytes=2.0, bytes_per_param=None, host_us=None, host_serial=None):
    'Output tokens per second of one instance of a parallel layout ("EP144", "TP4 EP8") serving requests, prefill included: expert parallelism with its all-to-all, routing imbalance and overlap.'
    return excel_io.call(REGISTRY['LAYOUT_TOKENS_PER_SECOND'], (model, gpu, layout, prompt_tokens, output_tokens, precision, batch, latency_ms, context_tokens, kv_bytes, bytes_per_param, host_us, host_serial))


@func
@arg('model', doc='A catalog model ("DeepSeek-V3", "Qwen3 235B-A22B"; see MODEL_NAMES)', **ARG_OPTIONS)
@arg('gpu', doc='A catalog GPU ("H800", "H100", "GB200"; see GPU_NAMES)', **ARG_OPTIONS)
@arg('layout', doc='The parallel layout of one instance: "TP8" (tensor parallel), "EP32" (experts over 32 GPUs, attention data-parallel on each), "TP4 EP8" (attention TP4 in two replicas, experts over 8)', **ARG_OPTIONS)
@arg('prompt_tokens', doc='Tokens in each prompt', **ARG_OPTIONS)
@arg('precision', doc='Number format of the weights and the peak: bf16 (default), fp8 or fp4 (weights of 2, 1 or 0.5 bytes)', **ARG_OPTIONS)
@arg('batch', doc='Prompts each GPU prefills at once; default 1', **ARG_OPTIONS)
@arg('bytes_per_param', doc='Bytes per weight when the checkpoint stores them in another format than precision computes at (an MXFP4 checkpoint on Hopper: 0.5 or "fp4" with "bf16"), at most 4; default (blank) the precision\'s: 2, 1 or 0.5', **ARG_OPTIONS)
def LAYOUT_PREFILL_TOKENS_PER_SECOND(model, gpu, layout, prompt_tokens, precision='bf16', batch=1.0, bytes_per_param=None):
    'Prompt tokens per second one instance of a parallel layout ("EP32") prefills: expert parallelism with its all-to-all, routing imbalance and overlap.'
    return excel_io.call(REGISTRY['LAYOUT_PREFILL_TOKENS_PER_SECOND'], (model, gpu, layout, prompt_tokens, precision, batch, bytes_per_param))


@func
@arg('model', doc='A catalog model ("DeepSeek-V3", "Qwen3 235B-A22B"; see MODEL_NAMES)', **ARG_OPTIONS)
@arg('gpu', doc='A catalog GPU ("H800", "H100", "GB200"; see GPU_NAMES)', **ARG_OPTIONS)
@arg('layout', doc='The parallel layout of one instance: "TP8" (tensor parallel), "EP32" (experts over 32 GPUs, attention data-parallel on each), "TP4 EP8" (attention TP4 in two replicas, experts over 8)', **ARG_OPTIONS)
@arg('batch', doc='Sequences the instance decodes together (all its GPUs)', **ARG_OPTIONS)
@arg('context_tokens', doc='Cached tokens per sequence (prompt + the answer so far)', **ARG_OPTIONS)
@arg('precision', doc='Number format of the weights and the peak: bf16 (default), fp8 or fp4 (weights of 2, 1 or 0.5 bytes)', **ARG_OPTIONS)
@arg('kv_bytes', doc='Bytes per cached key/value: 2 (BF16, default, as the other serving functions) or 1 (an FP8 cache)', **ARG_OPTIONS)
@arg('host_us', doc="Server CPU time per running sequence per step in us, for a loaded server's time between tokens (as ITL_MS'; each attention replica's CPU over its own sequences); default 0, the GPUs' step alone; 68 for vLLM v0.11 (estimate)", **ARG_OPTIONS)
@arg('bytes_per_param', doc='Bytes per weight when the checkpoint stores them in another format than precision computes at (an MXFP4 checkpoint on Hopper: 0.5 or "fp4" with "bf16"), at most 4; default (blank) the precision\'s: 2, 1 or 0.5', **ARG_OPTIONS)
@arg('host_serial', doc="Share of that CPU time on the step's critical path, 0 to 1; default 0.5 (vLLM's, estimate); 0 for TensorRT-LLM's overlap scheduler (the step is then the longer of the GPUs' and the CPU's time)", **ARG_OPTIONS)
def LAYOUT_DECODE_MS(model, gpu, layout, batch, context_tokens, precision='bf16', kv_bytes=2.0, host_us=0.0, bytes_per_param=None, host_serial=None):
    'Milliseconds of one decode step of an instance of a parallel layout ("TP8 EP8", "EP144") holding a batch of sequences: expert parallelism with its all-to-all, routing imbalance and overlap; host_us adds a loaded server\'s CPU time per sequence.'
    return excel_io.call(REGISTRY['LAYOUT_DECODE_MS'], (model, gpu, layout, batch, context_tokens, precision, kv_bytes, host_us, bytes_per_param, host_serial))


@func
@arg('height', doc='Image height in pixels', **ARG_OPTIONS)
@arg('width', doc='Image width in pixels', **ARG_OPTIONS)
@arg('patch', doc='Patch side in pixels (default 16), or a tokenizer such as "GPT-4o", "Claude", "Gemini", "Qwen2.5-VL" (see the vision-tokenizer catalog)', **ARG_OPTIONS)
def IMAGE_TOKENS(height, width, patch=16.0):
    """Tokens of an image: patch x patch squares (a partial patch costs a token), or a named tokenizer's rule (GPT-4o tiles, Claude, Gemini, Qwen2.5-VL...)."""
    return excel_io.call(REGISTRY['IMAGE_TOKENS'], (height, width, patch))


@func
@arg('frames', doc='Frames', **ARG_OPTIONS)
@arg('height', doc='Frame height in pixels', **ARG_OPTIONS)
@arg('width', doc='Frame width in pixels', **ARG_OPTIONS)
@arg('patch', doc='Patch side in pixels (default 16), or a tokenizer such as "GPT-4o", "Claude", "Gemini", "Qwen2.5-VL" (see the vision-tokenizer catalog)', **ARG_OPTIONS)
@arg('temporal_patch', doc='Frames per token along time; default 1 (blank with a tokenizer name)', **ARG_OPTIONS)
@arg('fps', doc="The video's frames per second: optional, required with a tokenizer name, blank with a patch size", **ARG_OPTIONS)
def VIDEO_TOKENS(frames, height, width, patch=16.0, temporal_patch=1.0, fps=None):
    """Tokens of a video: frame groups of temporal_patch frames, each cut like an image; or, with a tokenizer name in patch and the video's fps, the frames that tokenizer samples."""
    return excel_io.call(REGISTRY['VIDEO_TOKENS'], (frames, height, width, patch, temporal_patch, fps))


@func
@arg('seconds', doc='Length of the video in seconds', **ARG_OPTIONS)
@arg('height', doc='Frame height in pixels', **ARG_OPTIONS)
@arg('width', doc='Frame width in pixels', **ARG_OPTIONS)
@arg('model', doc='A tokenizer with a video rule: "Gemini", "Qwen2.5-VL"', **ARG_OPTIONS)
def VIDEO_SECONDS_TOKENS(seconds, height, width, model):
    """Tokens of seconds of video as a tokenizer samples it: Gemini 263 a second, Qwen2.5-VL 2 frames a second in pairs at its video resolution."""
    return excel_io.call(REGISTRY['VIDEO_SECONDS_TOKENS'], (seconds, height, width, model))


@func
@arg('seconds', doc='Length of the audio in seconds', **ARG_OPTIONS)
@arg('model', doc='"Whisper" (default, 50 a second), "Gemini" (32), or tokens per second', **ARG_OPTIONS)
def AUDIO_TOKENS(seconds, model='Whisper'):
    """Tokens of seconds of audio at a published rate: Whisper's encoder 50 a second (default), Gemini 32."""
    return excel_io.call(REGISTRY['AUDIO_TOKENS'], (seconds, model))


@func
@arg('amount', doc='How much text, in units', **ARG_OPTIONS)
@arg('unit', doc='"word" (default, 4/3 tokens), "en_char" (0.3), "zh_char" (0.6, DeepSeek) or tokens per unit', **ARG_OPTIONS)
def TEXT_TOKENS(amount, unit='word'):
    """Tokens in an amount of text: words, English or Chinese characters, or any tokens-per-unit ratio."""
    return excel_io.call(REGISTRY['TEXT_TOKENS'], (amount, unit))


@func
@arg('tokens', doc='Tokens', **ARG_OPTIONS)
@arg('tokens_per_word', doc='Tokens per English word; default 4/3', **ARG_OPTIONS)
def TOKENS_TO_WORDS(tokens, tokens_per_word=1.3333333333333333):
    """English words that a number of tokens makes (4/3 tokens per word by default)."""
    return excel_io.call(REGISTRY['TOKENS_TO_WORDS'], (tokens, tokens_per_word))


@func
@arg('gpu', doc='GPU name from the catalog ("H100", "MI300X"; see GPU_NAMES)', **ARG_OPTIONS)
@arg('field', doc="bf16_tflops (default), fp16/fp8/fp4/tf32/fp32_tflops, int8_tops, memory_gb, bandwidth_tbs, tdp_w, server_w (its server's power per GPU, W), interconnect_gbs, sparsity_factor, vendor, year or source", **ARG_OPTIONS)
def GPU_SPEC(gpu, field='bf16_tflops'):
    """One figure of a GPU from the catalog: a dense peak, memory, bandwidth, TDP, vendor, year or source."""
    return excel_io.call(REGISTRY['GPU_SPEC'], (gpu, field))


@func
def GPU_NAMES():
    """The catalog's GPU names as a column (spills)."""
    return excel_io.call(REGISTRY['GPU_NAMES'], ())


@func
@arg('text', doc='Text such as "175B", "1.4T", "7e10", "3.5亿", "40%" or "1,000"', **ARG_OPTIONS)
def PARSE_NUM(text):
    'The number a human-typed magnitude means: "175B" -> 1.75E+11, "2.53万" -> 25300, "46.2%" -> 0.462.'
    return excel_io.call(REGISTRY['PARSE_NUM'], (text,))


@func
def FLOPSHEET_VERSION():
    """The flopsheet add-in's version; a cell showing it proves the functions are live."""
    return excel_io.call(REGISTRY['FLOPSHEET_VERSION'], ())


@func
@arg('model', doc='Model name from the catalog ("Llama 3.1 405B", "DeepSeek-V3"; see MODEL_NAMES)', **ARG_OPTIONS)
@arg('field', doc='total_params (default), active_params, layers, d_model, heads, kv_heads, head_dim, attention, experts, experts_per_token, vocab, context, training_tokens, training_flops, gpu_hours, mfu, source... (docs list all)', **ARG_OPTIONS)
def MODEL_SPEC(model, field='total_params'):
    """One figure of a model from the catalog: total or active parameters, layers, heads, experts, training tokens, GPU-hours, or its source."""
    return excel_io.call(REGISTRY['MODEL_SPEC'], (model, field))


@func
def MODEL_NAMES():
    """The model catalog's names as a column (spills)."""
    return excel_io.call(REGISTRY['MODEL_NAMES'], ())


@func
@arg('gpus', doc='Accelerators in the fleet (a whole number)', **ARG_OPTIONS)
@arg('gpu', doc='GPU name from the catalog ("H100", "A100"; see GPU_NAMES)', **ARG_OPTIONS)
@arg('usd_per_gpu', doc="Purchase price of one GPU in USD; default: the price table's (dated, sourced; estimates marked)", **ARG_OPTIONS)
@arg('overhead', doc="Servers and network as a multiple of the GPUs' price; default 1.44 (Epoch AI's cost shares)", **ARG_OPTIONS)
def CLUSTER_CAPEX(gpus, gpu, usd_per_gpu=None, overhead=1.44):
    """USD to buy a GPU cluster: GPUs x price per GPU x overhead for servers and network."""
    return excel_io.call(REGISTRY['CLUSTER_CAPEX'], (gpus, gpu, usd_per_gpu, overhead))


@func
@arg('gpus', doc='Accelerators in the fleet (a whole number)', **ARG_OPTIONS)
@arg('gpu', doc='GPU name from the catalog ("H100", "A100"; see GPU_NAMES)', **ARG_OPTIONS)
@arg('pue', doc='Data-centre power usage effectiveness; default 1.2', **ARG_OPTIONS)
@arg('server_w', doc='IT power per accelerator of its server or rack in W, 50 to 5000 (DGX H100: 10,200 W / 8 = 1275); optional; blank: the catalog\'s figure for the GPU\'s platform, GPU_SPEC(gpu, "server_w"), its source GPU_SPEC(gpu, "server_source")', **ARG_OPTIONS)
def FLEET_POWER_MW(gpus, gpu, pue=1.2, server_w=None):
    """Facility power in MW for a fleet: GPUs x their server's power per GPU (IT power) x PUE; IT_POWER_MW leaves the PUE out."""
    return excel_io.call(REGISTRY['FLEET_POWER_MW'], (gpus, gpu, pue, server_w))


@func
@arg('gpus', doc='Accelerators in the fleet (a whole number)', **ARG_OPTIONS)
@arg('gpu', doc='GPU name from the catalog ("H100", "A100"; see GPU_NAMES)', **ARG_OPTIONS)
@arg('server_w', doc='IT power per accelerator of its server or rack in W, 50 to 5000 (DGX H100: 10,200 W / 8 = 1275); optional; blank: the catalog\'s figure for the GPU\'s platform, GPU_SPEC(gpu, "server_w"), its source GPU_SPEC(gpu, "server_source")', **ARG_OPTIONS)
def IT_POWER_MW(gpus, gpu, server_w=None):
    """IT power in MW for a fleet: GPUs x their server's power per GPU, before cooling (PUE). The '150 MW for 100k H100s' figure analysts quote is IT power."""
    return excel_io.call(REGISTRY['IT_POWER_MW'], (gpus, gpu, server_w))


@func
@arg('mw', doc='Power in MW (see FLEET_POWER_MW)', **ARG_OPTIONS)
@arg('usd_per_kwh', doc='Electricity price in USD per kWh, 0.005 to 2 (for 80 $/MWh type 0.08)', **ARG_OPTIONS)
@arg('hours', doc='Hours; default 8760 (a year)', **ARG_OPTIONS)
def ENERGY_COST_USD(mw, usd_per_kwh, hours=8760.0):
    """USD of electricity for mw megawatts over hours (default: a year, 8760 hours)."""
    return excel_io.call(REGISTRY['ENERGY_COST_USD'], (mw, usd_per_kwh, hours))


@func
@arg('usd_per_gpu', doc='Purchase price of one GPU in USD, 100 to 1,000,000 (27500 or "$27,500", not 27.5)', **ARG_OPTIONS)
@arg('years', doc='Years the hardware is written off over, 1 to 10 (for 48 months type 4)', **ARG_OPTIONS)
@arg('gpu', doc='GPU name from the catalog ("H100", "A100"; see GPU_NAMES)', **ARG_OPTIONS)
@arg('usd_per_kwh', doc='Electricity price in USD per kWh, 0.005 to 2 (for 80 $/MWh type 0.08)', **ARG_OPTIONS)
@arg('overhead', doc="Servers and network as a multiple of the GPUs' price; default 1.44 (Epoch AI's cost shares)", **ARG_OPTIONS)
@arg('pue', doc='Data-centre power usage effectiveness; default 1.2', **ARG_OPTIONS)
@arg('utilization', doc='Share of hours the GPU does paid work, in (0, 1]; default 1', **ARG_OPTIONS)
@arg('server_w', doc='IT power per accelerator of its server or rack in W, 50 to 5000 (DGX H100: 10,200 W / 8 = 1275); optional; blank: the catalog\'s figure for the GPU\'s platform, GPU_SPEC(gpu, "server_w"), its source GPU_SPEC(gpu, "server_source")', **ARG_OPTIONS)
@arg('cost_of_capital', doc="Cost of capital a year, 0.10 for 10%: capex recovered as an annuity over years; default 0 (straight line, no capital charge; the template's CostOfCapital)", **ARG_OPTIONS)
@arg('usd_per_kw_month', doc="Data-centre space and power (colocation) in USD per kW of server power a month; default 0 (not counted; the template's ColoUsdPerKwMonth, CBRE 184.06)", **ARG_OPTIONS)
def GPU_TCO_PER_HOUR(usd_per_gpu, years, gpu, usd_per_kwh, overhead=1.44, pue=1.2, utilization=1.0, server_w=None, cost_of_capital=0.0, usd_per_kw_month=0.0):
    """USD per useful GPU-hour of owning a GPU: capex share over years (with a capital charge), its server's energy and data-centre space, over utilization."""
    return excel_io.call(REGISTRY['GPU_TCO_PER_HOUR'], (usd_per_gpu, years, gpu, usd_per_kwh, overhead, pue, utilization, server_w, cost_of_capital, usd_per_kw_month))


@func
@arg('flops', doc='Compute in FLOPs, e.g. 3.15E+23 or "3.15e23"', **ARG_OPTIONS)
@arg('gpu', doc='GPU name from the catalog ("H100", "A100"; see GPU_NAMES), or its dense peak TFLOPS as a number (text is always a name: "4090" is the RTX 4090)', **ARG_OPTIONS)
@arg('usd_per_gpu', doc='Purchase price of one GPU in USD, 100 to 1,000,000 (27500 or "$27,500", not 27.5)', **ARG_OPTIONS)
@arg('usd_per_kwh', doc='Electricity price in USD per kWh, 0.005 to 2 (for 80 $/MWh type 0.08)', **ARG_OPTIONS)
@arg('years', doc="Years the hardware is written off over, 1 to 10; default 3.1 (Epoch AI's 0.14 orders of magnitude per year)", **ARG_OPTIONS)
@arg('mfu', doc='Model FLOPs utilization, a fraction of the peak at precision in (0, 1]; default by precision: 37.5% of a BF16/FP16 peak, 36% of an FP8/INT8 peak, 25% of an FP4 peak (training efficiencies, estimates)', **ARG_OPTIONS)
@arg('overhead', doc="Servers and network as a multiple of the GPUs' price; default 1.44 (Epoch AI's cost shares)", **ARG_OPTIONS)
@arg('pue', doc='Data-centre power usage effectiveness; default 1.2', **ARG_OPTIONS)
@arg('precision', doc='Precision of the peak: bf16 (default), fp16, fp8, fp4, int8, tf32 or fp32', **ARG_OPTIONS)
@arg('server_w', doc='IT power per accelerator of its server or rack in W, 50 to 5000 (DGX H100: 10,200 W / 8 = 1275); optional; blank: the catalog\'s figure for the GPU\'s platform, GPU_SPEC(gpu, "server_w"), its source GPU_SPEC(gpu, "server_source")', **ARG_OPTIONS)
@arg('goodput', doc='Productive share of wall-clock time (failures, restarts, checkpoints excluded), in (0, 1]; default 0.85 (Llama 3.1 405B); 1 counts compute only', **ARG_OPTIONS)
def TRAIN_COST_AMORTISED(flops, gpu, usd_per_gpu, usd_per_kwh, years=3.1, mfu=None, overhead=1.44, pue=1.2, precision='bf16', server_w=None, goodput=0.85):
    """USD to train on owned GPUs: GPU-hours x (amortised hardware + energy per GPU-hour), Epoch AI's method."""
    return excel_io.call(REGISTRY['TRAIN_COST_AMORTISED'], (flops, gpu, usd_per_gpu, usd_per_kwh, years, mfu, overhead, pue, precision, server_w, goodput))


@func
@arg('params', doc='Active parameters ("70B"), or a catalog model name ("DeepSeek-V3"; see MODEL_NAMES): active for FLOPs, total for memory and the experts a batch reads, layers and width for tensor-parallel all-reduces', **ARG_OPTIONS)
@arg('gpu', doc='GPU name from the catalog ("H100", "A100"; see GPU_NAMES)', **ARG_OPTIONS)
@arg('usd_per_gpu_hour', doc='Price of one GPU-hour in USD, 0.01 to 100 (rental, or GPU_TCO_PER_HOUR)', **ARG_OPTIONS)
@arg('kind', doc='"output" (default: decode), "input" (prefill), "blended" (3 input : 1 output) or an output share in [0, 1]', **ARG_OPTIONS)
@arg('load', doc='Share of the time the replica serves at full batch, in (0, 1]; default 1', **ARG_OPTIONS)
@arg('batch', doc='Sequences decoded together, each getting one token per step; default (blank): the serving batch, the largest whose KV cache fits in usable memory and whose step stays under 50 ms (as SERVING_GPUS)', **ARG_OPTIONS)
@arg('bytes_per_param', doc='Bytes per weight: 2 for BF16/FP16 (default), 1 for FP8/INT8, 0.5 for 4-bit', **ARG_OPTIONS)
@arg('gpus', doc="GPUs in tensor parallel (bandwidth and peak add up); a valid degree divides the model's attention heads, splits its KV heads evenly and stays within an 8-GPU NVLink domain; default (blank): the fewest valid GPUs that hold the weights and the KV cache", **ARG_OPTIONS)
@arg('kv_gb', doc='KV cache of the whole batch read each step, in GB (KV_CACHE_GB); default (blank): a catalog model\'s own BF16 cache at context_tokens for every sequence, with its attention FLOPs; none for a plain count ("70B")', **ARG_OPTIONS)
@arg('bw_efficiency', doc="Fraction of datasheet memory bandwidth reached, in (0, 1]; default 0.8 (a decode step on AMD's MI300X and MI325X reads at 0.75 of it, the share their GEMVs reach: 0.6 of the datasheet)", **ARG_OPTIONS)
@arg('mfu', doc='Share of the peak a compute-bound decode step reaches, a fraction in (0, 1]; default 0.40; times 0.75 at an FP8 peak, 0.5 at FP4 (estimates, fitted on published runs)', **ARG_OPTIONS)
@arg('precision', doc='Precision of the peak: bf16 (default), fp16, fp8, fp4, int8, tf32 or fp32', **ARG_OPTIONS)
@arg('allreduce_us', doc='Fixed cost of one tensor-parallel all-reduce in microseconds (its latency over the link); default 20 (calibrated on small-batch decode runs, beside a fixed 50 us per layer of each forward pass); used when params is a model name and gpus > 1', **ARG_OPTIONS)
@arg('prompt_tokens', doc='Tokens per prompt, for the input price (prefill); default 1000', **ARG_OPTIONS)
@arg('prefill_mfu', doc='Share of the peak the prefill reaches, a fraction in (0, 1]; default 0.65 (estimate, fitted on published runs); times 0.75 at an FP8 peak, 0.5 at FP4', **ARG_OPTIONS)
@arg('context_tokens', doc="Tokens a sequence holds in its cache on average, for a catalog model's own KV cache; default 1085: prompt + half the answer of the median request of Azure's conversation trace (1,020 + 129 / 2; Splitwise, 2024)", **ARG_OPTIONS)
@arg('max_batch', doc="Most sequences the serving engine runs at once (vLLM's max_num_seqs, TensorRT-LLM's max_batch_size, SGLang's max_running_requests), 1 to 65,536: caps the serving batch searched for; default (blank): only memory and the latency target bound it", **ARG_OPTIONS)
@arg('host_us', doc="Serving engine's CPU time per running sequence per step in microseconds (scheduling, sampling's bookkeeping, detokenising); default 0; 68 for vLLM v0.11, 29.4 per sequence of each attention-DP rank for TensorRT-LLM (estimates, docs/fidelity.md)", **ARG_OPTIONS)
@arg('host_serial', doc="Share of that CPU time on the step's critical path, 0 to 1; default 0.5 (vLLM's, estimate); 0 for TensorRT-LLM's overlap scheduler (the step is then the longer of the GPUs' and the CPU's time)", **ARG_OPTIONS)
def COST_PER_MTOK(params, gpu, usd_per_gpu_hour, kind='output', load=1.0, batch=None, bytes_per_param=2.0, gpus=None, kv_gb=None, bw_efficiency=0.8, mfu=0.4, precision='bf16', allreduce_us=20.0, prompt_tokens=1000.0, prefill_mfu=0.65, context_tokens=1085.0, max_batch=None, host_us=None, host_serial=None):
    """USD per million tokens served on the serving model (MoE, tensor parallel): output at DECODE_MS' step, input at TTFT_SECONDS' prefill, at a GPU-hour price and load; batch left blank: the serving batch."""
    return excel_io.call(REGISTRY['COST_PER_MTOK'], (params, gpu, usd_per_gpu_hour, kind, load, batch, bytes_per_param, gpus, kv_gb, bw_efficiency, mfu, precision, allreduce_us, prompt_tokens, prefill_mfu, context_tokens, max_batch, host_us, host_serial))


@func
@arg('price', doc='What the customer pays, e.g. USD per million tokens', **ARG_OPTIONS)
@arg('cost', doc='What serving it costs, in the same unit (e.g. COST_PER_MTOK)', **ARG_OPTIONS)
def GROSS_MARGIN(price, cost):
    """Gross margin as a fraction of the price: (price - cost) / price; negative is a loss."""
    return excel_io.call(REGISTRY['GROSS_MARGIN'], (price, cost))


@func
@arg('base_case', doc='The base case', **ARG_OPTIONS)
@arg('low', doc='The low case (<= base_case)', **ARG_OPTIONS)
@arg('high', doc='The high case (>= base_case)', **ARG_OPTIONS)
@arg('unit', doc='"$" or "USD..." (a $ in front, the rest after: "USD/year" -> "$1.2M/year"), another unit (after, such as "MW"); optional, blank for none', **ARG_OPTIONS)
def RANGE_TEXT(base_case, low, high, unit=None):
    'A base with its low-high range as one line of text, e.g. "$9.8M (7.1M-14.2M)".'
    return excel_io.call(REGISTRY['RANGE_TEXT'], (base_case, low, high, unit))
