"""The names of flopsheet's Excel functions, for code that must recognise a call without loading
the functions: the hand-off of a workbook without calls is a zip copy, and importing the registry
(and numpy under it) would cost it more than its work.

GENERATED from flopsheet.functions by `python -m tools.regenerate` (tools/udfs_source.py);
do not edit by hand: a test fails when this file and the registry disagree.
"""

NAMES = (
    "TRAIN_FLOPS",
    "CHINCHILLA_TOKENS",
    "GPU_HOURS",
    "GPU_DAYS",
    "TRAIN_DAYS",
    "GPUS_NEEDED",
    "TRAIN_COST",
    "TRAIN_ENERGY_MWH",
    "IMPLIED_MFU",
    "INFER_FLOPS",
    "INFER_SECONDS",
    "DECODE_MS",
    "RESPONSE_SECONDS",
    "TTFT_SECONDS",
    "TOKENS_PER_SECOND",
    "SERVING_GPUS",
    "WEIGHTS_GB",
    "TRAIN_MEMORY_GB",
    "KV_CACHE_GB",
    "GPUS_TO_FIT",
    "LAYOUT_TOKENS_PER_SECOND",
    "LAYOUT_PREFILL_TOKENS_PER_SECOND",
    "LAYOUT_DECODE_MS",
    "IMAGE_TOKENS",
    "VIDEO_TOKENS",
    "VIDEO_SECONDS_TOKENS",
    "AUDIO_TOKENS",
    "TEXT_TOKENS",
    "TOKENS_TO_WORDS",
    "GPU_SPEC",
    "GPU_NAMES",
    "PARSE_NUM",
    "FLOPSHEET_VERSION",
    "MODEL_SPEC",
    "MODEL_NAMES",
    "CLUSTER_CAPEX",
    "FLEET_POWER_MW",
    "IT_POWER_MW",
    "ENERGY_COST_USD",
    "GPU_TCO_PER_HOUR",
    "TRAIN_COST_AMORTISED",
    "COST_PER_MTOK",
    "GROSS_MARGIN",
    "RANGE_TEXT",
)
