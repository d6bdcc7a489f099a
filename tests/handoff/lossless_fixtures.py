"""Workbooks written the way Excel writes them (XlsxWriter, never openpyxl), plus hand-made XML
cases, for the lossless hand-off tests (issue 12).

Each builder returns the path and its `cases`: (sheet, cell, expected value) for every cell that
calls a flopsheet function, the value computed here by the Python functions themselves.
"""

from __future__ import annotations

import base64
import io
import re
import zipfile
from pathlib import Path

import xlsxwriter

from flopsheet.functions import REGISTRY as F

ROOT = Path(__file__).resolve().parents[2]
PNG = base64.b64decode(  # a 1x1 transparent PNG
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
FLOPS = [1e23, 2e23, 3.15e23, 4e23, 5e23]
THIRD = 0.1 + 0.2  # 0.30000000000000004: its 17th significant digit must survive


def vba_project() -> bytes:
    """A real vbaProject.bin: the one in the committed template (workbook/flopsheet.xlsm)."""
    with zipfile.ZipFile(ROOT / "workbook" / "flopsheet.xlsm") as z:
        return z.read("xl/vbaProject.bin")


def rich(path: Path) -> list:
    """Charts (data table, both error bars, a secondary axis), rich strings, a merge with a
    value in a hidden cell, a table with a totals row, sparklines, an image, comments, a VBA
    project, defined names, protection with an editable range, custom properties."""
    wb = xlsxwriter.Workbook(str(path))
    wb.set_custom_property("Owner", "finance")
    wb.set_custom_property("Checked", True)
    wb.add_vba_project(io.BytesIO(vba_project()), is_stream=True)
    ws = wb.add_worksheet("Runs")
    bold = wb.add_format({"bold": True})
    red = wb.add_format({"font_color": "red"})
    ws.write_row("A1", ["run", "flops", "gpu", "days", "hours"], bold)
    cases = []
    for i, flops in enumerate(FLOPS, start=2):
        ws.write_string(f"A{i}", f"run {i - 1}")
        ws.write_number(f"B{i}", flops)
        ws.write_string(f"C{i}", "A100" if i % 2 else "H100")
        ws.write_formula(f"D{i}", f"=GPU_DAYS(B{i},C{i},Rate)", None, 1.0)
        cases.append(("Runs", f"D{i}", F["GPU_DAYS"](flops, "A100" if i % 2 else "H100", 0.462)))
        ws.write_formula(f"E{i}", f"=24*GPU_DAYS(B{i},C{i},Rate)")
        cases.append(("Runs", f"E{i}", 24 * F["GPU_DAYS"](flops, "A100" if i % 2 else "H100", 0.462)))
    ws.write_number("H1", 0.462)
    ws.write_number("H2", THIRD)
    ws.write_formula("H3", '=GPU_DAYS(3.15E+23,"A100",H2)')
    cases.append(("Runs", "H3", F["GPU_DAYS"](3.15e23, "A100", THIRD)))
    ws.write_rich_string("A8", "t", "val", red, "rval1", bold, "rval2")
    ws.write_rich_string("A9", bold, "bold", " then plain")
    # a merged range with a value Excel keeps in a hidden cell, read by a formula
    ws.merge_range("A11:C11", "merged", bold)
    ws.write_number("B11", 42933)
    ws.write_formula("D11", "=TRAIN_FLOPS(B11*1000000,1000000000)")
    cases.append(("Runs", "D11", F["TRAIN_FLOPS"](42933e6, 1e9)))
    ws.write_comment("A2", "the seed's first run")
    ws.write_comment("D2", "days at 46.2% MFU")
    ws.insert_image("J20", "dot.png", {"image_data": io.BytesIO(PNG)})
    ws.data_validation("C2:C6", {"validate": "list", "source": ["A100", "H100"]})
    ws.conditional_format("B2:B6", {"type": "cell", "criteria": ">", "value": 2e23, "format": red})
    ws.add_sparkline("F2", {"range": "Runs!B2:B6"})
    ws.add_sparkline("F3", {"range": "Runs!D2:D6", "type": "column"})
    ws.protect("", {"format_cells": True})
    ws.unprotect_range("B2:C6", "inputs")
    wb.define_name("Rate", "=Runs!$H$1")
    wb.define_name("Days", '=GPU_DAYS(Runs!$B$2,"A100",0.462)')
    ws.write_formula("H4", "=2*Days")
    cases.append(("Runs", "H4", 2 * F["GPU_DAYS"](1e23, "A100", 0.462)))
    wb.define_name("Runs!Local", "=Runs!$H$2")

    tab = wb.add_worksheet("Table")
    tab.add_table(
        "A1:C6",
        {
            "name": "Costs",
            "total_row": True,
            "columns": [
                {"header": "gpu", "total_string": "Total"},
                {"header": "hours"},
                {"header": "cost", "total_function": "sum"},
            ],
        },
    )
    for r, gpu in enumerate(["A100", "H100", "A100", "H100"], start=2):
        tab.write_string(f"A{r}", gpu)
        tab.write_number(f"B{r}", 1000 * r)
        tab.write_formula(f"C{r}", f"=TRAIN_COST(B{r}*3600*1E15,A{r},2)")
        cases.append(("Table", f"C{r}", F["TRAIN_COST"](1000 * r * 3600 * 1e15, gpu, 2)))

    chart = wb.add_chart({"type": "column"})
    chart.add_series({"values": "=Runs!$B$2:$B$6", "y_error_bars": {"type": "standard_error"}})
    chart.add_series({"values": "=Runs!$D$2:$D$6", "y2_axis": True})
    chart.set_table({"show_keys": True})
    ws.insert_chart("J2", chart)
    scatter = wb.add_chart({"type": "scatter"})
    scatter.add_series(
        {
            "categories": "=Runs!$B$2:$B$6",
            "values": "=Runs!$D$2:$D$6",
            "x_error_bars": {"type": "fixed", "value": 1e22},
            "y_error_bars": {"type": "percentage", "value": 5},
        }
    )
    tab.insert_chart("E2", scatter)

    conf = wb.add_worksheet("xlwings.conf")
    conf.write_row("A1", ["Interpreter_Win", "python"])
    wb.close()
    return cases


SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _parts(path) -> dict:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def _write(path, parts: dict) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def _base(path: Path) -> None:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Calc")
    ws.write_string("A1", "text_x000D_kept")  # a literal escape sequence in a shared string
    ws.write_number("A2", 3.15e23)
    ws.write_number("A3", THIRD)
    ws.write_number("A4", 1 / 3)
    ws.write_string("A5", "A100")
    ws.write_formula("B1", "=A3*3")
    ws.write_string("D1", "filler")
    for r, mfu in ((3, THIRD), (4, 1 / 3), (5, 0.5)):
        ws.write_number(f"E{r}", mfu)
    other = wb.add_worksheet("Plain")
    other.write_number("A1", 0.30000000000000004)
    other.write_formula("A2", "=A1*2")
    wb.close()


def handmade(path: Path) -> list:
    """No calcPr, a binary FF FE part, a whole-column merge, pivot-cache parts, inline strings,
    _x000D_ escapes, 17-digit numbers, shared formulas calling flopsheet functions."""
    tmp = path.with_suffix(".base.xlsx")
    _base(tmp)
    parts = _parts(tmp)
    tmp.unlink()
    book = parts["xl/workbook.xml"].decode()
    book = re.sub(r"<calcPr[^>]*/>", "", book)
    book = book.replace(
        "</workbook>", '<pivotCaches><pivotCache cacheId="7" r:id="rIdPivot"/></pivotCaches></workbook>'
    )
    parts["xl/workbook.xml"] = book.encode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    parts["xl/_rels/workbook.xml.rels"] = rels.replace(
        "</Relationships>",
        (
            '<Relationship Id="rIdPivot" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'pivotCacheDefinition" Target="pivotCache/pivotCacheDefinition1.xml"/></Relationships>'
        ),
    ).encode()
    parts["xl/pivotCache/pivotCacheDefinition1.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<pivotCacheDefinition xmlns="{SHEET_NS}" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId1" '
        'refreshOnLoad="1" recordCount="0"><cacheSource type="worksheet"><worksheetSource ref="A1:A5" '
        'sheet="Calc"/></cacheSource><cacheFields count="1"><cacheField name="v" numFmtId="0">'
        "<sharedItems/></cacheField></cacheFields></pivotCacheDefinition>"
    ).encode()
    parts["xl/pivotCache/_rels/pivotCacheDefinition1.xml.rels"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
        b'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
        b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/pivotCacheRecords" '
        b'Target="pivotCacheRecords1.xml"/></Relationships>'
    )
    parts["xl/pivotCache/pivotCacheRecords1.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<pivotCacheRecords xmlns="{SHEET_NS}" count="0"/>'
    ).encode()
    parts["xl/model/item.data"] = b"\xff\xfe" + bytes(range(256)) * 32  # a Power Pivot model is binary
    types = parts["[Content_Types].xml"].decode()
    parts["[Content_Types].xml"] = types.replace(
        "</Types>",
        (
            '<Override PartName="/xl/pivotCache/pivotCacheDefinition1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.pivotCacheDefinition+xml"/>'
            '<Override PartName="/xl/pivotCache/pivotCacheRecords1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.pivotCacheRecords+xml"/>'
            '<Override PartName="/xl/model/item.data" ContentType="application/vnd.openxmlformats-officedocument.'
            'model+data"/></Types>'
        ),
    ).encode()
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    calls = (
        # a shared formula whose master calls a flopsheet function: the followers do too
        '<row r="7"><c r="C7"><f t="shared" ref="C7:C9" si="0">GPU_DAYS($A$2*(ROW()-6),$A$5,E3)</f>'
        '<v>1</v></c><c r="D7" t="inlineStr"><is><t xml:space="preserve"> inline _x000D_ text </t></is></c></row>'
        '<row r="8"><c r="C8"><f t="shared" si="0"/><v>2</v></c></row>'
        '<row r="9"><c r="C9"><f t="shared" si="0"/><v>3</v></c></row>'
        '<row r="10"><c r="C10"><f>IF(A1="","",WEIGHTS_GB(A4*1E+12))</f><v>4</v></c>'
        '<c r="D10"><f t="shared" ref="D10:E10" si="1">A4*2</f><v>0.66666666666666663</v></c>'
        '<c r="E10"><f t="shared" si="1"/><v>7</v></c></row>'
    )
    sheet = sheet.replace("</sheetData>", calls + "</sheetData>")
    sheet = sheet.replace(
        "<pageMargins", '<mergeCells count="1"><mergeCell ref="F1:F1048576"/></mergeCells><pageMargins'
    )
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    _write(path, parts)
    third = THIRD
    return [
        ("Calc", "C7", F["GPU_DAYS"](3.15e23, "A100", third)),
        ("Calc", "C8", F["GPU_DAYS"](2 * 3.15e23, "A100", 1 / 3)),
        ("Calc", "C9", F["GPU_DAYS"](3 * 3.15e23, "A100", 0.5)),
        ("Calc", "C10", F["WEIGHTS_GB"](1 / 3 * 1e12)),
    ]


def _prefixed(xml: str, root: str) -> str:
    """The same part with the SpreadsheetML namespace under the prefix x: (as .NET tools write it)."""
    xml = xml.replace(f'xmlns="{SHEET_NS}"', f'xmlns:x="{SHEET_NS}"')
    xml = re.sub(r"<(/?)(?![?!])([A-Za-z]+)([\s/>])", lambda m: f"<{m.group(1)}x:{m.group(2)}{m.group(3)}", xml)
    return xml


def prefixed(path: Path) -> list:
    """workbook.xml and the sheet with an x: prefix, a defined name calling a flopsheet function."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Calc")
    ws.write_number("A1", 3.15e23)
    ws.write_formula("B1", '=GPU_DAYS(A1,"H100",0.4)')
    wb.define_name("Hours", '=24*GPU_DAYS(Calc!$A$1,"A100",0.462)')
    ws.write_formula("B2", "=Hours")
    wb.close()
    parts = _parts(path)
    for name in ("xl/workbook.xml", "xl/worksheets/sheet1.xml"):
        parts[name] = _prefixed(parts[name].decode(), "").encode()
    _write(path, parts)
    return [
        ("Calc", "B1", F["GPU_DAYS"](3.15e23, "H100", 0.4)),
        ("Calc", "B2", 24 * F["GPU_DAYS"](3.15e23, "A100", 0.462)),
    ]


STRICT = {
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main": "http://purl.oclc.org/ooxml/spreadsheetml/main",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships": "http://purl.oclc.org/ooxml/officeDocument/relationships",
}


def strict(path: Path) -> list:
    """Strict Open XML namespaces (purl.oclc.org), as Excel's "Strict Open XML" save writes them."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Calc")
    ws.write_number("A1", 3.15e23)
    ws.write_formula("B1", '=GPU_DAYS(A1,"A100",0.462)')
    wb.close()
    parts = _parts(path)
    for name, data in parts.items():
        if name.endswith((".xml", ".rels")):
            text = data.decode()
            for old, new in STRICT.items():
                text = text.replace(old, new)
            parts[name] = text.encode()
    _write(path, parts)
    return [("Calc", "B1", F["GPU_DAYS"](3.15e23, "A100", 0.462))]


REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def sheet_scoped_rel_ns(path: Path) -> list:
    """The relationships namespace declared on each <sheet> element instead of the root, as openpyxl
    writes workbook.xml when lxml is installed and PhpSpreadsheet writes it; the second sheet binds it
    to another prefix. A <sheet> the hand-off adds must declare the prefix it uses."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Calc")
    ws.write_number("A1", 3.15e23)
    ws.write_formula("B1", '=GPU_DAYS(A1,"H100",0.4)')
    ws.write_formula("B2", "=WEIGHTS_GB(A1/4.5E+12)")
    wb.add_worksheet("Notes").write_string("A1", "kept")
    wb.close()
    parts = _parts(path)
    book = parts["xl/workbook.xml"].decode()
    assert f' xmlns:r="{REL_NS}"' in book
    book = book.replace(f' xmlns:r="{REL_NS}"', "", 1)
    book = re.sub(r'<sheet name="Calc"([^>]*) r:id=', rf'<sheet xmlns:r="{REL_NS}" name="Calc"\1 r:id=', book)
    book = re.sub(r'<sheet name="Notes"([^>]*) r:id=', rf'<sheet xmlns:ns2="{REL_NS}" name="Notes"\1 ns2:id=', book)
    assert book.count("xmlns:") == 2, book  # only the two on <sheet>
    parts["xl/workbook.xml"] = book.encode()
    _write(path, parts)
    return [("Calc", "B1", F["GPU_DAYS"](3.15e23, "H100", 0.4)), ("Calc", "B2", F["WEIGHTS_GB"](3.15e23 / 4.5e12))]


def shared_end_tags(path: Path) -> list:
    """Shared formulas whose followers are written with an end tag, <f t="shared" si="0"></f> (as
    Apache POI's Book1.xlsx has them) or holding only white space: followers all the same."""
    tmp = path.with_suffix(".base.xlsx")
    _base(tmp)
    parts = _parts(tmp)
    tmp.unlink()
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    calls = (
        '<row r="7"><c r="C7"><f t="shared" ref="C7:D9" si="0">GPU_DAYS($A$2*ROW(),$A$5,E$3)</f><v>1</v></c>'
        '<c r="D7"><f t="shared" si="0"></f><v>1</v></c></row>'
        '<row r="8"><c r="C8"><f t="shared" si="0"></f><v>2</v></c><c r="D8"><f t="shared" si="0"> </f><v>2</v></c>'
        "</row>"
        '<row r="9"><c r="C9"><f t="shared" si="0"></f><v>3</v></c>'
        '<c r="D9"><f t="shared" si="0"></f><v>3</v></c></row>'
        '<row r="11"><c r="H11"><f t="shared" ref="H11:I11" si="1">A2*2</f><v>6.3E+23</v></c>'
        '<c r="I11"><f t="shared" si="1"></f><v>0</v></c></row>'
    )
    sheet = sheet.replace("</sheetData>", calls + "</sheetData>")
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    _write(path, parts)
    # E3 / F3 (blank: the default MFU) as the follower's column moves
    out = []
    for r in (7, 8, 9):
        out.append(("Calc", f"C{r}", F["GPU_DAYS"](3.15e23 * r, "A100", THIRD)))
        out.append(("Calc", f"D{r}", F["GPU_DAYS"](3.15e23 * r, "A100")))
    return out


def array_arguments(path: Path) -> list:
    """Arguments that are arrays without being a plain range: an array constant, a range in
    arithmetic, IF over a range, TRANSPOSE of a range; each summed. A scalar expression beside them."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Calc")
    ws.write_number("A2", 1e23)
    ws.write_number("A3", 2e23)
    ws.write_formula("B1", '=SUM(GPU_DAYS({1E+23,2E+23},"H100"))')
    ws.write_array_formula("B2:B2", '{=SUM(GPU_DAYS(A2:A3*1,"H100"))}')
    ws.write_array_formula("B3:B3", '{=SUM(GPU_DAYS(IF(A2:A3>0,A2:A3,1E+20),"H100"))}')
    ws.write_array_formula("B4:B4", '{=SUM(GPU_DAYS(TRANSPOSE(A2:A3),"H100",{0.4,0.5}))}')
    ws.write_formula("B5", '=GPU_DAYS(SUM(A2:A3)*1,"H100")')  # reduced to one value: a scalar
    ws.write_formula("B6", '=GPU_DAYS(A2*1,"H100")')
    wb.close()
    days = F["GPU_DAYS"]
    return [
        ("Calc", "B1", days(1e23, "H100") + days(2e23, "H100")),
        ("Calc", "B2", days(1e23, "H100") + days(2e23, "H100")),
        ("Calc", "B3", days(1e23, "H100") + days(2e23, "H100")),
        ("Calc", "B4", days(1e23, "H100", 0.4) + days(2e23, "H100", 0.5)),
        ("Calc", "B5", days(3e23, "H100")),
        ("Calc", "B6", days(1e23, "H100")),
    ]


def carriage_returns(path: Path) -> list:
    """A CR LF inside a formula's string literal, written as a character reference (&#13;) and as
    Excel's escape (_x000D_), beside a flopsheet call (as in POI's dataValidationTableRange.xlsx)."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Calc")
    ws.write_number("A1", 3.15e23)
    ws.write_formula("B1", '=LEN("ab")+GPU_DAYS(A1,"H100",0.4)')
    ws.write_formula("B2", '=LEN("cd")+GPU_DAYS(A1,"A100",0.4)')
    wb.close()
    parts = _parts(path)
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    assert sheet.count('LEN("ab")') == 1 and sheet.count('LEN("cd")') == 1
    sheet = sheet.replace('LEN("ab")', 'LEN("a&#13;\nb")').replace('LEN("cd")', 'LEN("c_x000D_\nd")')
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    _write(path, parts)
    return [
        ("Calc", "B1", 4 + F["GPU_DAYS"](3.15e23, "H100", 0.4)),
        ("Calc", "B2", 4 + F["GPU_DAYS"](3.15e23, "A100", 0.4)),
    ]


def _encoded_sheet(path: Path, codec: str, declared: str, bom: bytes = b"") -> list:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Calc")
    ws.write_number("A1", 3.15e23)
    ws.write_formula("B1", '=IF(D1="x",0,0)+GPU_DAYS(A1,"H100",0.4)')
    ws.write_formula("B2", "=WEIGHTS_GB(A1/4.5E+12)")
    wb.close()
    parts = _parts(path)
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet = sheet.replace('D1="x"', 'D1="é"').replace(
        "</sheetData>", ('<row r="3"><c r="C3" t="inlineStr"><is><t>Coût, € non</t></is></c></row></sheetData>')
    )
    sheet = re.sub(r'encoding="UTF-8"', f'encoding="{declared}"', sheet, count=1)
    assert f'encoding="{declared}"' in sheet
    parts["xl/worksheets/sheet1.xml"] = bom + sheet.encode(codec, errors="xmlcharrefreplace")
    _write(path, parts)
    return [("Calc", "B1", F["GPU_DAYS"](3.15e23, "H100", 0.4)), ("Calc", "B2", F["WEIGHTS_GB"](3.15e23 / 4.5e12))]


def utf16_sheet(path: Path) -> list:
    """A worksheet part in UTF-16 with a byte-order mark, as its declaration says."""
    return _encoded_sheet(path, "utf-16-le", "UTF-16", b"\xff\xfe")


def latin1_sheet(path: Path) -> list:
    """A worksheet part in ISO-8859-1 (é and û as single bytes, € as a character reference)."""
    return _encoded_sheet(path, "iso-8859-1", "ISO-8859-1")
