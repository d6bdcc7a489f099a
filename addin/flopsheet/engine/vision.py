"""Image, video and audio tokens as today's models count them: each vendor's published rule,
with its resizes, as a pure numpy function of pixel sides (and seconds).

Every function takes arrays of heights and widths (any broadcastable shapes) and the rule's
numeric parameters, and returns tokens per image. The rules and their sources are in the
vision-tokenizer catalog (flopsheet/engine/vision_tokenizers.csv, read by engine/vision_catalog.py), one row per tokenizer;
`image_tokens_of` / `video_seconds_tokens_of` / `audio_tokens_of` take a row's index.

Where a vendor's code rounds, the rule rounds the same way: Python's round() (half to even,
which np.round is too) in Qwen's smart_resize and Anthropic's reference resize; floor where a
guide says "round down". Where a vendor publishes only words (OpenAI), sides are snapped to 9
decimals before a floor or ceiling so float noise (1535.9999999999998 for 2048 x 0.75) does not
move a pixel; where it publishes code (Qwen's smart_resize), its float operations are repeated
in its order, unsnapped, so a boundary falls where the vendor's code puts it.
"""

from __future__ import annotations

import numpy as np

from flopsheet.engine._checks import NONNEGATIVE, POSITIVE, Condition, Rule, ceil_whole, quantity


def _snap(x):
    return np.round(np.asarray(x, dtype=float), 9)


def _floor(x):
    return np.floor(_snap(x))


def _ceil(x):
    return np.ceil(_snap(x))


def _down(x):
    """A side after a downscale, rounded down; at least one pixel (an image keeps a row and a column)."""
    return np.maximum(1.0, _floor(x))


def _pair(height, width):
    h, w = np.broadcast_arrays(np.asarray(height, dtype=float), np.asarray(width, dtype=float))
    return h.astype(float), w.astype(float)


def patch_tokens(height, width, patch):
    """ViT patches (Dosovitskiy et al. 2021): a partial patch still costs a token."""
    return ceil_whole(np.asarray(height, dtype=float) / patch) * ceil_whole(np.asarray(width, dtype=float) / patch)


def tile_tokens(height, width, tile=512.0, per_tile=170.0, base=85.0, max_side=2048.0, short_side=768.0):
    """OpenAI's tile rule (gpt-4o, gpt-4.1, o-series): fit within max_side x max_side, then bring
    a shortest side above short_side down to it (the other side rounded down), never enlarging;
    base + per_tile x the tile x tile squares that cover the result. A side is kept at >= 1 px."""
    h, w = _pair(height, width)
    fit = np.minimum(1.0, max_side / np.maximum(h, w))
    h, w = np.where(fit < 1, _down(h * fit), h), np.where(fit < 1, _down(w * fit), w)
    short = np.minimum(h, w)
    shrink = np.minimum(1.0, short_side / short)
    h, w = np.where(shrink < 1, _down(h * shrink), h), np.where(shrink < 1, _down(w * shrink), w)
    return base + per_tile * _ceil(h / tile) * _ceil(w / tile)


def budget_patch_tokens(height, width, patch=32.0, max_patches=1536.0, multiplier=1.0, max_side=0.0):
    """OpenAI's patch rule (gpt-4.1-mini/nano, o4-mini, gpt-5.x): fit within max_side (0: no
    limit), count patch x patch squares; above max_patches shrink by sqrt(patch^2 x budget / area),
    adjusted so the sides fit whole patches, sides rounded down; patches x multiplier, rounded up."""
    h, w = _pair(height, width)
    if max_side:
        fit = np.minimum(1.0, max_side / np.maximum(h, w))
        h, w = np.where(fit < 1, _down(h * fit), h), np.where(fit < 1, _down(w * fit), w)
    patches = _ceil(h / patch) * _ceil(w / patch)
    over = patches > max_patches
    if over.any():
        shrink = np.sqrt(patch * patch * max_patches / (h * w))
        across, down = w * shrink / patch, h * shrink / patch
        adjusted = shrink * np.minimum(_floor(across) / across, _floor(down) / down)
        h2, w2 = _down(h * adjusted), _down(w * adjusted)
        patches = np.where(over, _ceil(h2 / patch) * _ceil(w2 / patch), patches)
    return ceil_whole(patches * multiplier)


def claude_size(height, width, patch=28.0, max_side=1568.0, max_tokens=1568.0):
    """The size Claude resizes an image to (Anthropic, Coordinates and bounding boxes, reference
    `resized_size`): unchanged if its padded sides fit max_side and its patches max_tokens; else
    the largest long side (binary search from 1 to the long side) whose aspect-kept short side,
    round()ed and at least 1, fits. Returns (height, width)."""
    h, w = _pair(height, width)

    def fits(a, b):
        return (
            (_ceil(a / patch) * patch <= max_side)
            & (_ceil(b / patch) * patch <= max_side)
            & (_ceil(a / patch) * _ceil(b / patch) <= max_tokens)
        )

    ok = fits(h, w)
    if ok.all():
        return h, w
    long, short = np.maximum(h, w), np.minimum(h, w)
    aspect = long / short
    lo, hi = np.ones_like(long), np.where(ok, 2.0, long)  # elements that fit take no search
    while True:
        open_ = lo + 1 < hi
        if not open_.any():
            break
        mid = np.floor((lo + hi) / 2)
        good = fits(mid, np.maximum(np.round(mid / aspect), 1.0))
        lo = np.where(open_ & good, mid, lo)
        hi = np.where(open_ & ~good, mid, hi)
    new_long, new_short = lo, np.maximum(np.round(lo / aspect), 1.0)
    tall = h > w
    rh = np.where(ok, h, np.where(tall, new_long, new_short))
    rw = np.where(ok, w, np.where(tall, new_short, new_long))
    return rh, rw


def claude_tokens(height, width, patch=28.0, max_side=1568.0, max_tokens=1568.0):
    """Anthropic's rule: ceil(w/28) x ceil(h/28) visual tokens of the image after its resize."""
    h, w = claude_size(height, width, patch, max_side, max_tokens)
    return _ceil(h / patch) * _ceil(w / patch)


def gemini_image_tokens(height, width, small_side=384.0, small_tokens=258.0, tile=768.0, per_tile=258.0):
    """Gemini: 258 tokens when both sides are <= 384 px; else 258 per 768 x 768 tile (the count of
    tiles is not published: ceil per side assumed, see the catalog row)."""
    h, w = _pair(height, width)
    return np.where((h <= small_side) & (w <= small_side), small_tokens, per_tile * _ceil(h / tile) * _ceil(w / tile))


def smart_resize(height, width, factor=28.0, min_pixels=3136.0, max_pixels=12845056.0):
    """Qwen's smart_resize (qwen-vl-utils vision_process.py): each side round()ed to a multiple of
    factor (at least factor); above max_pixels both sides scaled by sqrt(area / max_pixels) and
    floored to multiples; below min_pixels scaled up and ceiled. Returns (height, width)."""
    h, w = _pair(height, width)
    hb = np.maximum(factor, np.round(h / factor) * factor)
    wb = np.maximum(factor, np.round(w / factor) * factor)
    big, small = hb * wb > max_pixels, hb * wb < min_pixels
    with np.errstate(all="ignore"):
        beta_down = np.sqrt(h * w / max_pixels)
        beta_up = np.sqrt(min_pixels / (h * w))
    # the float operations of the reference, in its order, unsnapped: its result on a boundary
    # (8999 x 8999 -> 3556, not 3584) is the processor's
    hb = np.where(
        big, np.floor(h / beta_down / factor) * factor, np.where(small, np.ceil(h * beta_up / factor) * factor, hb)
    )
    wb = np.where(
        big, np.floor(w / beta_down / factor) * factor, np.where(small, np.ceil(w * beta_up / factor) * factor, wb)
    )
    return hb, wb


def smart_resize_tokens(height, width, patch=14.0, merge=2.0, min_pixels=3136.0, max_pixels=12845056.0):
    """Qwen2.5-VL / Qwen3-VL image tokens: the resized grid of patch-px patches, merge x merge of
    them a token."""
    factor = patch * merge
    h, w = smart_resize(height, width, factor, min_pixels, max_pixels)
    return (h / factor) * (w / factor)


# Qwen2.5-VL video sampling (qwen-vl-utils vision_process.py)
QWEN_VIDEO = {
    "fps": 2.0,
    "frame_factor": 2.0,
    "min_frames": 4.0,
    "max_frames": 768.0,
    "min_pixels": 128 * 28 * 28.0,
    "max_pixels": 768 * 28 * 28.0,
    "total_pixels": float(int(128000 * 28 * 28 * 0.9)),
}


def qwen_frames(seconds, fps=QWEN_VIDEO["fps"]):
    """Frames Qwen2.5-VL samples from `seconds` of video (smart_nframes): seconds x fps, kept
    within 4..768 and floored to an even number (the source assumed to have at least fps frames a second)."""
    q = QWEN_VIDEO
    n = np.asarray(seconds, dtype=float) * fps
    n = np.minimum(np.maximum(n, q["min_frames"]), q["max_frames"])
    return _floor(n / q["frame_factor"]) * q["frame_factor"]


def qwen_video_tokens(seconds, height, width, patch=14.0, merge=2.0, fps=QWEN_VIDEO["fps"]):
    """Qwen2.5-VL video tokens: the sampled frames in pairs (temporal patch 2), each pair one
    grid of the frame resized by smart_resize within the video pixel limits (the per-frame
    maximum shrinks when frames x pixels would pass VIDEO_TOTAL_PIXELS)."""
    q = QWEN_VIDEO
    frames = qwen_frames(seconds, fps)
    max_pixels = np.maximum(
        np.minimum(q["max_pixels"], q["total_pixels"] / frames * q["frame_factor"]), np.floor(q["min_pixels"] * 1.05)
    )
    factor = patch * merge
    h, w = smart_resize(height, width, factor, q["min_pixels"], max_pixels)
    return frames / q["frame_factor"] * (h / factor) * (w / factor)


# Qwen3-VL video sampling (transformers Qwen3VLVideoProcessor.sample_frames, commit 930941c6)
QWEN3_VIDEO = {"min_frames": 4.0, "max_frames": 768.0, "temporal_patch": 2.0}


def qwen3_frames(seconds, fps=2.0):
    """Frames Qwen3-VL samples from `seconds` of video: int(seconds x fps), within 4..768 (the
    source assumed to have at least fps frames a second). The float product floored as Python's
    int() takes it, unsnapped."""
    q = QWEN3_VIDEO
    n = np.floor(np.asarray(seconds, dtype=float) * fps)
    return np.minimum(np.maximum(n, q["min_frames"]), q["max_frames"])


def qwen3_video_tokens(
    seconds, height, width, patch=16.0, merge=2.0, fps=2.0, min_pixels=4096.0, max_pixels=25165824.0
):
    """Qwen3-VL video tokens (transformers video_processing_qwen3_vl.py): one smart_resize for the
    clip, its pixel budget over all frames: sides round()ed to factor = patch x merge, frames to
    an even number (round(frames / 2) x 2); above max_pixels both sides scaled by
    sqrt(frames x h x w / max_pixels), floored to multiples (at least one factor), below
    min_pixels scaled up and ceiled; an odd last frame is repeated, so ceil(frames / 2) frame
    pairs, each (h / factor) x (w / factor) tokens. The float operations are the processor's, in
    its order."""
    t2 = QWEN3_VIDEO["temporal_patch"]
    frames = qwen3_frames(seconds, fps)
    h, w = _pair(height, width)
    frames = np.broadcast_to(frames, h.shape).astype(float)
    factor = patch * merge
    hb, wb = np.round(h / factor) * factor, np.round(w / factor) * factor
    volume = np.round(frames / t2) * t2 * hb * wb
    big, small = volume > max_pixels, volume < min_pixels
    with np.errstate(all="ignore"):
        beta_down = np.sqrt(frames * h * w / max_pixels)
        beta_up = np.sqrt(min_pixels / (frames * h * w))
    hb = np.where(
        big,
        np.maximum(factor, np.floor(h / beta_down / factor) * factor),
        np.where(small, np.ceil(h * beta_up / factor) * factor, hb),
    )
    wb = np.where(
        big,
        np.maximum(factor, np.floor(w / beta_down / factor) * factor),
        np.where(small, np.ceil(w * beta_up / factor) * factor, wb),
    )
    return np.ceil(frames / t2) * (hb / factor) * (wb / factor)


def anyres_tokens(height, width, tile=384.0, base=729.0, grid=6.0, max_area=9.0):
    """LLaVA-OneVision image tokens (transformers processing_llava_onevision.py _get_number_of_features,
    anyres_max_9): the canvas of image_grid_pinpoints (tile x i by tile x j, i, j = 1..grid, row by
    row) that select_best_resolution picks (the largest effective resolution int(w x s) x int(h x s),
    s the fit scale, capped at the image's own pixels; on a tie the least wasted canvas, the first in
    the list); its feature grid of sqrt(base) per tile, the padding of the fitted image taken off,
    pooled by the factor bringing it within max_area tiles' features when it passes 1.1 of that;
    plus a newline feature per row and the base image's `base` features."""
    h, w = _pair(height, width)
    best_eff = np.zeros(h.shape)
    best_waste = np.full(h.shape, np.inf)
    bh, bw = np.zeros(h.shape), np.zeros(h.shape)
    g = int(grid)
    for i in range(1, g + 1):
        for j in range(1, g + 1):
            ch, cw = tile * i, tile * j
            scale = np.minimum(cw / w, ch / h)
            eff = np.minimum(np.floor(w * scale) * np.floor(h * scale), w * h)
            waste = ch * cw - eff
            take = (eff > best_eff) | ((eff == best_eff) & (waste < best_waste))
            best_eff, best_waste = np.where(take, eff, best_eff), np.where(take, waste, best_waste)
            bh, bw = np.where(take, ch, bh), np.where(take, cw, bw)
    side = np.floor(np.sqrt(base))
    cur_h, cur_w = side * np.floor_divide(bh, tile), side * np.floor_divide(bw, tile)
    wide = w / h > cur_w / cur_h
    new_h = np.floor(h * (cur_w / w))
    new_w = np.floor(w * (cur_h / h))
    cur_h = np.where(wide, cur_h - 2 * np.floor_divide(cur_h - new_h, 2), cur_h)
    cur_w = np.where(wide, cur_w, cur_w - 2 * np.floor_divide(cur_w - new_w, 2))
    ratio = np.sqrt(cur_h * cur_w / (max_area * side**2))
    pooled = ratio > 1.1
    rows = np.where(pooled, np.floor_divide(cur_h, ratio), cur_h)
    cols = np.where(pooled, np.floor_divide(cur_w, ratio), cur_w)
    return rows * cols + rows + base


def intern_ratios(max_tiles):
    ratios = sorted(
        {
            (i, j)
            for n in range(1, int(max_tiles) + 1)
            for i in range(1, n + 1)
            for j in range(1, n + 1)
            if i * j <= max_tiles
        },
        key=lambda r: (r[0] * r[1], r),
    )
    return ratios


def intern_tiles(height, width, tile=448.0, max_tiles=12.0):
    """InternVL's dynamic_preprocess tile count: the (columns, rows) grid of at most max_tiles
    whose aspect is closest to the image's (find_closest_aspect_ratio: candidates by tile count;
    on a tie the later, larger grid wins when the image's area exceeds half the grid's pixels)."""
    h, w = _pair(height, width)
    aspect, area = w / h, w * h
    best = np.full(h.shape, np.inf)
    cols, rows = np.ones(h.shape), np.ones(h.shape)
    for i, j in intern_ratios(max_tiles):
        diff = np.abs(aspect - i / j)
        take = (diff < best) | ((diff == best) & (area > 0.5 * tile * tile * i * j))
        best = np.where(diff < best, diff, best)
        cols, rows = np.where(take, i, cols), np.where(take, j, rows)
    return cols * rows


def intern_tokens(height, width, tile=448.0, per_tile=256.0, max_tiles=12.0):
    """InternVL image tokens: per_tile for each tile, plus a thumbnail tile when there are several."""
    blocks = intern_tiles(height, width, tile, max_tiles)
    return per_tile * (blocks + (blocks > 1))


# -- the catalog's rules ----------------------------------------------------------------------


def _rows():
    from flopsheet.engine import vision_catalog  # each tokenizer's rule and figures

    return vision_catalog.rows()


def _one_image(row, h, w):
    p = row.params
    if row.rule == "patch":
        return patch_tokens(h, w, p["patch"])
    if row.rule == "fixed":
        return np.full(np.broadcast(h, w).shape, p["base_tokens"])
    if row.rule == "tile":
        return tile_tokens(h, w, p["tile"], p["tile_tokens"], p["base_tokens"], p["max_side"], p["short_side"])
    if row.rule == "patch_budget":
        return budget_patch_tokens(h, w, p["patch"], p["max_patches"], p["multiplier"], p.get("max_side") or 0.0)
    if row.rule == "claude":
        return claude_tokens(h, w, p["patch"], p["max_side"], p["max_patches"])
    if row.rule == "gemini":
        return gemini_image_tokens(h, w, p["max_side"], p["base_tokens"], p["tile"], p["tile_tokens"])
    if row.rule == "smart_resize":
        return smart_resize_tokens(h, w, p["patch"], p["merge"], p["min_pixels"], p["max_pixels"])
    if row.rule == "intern_tiles":
        return intern_tokens(h, w, p["tile"], p["tile_tokens"], p["max_tiles"])
    if row.rule == "anyres":
        return anyres_tokens(h, w, p["tile"], p["tile_tokens"], p["max_tiles"], p["max_patches"])
    return np.full(np.broadcast(h, w).shape, np.nan)  # no image rule (an element already refused)


def _by_row(tokenizer, shape_of, compute):
    """compute(row, mask) over the elements of each distinct row index in `tokenizer`."""
    rows = _rows()
    t = np.broadcast_to(np.asarray(tokenizer, dtype=float), shape_of)
    out = np.empty(shape_of, dtype=float)
    for k in np.unique(t):
        mask = t == k
        out[mask] = compute(rows[int(k)], mask)
    return out


def _patch_side_ok(tokenizer, **_):
    t = np.asarray(tokenizer, dtype=float)
    return (t >= 0) | ((t <= -1) & (np.floor(t) == t))


_PATCH_SIDE = Condition(
    "patch",
    _patch_side_ok,
    lambda tokenizer, **_: f"patch must be a whole number >= 1 or a tokenizer name (got {-tokenizer:g})",
)


QWEN_MAX_RATIO = 200.0  # smart_resize refuses a longer side more than 200 times the shorter


def _ratio_ok(height, width, tokenizer, **_):
    t = np.asarray(tokenizer, dtype=float)
    qwen = np.isin(t, [r.index for r in _rows() if r.rule == "smart_resize"])
    h, w = np.asarray(height, dtype=float), np.asarray(width, dtype=float)
    with np.errstate(all="ignore"):
        return ~qwen | (np.maximum(h, w) / np.minimum(h, w) <= QWEN_MAX_RATIO)


_QWEN_RATIO = Condition(
    "height",
    _ratio_ok,
    lambda height, width, **_: (
        f"height x width is {height:g} x {width:g}: Qwen's processor refuses an image whose longer side is more "
        f"than {QWEN_MAX_RATIO:g} times the shorter"
    ),
)


@quantity(_PATCH_SIDE, _QWEN_RATIO, height=POSITIVE, width=POSITIVE, tokenizer=Rule("a catalog row", lo=-np.inf))
def image_tokens_of(height, width, tokenizer):
    """Tokens of one image for catalog tokenizer number `tokenizer` (its rule, with its resizes);
    a negative `tokenizer` is a patch side (-16: 16-px patches), for ranges mixing both."""
    shape = np.broadcast(np.asarray(height), np.asarray(width), np.asarray(tokenizer)).shape
    h, w = (np.broadcast_to(np.asarray(x, dtype=float), shape) for x in (height, width))
    t = np.broadcast_to(np.asarray(tokenizer, dtype=float), shape)
    out = np.empty(shape, dtype=float)
    sides = t < 0
    if sides.any():
        out[sides] = patch_tokens(h[sides], w[sides], -t[sides])
    if (~sides).any():
        out[~sides] = _by_row(t[~sides], t[~sides].shape, lambda row, m: _one_image(row, h[~sides][m], w[~sides][m]))
    return out


def _one_video(row, seconds, h, w):
    p = row.params
    if p.get("video_tokens_per_s"):  # a published rate (Gemini: 263 a second at any frame size)
        return seconds * p["video_tokens_per_s"]
    if row.rule == "smart_resize" and p.get("video_max_pixels"):
        return qwen3_video_tokens(
            seconds, h, w, p["patch"], p["merge"], p["video_fps"], p["video_min_pixels"], p["video_max_pixels"]
        )
    if row.rule == "smart_resize" and p.get("video_fps"):
        return qwen_video_tokens(seconds, h, w, p["patch"], p["merge"], p["video_fps"])
    return np.full(np.broadcast(seconds, h, w).shape, np.nan)  # no video rule (an element already refused)


def _video_side_ok(height, width, tokenizer, **_):
    t = np.asarray(tokenizer, dtype=float)
    out = np.ones(np.broadcast(np.asarray(height), np.asarray(width), t).shape, dtype=bool)
    for r in _rows():
        if r.params.get("video_max_pixels"):
            factor = r.params["patch"] * r.params["merge"]
            small = np.minimum(np.asarray(height, dtype=float), np.asarray(width, dtype=float)) < factor
            out &= ~((t == r.index) & small)
    return out


_VIDEO_SIDE = Condition(
    "height",
    _video_side_ok,
    lambda height, width, **_: (
        f"height x width is {height:g} x {width:g}: Qwen3-VL's video processor refuses a frame side under 32 px"
    ),
)


@quantity(_QWEN_RATIO, _VIDEO_SIDE, seconds=POSITIVE, height=POSITIVE, width=POSITIVE, tokenizer=NONNEGATIVE)
def video_seconds_tokens_of(seconds, height, width, tokenizer):
    """Tokens of `seconds` of video as catalog tokenizer number `tokenizer` samples it."""
    shape = np.broadcast(*(np.asarray(x) for x in (seconds, height, width, tokenizer))).shape
    s, h, w = (np.broadcast_to(np.asarray(x, dtype=float), shape) for x in (seconds, height, width))
    return _by_row(tokenizer, shape, lambda row, m: _one_video(row, s[m], h[m], w[m]))


@quantity(
    _QWEN_RATIO, _VIDEO_SIDE, frames=POSITIVE, fps=POSITIVE, height=POSITIVE, width=POSITIVE, tokenizer=NONNEGATIVE
)
def video_frames_tokens_of(frames, fps, height, width, tokenizer):
    """Tokens of a video of `frames` frames at `fps` frames a second (frames / fps seconds)."""
    return video_seconds_tokens_of.formula.fn(np.asarray(frames, dtype=float) / fps, height, width, tokenizer)


@quantity(seconds=NONNEGATIVE, tokens_per_second=POSITIVE)
def audio_tokens(seconds, tokens_per_second=50.0):
    """Audio tokens at a published rate: Whisper's encoder 50 a second (1500 positions per 30 s,
    Radford et al. 2022 §2.2), Gemini 32 a second."""
    return seconds * tokens_per_second
