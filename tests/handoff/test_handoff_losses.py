"""What the copy cannot carry is said by cell (issue 25, item 9): calls to the workbook's own VBA
functions (gone with the VBA project), references to the removed xlwings.conf sheet, DDE links."""

from __future__ import annotations

import io

import xlsxwriter

from flopsheet.handoff.copy import handoff
import lossless_fixtures as fx


def _book(path, vba: bool):
    wb = xlsxwriter.Workbook(str(path))
    if vba:
        wb.add_vba_project(io.BytesIO(fx.vba_project()), is_stream=True)
    ws = wb.add_worksheet("Calc")
    conf = wb.add_worksheet("xlwings.conf")
    conf.write_string("A1", "Interpreter")
    ws.write_number("A1", 3.15e23)
    ws.write_formula("B1", '=GPU_DAYS(A1,"H100",0.4)')
    ws.write_formula("B2", "=MyMacroRate(A1)*2")  # a VBA function of the workbook's own
    ws.write_formula("B3", '=IF(A1>0,Discount(A1,"MyMacroRate("),0)')
    ws.write_formula("B4", "=SUM(A1:A2)+ROUNDUP(A1,0)+_xlfn.STDEV.S(A1:A2)")  # Excel's own: not reported
    ws.write_formula("B5", "='xlwings.conf'!A1")
    ws.write_formula("B6", "=Excel|'[prices.xlsx]Sheet1'!R1C1")
    ws.write_formula("B7", '="a|b"&"MyMacroRate("')  # a pipe and a name inside a string: not reported
    wb.define_name("Rate", "=MyMacroRate(Calc!$A$1)")
    wb.close()


def test_losses_are_named_by_cell(tmp_path):
    src, dst = tmp_path / "book.xlsm", tmp_path / "copy.xlsx"
    _book(src, vba=True)
    warnings = []
    handoff(src, dst, warn=warnings.append)
    vba = [w for w in warnings if "not Excel's functions" in w]
    assert len(vba) == 1 and "Calc!B2" in vba[0] and "Calc!B3" in vba[0] and "defined name Rate" in vba[0], warnings
    assert "MyMacroRate" in vba[0] and "Discount" in vba[0]
    assert "B4" not in vba[0] and "B7" not in vba[0] and "B1" not in vba[0].split(":")[-1]
    conf = [w for w in warnings if "xlwings.conf sheet" in w]
    assert len(conf) == 1 and "Calc!B5" in conf[0], warnings
    dde = [w for w in warnings if "DDE links" in w]
    assert len(dde) == 1 and "Calc!B6" in dde[0] and "B7" not in dde[0], warnings


def test_without_a_vba_project_other_functions_are_not_blamed_on_it(tmp_path):
    src, dst = tmp_path / "book.xlsx", tmp_path / "copy.xlsx"
    _book(src, vba=False)
    warnings = []
    handoff(src, dst, warn=warnings.append)
    assert not [w for w in warnings if "not Excel's functions" in w], warnings


def test_a_recalc_refusal_names_the_users_file_not_a_temporary_one(tmp_path, monkeypatch):
    import pytest

    from flopsheet import recalc
    from flopsheet.errors import FlopsheetError

    def refuse(src, dst, **kw):
        raise FlopsheetError(f"{src}: part 'xl/drawings/vmlDrawing1.vml' is not well-formed XML", "path")

    monkeypatch.setattr(recalc, "recalculate", refuse)
    src, dst = tmp_path / "book.xlsm", tmp_path / "copy.xlsx"
    _book(src, vba=True)
    with pytest.raises(FlopsheetError) as info:
        handoff(src, dst, recalc=True)
    assert "the copy of book.xlsm" in str(info.value) and ".tmp" not in str(info.value), str(info.value)
    assert not dst.exists()
