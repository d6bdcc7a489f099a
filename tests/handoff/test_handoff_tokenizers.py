"""A tokenizer name where IMAGE_TOKENS and VIDEO_TOKENS take a patch size, and VIDEO_SECONDS_TOKENS'
model (issue 21): typed in the formula, or held by the one cell the formula reads, it translates
to its rule's twin (test_tokenizer_twins_engines.py recalculates them); the copy keeps the
add-in's value where a range mixes names, and for
the add-in's refusals. A patch size in the same cells still translates. Fixtures from XlsxWriter."""

import openpyxl
import xlsxwriter

from flopsheet.functions import REGISTRY as F
from flopsheet.handoff.copy import handoff

CALLS = [  # (formula, the add-in's value, translated)
    ("=IMAGE_TOKENS(A1,B1,C1)", F["IMAGE_TOKENS"](1080, 1920, "GPT-4o"), True),
    ('=IMAGE_TOKENS(A1,B1,"Claude")', F["IMAGE_TOKENS"](1080, 1920, "Claude"), True),
    ("=IMAGE_TOKENS(A1,B1,C2)", F["IMAGE_TOKENS"](1080, 1920, 16), True),
    ("=IMAGE_TOKENS(A1,B1)", F["IMAGE_TOKENS"](1080, 1920), True),
    ("=VIDEO_TOKENS(300,720,1280,C3,,30)", F["VIDEO_TOKENS"](300, 720, 1280, "Gemini", None, 30), True),
    ("=VIDEO_TOKENS(300,720,1280,C2)", F["VIDEO_TOKENS"](300, 720, 1280, 16), True),
    ("=VIDEO_SECONDS_TOKENS(10,720,1280,C4)", F["VIDEO_SECONDS_TOKENS"](10, 720, 1280, "Qwen2.5-VL"), True),
    ('=AUDIO_TOKENS(60,"Gemini")', 1920.0, True),
    ("=AUDIO_TOKENS(60,C3)", 1920.0, True),
    # fps with a patch size: the add-in refuses it (a twin would ignore it), so the copy keeps the refusal
    (
        "=VIDEO_TOKENS(300,720,1280,C2,1,30)",
        "VIDEO_TOKENS: fps is used only with a tokenizer name in patch (frames are "
        "then sampled by time); leave it blank with a patch size",
        False,
    ),
    # a control character in the cell's name: the add-in refuses it, and so does the copy (its message kept)
    (
        "=IMAGE_TOKENS(A1,B1,C7)",
        'IMAGE_TOKENS: patch "GPT-4o\\t" holds a control character (a tab or line break); type the name without it',
        False,
    ),
    # InternVL's, the Llamas' and LLaVA-OneVision's canvas searches unrolled; a range of names, one rule per element
    ('=IMAGE_TOKENS(A1,B1,"InternVL")', F["IMAGE_TOKENS"](1080, 1920, "InternVL"), True),
    ('=IMAGE_TOKENS(A1,B1,"Llama 4")', F["IMAGE_TOKENS"](1080, 1920, "Llama 4"), True),  # get_best_fit unrolled
    ('=IMAGE_TOKENS(A1,B1,"Llama 3.2 Vision")', F["IMAGE_TOKENS"](1080, 1920, "Llama 3.2 Vision"), True),
    ('=IMAGE_TOKENS(A1,B1,"LLaVA-OneVision")', F["IMAGE_TOKENS"](1080, 1920, "LLaVA-OneVision"), True),
    # typed sides: the chained steps' Workings cells checked once each for a row reference (was exponential)
    ('=IMAGE_TOKENS(1080,1920,"LLaVA-OneVision")', F["IMAGE_TOKENS"](1080, 1920, "LLaVA-OneVision"), True),
    ('=IMAGE_TOKENS(1080,1920,"Llama 4")', F["IMAGE_TOKENS"](1080, 1920, "Llama 4"), True),
    (  # kept as the add-in's values, inside the SUM
        "=SUM(IMAGE_TOKENS(A1,B1,C5:C6))",
        "=SUM({%d;%d})" % (F["IMAGE_TOKENS"](1080, 1920, "GPT-4o"), F["IMAGE_TOKENS"](1080, 1920, "Gemini")),
        False,
    ),
]


def test_tokenizer_names_keep_their_values(tmp_path):
    src, dst = tmp_path / "in.xlsx", tmp_path / "out.xlsx"
    wb = xlsxwriter.Workbook(str(src))
    ws = wb.add_worksheet("S")
    for cell, value in (
        ("A1", 1080),
        ("B1", 1920),
        ("C1", "GPT-4o"),
        ("C2", 16),
        ("C3", "Gemini"),
        ("C4", "Qwen2.5-VL"),
        ("C5", "GPT-4o"),
        ("C6", "Gemini"),
        ("C7", "GPT-4o\t"),
    ):
        ws.write(cell, value)
    for i, (formula, value, _) in enumerate(CALLS, start=1):
        ws.write_formula(f"D{i}", formula, None, value)
    wb.close()
    report = handoff(str(src), str(dst), recalc=False)
    out = openpyxl.load_workbook(dst)["S"]
    frozen = {cell for _, cell, _ in report.frozen}
    for i, (formula, value, translated) in enumerate(CALLS, start=1):
        got = out[f"D{i}"].value
        if translated:
            assert isinstance(got, str) and got.startswith("=") and f"D{i}" not in frozen, (formula, got)
        else:
            assert got == value and f"D{i}" in frozen, (formula, got)
    reasons = " ".join(r for _, _, r in report.frozen)
    assert "range of tokenizer names" in reasons


def test_a_resolution_name_for_a_side_is_refused_as_the_add_in_refuses_it(tmp_path):
    """ "2K" where a side in pixels goes: the add-in refuses it (a resolution name, not 2,000). The
    copy once turned the cell's text into the number 2,000 and gave IMAGE_TOKENS(2000, 1920) =
    10,000 tokens, silently; it keeps the add-in's refusal instead, whether the name is typed in
    the formula or held by a cell, and a kept call leaves its cells as typed for the calls after
    it. The same text read as a magnitude elsewhere ("2K" parameters) is still a number there, and
    a side reading a cell that an earlier call made a number still sees the text typed."""
    from flopsheet import excel_io

    src, dst = tmp_path / "in.xlsx", tmp_path / "out.xlsx"
    wb = xlsxwriter.Workbook(str(src))
    ws = wb.add_worksheet("S")
    ws.write("A1", "2K")
    ws.write("B1", 1920)
    ws.write("A2", "8k")
    ws.write("A3", "2K")
    ws.write("A6", "4K")  # read first as a number of FLOPs (C2), then as a side (D6); D1 loads the sheet
    ws.write_formula("C2", '=GPU_DAYS(A6,"H100")')
    calls = [
        ("=IMAGE_TOKENS(A1,B1)", ("IMAGE_TOKENS", ["2K", 1920])),
        ('=IMAGE_TOKENS("4K",1920)', ("IMAGE_TOKENS", ["4K", 1920])),
        ("=VIDEO_TOKENS(300,A1,1280)", ("VIDEO_TOKENS", [300, "2K", 1280])),
        ('=IMAGE_TOKENS(B1,A2,"GPT-4o")', ("IMAGE_TOKENS", [1920, "8k", "GPT-4o"])),
        ('=VIDEO_SECONDS_TOKENS(10,B1,A1,"Gemini")', ("VIDEO_SECONDS_TOKENS", [10, 1920, "2K", "Gemini"])),
        ("=IMAGE_TOKENS(A6,B1)", ("IMAGE_TOKENS", ["4K", 1920])),
    ]
    for i, (formula, _) in enumerate(calls, start=1):
        ws.write_formula(f"D{i}", formula)
    ws.write_formula("E1", "=TRAIN_FLOPS(A3,1E12)")
    wb.close()
    report = handoff(str(src), str(dst), recalc=False)
    out = openpyxl.load_workbook(dst)["S"]
    frozen = {cell for _, cell, _ in report.frozen}
    for i, (formula, (name, args)) in enumerate(calls, start=1):
        want = excel_io.call(F[name], args)
        assert isinstance(want, str) and "resolution name" in want, (formula, want)
        assert out[f"D{i}"].value == want and f"D{i}" in frozen, (formula, out[f"D{i}"].value)
    assert out["A1"].value == "2K" and out["A2"].value == "8k"  # kept as typed
    assert out["A3"].value == 2000  # a magnitude where TRAIN_FLOPS reads it
    assert out["A6"].value == 4000 and str(out["C2"].value).startswith("=")  # GPU_DAYS read it first
    assert str(out["E1"].value).startswith("=")
