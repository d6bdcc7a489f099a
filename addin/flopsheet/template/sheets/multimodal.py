"""Multimodal: image tokens, the seed's all-images-of-2022 estimate, MagicVideo-V2's video tokens."""

from __future__ import annotations

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from flopsheet.template import i18n
from flopsheet.template import scenarios as sc
from flopsheet.template import styles as st
from flopsheet.template.layout import (
    GPU_LIST,
    PRECISION_LIST,
    Block,
    Ctx,
    absolute,
    finish,
    validate_list,
    validate_number,
    widths,
)

IMAGE_COLS = ("Image", "Height (px)", "Width (px)", "Patch (px)", "Tokens", "English words (4/3 per word)", "Note")
VIDEO_COLS = (
    "MagicVideo-V2 stage",
    "Frames",
    "Height (px)",
    "Width (px)",
    "Patch (px)",
    "Frames per token",
    "Tokens",
    "Note",
)


def _put(ws, ctx: Ctx, key: str | None, row: int, col: int, value, style: str, fmt: str | None = None) -> str:
    cell = ws.cell(row, col)
    if isinstance(value, str) and value.startswith("=") and style in st.FORMULA_STYLES:
        st.set_formula(cell, value, style, fmt)
    else:
        st.set_value(cell, value, style, fmt)
    coord = absolute(col, row)
    if key:
        ctx.cells[(ws.title, key)] = coord
    return coord


def _images(ws: Worksheet, ctx: Ctx, b: Block) -> None:
    b.section("Image tokens: an image cut into patch x patch squares (ViT)")
    b.header(*IMAGE_COLS)
    first = b.row
    validate_number(ws, f"B{first}:D{first + len(sc.IMAGES) - 1}", "0", None, "A positive number")
    for i, img in enumerate(sc.IMAGES):
        r = b.row
        st.set_text(ws.cell(r, 1), img.name)
        h = _put(ws, ctx, f"img{i}_height", r, 2, img.height, st.INPUT, st.WHOLE)
        w = _put(ws, ctx, f"img{i}_width", r, 3, img.width, st.INPUT, st.WHOLE)
        p = _put(ws, ctx, None, r, 4, img.patch, st.INPUT, st.WHOLE)
        tok = _put(ws, ctx, f"img{i}_tokens", r, 5, f"=IMAGE_TOKENS({h},{w},{p})", st.CALC, st.WHOLE)
        _put(ws, ctx, f"img{i}_words", r, 6, f"=TOKENS_TO_WORDS({tok})", st.CALC, st.WHOLE)
        st.set_text(ws.cell(r, 7), img.note, st.NOTE)
        ctx.output(ws.title, f"img{i}_tokens", "tokens", "", img.name)
        ctx.output(ws.title, f"img{i}_words", "English words", "", img.name, show=i == 0)
        b.row += 1
    b.note(
        "4/3 tokens per word is English (OpenAI). Chinese runs about 0.6 tokens per character (DeepSeek); "
        "see TEXT_TOKENS on the Inference sheet."
    )


def _all_images(ws: Worksheet, ctx: Ctx, b: Block) -> None:
    a = sc.AllImages()
    name = "All images of 2022 (seed)"
    b.section("The seed's thought experiment: a 500B model trained on every image taken in 2022")
    b.input("images", "Images taken in 2022", a.images, "images", st.SCI, note="The seed report's estimate")
    tpi_key = f"img{sc.ALL_IMAGES_ROW}_tokens"
    b.calc(
        "tokens_per_image", "Tokens per image", f"={{{tpi_key}}}", "tokens", st.WHOLE, note="The 1024 x 768 image above"
    )
    b.calc(
        "dataset_tokens",
        "Tokens in the dataset",
        "={images}*{tokens_per_image}",
        "tokens",
        st.SCI,
        note="Seed row 9: 3.072E+14",
    )
    b.input("params", "Model parameters", a.params, "params", st.PARAMS)
    b.calc(
        "flops",
        "Training compute",
        "=TRAIN_FLOPS({params},{dataset_tokens})",
        "FLOPs",
        st.FLOPS,
        note="Seed row 10: 6 x params x tokens",
    )
    gpu = b.input("gpu", "GPU", a.gpu, "", note="From the GPUs sheet")
    prec = b.input("precision", "Precision", a.precision)
    b.input("mfu", "MFU", a.mfu, "fraction", st.PCT, note="The seed's 46.2% (PaLM's MFU on TPU v4)")
    b.input("days", "Deadline", a.deadline_days, "days", st.WHOLE, note="One month, as the seed")
    b.calc(
        "peak",
        "Dense peak (GPUs sheet)",
        f"={ctx.peak_lookup('{gpu}', '{precision}')}",
        "TFLOPS",
        st.ONE_DP,
        note="What dense training can use",
    )
    b.calc("sparsity", "Sparsity factor (GPUs sheet)", f"={ctx.field_lookup('{gpu}', 'sparsity_factor')}", "x", "0.0#")
    b.calc(
        "sparse_peak",
        "Vendor headline with 2:4 sparsity",
        "={peak}*{sparsity}",
        "TFLOPS",
        st.ONE_DP,
        note="The seed's 1,979 TFLOPS for H100",
    )
    b.calc(
        "gpus_dense",
        "GPUs for the deadline, dense peak",
        "=GPUS_NEEDED({flops},{peak},{days},{mfu},,1)",
        "GPUs",
        st.WHOLE,
        note="What it would really take (goodput 1: the seed ignores downtime)",
    )
    b.calc(
        "gpus_sparse",
        "GPUs for the deadline, seed's sparse peak",
        "=GPUS_NEEDED({flops},{sparse_peak},{days},{mfu},,1)",
        "GPUs",
        st.WHOLE,
        note="Seed row 11: 38.89万 = 388,900 (half the real need)",
    )
    b.input("vendors", "Vendors doing the same", a.vendors, "", st.WHOLE)
    b.calc(
        "all_vendors",
        "GPUs for all of them, seed's figure",
        "={vendors}*{gpus_sparse}",
        "GPUs",
        st.WHOLE,
        note="Seed row 12: 194.45万",
    )
    b.calc(
        "gpu_months",
        "GPU-months at the dense peak",
        "=GPU_DAYS({flops},{peak},{mfu},,1)/DaysPerMonth",
        "GPU-months",
        st.WHOLE,
        note="GPU-days / DaysPerMonth",
    )
    validate_list(ws, GPU_LIST, gpu.replace("$", ""), "Pick a GPU from the GPUs sheet")
    validate_list(ws, PRECISION_LIST, prec.replace("$", ""), "Pick a precision")

    o = ctx.output
    o(ws.title, "tokens_per_image", "tokens per image", "", name, show=False)
    o(ws.title, "dataset_tokens", "", "tokens", name, show=False)
    o(ws.title, "flops", "", "FLOPs", name)
    o(ws.title, "peak", "dense peak", "TFLOPS", name, show=False)
    o(ws.title, "sparsity", "sparsity factor", "", name, show=False)
    o(ws.title, "sparse_peak", "sparse headline", "TFLOPS", name, show=False)
    o(ws.title, "gpus_dense", f"for {a.deadline_days:g} days (dense peak)", "H100s", name)
    o(ws.title, "gpus_sparse", "at the seed's sparse headline peak", "H100s", name)
    o(ws.title, "all_vendors", f"for {a.vendors:g} vendors (seed)", "H100s", name)
    o(ws.title, "gpu_months", "", "H100-months (dense)", name)


TOKENIZER_COLS = (
    "Tokenizer",
    "Tokens per image",
    "Tokens in the dataset",
    "Training compute (FLOPs)",
    "GPUs for the deadline (dense)",
    "x the seed's tokens",
    "Source",
)
CLIP_COLS = (
    "Tokenizer",
    "Frames",
    "Frames per second",
    "Height (px)",
    "Width (px)",
    "Tokens",
    "x the seed's tokens",
    "Source",
)


def _tokenizers(ws: Worksheet, ctx: Ctx, b: Block) -> None:
    from flopsheet.engine import vision_catalog as vision

    b.section("The same question with today's tokenizers (the vision-tokenizer catalog)")
    b.header(*TOKENIZER_COLS, height=44)
    h, w = (ctx.ref(ws.title, f"img{sc.ALL_IMAGES_ROW}_{k}", ws.title) for k in ("height", "width"))
    c = {k: ctx.ref(ws.title, k, ws.title) for k in ("images", "params", "peak", "days", "mfu", "dataset_tokens")}
    for i, name in enumerate(sc.TOKENIZERS):
        r, row = b.row, vision.resolve(name)
        t = _put(ws, ctx, f"tok{i}_name", r, 1, name, st.INPUT)
        per = absolute(2, r)
        # (the hand-off copy has the rule's twin, functions/visiontwins.py)
        _put(ws, ctx, f"tok{i}_tokens", r, 2, f"=IMAGE_TOKENS({h},{w},{t})", st.CALC, st.WHOLE)
        data = _put(ws, ctx, f"tok{i}_dataset", r, 3, f"={c['images']}*{per}", st.CALC, st.SCI)
        flops = _put(ws, ctx, f"tok{i}_flops", r, 4, f"=TRAIN_FLOPS({c['params']},{data})", st.CALC, st.FLOPS)
        _put(
            ws,
            ctx,
            f"tok{i}_gpus",
            r,
            5,
            f"=GPUS_NEEDED({flops},{c['peak']},{c['days']},{c['mfu']},,1)",
            st.CALC,
            st.WHOLE,
        )
        _put(ws, ctx, f"tok{i}_ratio", r, 6, f"={data}/{c['dataset_tokens']}", st.CALC, "0.00")
        for k, label, unit in (
            ("tokens", "tokens per image", ""),
            ("dataset", "", "tokens"),
            ("flops", "", "FLOPs"),
            ("gpus", "for the deadline (dense peak)", "GPUs"),
            ("ratio", "x the seed's tokens", ""),
        ):
            ctx.output(ws.title, f"tok{i}_{k}", label, unit, name, show=False)
        status = f", {i18n.tr('estimate')}" if row.status == "estimate" else ""
        st.set_text(ws.cell(r, 7), f"{row.url} ({row.read}{status})", st.NOTE, translate=False)
        b.row += 1
    b.note(
        "Each row is the seed's 1024 x 768 image under a tokenizer's published rule (IMAGE_TOKENS with its name), "
        "then the seed's arithmetic: images x tokens, 6 x params x tokens, GPUs at the dense peak for the "
        "deadline. Type another name from the catalog (docs/functions.md, Vision tokenizers) in a yellow cell."
    )
    b.note(
        i18n.pick(
            "GPT-4o-mini's count is a price device (2833 + 5667 per tile, billed at a lower price), so it is "
            "not listed; Gemini's tile count for large images is an estimate.",
            "In this copy each row's tokens are its tokenizer's rule as a native formula (its steps on the Workings "
            "sheet): another image size recalculates; another name shows #N/A until the workbook is handed off "
            "again.",
        )
    )


def _clip(ws: Worksheet, ctx: Ctx, b: Block) -> None:
    from flopsheet.engine import vision_catalog as vision

    clip = sc.Clip()
    b.section("A 10-second 720p clip at 30 fps: every frame in patches (seed) against today's sampling")
    b.header(*CLIP_COLS)
    seed_cell = None
    for i, name in enumerate(("ViT-16",) + clip.tokenizers):
        r = b.row
        st.set_text(ws.cell(r, 1), name, translate=False)
        f, fps, hh, ww = (
            _put(ws, ctx, None, r, col, x, st.INPUT, st.WHOLE)
            for col, x in ((2, clip.frames), (3, clip.fps), (4, clip.height), (5, clip.width))
        )
        if name == "ViT-16":
            seed_cell = _put(ws, ctx, f"clip{i}_tokens", r, 6, f"=VIDEO_TOKENS({f},{hh},{ww})", st.CALC, st.WHOLE)
            note = "Every frame at full resolution in 16-px patches (the seed's method)"
        else:
            t = _put(ws, ctx, f"clip{i}_name", r, 1, name, st.INPUT)
            _put(ws, ctx, f"clip{i}_tokens", r, 6, f"=VIDEO_TOKENS({f},{hh},{ww},{t},,{fps})", st.CALC, st.WHOLE)
            row = vision.resolve(name, want="video")
            note = f"{row.url} ({row.read})"
        _put(ws, ctx, f"clip{i}_ratio", r, 7, f"={absolute(6, r)}/{seed_cell}", st.CALC, "0.0000")
        ctx.output(ws.title, f"clip{i}_tokens", "tokens, 10 s of 720p at 30 fps", "", name, show=False)
        ctx.output(ws.title, f"clip{i}_ratio", "x the seed's tokens", "", name, show=False)
        st.set_text(ws.cell(r, 8), note, st.NOTE, translate=name == "ViT-16")
        b.row += 1
    b.note(
        i18n.pick("", "In this copy each tokenizer row is its rule as a native formula. ")
        + "Gemini counts 263 tokens a second at any frame size; Qwen2.5-VL samples 2 frames a second, merges pairs of "
        "frames and resizes each within 768 x 28 x 28 pixels."
    )


def _video(ws: Worksheet, ctx: Ctx, b: Block) -> None:
    b.section("Video tokens: MagicVideo-V2's stages (Wang et al. 2024), frames x patches per frame")
    b.header(*VIDEO_COLS)
    first = b.row
    for i, v in enumerate(sc.VIDEO):
        r = b.row
        st.set_text(ws.cell(r, 1), v.name)
        refs = [
            _put(ws, ctx, None, r, c, x, st.INPUT, st.WHOLE)
            for c, x in enumerate((v.frames, v.height, v.width, v.patch, v.temporal_patch), start=2)
        ]
        _put(ws, ctx, f"video{i}", r, 7, f"=VIDEO_TOKENS({','.join(refs)})", st.CALC, st.WHOLE)
        st.set_text(ws.cell(r, 8), v.note, st.NOTE)
        ctx.output(ws.title, f"video{i}", "tokens", "", v.name, show=False)
        b.row += 1
    last = b.row - 1
    st.set_text(ws.cell(b.row, 1), "All stages, one clip")
    col = get_column_letter(7)
    _put(ws, ctx, "video_total", b.row, 7, f"=SUM({col}{first}:{col}{last})", st.CALC, st.WHOLE)
    ctx.output(ws.title, "video_total", "tokens per clip, all stages", "", "MagicVideo-V2")
    b.row += 1
    validate_number(ws, f"B{first}:F{last}", "0", None, "A positive number", kind="decimal")
    b.note(
        "MagicVideo-V2 works in a VAE latent space, so its own sequences are shorter; these are the pixel-patch "
        "counts the seed's image method gives. The seed's text stops here without a number."
    )


def write(ws: Worksheet, ctx: Ctx) -> None:
    b = Block(ws, ctx)
    b.title("Multimodal: image and video tokens, and what training on them costs")
    b.note(
        i18n.pick(
            "Inputs are yellow. Function cells show #NAME? until the add-in is on (see Start).",
            "Inputs are yellow. Every formula is native Excel and recalculates in any spreadsheet.",
        )
    )
    _images(ws, ctx, b)
    _all_images(ws, ctx, b)
    _tokenizers(ws, ctx, b)
    _clip(ws, ctx, b)
    _video(ws, ctx, b)
    widths(ws, 44, 14, 12, 12, 14, 14, 14, 50)
    finish(ws, f"A1:H{b.row - 1}", freeze="A2")
