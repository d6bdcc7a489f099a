"""The native twins of the vision-tokenizer catalog's rules (functions/visiontwins.py), recalculated
by LibreOffice and by Gnumeric in a hand-off copy, equal the add-in (issue 21): every rule with a
twin over sides just below, at and just above each of its thresholds (OpenAI's 2048-px fit,
768-px shortest side and 512-px tiles; the patch budgets; Anthropic's long edge and token limit;
Gemini's 384-px small image and 768-px tiles; Qwen's rounding to 28/32 px, its half-to-even ties,
its min/max pixels and the float noise of its downscale, 8999 x 8999 -> 3556; Llama 4's and
Llama 3.2 Vision's grids of 336- and 560-px tiles, upscale against downscale, ties by area; LLaVA-OneVision's
384-px canvases and its pooling's floor division at a 10/9 ratio), and the video rules
over their frame limits (4 and 768 frames, the total-pixel budget from 300 frames on), and the
audio rates with the model's name held by a cell. One
workbook made with XlsxWriter, handed off, then one LibreOffice and one Gnumeric run (the
session's batch)."""

from __future__ import annotations

import itertools

import openpyxl
import pytest
import xlsxwriter

from engine_batch import recalculate, recalculate_gnumeric, shared_workbook
from flopsheet.errors import FlopsheetError
from flopsheet.functions import REGISTRY as F
from flopsheet.handoff.copy import handoff

# sides crossing each rule's thresholds (each list's pairs are the image sizes)
SIDES = {
    "GPT-4o": [1, 511, 512, 513, 767, 768, 769, 1025, 1536, 2047, 2048, 2049, 4097],  # fit 2048, short 768, tile 512
    "GPT-5.4": [1, 32, 33, 1599, 1600, 1601, 2047, 2048, 2049, 5000],  # 2,500 patches = 50 x 50 of 32 px
    "GPT-4.1-nano": [1, 1247, 1248, 1249, 1504, 1536, 1537, 2400, 9000],  # 1,536 patches: 39^2 < 1536 < 40^2
    "Claude": [1, 28, 29, 784, 785, 1091, 1092, 1093, 1567, 1568, 1569, 2001, 20000],  # 1568 px, 1568 tokens
    "Claude hi-res": [1, 1456, 1457, 2575, 2576, 2577, 9000],  # 2576 px, 4784 tokens = 92 x 52
    "Gemini": [1, 383, 384, 385, 767, 768, 769, 1537],
    # 28-px rounding (41 -> 28, 42 -> 56, 70 -> 56 half to even), 3136 and 3584^2 pixels, 8999^2
    "Qwen2.5-VL": [1, 41, 42, 55, 56, 70, 98, 3584, 3598, 3599, 4000, 8999, 10000],
    "Qwen3-VL": [16, 255, 256, 257, 4095, 4096, 4111, 4112, 4113, 9001],  # 32 px, 256^2 and 4096^2 pixels
    "ViT-16": [15, 16, 17],
    # grids of at most 12 448-px tiles: aspect ties (1:1, 2:1...) broken by area around half a grid's pixels
    "InternVL": [1, 100, 316, 317, 448, 449, 633, 634, 950, 951, 1266, 1268, 1920, 4000],
    # Llama 4: grids of at most 16 336-px tiles: upscale (a side <= 336 c) against downscale, the 16-tile cap,
    # equal scales broken by area (4000 x 3000: 4 x 3, 5 x 3 and 4 x 4 all 0.336)
    "Llama 4": [1, 335, 336, 337, 672, 673, 1008, 1009, 1344, 1345, 3000, 4000, 5377],
    "Llama 3.2 Vision": [1, 300, 559, 560, 561, 1000, 1120, 1121, 1680, 1681, 4000],  # at most 4 560-px tiles
    "GPT-4o low": [1, 5000],
    # LLaVA-OneVision: canvases of 384 x i by 384 x j (i, j <= 6) by effective then wasted resolution, ties
    # (square images, 1 x 1 against every canvas); 47 and 173 px, where w x (c / w) floors to c - 1 in doubles
    "LLaVA-OneVision": [
        1,
        47,
        173,
        383,
        384,
        385,
        767,
        768,
        769,
        1151,
        1152,
        1153,
        1535,
        1536,
        1537,
        1920,
        2304,
        2305,
        5000,
    ],
}
IMAGES = [(h, w, n) for n, sides in SIDES.items() for h, w in itertools.product(sides, sides)]
IMAGES += [(10, 2000, "Qwen2.5-VL"), (10, 2001, "Qwen2.5-VL")]  # aspect 200 (kept) and above (refused)
# LLaVA-OneVision's pooling where Python's // (the exact floor) is below floor(a / b) in doubles: the unpadded
# grid's rows x columns 8,100 = 6,561 x (10/9)^2, ratio 1.1111111111111112, 50 // ratio = 44, 100 // ratio = 89
LLAVA_POOLED = [(583, 1927), (695, 1927), (933, 1157), (1157, 933), (1157, 1927), (1542, 1542), (1927, 583)]
IMAGES += [(h, w, "LLaVA-OneVision") for h, w in LLAVA_POOLED]
SECONDS = [0.5, 1.9, 2, 2.5, 150, 151, 384, 385, 3600]  # 4 frames, pairs, 300 frames (total pixels), 768 frames
FRAMES = [(224, 224), (720, 1280), (1080, 1920), (28, 5600)]
VIDEOS = [(s, h, w, n) for n in ("Qwen2.5-VL", "Gemini") for s in SECONDS for h, w in FRAMES]
# Qwen3-VL: 4 frames, odd frames (5 -> pairs rounded half to even), the clip's pixel budget (720p from
# 27 frames), 768 frames; 32-px rounding half to even (48 -> 64, 80 -> 64), a side under 32 px refused
QWEN3_SECONDS = [1.9, 2, 2.5, 3.5, 13, 13.5, 14, 384, 385]
QWEN3_FRAMES = [(720, 1280), (1080, 1920), (32, 32), (47, 48), (80, 6000), (31, 100), (32, 6401)]
VIDEOS += [(s, h, w, "Qwen3-VL") for s in QWEN3_SECONDS for h, w in QWEN3_FRAMES]
NAMES_IN_CELLS = [(1080, 1920, n) for n in ("GPT-4o", "claude", " Gemini ", "Qwen2.5-VL", "GPT-4.1-nano", "ViT-16")]


def _python(name, *args):
    try:
        return F[name](*args)
    except FlopsheetError:
        return None


def _rows():
    """(formula, cells to write beside it, Python's value or None for an error), a row each."""
    out = []
    for h, w, n in IMAGES:
        out.append((f'=IMAGE_TOKENS({{A}},{{B}},"{n}")', (h, w), _python("IMAGE_TOKENS", h, w, n)))
    for h, w, n in NAMES_IN_CELLS:
        out.append(("=IMAGE_TOKENS({A},{B},{C})", (h, w, n), _python("IMAGE_TOKENS", h, w, n)))
    for s, h, w, n in VIDEOS:
        out.append(
            (f'=VIDEO_SECONDS_TOKENS({{A}},{{B}},{{C}},"{n}")', (s, h, w), _python("VIDEO_SECONDS_TOKENS", s, h, w, n))
        )
    for s, h, w, n in VIDEOS[:: len(FRAMES) + 1]:  # frames at 30 fps, the tokenizer named in a cell
        frames = s * 30
        out.append(
            (
                "=VIDEO_TOKENS({A},{B},{C},{D},,30)",
                (frames, h, w, n),
                _python("VIDEO_TOKENS", frames, h, w, n, None, 30),
            )
        )
    for s, n in ((30, "Whisper"), (60, "Gemini"), (0.5, "whisper-large-v3"), (90, " gemini 2.5 ")):  # rates a second
        out.append(("=AUDIO_TOKENS({A},{B})", (s, n), _python("AUDIO_TOKENS", s, n)))
    return out


ROWS = _rows()


@shared_workbook("copy.xlsx")
def handed_off(d):
    """The calls (XlsxWriter, the add-in's values cached) and their hand-off copy."""
    src = d / "calls.xlsx"
    wb = xlsxwriter.Workbook(str(src))
    ws = wb.add_worksheet("S")
    for r, (formula, cells, value) in enumerate(ROWS, start=1):
        refs = {}
        for c, v in enumerate(cells):
            ws.write(r - 1, c, v)
            refs["ABCD"[c]] = f"{'ABCD'[c]}{r}"
        ws.write_formula(r - 1, 5, formula.format(**refs), None, value if value is not None else "")
    wb.close()
    report = handoff(src, d / "copy.xlsx", recalc=False)
    return d, report


def test_every_named_rule_with_a_twin_is_translated(handed_off):
    d, report = handed_off
    assert not report.frozen, report.frozen[:5]
    formulas = openpyxl.load_workbook(d / "copy.xlsx")["S"]
    for r, (formula, cells, _) in enumerate(ROWS, start=1):
        text = formulas.cell(r, 6).value
        assert isinstance(text, str) and "TOKENS" not in text.upper(), (formula, text)
        if "{C})" in formula or "{D}," in formula or "{B})" in formula:  # a name held by a cell: tested
            cell = "C" if "{C})" in formula else "D" if "{D}," in formula else "B"
            name = " ".join(str(cells["ABCD".index(cell)]).split())
            assert f'(TRIM({cell}{r})="{name}")*(CLEAN({cell}{r})={cell}{r})' in text, text


@pytest.mark.parametrize("engine_name", ["LibreOffice", "Gnumeric"])
def test_twins_recalculated_equal_the_add_in(handed_off, engine_name, soffice, gnumeric):
    d, _ = handed_off
    run = recalculate if engine_name == "LibreOffice" else recalculate_gnumeric
    got = openpyxl.load_workbook(run(d / "copy.xlsx", d / f"{engine_name}.xlsx"), data_only=True)["S"]
    wrong = []
    for r, (formula, cells, expected) in enumerate(ROWS, start=1):
        v = got.cell(r, 6).value
        ok = v == "#N/A" if expected is None else (isinstance(v, (int, float)) and v == expected)
        if not ok:
            wrong.append(f"row {r} {formula} {cells}: add-in {expected!r}, {engine_name} {v!r}")
    assert not wrong, "\n".join(wrong[:20])
    assert sum(e is None for *_, e in ROWS) >= 1 and len(ROWS) > 900  # the refusal is among them


def test_the_grid_crosses_the_float_noise_and_the_ties():
    """The cases hold what makes the twins hard, checked on the add-in's side from the vendors'
    arithmetic by hand. Qwen2.5-VL: 8999 x 8999 rounds to 9016 x 9016 > 12845056 pixels, so it is
    scaled by beta = sqrt(8999^2 / 12845056) and floor(8999 / beta / 28) taken; in doubles
    8999 / beta / 28 = 127.99999999999999, floored to 127: 127 x 127 tokens, not 128 x 128. 70 px
    is 70 / 28 = 2.5, rounded half to even to 2: 56 x 56 = 3136 pixels, the minimum, kept: 2 x 2
    = 4 tokens (half up would give 3 x 3 = 9). Claude: 1092 = 39 x 28, 39 x 39 = 1521 <= 1568
    tokens as given; 1093 needs 40 x 40 = 1600 > 1568, so it is resized below that."""
    values = {(h, w, n): _python("IMAGE_TOKENS", h, w, n) for h, w, n in IMAGES}
    assert values[(8999, 8999, "Qwen2.5-VL")] == 127 * 127
    assert values[(70, 70, "Qwen2.5-VL")] == 4
    assert values[(1092, 1092, "Claude")] == 39 * 39
    assert values[(1093, 1093, "Claude")] <= 1568 < 40 * 40
    assert values[(10, 2001, "Qwen2.5-VL")] is None
    # LLaVA-OneVision 583 x 1927: the 2 x 6 canvas, 54 x 162 features unpadded to 50 x 162, ratio
    # sqrt(8100 / 6561) = 1.1111111111111112 (a double above 10/9): 50 // it = 44 and 162 // it = 145
    # (50 / it is 45.0 in doubles): 44 x 145 + 44 + 729
    assert values[(583, 1927, "LLaVA-OneVision")] == 44 * 145 + 44 + 729
