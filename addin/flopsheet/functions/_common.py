"""Arguments several functions share, declared once so their help reads the same everywhere.

Defaults are not written here: each function takes them from its engine formula's signature.
"""

from flopsheet.functions.declaration import Arg

FLOPS = Arg("flops", "Compute in FLOPs, e.g. 3.15E+23 or \"3.15e23\"")
PARAMS = Arg("params", "Parameters (active ones for mixture-of-experts), e.g. 175E+9 or \"175B\", or a catalog model "
                       "name (\"Llama 3.1 405B\"; see MODEL_NAMES): its active parameters", kind="model",
             model_field="active_params")
# A model's memory is all its weights: a model name stands for total_params here.
TOTAL_PARAMS = Arg("params", "Parameters, e.g. \"175B\", or a catalog model name (see MODEL_NAMES): its total "
                             "parameters, every expert included", kind="model", model_field="total_params")
# Inference: FLOPs from the active parameters, memory and bytes read from the total (MoE).
SERVED_PARAMS = Arg("params", "Active parameters (\"70B\"), or a catalog model name (\"DeepSeek-V3\"; see "
                              "MODEL_NAMES): active for FLOPs, total for memory and the experts a batch reads, "
                              "layers and width for tensor-parallel all-reduces", kind="model",
                    model_field="active_params")
GPU = Arg("gpu", "GPU name from the catalog (\"H100\", \"A100\"; see GPU_NAMES), or its dense peak TFLOPS as a number "
          "(text is always a name: \"4090\" is the RTX 4090)",
          kind="gpu")
GPU_NAME = Arg("gpu", "GPU name from the catalog (\"H100\", \"A100\"; see GPU_NAMES)", kind="gpu")
MFU = Arg("mfu", "Model FLOPs utilization, a fraction in (0, 1]; default 0.40")
PRECISION = Arg("precision", "Precision of the peak: bf16 (default), fp16, fp8, fp4, int8, tf32 or fp32",
                kind="precision", default="bf16")
BATCH = Arg("batch", "Sequences decoded together, each getting one token per step; default 1")
BYTES_PER_PARAM = Arg("bytes_per_param", "Bytes per weight: 2 for BF16/FP16 (default), 1 for FP8/INT8, 0.5 for 4-bit")
TP_GPUS = Arg("gpus", "GPUs in tensor parallel (bandwidth and peak add up); default 1")
KV_GB = Arg("kv_gb", "KV cache read each step, in GB (see KV_CACHE_GB); default 0")
ALLREDUCE_US = Arg("allreduce_us", "Latency of one tensor-parallel all-reduce in microseconds; default 8 (estimate, "
                                   "one NVLink node, as llm-analysis); used when params is a model name and gpus > 1")
BW_EFFICIENCY = Arg("bw_efficiency", "Fraction of datasheet memory bandwidth reached, in (0, 1]; default 0.8")
OPTIONAL_LAYERS = Arg("layers", "Transformer layers (optional, for the attention term)")
OPTIONAL_D_MODEL = Arg("d_model", "Attention width, heads x head_dim (optional, for the attention term; d_model for most "
                                  "models, but PaLM 540B's is 12,288, not 18,432)")
GOODPUT = Arg("goodput", "Productive share of wall-clock time (failures, restarts, checkpoints excluded), in (0, 1]; "
                         "default 0.85 (Llama 3.1 405B); 1 counts compute only")
