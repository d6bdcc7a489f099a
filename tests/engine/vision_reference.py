"""Scalar statements of each vendor's image-token rule, step by step as its documentation words it,
in plain Python integers and math (no numpy), for checking the vectorised engine on grids of sizes.

OpenAI: Images and vision guide, Calculating costs (tile rule; patch rule steps A-D).
Anthropic: Coordinates and bounding boxes, "How Claude resizes and pads images" (its reference
`resized_size`, a binary search along the long edge with Python's round).
Qwen: qwen-vl-utils vision_process.py smart_resize / smart_nframes (Python's round, floor, ceil).
InternVL: the model cards' dynamic_preprocess / find_closest_aspect_ratio.
A downscaled side is kept at >= 1 px where a guide is silent (OpenAI: a 1 x 4097 image).
"""

import math


def openai_tile(w, h, per_tile, base, max_side=2048, short_side=768, tile=512):
    if w > max_side or h > max_side:
        s = max_side / max(w, h)
        w, h = max(1, math.floor(w * s + 1e-9)), max(1, math.floor(h * s + 1e-9))
    if min(w, h) > short_side:
        s = short_side / min(w, h)
        w, h = (
            (short_side, max(1, math.floor(h * s + 1e-9))) if w <= h else (max(1, math.floor(w * s + 1e-9)), short_side)
        )
    return base + per_tile * math.ceil(w / tile) * math.ceil(h / tile)


def openai_patches(w, h, budget, max_side=None, patch=32):
    if max_side and max(w, h) > max_side:
        s = max_side / max(w, h)
        w, h = max(1, math.floor(w * s + 1e-9)), max(1, math.floor(h * s + 1e-9))
    count = math.ceil(w / patch) * math.ceil(h / patch)
    if budget is None or count <= budget:
        return count, w, h
    shrink = math.sqrt(patch**2 * budget / (w * h))
    adjusted = shrink * min(
        math.floor(w * shrink / patch) / (w * shrink / patch), math.floor(h * shrink / patch) / (h * shrink / patch)
    )
    w2, h2 = max(1, math.floor(w * adjusted + 1e-9)), max(1, math.floor(h * adjusted + 1e-9))
    return math.ceil(w2 / patch) * math.ceil(h2 / patch), w2, h2


def claude_resized(width, height, max_edge=1568, max_tokens=1568):
    def fits(w, h):
        return (
            math.ceil(w / 28) * 28 <= max_edge
            and math.ceil(h / 28) * 28 <= max_edge
            and math.ceil(w / 28) * math.ceil(h / 28) <= max_tokens
        )

    if fits(width, height):
        return width, height
    if height > width:
        h, w = claude_resized(height, width, max_edge, max_tokens)
        return w, h
    aspect = width / height
    lo, hi = 1, width
    while lo + 1 < hi:
        mid = (lo + hi) // 2
        if fits(mid, max(round(mid / aspect), 1)):
            lo = mid
        else:
            hi = mid
    return lo, max(round(lo / aspect), 1)


def qwen_resize(height, width, factor=28, min_pixels=4 * 28 * 28, max_pixels=16384 * 28 * 28):
    h_bar = max(factor, round(height / factor) * factor)
    w_bar = max(factor, round(width / factor) * factor)
    if h_bar * w_bar > max_pixels:
        beta = math.sqrt((height * width) / max_pixels)
        h_bar = math.floor(height / beta / factor) * factor
        w_bar = math.floor(width / beta / factor) * factor
    elif h_bar * w_bar < min_pixels:
        beta = math.sqrt(min_pixels / (height * width))
        h_bar = math.ceil(height * beta / factor) * factor
        w_bar = math.ceil(width * beta / factor) * factor
    return h_bar, w_bar


def intern_blocks(width, height, image_size=448, max_num=12):
    aspect = width / height
    ratios = sorted(
        {
            (i, j)
            for n in range(1, max_num + 1)
            for i in range(1, n + 1)
            for j in range(1, n + 1)
            if 1 <= i * j <= max_num
        },
        key=lambda x: x[0] * x[1],
    )
    best_diff, best = float("inf"), (1, 1)
    for r in ratios:
        diff = abs(aspect - r[0] / r[1])
        if diff < best_diff:
            best_diff, best = diff, r
        elif diff == best_diff and width * height > 0.5 * image_size * image_size * r[0] * r[1]:
            best = r
    return best[0] * best[1]


def llama4_tiles(width, height, tile=336, max_patches=16):
    """transformers image_processing_llama4_fast.py: find_supported_resolutions then get_best_fit
    (resize_to_max_canvas False), in its order: the smallest upscale if any, else the largest
    downscale; among canvases of that scale the first of least area."""
    asp = {}
    for chunk in range(max_patches, 0, -1):
        for f in sorted(d for d in range(1, chunk + 1) if chunk % d == 0):
            asp.setdefault(f / (chunk // f), []).append((f, chunk // f))
    canvases = [(r * tile, c * tile) for v in asp.values() for r, c in v]
    scales = [min(cw / width, ch / height) for ch, cw in canvases]
    up = [s for s in scales if s >= 1]
    chosen = min(up) if up else max(s for s in scales if s < 1)
    fits = [c for c, s in zip(canvases, scales) if s == chosen]
    ch, cw = min(fits, key=lambda c: c[0] * c[1])
    return (ch // tile) * (cw // tile)


def llama4_prompt(rows, cols, per_tile=144):
    """transformers processing_llama4.py _prompt_split_image: the tokens the processor writes for an
    image cut into rows x cols tiles, as a list of token names."""
    out = ["<|image_start|>"]
    if rows * cols > 1:
        for _ in range(rows):
            for x in range(cols):
                out += ["<|patch|>"] * per_tile
                if x < cols - 1:
                    out.append("<|tile_x_separator|>")
            out.append("<|tile_y_separator|>")
    out += ["<|image|>"] + ["<|patch|>"] * per_tile + ["<|image_end|>"]
    return out


def mllama_tiles(width, height, tile=560, max_image_tiles=4):
    """transformers image_processing_mllama.py get_optimal_tiled_canvas, in its order (the
    arrangements' first figure taken as the canvas height, as its .T does)."""
    arrangements = [
        (a, b) for a in range(1, max_image_tiles + 1) for b in range(1, max_image_tiles + 1) if a * b <= max_image_tiles
    ]
    canvases = [(a * tile, b * tile) for a, b in arrangements]
    scales = [min(ch / height, cw / width) for ch, cw in canvases]
    up = [s for s in scales if s >= 1]
    chosen = min(up) if up else max(s for s in scales if s < 1)
    fits = [c for c, s in zip(canvases, scales) if s == chosen]
    ch, cw = min(fits, key=lambda c: c[0] * c[1])
    return (ch // tile) * (cw // tile)
