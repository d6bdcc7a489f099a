"""Frozen cells on a sheet that already has comments: our comment is appended to the sheet's own
comments part and VML drawing (every other byte of both kept), not only named in a warning."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest

from flopsheet.handoff.copy import handoff
from tools.packagecheck import check_package

xlsxwriter = pytest.importorskip("xlsxwriter")


def _workbook(path):
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Runs")
    ws.write_string("A1", "run")
    ws.write_comment("A1", "the analyst's own note")
    ws.write_formula("B2", "=FLOPSHEET_VERSION()")  # frozen: the copy has no add-in version
    ws.write_formula("C3", "=FLOPSHEET_VERSION()")
    ws.write_comment("C3", "already commented")
    wb.close()
    return path


def test_frozen_cell_commented_in_the_existing_comments_part(tmp_path):
    import ooxml

    src = _workbook(tmp_path / "in.xlsx")
    dst = tmp_path / "out.xlsx"
    report = handoff(src, dst)
    assert {cell for _, cell, _ in report.frozen} == {"B2", "C3"}
    assert not [w for w in report.warnings if "already has comments" in w], report.warnings
    assert [w for w in report.warnings if "C3 already has a comment" in w]
    with zipfile.ZipFile(src) as z:
        old_c, old_v = z.read("xl/comments1.xml"), z.read("xl/drawings/vmlDrawing1.vml")
    with zipfile.ZipFile(dst) as z:
        new_c, new_v = z.read("xl/comments1.xml"), z.read("xl/drawings/vmlDrawing1.vml")
        names = z.namelist()
    assert not [n for n in names if n.startswith("xl/comments/")]  # no second comments part
    # the user's parts are kept byte for byte around what was inserted
    end_c, end_v = old_c.rindex(b"</commentList>"), old_v.rindex(b"</xml>")
    assert new_c.endswith(old_c[end_c:]) and new_v.startswith(old_v[:end_v]) and new_v.endswith(old_v[end_v:])
    assert new_v.count(b"<v:shape ") == old_v.count(b"<v:shape ") + 1
    ws = openpyxl.load_workbook(dst)["Runs"]
    assert ws["A1"].comment.text == "the analyst's own note"
    assert "frozen to the value" in ws["B2"].comment.text
    assert ws["C3"].comment.text == "already commented"
    assert check_package(dst) == []
    ooxml.assert_valid(dst)
