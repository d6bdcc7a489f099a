"""What a workbook holds survives the hand-off: a chart, an image, a text box, comments, validations,
conditional formats, names, a table; whatever the copy could not carry is named before it exists."""

from __future__ import annotations

import base64
import hashlib
import zipfile

import openpyxl
import pytest
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table

from flopsheet.handoff import copy
from flopsheet.handoff.copy import handoff

PNG = base64.b64decode(  # a 1x1 transparent PNG
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
# Each anchor declares the prefixes it uses: openpyxl declares them on the drawing's root when it
# writes through the standard library, and on each element when it writes through lxml.
_DML = (
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
_PIC = (
    f"<oneCellAnchor {_DML}><from><col>8</col><colOff>0</colOff><row>1</row><rowOff>0</rowOff></from>"
    '<ext cx="952500" cy="952500"/><pic><nvPicPr><cNvPr id="7" name="Picture 1"/><cNvPicPr/></nvPicPr>'
    '<blipFill><a:blip r:embed="rIdImage1"/><a:stretch><a:fillRect/></a:stretch></blipFill>'
    '<spPr><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></spPr></pic><clientData/></oneCellAnchor>'
)
_TEXT_BOX = (
    f"<oneCellAnchor {_DML}><from><col>8</col><colOff>0</colOff><row>10</row><rowOff>0</rowOff></from>"
    '<ext cx="952500" cy="300000"/><sp macro="" textlink=""><nvSpPr><cNvPr id="8" name="TextBox 1"/>'
    '<cNvSpPr txBox="1"/></nvSpPr><spPr><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></spPr>'
    "<txBody><a:bodyPr/><a:p><a:r><a:t>note</a:t></a:r></a:p></txBody></sp><clientData/></oneCellAnchor>"
)


def rich_workbook(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Runs"
    ws.append(["run", "flops", "gpu", "days"])
    for i in range(1, 6):
        ws.append([f"run {i}", i * 1e23, "A100", f"=GPU_DAYS(B{i + 1},C{i + 1},Rate)"])
    ws.add_table(Table(displayName="RunTable", ref="A1:D6"))
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=6), titles_from_data=True)
    ws.add_chart(chart, "F2")
    ws["A2"].comment = Comment("the seed's first run", "analyst")
    dv = DataValidation(type="list", formula1='"A100,H100"', allow_blank=True)
    ws.add_data_validation(dv)
    dv.add("C2:C6")
    ws.conditional_formatting.add(
        "B2:B6", CellIsRule(operator="greaterThan", formula=["2E+23"], fill=PatternFill("solid", start_color="FFFF00"))
    )
    ws["F20"] = 0.462
    wb.defined_names["Rate"] = DefinedName("Rate", attr_text="Runs!$F$20")
    wb.save(path)
    # add an image and a text box to the chart's drawing, as Excel would store them
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    drawing = parts["xl/drawings/drawing1.xml"].decode()
    parts["xl/drawings/drawing1.xml"] = drawing.replace("</wsDr>", _PIC + _TEXT_BOX + "</wsDr>").encode()
    rels = parts["xl/drawings/_rels/drawing1.xml.rels"].decode()
    parts["xl/drawings/_rels/drawing1.xml.rels"] = rels.replace(
        "</Relationships>",
        (
            '<Relationship Id="rIdImage1" Target="/xl/media/image1.png" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"/></Relationships>'
        ),
    ).encode()
    types = parts["[Content_Types].xml"].decode()
    parts["[Content_Types].xml"] = types.replace(
        "<Default ", '<Default Extension="png" ContentType="image/png"/><Default ', 1
    ).encode()
    parts["xl/media/image1.png"] = PNG
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def test_everything_is_kept_or_named_before_the_copy_exists(tmp_path):
    src = rich_workbook(tmp_path / "rich.xlsx")
    before = copy.inventory(src)
    assert before["image"] == 1 and before["chart"] == 1 and before["shape or text box"] == 1
    digest = hashlib.sha256(src.read_bytes()).hexdigest()
    out = tmp_path / "copy.xlsx"
    warned = []

    def warn(line):
        warned.append((line, out.exists()))

    report = handoff(src, out, warn=warn)
    assert hashlib.sha256(src.read_bytes()).hexdigest() == digest  # the input is only read
    assert report.translated == 5

    after = copy.inventory(out)
    for kind in (
        "chart",
        "comment",
        "data validation",
        "conditional format",
        "defined name",
        "table",
        "image",
        "shape or text box",
    ):
        assert after.get(kind, 0) >= before[kind], f"{kind}: dropped ({warned})"
    assert not warned, warned
    assert all(not existed for _, existed in warned), "warnings must come before the copy is in place"
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(out) as b:
        for name in ("xl/drawings/drawing1.xml", "xl/charts/chart1.xml", "xl/media/image1.png", "xl/tables/table1.xml"):
            assert a.read(name) == b.read(name), name  # carried byte for byte
    wb = openpyxl.load_workbook(out)
    ws = wb["Runs"]
    assert "RunTable" in ws.tables
    assert ws["A2"].comment.text == "the seed's first run"
    assert ws.data_validations.dataValidation[0].formula1 == '"A100,H100"'
    assert len(ws.conditional_formatting) == 1
    assert wb.defined_names["Rate"].attr_text == "Runs!$F$20"
    from flopsheet.handoff.workings import expanded

    d2 = expanded(ws["D2"].value, lambda title, ref: wb[title][ref].value[1:])
    assert "Rate" in d2 and "GPU_DAYS" not in d2  # the name is read where the MFU used is worked out


def test_losses_are_counted_by_kind():
    from collections import Counter

    before = Counter({"image": 2, "chart": 1, "sheet": 3, "VBA project": 1, "comment": 4})
    after = Counter({"chart": 1, "sheet": 3, "comment": 3})
    assert copy.losses(before, after) == ["1 comment", "2 images"]
    assert copy.losses(Counter({"sheet": 4}), Counter({"sheet": 3}), Counter({"sheet": 1})) == []


@pytest.mark.parametrize(
    "text, fmt",
    [
        ("175B", '0,,,"B"'),
        ("1.4T", '0.0,,,,"T"'),
        ("46.2%", "0.0%"),
        ("1,000", "#,##0"),
        ("7e10", None),
        ("2.53万", None),
        ("12", None),
    ],
)
def test_magnitude_formats_read_as_typed(text, fmt):
    from flopsheet.handoff.formulacells import magnitude_format

    assert magnitude_format(text) == fmt


def test_names_are_translated_and_untranslatable_places_named(tmp_path):
    from openpyxl.formatting.rule import FormulaRule

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = 3.15e23
    wb.defined_names["Days"] = DefinedName("Days", attr_text='GPU_DAYS(Sheet!$A$1,"A100",0.462)')
    ws["B1"] = "=Days*2"
    ws.conditional_formatting.add(
        "A1", FormulaRule(formula=['GPU_DAYS($A$1,"A100")>1000'], fill=PatternFill("solid", start_color="FF0000"))
    )
    src, out = tmp_path / "names.xlsx", tmp_path / "names_copy.xlsx"
    wb.save(src)
    warned = []
    handoff(src, out, warn=warned.append)
    copy = openpyxl.load_workbook(out)
    name = copy.defined_names["Days"].attr_text
    assert "GPU_DAYS" not in name and "Sheet!$A$1" in name and '"A100 SXM 80GB"' in name
    assert any("conditional formats" in w and "#NAME?" in w for w in warned), warned
