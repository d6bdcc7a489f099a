"""Arguments several functions share, declared once so their help reads the same everywhere.

Defaults are not written here: each function takes them from its engine formula's signature.
"""

from flopsheet.functions._model import Arg

FLOPS = Arg("flops", "Compute in FLOPs, e.g. 3.15E+23 or \"3.15e23\"")
PARAMS = Arg("params", "Parameters (active ones for mixture-of-experts), e.g. 175E+9 or \"175B\"")
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
BW_EFFICIENCY = Arg("bw_efficiency", "Fraction of datasheet memory bandwidth reached, in (0, 1]; default 0.8")
OPTIONAL_LAYERS = Arg("layers", "Transformer layers (optional, for the attention term)")
OPTIONAL_D_MODEL = Arg("d_model", "Model width (optional, for the attention term)")
