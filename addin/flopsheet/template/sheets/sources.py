"""Sources: every paper, datasheet, price and assumption the workbook relies on, with links."""

from __future__ import annotations

import re

from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from flopsheet import catalog
from flopsheet.assumptions import assumptions
from flopsheet.template import i18n
from flopsheet.template import styles as st
from flopsheet.template.layout import Ctx, finish, widths

# (topic, source, url, used for)
PAPERS = (
    (
        "Training compute",
        "Kaplan et al. 2020, Scaling Laws for Neural Language Models, section 2.1",
        "https://arxiv.org/abs/2001.08361",
        "TRAIN_FLOPS = 6 x params x tokens; INFER_FLOPS = 2 x params per token",
    ),
    (
        "Compute-optimal tokens",
        "Hoffmann et al. 2022, Training Compute-Optimal Large Language Models (Chinchilla)",
        "https://arxiv.org/abs/2203.15556",
        "CHINCHILLA_TOKENS: about 20 tokens per parameter",
    ),
    (
        "MFU; attention FLOPs",
        "Chowdhery et al. 2022, PaLM: Scaling Language Modeling with Pathways, appendix B",
        "https://arxiv.org/abs/2204.02311",
        "Model FLOPs utilization; PaLM 540B's 46.2% (the seed's figure)",
    ),
    (
        "GPT-3",
        "Brown et al. 2020, Language Models are Few-Shot Learners, table 2.1",
        "https://arxiv.org/abs/2005.14165",
        "175B parameters, 300B tokens, 96 layers x 96 heads x 128",
    ),
    (
        "DeepSeek-V3",
        "DeepSeek-AI 2024, DeepSeek-V3 Technical Report, table 1",
        "https://arxiv.org/abs/2412.19437",
        "37B active of 671B, 14.8T tokens, 2.788M H800 GPU-hours, $2/GPU-hour",
    ),
    (
        "Llama 3",
        "Llama Team, Meta 2024, The Llama 3 Herd of Models",
        "https://arxiv.org/abs/2407.21783",
        "70B shape (80 layers, 8 KV heads of 128); MFU 38-43% at 405B",
    ),
    (
        "Training memory",
        "Rajbhandari et al. 2020, ZeRO: Memory Optimizations Toward Training Trillion Parameter Models, section 3.1",
        "https://arxiv.org/abs/1910.02054",
        "TRAIN_MEMORY_GB: 16 bytes per parameter with Adam",
    ),
    (
        "Decode roofline",
        "Pope et al. 2022, Efficiently Scaling Transformer Inference",
        "https://arxiv.org/abs/2211.05102",
        "DECODE_MS, RESPONSE_SECONDS, TOKENS_PER_SECOND",
    ),
    (
        "Roofline model",
        "Williams, Waterman and Patterson 2009, Roofline: an insightful visual performance model",
        "https://doi.org/10.1145/1498765.1498785",
        "Time = max(bytes / bandwidth, FLOPs / peak)",
    ),
    (
        "KV cache",
        "Ainslie et al. 2023, GQA: Training Generalized Multi-Query Transformer Models",
        "https://arxiv.org/abs/2305.13245",
        "KV_CACHE_GB with fewer key/value heads than query heads",
    ),
    (
        "Image tokens",
        "Dosovitskiy et al. 2021, An Image is Worth 16x16 Words (ViT)",
        "https://arxiv.org/abs/2010.11929",
        "IMAGE_TOKENS: one token per patch",
    ),
    (
        "Image tokens",
        "Bao et al. 2022, BEiT: BERT Pre-Training of Image Transformers",
        "https://arxiv.org/abs/2106.08254",
        "224 x 224 in 16 x 16 patches = 196 tokens (seed row 6)",
    ),
    (
        "Image tokens",
        "Liu et al. 2023, Improved Baselines with Visual Instruction Tuning (LLaVA-1.5)",
        "https://arxiv.org/abs/2310.03744",
        "336 px through CLIP ViT-L/14: 576 tokens",
    ),
    (
        "Video tokens",
        "Arnab et al. 2021, ViViT: A Video Vision Transformer",
        "https://arxiv.org/abs/2103.15691",
        "VIDEO_TOKENS' temporal patches (tubelets)",
    ),
    (
        "Video generation",
        "Wang et al. 2024, MagicVideo-V2: Multi-Stage High-Aesthetic Video Generation",
        "https://arxiv.org/abs/2401.04468",
        "The stages on the Multimodal sheet",
    ),
    (
        "MFU of real runs",
        "Epoch AI, data on notable AI models (hardware utilization)",
        "https://epoch.ai/data/ai-models",
        "TrainMFU 0.375 (training, the median of known runs); DefaultMFU 0.40 (inference compute)",
    ),
    (
        "Tokens per word",
        "OpenAI Help Center, What are tokens and how to count them?",
        "https://help.openai.com/en/articles/4936856",
        "1 token ~ 0.75 English words (TOKENS_TO_WORDS, TEXT_TOKENS)",
    ),
    (
        "Tokens per character",
        "DeepSeek API docs, Token & Token Usage",
        "https://api-docs.deepseek.com/quick_start/token_usage",
        "0.3 tokens per English character, 0.6 per Chinese",
    ),
    (
        "Tokens per character",
        "Moonshot AI (Kimi) platform docs",
        "https://platform.moonshot.cn/docs/intro",
        "1 token ~ 1.5-2 Chinese characters",
    ),
    (
        "Kimi 2M characters",
        "Kimi long-context announcement, March 2024 (secondary report)",
        "https://type.cyhsu.xyz/2024/04/kimi-long-context",
        "2,000,000 Chinese characters ~ 1M tokens",
    ),
    (
        "The seed",
        "A 2024 Chinese industry report on large-model compute demand (the project's seed)",
        "",
        "The worked figures on the Seed check sheet",
    ),
)

_URL = re.compile(r"https?://\S+")


def _row(ws, r: int, topic: str, source: str, url: str, used: str, data: bool = False) -> None:
    """One source; `data` rows (datasheets, prices, assumptions) carry catalog text as published
    and their `used` column is already in the edition's language."""
    st.set_text(ws.cell(r, 1), topic)
    st.set_text(ws.cell(r, 2), source, translate=not data)
    if url:
        cell = st.set_text(ws.cell(r, 3), url, translate=False)
        first = _URL.search(url)
        if first:
            cell.hyperlink = first.group(0).rstrip(";,")
            cell.font = Font(color="0563C1", underline="single")
    st.set_text(ws.cell(r, 4), used, st.NOTE, translate=not data)


def write(ws: Worksheet, ctx: Ctx) -> None:
    st.set_text(ws.cell(1, 1), "Sources: papers, datasheets, prices and assumptions", st.TITLE)
    st.set_text(
        ws.cell(2, 1), "Links were checked when the catalog was compiled; prices are dated assumptions.", st.NOTE
    )
    r = 4
    for title, rows in (
        ("Papers and documentation", PAPERS),
        (
            "Datasheets (one per GPU on the GPUs sheet)",
            [
                (
                    "Datasheet",
                    f"{g.full_name or g.name} ({g.confidence or 'confidence not rated'})",
                    g.source,
                    i18n.tr("Figures of {gpu}").format(gpu=g.name),
                    True,
                )
                for g in catalog.all_gpus()
                if g.source
            ],
        ),
        (
            "Prices ($/GPU-hour assumptions on the GPUs sheet)",
            [
                (
                    "Price",
                    g.name,
                    g.price_source,
                    i18n.tr("${price} per GPU-hour").format(price=f"{g.usd_per_gpu_hour:.2f}"),
                    True,
                )
                for g in catalog.all_gpus()
                if g.usd_per_gpu_hour is not None
            ],
        ),
        (
            "Assumptions (defined names on the Start sheet)",
            [
                (
                    "Assumption",
                    f"{a.name} = {a.value if isinstance(a.value, str) else format(a.value, 'g')} ({a.unit})",
                    "",
                    f"{i18n.tr(a.label)}. {i18n.tr(a.source)}.",
                    True,
                )
                for a in assumptions()
            ],
        ),
    ):
        st.set_text(ws.cell(r, 1), title, st.SECTION)
        for c in range(2, 5):
            ws.cell(r, c).style = st.SECTION
        r += 1
        for c, label in enumerate(("Topic", "Source", "Link", "Used for"), start=1):
            st.set_text(ws.cell(r, c), label, st.HEADER)
        r += 1
        for row in rows:
            _row(ws, r, *row)
            r += 1
        r += 1
    widths(ws, 22, 70, 60, 80)
    finish(ws, f"A1:D{r - 2}", freeze="A2")
