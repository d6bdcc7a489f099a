"""The scenarios the template comes pre-filled with: plain data, each figure with its source.

Sheets write these into INPUT cells; nothing here is ever typed into a formula.
"""

from __future__ import annotations

from dataclasses import dataclass

# Where a training scenario's tokens come from when they are not typed in.
TOKENS_CHINCHILLA = "chinchilla"  # =CHINCHILLA_TOKENS(params)
TOKENS_ALL_IMAGES = "all images"  # the Multimodal sheet's 2022 image dataset


@dataclass(frozen=True)
class TrainingScenario:
    name: str
    params: float | None  # ACTIVE parameters for mixture-of-experts
    tokens: float | str | None  # a number, or TOKENS_CHINCHILLA / TOKENS_ALL_IMAGES
    gpu: str | None  # a GPUs-sheet name
    precision: str | None
    mfu: float | None = None  # None: the precision's training default (TrainMFU for BF16, TrainFP8Share...)
    gpus: float | None = None  # GPUs training together (for wall-clock days)
    deadline_days: float | None = None  # for GPUs needed
    usd_per_gpu_hour: float | None = None  # None: the GPUs sheet's price
    peak_override: float | None = None  # None: the GPUs sheet's dense peak
    note: str = ""
    goodput: float | None = None  # None: the DefaultGoodput assumption; 1 = compute only (the seed's rows)


TRAINING = (
    TrainingScenario(
        "GPT-3 175B (seed)",
        175e9,
        300e9,
        "A100 SXM 80GB",
        "fp16",
        0.462,
        1000,
        30,
        2.00,
        note="Seed rows 1-3: 6 x 175B x 300B at 46.2% of A100's 312 TFLOPS. 46.2% is PaLM 540B's MFU "
        "on TPU v4 (Chowdhery et al. 2022), not an A100 measurement; GPT-3 itself trained on V100s. "
        "$2/GPU-hour: MosaicML's A100 rental assumption. Goodput 1: the seed ignores downtime.",
        goodput=1.0,
    ),
    TrainingScenario(
        "500B on all 2022 images (seed, dense H100)",
        500e9,
        TOKENS_ALL_IMAGES,
        "H100 SXM",
        "fp16",
        0.462,
        100_000,
        30,
        note="Seed rows 9-11 at H100's DENSE fp16 peak (989.5 TFLOPS), the rate training can use: "
        "twice the seed's GPU count. Tokens come from the Multimodal sheet. Goodput 1, as the seed.",
        goodput=1.0,
    ),
    TrainingScenario(
        "Same, at the seed's 1,979 TFLOPS (sparse)",
        500e9,
        TOKENS_ALL_IMAGES,
        "H100 SXM",
        "fp16",
        0.462,
        100_000,
        30,
        peak_override=1979,
        note="The seed's row 11: 1,979 TFLOPS is NVIDIA's headline WITH 2:4 structured sparsity "
        "(dense 989.5 x sparsity factor 2). Dense training does not get it; shown for comparison.",
        goodput=1.0,
    ),
    TrainingScenario(
        "Chinchilla-optimal 70B",
        70e9,
        TOKENS_CHINCHILLA,
        "H100 SXM",
        "bf16",
        None,
        1024,
        30,
        note="Tokens = CHINCHILLA_TOKENS: 20 per parameter (Hoffmann et al. 2022). MFU blank: "
        "uses TrainMFU (Start sheet; TrainFP8Share for an FP8 run). Price from the GPUs sheet.",
    ),
    TrainingScenario(
        "DeepSeek-V3 (MoE, 37B active of 671B)",
        37e9,
        14.8e12,
        "H800 SXM",
        "bf16",
        0.33,
        2048,
        60,
        note="Mixture-of-experts: use ACTIVE parameters. The report (arXiv 2412.19437) states 2.788M "
        "H800 GPU-hours, $5.576M at $2/GPU-hour; MFU 0.33 of the dense BF16 peak reproduces it "
        "(GEMMs ran in FP8). 0.33 is whole-run utilisation (IMPLIED_MFU at goodput 1), downtime included, so "
        "goodput is 1 here. Price: the report's $2/GPU-hour assumption (typed: it is not the default basis).",
        goodput=1.0,
        usd_per_gpu_hour=2.0,
    ),
)
BLANK_TRAINING_ROWS = 25  # pre-formatted rows for new scenarios; the chart covers them

# A published run the Seed check sheet compares with (DeepSeek-V3 technical report, Table 1).
DEEPSEEK_V3_GPU_HOURS = 2.788e6
DEEPSEEK_V3_COST_USD = 5.576e6


@dataclass(frozen=True)
class Request:
    """One GPT-3 answer, the seed's inference example, on A100s."""

    params: float = 175e9
    prompt_tokens: float = 20
    output_tokens: float = 300
    gpu: str = "A100 SXM 80GB"
    precision: str = "fp16"
    mfu: float = 0.462
    batch: float = 1
    bytes_per_param: float = 2
    gpus: float = 8  # 350 GB of FP16 weights need more than one 80 GB A100
    # GPT-3 175B shape (Brown et al. 2020, Table 2.1): 96 layers, 96 heads of 128, d_model 12288.
    layers: float = 96
    kv_heads: float = 96
    head_dim: float = 128


@dataclass(frozen=True)
class Serving:
    """A serving fleet for Llama 3.1 70B (its shape comes from the Models sheet by name)."""

    name: str = "Llama 3.1 70B chat service"
    model: str = "Llama 3.1 70B"
    gpu: str = "H100 SXM"
    precision: str = "bf16"
    bytes_per_param: float = 2
    gpus_per_replica: float = 4
    # issue 20's defaults: the model's own BF16 cache (engine.inference.KV_BYTES) at the running context, the prompt
    # and half the answer (engine.inference.running_context)
    answer_held: float = 0.5
    kv_bytes: float = 2
    requests_per_day: float = 1_000_000
    prompt_tokens: float = 1000
    output_tokens: float = 500
    load_factor: float = 0.5  # average fraction of the day a replica runs at full batch (decode-only count)
    latency_ms: float = 50  # most ms per generated token per user (20 tokens/s): an estimate of a chat target
    peak_factor: float = 2  # busiest hour over the daily average: an estimate (SERVING_GPUS' default)


@dataclass(frozen=True)
class MoEServing:
    """DeepSeek-V3 (671B total, 37B active; DeepSeek-AI 2024, table 1) served on 8 H200s in FP8,
    the precision its weights are released in (technical report section 3.3)."""

    name: str = "DeepSeek-V3 on 8 H200s (FP8)"
    model: str = "DeepSeek-V3"
    gpu: str = "H200 SXM"
    precision: str = "fp8"
    bytes_per_param: float = 1
    gpus: float = 8
    batch: float = 64
    prompt_tokens: float = 1000
    output_tokens: float = 500


@dataclass(frozen=True)
class LongContext:
    """Kimi's 2 million Chinese characters (Moonshot AI, March 2024) in one context, on Kimi K2's
    own architecture (Moonshot AI 2025: 1T total, 32B active, DeepSeek-V3-style MLA latent cache)."""

    characters: float = 2_000_000
    unit: str = "zh_char"
    model: str = "Kimi K2"
    output_tokens: float = 500
    bytes_per_param: float = 1  # Kimi K2's weights are released in FP8 (block-wise)
    kv_bytes: float = 1  # FP8 latent cache: an assumption (a BF16 cache needs 2 and more GPUs)
    batch: float = 1
    # one 8-GPU B300 server: 1 TB of FP8 weights and the latent held on every GPU fit in its 8 x 243 GB usable
    # (8 H200s hold 1,015 GB: not the weights and the cache; a tensor-parallel group stays within one NVLink
    # domain, so not 16 GPUs across two servers)
    gpus: float = 8
    gpu: str = "B300"
    precision: str = "fp8"


@dataclass(frozen=True)
class ImageCase:
    name: str
    height: float
    width: float
    patch: float
    note: str = ""


IMAGES = (
    ImageCase("BEiT / ViT-B/16 at 224 x 224 (seed rows 6-7)", 224, 224, 16, "Bao et al. 2022: 14 x 14 = 196 patches"),
    ImageCase("A 1024 x 768 image (seed row 8)", 1024, 768, 16, "64 x 48 patches"),
    ImageCase("LLaVA-1.5, CLIP ViT-L/14 at 336 px", 336, 336, 14, "Liu et al. 2023: 24 x 24 = 576 tokens"),
)
ALL_IMAGES_ROW = 1  # IMAGES[1] is the seed's per-image figure


@dataclass(frozen=True)
class AllImages:
    """The seed's thought experiment: train a 500B model on every image taken in 2022."""

    images: float = 1e11
    params: float = 500e9
    gpu: str = "H100 SXM"
    precision: str = "fp16"
    mfu: float = 0.462
    deadline_days: float = 30
    vendors: float = 5


# The seed's 1e11-image question with the tokenizers models use now (the vision-tokenizer catalog)
TOKENIZERS = ("ViT-16", "GPT-4o", "GPT-5.4", "Claude", "Claude hi-res", "Gemini", "Qwen2.5-VL", "Qwen3-VL", "InternVL")


@dataclass(frozen=True)
class Clip:
    """A video clip to count per tokenizer: the issue's 10 seconds of 720p at 30 fps."""

    frames: float = 300
    fps: float = 30
    height: float = 720
    width: float = 1280
    patch: float = 16  # the seed's rule: every frame cut into 16-px patches
    tokenizers: tuple = ("Gemini", "Qwen2.5-VL")


@dataclass(frozen=True)
class VideoStage:
    name: str
    frames: float
    height: float
    width: float
    patch: float = 16
    temporal_patch: float = 1
    note: str = ""


# MagicVideo-V2 (Wang et al. 2024, arXiv 2401.04468), the stages the seed lists.
VIDEO = (
    VideoStage("Text-to-image keyframe", 1, 1024, 1024, note="T2I module, 1024 x 1024"),
    VideoStage("Image-to-video keyframes", 32, 600, 600, note="I2V module: 32 frames at 600 x 600"),
    VideoStage("Video-to-video super-resolution", 32, 1048, 1048, note="V2V module: 1048 x 1048"),
    VideoStage("Frame interpolation", 94, 1048, 1048, note="VFI module: 94 frames"),
)
