"""TRAIN_MFU's expert-parallel degree against the GPU's NVLink domain (engine.training.EP_DOMAIN) in a hand-off
copy: a user's table of MoE steps, the GPU and ep in cells (each call a scalar cell, so its quantities are Workings
cells, the domain among them), recalculated by LibreOffice and Gnumeric, shows Python's value where Python answers
and #N/A where it refuses ep beyond the domain."""

from __future__ import annotations

import openpyxl
import pytest

from engine_batch import recalculate, recalculate_gnumeric, shared_workbook
from flopsheet.errors import FlopsheetError
from flopsheet.functions import REGISTRY as F
from flopsheet.handoff.copy import handoff

# (model, gpu, ep): inside and beyond each platform's domain (8-GPU HGX/DGX nodes and the MI300X platform, 72-GPU
# NVL72 racks, a GPU with no platform row: 8 assumed), spelt as users do, and a typed peak (no domain known)
ROWS = [
    ("DeepSeek-V3", "H100", 8),
    ("DeepSeek-V3", "H100", 64),
    ("DeepSeek-V3", "h100 sxm", 9),
    ("DeepSeek-V3", "B200 SXM", 16),
    ("DeepSeek-V3", "GB200", 64),
    ("DeepSeek-V3", "GB200", 72),
    ("DeepSeek-V3", "NVIDIA GB200", 144),
    ("gpt-oss-120b", "MI300X", 8),
    ("gpt-oss-120b", "MI300X", 16),
    ("Qwen3 30B-A3B", "H100 PCIe", 16),
    (7e9, "H100", 64),
    (7e9, 989, 64),
]


def _python(model, gpu, ep):
    try:
        return F["TRAIN_MFU"](model, gpu, "fp8", 4096, 64, 64 * 4096 * 8, None, ep, 4096)
    except FlopsheetError:
        return "#N/A"


@shared_workbook("ep-copy.xlsx")
def copied(d):
    xlsxwriter = pytest.importorskip("xlsxwriter")
    src = d / "ep.xlsx"
    wb = xlsxwriter.Workbook(str(src))
    ws = wb.add_worksheet("Steps")
    ws.write_row(0, 0, ["model", "gpu", "ep", "mfu"])
    for i, (model, gpu, ep) in enumerate(ROWS, start=1):
        ws.write_row(i, 0, [model, gpu, ep])
        ws.write_formula(i, 3, f'=TRAIN_MFU(A{i + 1},B{i + 1},"fp8",4096,64,{64 * 4096 * 8},,C{i + 1},4096)')
    wb.close()
    dst = d / "ep-copy.xlsx"
    report = handoff(src, dst)
    return d, dst, report


def test_python_refuses_beyond_the_domain_and_answers_inside_it():
    got = {row: _python(*row) for row in ROWS}
    refused = {row for row, v in got.items() if v == "#N/A"}
    assert refused == {
        ("DeepSeek-V3", "H100", 64),
        ("DeepSeek-V3", "h100 sxm", 9),
        ("DeepSeek-V3", "B200 SXM", 16),
        ("DeepSeek-V3", "NVIDIA GB200", 144),
        ("gpt-oss-120b", "MI300X", 16),
        ("Qwen3 30B-A3B", "H100 PCIe", 16),
        (7e9, "H100", 64),
    }


def test_the_domain_is_a_labelled_workings_quantity(copied):
    _, dst, report = copied
    assert not report.frozen, report.frozen
    w = openpyxl.load_workbook(dst)["Workings"]
    labels = [c.value for c in w[1] if isinstance(c.value, str)] + [
        w.cell(r, 1).value for r in range(1, w.max_row + 1) if isinstance(w.cell(r, 1).value, str)
    ]
    assert any("NVLink domain" in str(x) for x in labels), labels


@pytest.mark.parametrize("engine", ["libreoffice", "gnumeric"])
def test_the_copy_shows_what_python_returns(copied, engine, request):
    d, dst, _ = copied
    request.getfixturevalue("soffice" if engine == "libreoffice" else "gnumeric")
    recalc = recalculate if engine == "libreoffice" else recalculate_gnumeric
    got = openpyxl.load_workbook(recalc(dst, d / f"{engine}.xlsx"), data_only=True)["Steps"]
    wrong = []
    for i, row in enumerate(ROWS, start=2):
        want, v = _python(*row), got[f"D{i}"].value
        ok = v == "#N/A" if want == "#N/A" else isinstance(v, (int, float)) and v == pytest.approx(want, rel=1e-9)
        if not ok:
            wrong.append((row, want, v))
    assert not wrong, wrong
