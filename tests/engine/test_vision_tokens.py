"""Image, video and audio tokens of today's models: every vendor's own worked example
(tests/reference/vision-tokens.csv, vision-rates.csv, each row with its URL and the date read),
then grids of sizes crossing every resize threshold (just below, at, just above) checked against
the vendor's rule stated step by step (vision_reference.py) and against the rule's invariants."""

import csv
import math
from pathlib import Path

import numpy as np
import pytest
import vision_reference as ref

from flopsheet import functions as F
from flopsheet.engine import vision as v
from flopsheet.engine import vision_catalog as catalog
from flopsheet.errors import FlopsheetError
from flopsheet.magnitudes import SUFFIX_EXPONENT, parse_num

REFERENCE = Path(__file__).resolve().parents[1] / "reference"
EXAMPLES = list(csv.DictReader((REFERENCE / "vision-tokens.csv").read_text(encoding="utf-8").splitlines()))
RATES = list(csv.DictReader((REFERENCE / "vision-rates.csv").read_text(encoding="utf-8").splitlines()))


def row(name):
    return catalog.resolve(name)


def tokens(name, width, height):
    return v.image_tokens_of(height, width, row(name).index)


@pytest.mark.parametrize("ex", EXAMPLES, ids=[f"{e['tokenizer']}-{e['width']}x{e['height']}" for e in EXAMPLES])
def test_vendor_example(ex):
    w, h, want = int(ex["width"]), int(ex["height"]), float(ex["tokens"])
    assert ex["url"] and ex["read"] and ex["quote"]
    if ex["tokenizer"] == "patches-1536":  # the 2025 guide's example, before the model multiplier
        assert v.budget_patch_tokens(h, w, 32, 1536, 1.0) == want
        assert ref.openai_patches(w, h, 1536)[1:] == (int(ex["resized_width"]), int(ex["resized_height"]))
        return
    assert tokens(ex["tokenizer"], w, h) == want
    # the function a user types gives the same, height first
    assert F.IMAGE_TOKENS(h, w, ex["tokenizer"]) == want
    if ex["tokenizer"].startswith("Claude") and ex["resized_width"]:
        r = row(ex["tokenizer"]).params
        rh, rw = v.claude_size(h, w, 28, r["max_side"], r["max_patches"])
        assert (float(rw), float(rh)) == (float(ex["resized_width"]), float(ex["resized_height"]))


@pytest.mark.parametrize("rate", RATES, ids=[f"{r['tokenizer']}-{r['medium']}" for r in RATES])
def test_published_rates(rate):
    s, want = float(rate["seconds"]), float(rate["tokens"])
    if rate["medium"] == "audio":
        assert F.AUDIO_TOKENS(s, rate["tokenizer"]) == want
    else:
        assert F.VIDEO_SECONDS_TOKENS(s, 720, 1280, rate["tokenizer"]) == want  # any frame size: a rate a second


def test_every_catalog_row_has_a_source_date_and_status():
    for r in catalog.rows():
        assert r.url.startswith("http") and r.source and len(r.read) == 10, r.name
        assert r.status in ("published", "estimate")
        if r.status == "estimate":
            assert "stimate" in r.note, f"{r.name}: an estimate says why"


def test_the_seed_figures_stay_exact():
    assert F.IMAGE_TOKENS(1024, 768) == 3072 and F.IMAGE_TOKENS(224, 224, 16) == 196
    assert F.IMAGE_TOKENS(1024, 768, "ViT-16") == 3072
    assert F.VIDEO_TOKENS(300, 720, 1280) == 300 * 45 * 80


def test_the_issue_s_1080p_image():
    """IMAGE_TOKENS(1080,1920): the seed's 8,160, and what each vendor's rule gives."""
    got = {
        n: F.IMAGE_TOKENS(1080, 1920, n)
        for n in ("ViT-16", "GPT-4o", "Claude", "Claude hi-res", "Gemini", "Qwen2.5-VL", "Qwen3-VL", "InternVL")
    }
    assert got["ViT-16"] == 8160
    assert got["GPT-4o"] == 1105  # 768 x 1365: 2 x 3 tiles
    assert got["Claude"] == 1560 and got["Claude hi-res"] == 2691  # Anthropic's own table
    assert got["Qwen2.5-VL"] == 39 * 69  # 1092 x 1932 in 28-px groups
    assert got["Qwen3-VL"] == 34 * 60  # 1088 x 1920 in 32-px groups
    assert got["Gemini"] == 6 * 258  # estimate: ceil per side of 768-px tiles
    assert got["InternVL"] == 256 * (8 + 1)  # a 4 x 2 grid (aspect 1.78 closest to 2) + thumbnail


def test_video_sampling():
    """10 s of 720p at 30 fps: the seed's 1,080,000 patches against Gemini's rate and Qwen's 2 fps pairs."""
    assert F.VIDEO_TOKENS(300, 720, 1280) == 1_080_000
    assert F.VIDEO_TOKENS(300, 720, 1280, "Gemini", None, 30) == 2630
    # Qwen2.5-VL: 20 frames, 10 pairs; 720x1280 resized within 768 x 28 x 28 pixels to 560 x 1008
    assert F.VIDEO_TOKENS(300, 720, 1280, "Qwen2.5-VL", None, 30) == 10 * 20 * 36
    assert F.VIDEO_SECONDS_TOKENS(10, 720, 1280, "Qwen2.5-VL") == 7200
    assert ref.qwen_resize(720, 1280, 28, 128 * 28 * 28, 768 * 28 * 28) == (560, 1008)
    # frames are clamped to 4..768 and even: 1 s is 4 frames, 1000 s is 768
    assert v.qwen_frames(np.array([1.0, 1.3, 2.6, 1000.0])).tolist() == [4.0, 4.0, 4.0, 768.0]
    with pytest.raises(FlopsheetError, match="fps .* is required"):
        F.VIDEO_TOKENS(300, 720, 1280, "Gemini")
    with pytest.raises(FlopsheetError, match="fps is used only with a tokenizer"):
        F.VIDEO_TOKENS(300, 720, 1280, 16, 1, 30)
    with pytest.raises(FlopsheetError, match='model "Claude" has no published video rule; try "Gemini"'):
        F.VIDEO_SECONDS_TOKENS(10, 720, 1280, "Claude")


def test_qwen3_vl_video():
    """Qwen3-VL's video processor (transformers video_processing_qwen3_vl.py at commit 930941c6, with the
    model's video_preprocessor_config.json: fps 2, 4..768 frames, 4096..25165824 pixels over the clip,
    32-px factor = patch 16 x merge 2), computed by hand from its arithmetic:
    - 10 s of 720x1280: int(10 x 2) = 20 frames; 720 / 32 = 22.5 rounds half to even to 22 -> 704,
      1280 / 32 = 40 -> 1280; 20 x 704 x 1280 = 18,022,400 <= 25,165,824: kept; 10 pairs x 22 x 40 = 8,800;
    - 1 s: int(2) = 2 frames, raised to 4: 2 pairs x 880 = 1,760;
    - 2.5 s: 5 frames (round(2.5) = 2 -> 4 for the budget), the last repeated: 3 pairs x 880 = 2,640;
    - 14 s: 28 frames x 704 x 1280 = 25,231,360 > 25,165,824: beta = sqrt(28 x 720 x 1280 / 25165824)
      = sqrt(1.02539) = 1.01261, 720 / beta / 32 = 22.2 -> 22 -> 704, 1280 / beta / 32 = 39.50 -> 39 -> 1248:
      14 pairs x 22 x 39 = 12,012;
    - 3600 s of 1080x1920: 7,200 frames, capped at 768; 1080 / 32 = 33.75 -> 34 -> 1088, 1920 -> 1920;
      768 x 1088 x 1920 > the budget: beta = sqrt(768 x 1080 x 1920 / 25165824) = sqrt(63.28125) = 7.955;
      1080 / beta / 32 = 4.24 -> 4 -> 128, 1920 / beta / 32 = 7.54 -> 7 -> 224: 384 pairs x 4 x 7 = 10,752."""
    assert F.VIDEO_SECONDS_TOKENS(10, 720, 1280, "Qwen3-VL") == 8800
    assert F.VIDEO_TOKENS(300, 720, 1280, "Qwen3-VL", None, 30) == 8800
    assert F.VIDEO_SECONDS_TOKENS(1, 720, 1280, "Qwen3-VL") == 1760
    assert F.VIDEO_SECONDS_TOKENS(2.5, 720, 1280, "Qwen3-VL") == 2640
    assert F.VIDEO_SECONDS_TOKENS(13, 720, 1280, "Qwen3-VL") == 13 * 22 * 40  # 26 x 704 x 1280 within budget
    assert F.VIDEO_SECONDS_TOKENS(14, 720, 1280, "Qwen3-VL") == 14 * 22 * 39
    assert F.VIDEO_SECONDS_TOKENS(3600, 1080, 1920, "Qwen3-VL") == 10752
    with pytest.raises(FlopsheetError, match="refuses a frame side under 32 px"):
        F.VIDEO_SECONDS_TOKENS(10, 31, 1280, "Qwen3-VL")
    with pytest.raises(FlopsheetError, match="more than 200 times"):
        F.VIDEO_SECONDS_TOKENS(10, 32, 6401, "Qwen3-VL")


def test_llava_onevision_images():
    """LLaVA-OneVision (transformers processing_llava_onevision.py at d2759a76, grid pinpoints 384 x i by 384 x j,
    i, j = 1..6), computed by hand from its arithmetic:
    - 384 x 384: the 384 x 384 canvas keeps all 147,456 pixels and wastes none: 1 x 1 tile, 27 x 27 features,
      no padding; sqrt(729 / (9 x 729)) = 0.33 <= 1.1, no pooling: 729 + 27 newlines + 729 base = 1,485;
    - 1080 x 1920: the 1152 x 1920 canvas (3 x 5 tiles) keeps all 2,073,600 pixels with the least waste
      (138,240); 81 x 135 features; 1920/1080 = 1.78 > 135/81 = 1.67, so new height int(1080 x 135/1920) = 75,
      padding (81 - 75) // 2 = 3 a side: 75 x 135; ratio sqrt(75 x 135 / (9 x 729)) = 1.2423 > 1.1:
      75 // 1.2423 = 60 rows, 135 // 1.2423 = 108 columns: 6,480 + 60 newlines + 729 base = 7,269."""
    assert F.IMAGE_TOKENS(384, 384, "LLaVA-OneVision") == 1485
    assert F.IMAGE_TOKENS(1080, 1920, "LLaVA-OneVision") == 7269
    assert F.IMAGE_TOKENS(1080, 1920, "llava-ov") == 7269


def test_audio():
    assert F.AUDIO_TOKENS(30) == 1500  # Whisper's encoder, the default
    assert F.AUDIO_TOKENS(60, "Gemini") == 1920 and F.AUDIO_TOKENS(60, 25) == 1500
    with pytest.raises(FlopsheetError, match='AUDIO_TOKENS: model "GPT-4o" has no published audio rule'):
        F.AUDIO_TOKENS(60, "GPT-4o")


def test_unknown_names_say_the_argument_and_suggest():
    with pytest.raises(FlopsheetError) as e:
        F.IMAGE_TOKENS(1080, 1920, "Qwen 2.5 VL 9B")
    assert e.value.arg == "patch" and '"Qwen2.5-VL"' in e.value.message and "\n" not in e.value.message
    with pytest.raises(FlopsheetError, match=r'patch "Clade" is not a vision tokenizer; try .*"Claude"'):
        F.IMAGE_TOKENS(1080, 1920, "Clade")


def test_ranges_mix_names_and_patch_sides_erring_per_cell():
    from flopsheet.functions.declaration import evaluate

    out, errors, _ = evaluate(
        F.REGISTRY["IMAGE_TOKENS"],
        [[1024, 1080, 1024, 1024, 1024]],
        [[768, 1920, 768, 768, 768]],
        [["GPT-4o", 16, None, 15.5, "nope"]],
    )
    assert out[0, :3].tolist() == [765, 8160, 3072]
    assert errors[0, :3].tolist() == [None] * 3 and "whole number" in errors[0, 3] and "nope" in errors[0, 4]


# -- resolution words ------------------------------------------------------------------------


def test_resolution_words_are_never_magnitudes():
    for word in ("720p", "1080p", "1080P", "480p", "2160p", "4320p", " 1440p "):
        with pytest.raises(FlopsheetError, match="video resolution"):
            parse_num(word, "x")
        with pytest.raises(FlopsheetError, match="video resolution"):
            F.IMAGE_TOKENS(word, 1920)
    for word in ("4K", "8K", "2k"):
        with pytest.raises(FlopsheetError, match="resolution name"):
            F.IMAGE_TOKENS(word, 1920, "GPT-4o")
        with pytest.raises(FlopsheetError, match="resolution name"):
            F.VIDEO_SECONDS_TOKENS(10, 720, word, "Gemini")
    assert parse_num("4K") == 4000 and parse_num("2.5P") == 2.5e15  # elsewhere a K or P magnitude stands


def test_no_other_suffix_makes_a_resolution_word():
    """Every suffix the parser accepts, after the numbers resolutions are written with: only the
    line counts with p and the K names are resolution words (refused); the rest stay magnitudes."""
    numbers = (2, 4, 5, 8, 120, 144, 240, 360, 480, 540, 576, 720, 1080, 1440, 2160, 4320)
    for suffix, exponent in SUFFIX_EXPONENT.items():
        for n in numbers:
            for text in {f"{n}{suffix}", f"{n}{suffix.lower()}"}:
                if suffix == "P" and n >= 120:
                    with pytest.raises(FlopsheetError):
                        parse_num(text)
                else:
                    assert parse_num(text) == float(f"{n}e{exponent}"), text


# -- grids crossing every threshold -----------------------------------------------------------


def around(*points):
    return sorted({max(1, p + d) for p in points for d in (-1, 0, 1)})


def test_openai_tiles_on_a_grid():
    sides = around(1, 384, 512, 768, 1024, 1536, 2048, 4096) + [1365, 3000]
    for name in ("GPT-4o", "GPT-4o-mini", "GPT-5.1", "o3"):
        p = row(name).params
        h, w = np.meshgrid(sides, sides, indexing="ij")
        got = tokens(name, w, h)
        want = [[ref.openai_tile(int(wi), int(hi), p["tile_tokens"], p["base_tokens"]) for wi in sides] for hi in sides]
        assert got.tolist() == want, name
        tiles = (got - p["base_tokens"]) / p["tile_tokens"]
        assert (tiles == np.round(tiles)).all() and tiles.min() >= 1 and tiles.max() <= 2 * 4  # 768 x 2048 at most
        assert (got == got.T).all()  # a rotated image costs the same


def test_openai_patch_budgets_on_a_grid():
    sides = around(1, 32, 1024, 1248, 1280, 1600, 2048, 4096) + [1800, 2400]
    for name in ("GPT-4.1-mini", "GPT-4.1-nano", "o4-mini", "GPT-5.4"):
        p = row(name).params
        for hi in sides:
            got = tokens(name, np.array(sides), hi)
            for wi, g in zip(sides, got):
                count, w2, h2 = ref.openai_patches(wi, hi, int(p["max_patches"]), p.get("max_side"))
                assert count <= p["max_patches"]
                assert g == math.ceil(round(count * p["multiplier"], 9)), (name, wi, hi)


def test_claude_on_a_grid():
    """Sides around the 1568 and 2576 edges, the 28-px patches and the token budgets (1092 x 1092
    is 1521 tokens, 1120 x 1120 is 1600): the engine's vectorised search agrees with Anthropic's
    reference resize, the result fits both limits, keeps the aspect, and one pixel more would not fit."""
    sides = around(1, 28, 200, 1092, 1120, 1456, 1568, 1600, 2576, 3000, 8000) + [819, 952, 1269, 1270]
    for name in ("Claude", "Claude hi-res"):
        p = row(name).params
        edge, budget = p["max_side"], p["max_patches"]
        h, w = np.meshgrid(sides, sides, indexing="ij")
        rh, rw = v.claude_size(h, w, 28, edge, budget)
        for i, hi in enumerate(sides):
            for j, wi in enumerate(sides):
                want_w, want_h = ref.claude_resized(wi, hi, int(edge), int(budget))
                assert (rw[i, j], rh[i, j]) == (want_w, want_h), (name, wi, hi)
        assert (np.ceil(rw / 28) * 28 <= edge).all() and (np.ceil(rh / 28) * 28 <= edge).all()
        assert (np.ceil(rw / 28) * np.ceil(rh / 28) <= budget).all()
        # the aspect is kept up to rounding the short side (by at most half a pixel; it is 1 at least)
        short, long = np.minimum(rw, rh), np.maximum(rw, rh)
        ideal = long * np.minimum(w, h) / np.maximum(w, h)
        assert (np.abs(short - np.maximum(ideal, 0.5)) <= 0.5 + 1e-9).all()
        assert (((rw == w) & (rh == h)) | (rw < w) | (rh < h)).all()  # never enlarged
        assert (tokens(name, w, h) == np.ceil(rw / 28) * np.ceil(rh / 28)).all()


def test_gemini_on_a_grid():
    sides = around(384, 768, 1536)
    h, w = np.meshgrid(sides, sides, indexing="ij")
    got = tokens("Gemini", w, h)
    small = (h <= 384) & (w <= 384)
    assert (got[small] == 258).all()
    assert (got[~small] == (258 * np.ceil(h / 768) * np.ceil(w / 768))[~small]).all()
    assert got[1, 1] == got[2, 2] == got[4, 4] == 258 and got[5, 5] == 4 * 258  # 384, 385, 768; 769


def test_qwen_on_a_grid():
    """Sides around the 28/32-px factors, halves (Python rounds 14/28 half to even), and the
    min/max pixel limits: the engine agrees with qwen-vl-utils' smart_resize and its invariants."""
    for name, factor in (("Qwen2.5-VL", 28), ("Qwen3-VL", 32)):
        p = row(name).params
        lo, hi = p["min_pixels"], p["max_pixels"]
        sides = around(1, factor // 2, factor, 3 * factor // 2, 5 * factor // 2, 56, 256, 1000, 3584, 4096, 4100, 9000)
        h, w = np.meshgrid(sides, sides, indexing="ij")
        mask = np.maximum(h, w) / np.minimum(h, w) <= 200  # the processor refuses flatter images
        rh, rw = v.smart_resize(h, w, factor, lo, hi)
        for i, hh in enumerate(sides):
            for j, ww in enumerate(sides):
                if mask[i, j]:
                    assert (rh[i, j], rw[i, j]) == ref.qwen_resize(hh, ww, factor, lo, hi), (name, hh, ww)
        assert (rh % factor == 0).all() and (rw % factor == 0).all()
        area = (rh * rw)[mask]
        assert (area <= hi).all() and (area >= lo).all()
        assert (tokens(name, w[mask], h[mask]) == (rh * rw / factor**2)[mask]).all()


def test_qwen_refuses_what_its_processor_refuses():
    assert F.IMAGE_TOKENS(10, 2000, "Qwen2.5-VL") > 0
    with pytest.raises(FlopsheetError, match="more than 200 times"):
        F.IMAGE_TOKENS(9, 2000, "Qwen2.5-VL")
    with pytest.raises(FlopsheetError, match="more than 200 times"):
        F.VIDEO_SECONDS_TOKENS(10, 9, 2000, "Qwen2.5-VL")
    assert F.IMAGE_TOKENS(9, 2000, "GPT-4o") > 0  # another vendor's rule has no such limit


def test_the_docs_list_every_tokenizer():
    from tools import docs

    table = docs.vision_tokenizers()
    for r in catalog.rows():
        assert f"| {r.name}" in table and r.url in table and r.read in table


def test_internvl_on_a_grid():
    sides = around(1, 224, 448, 672, 896, 1344, 2000) + [1080, 1920, 4000]
    h, w = np.meshgrid(sides, sides, indexing="ij")
    blocks = v.intern_tiles(h, w)
    assert blocks.tolist() == [[ref.intern_blocks(wi, hi) for wi in sides] for hi in sides]
    assert blocks.max() <= 12
    assert (tokens("InternVL", w, h) == 256 * (blocks + (blocks > 1))).all()


def test_llama4_by_hand():
    """Llama 4 (transformers get_best_fit over grids of at most 16 336-px tiles; 144 tokens a tile,
    a global tile when more than one). Scale of an r x c grid = min(336c / w, 336r / h)."""
    # 1080 x 1920: an upscale needs c >= 6 and r >= 4 (24 tiles): none. The largest downscale:
    # 3 x 5 -> min(1680/1920, 1008/1080) = min(0.875, 0.933) = 0.875 (4 x 4: 0.7; 2 x 8: 0.622)
    assert F.IMAGE_TOKENS(1080, 1920, "Llama 4") == 144 * (15 + 1)
    # 336 x 336: every grid scales by >= 1; the least, 1.0, is shared by 1 x c and r x 1: the
    # least area is 1 x 1, one tile, no global tile
    assert F.IMAGE_TOKENS(336, 336, "llama 4 scout") == 144
    # 337 x 337: a 1-row or 1-column grid downscales; 2 x 2 and 2 x 3 upscale by 672/337: 2 x 2
    assert F.IMAGE_TOKENS(337, 337, "Llama 4") == 144 * (4 + 1)
    # 100 x 1000 (h x w): c >= 3 upscales, by 1008/1000 for every r x 3: 1 x 3
    assert F.IMAGE_TOKENS(100, 1000, "Llama 4") == 144 * (3 + 1)
    # 4000 x 3000: 4 x 3 -> min(1008/3000, 1344/4000) = 0.336, as 5 x 3 and 4 x 4: the least area
    assert F.IMAGE_TOKENS(4000, 3000, "Llama 4") == 144 * (12 + 1)
    # 2048 x 2048: 4 x 4 -> 1344/2048 = 0.656 (3 x 5: 1008/2048), the 16-tile cap
    assert F.IMAGE_TOKENS(2048, 2048, "llama 4 maverick") == 144 * (16 + 1)


def test_llama4_on_a_grid():
    sides = around(1, 336, 672, 1008, 1344, 1680, 2000, 5376) + [1080, 1920, 3000, 4000]
    h, w = np.meshgrid(sides, sides, indexing="ij")
    tiles = v.best_fit_tiles(h, w)
    assert tiles.tolist() == [[ref.llama4_tiles(wi, hi) for wi in sides] for hi in sides]
    assert tiles.max() == 16 and tiles.min() == 1
    assert (tokens("Llama 4", w, h) == 144 * (tiles + (tiles > 1))).all()


@pytest.mark.parametrize(("rows", "cols"), [(1, 1), (1, 2), (3, 5), (4, 4)])
def test_llama4_counts_the_patch_tokens_not_the_markers(rows, cols):
    """The catalog counts the <|patch|> tokens the processor writes; its markers (3 an image, and a
    separator per tile when there are several) are text-side, as the row's note says."""
    prompt = ref.llama4_prompt(rows, cols)
    n = rows * cols
    patches = prompt.count("<|patch|>")
    assert patches == 144 * (n + (n > 1))
    assert len(prompt) - patches == 3 + (n if n > 1 else 0)
    assert "3 per image" in row("Llama 4").note and "one per tile" in row("Llama 4").note


def test_llama32_vision_by_hand():
    """Llama 3.2 Vision (mllama get_optimal_tiled_canvas over grids of at most 4 560-px tiles): 1,601
    encoder positions a tile (40 x 40 patches of 14 px + a class token), no global tile."""
    # 1080 x 1920: an upscale needs c >= 4 and r >= 2: none. 2 x 2 -> min(1120/1920, 1120/1080) =
    # 0.583 beats 1 x 4 and 1 x 3 (560/1080 = 0.519)
    assert F.IMAGE_TOKENS(1080, 1920, "Llama 3.2 Vision") == 1601 * 4
    assert F.IMAGE_TOKENS(560, 560, "mllama") == 1601  # 1 x 1 at scale 1
    assert F.IMAGE_TOKENS(561, 561, "Llama 3.2 Vision") == 1601 * 4  # only 2 x 2 upscales
    # 500 x 1000: 1 x 2 and 2 x 2 both upscale by 1.12: the least area
    assert F.IMAGE_TOKENS(500, 1000, "Llama 3.2 Vision") == 1601 * 2
    # 1200 x 500: 3 x 1 -> min(560/500, 1680/1200) = 1.12
    assert F.IMAGE_TOKENS(1200, 500, "Llama 3.2 Vision") == 1601 * 3
    assert "stimate" in row("Llama 3.2 Vision").note and "<|image|>" in row("Llama 3.2 Vision").note


def test_llama32_vision_on_a_grid():
    sides = around(1, 560, 1120, 1680, 2240) + [300, 500, 1080, 1920, 4000]
    h, w = np.meshgrid(sides, sides, indexing="ij")
    tiles = v.best_fit_tiles(h, w, 560.0, 4.0)
    assert tiles.tolist() == [[ref.mllama_tiles(wi, hi) for wi in sides] for hi in sides]
    assert set(tiles.ravel().tolist()) == {1.0, 2.0, 3.0, 4.0}
    assert (tokens("Llama 3.2 Vision", w, h) == 1601 * tiles).all()
