"""tools.packagecheck: every rule Excel enforces beyond the schemas is shown to fail on a
deliberately broken package, and a normal workbook passes."""

from __future__ import annotations

import re
import zipfile

import openpyxl
import pytest
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from hostile_zip import rezip
from tools.packagecheck import (
    MACRO_WORKBOOK,
    PLAIN_WORKBOOK,
    check_package,
    defined_name_problem,
    nesting_depth,
    sheet_name_problem,
)

WB, SHEET = "xl/workbook.xml", "xl/worksheets/sheet1.xml"


@pytest.fixture
def good(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Inputs"
    ws["A1"], ws["A2"] = 1, "=IF(A1>0,ROUND(A1,2),0)"
    dv = DataValidation(type="list", formula1='"A100,H100"')
    ws.add_data_validation(dv)
    dv.add("B1")
    wb.create_sheet("Other")["A1"] = "=Inputs!A1"
    wb.defined_names["Rate"] = DefinedName("Rate", attr_text="Inputs!$A$1")
    path = tmp_path / "good.xlsx"
    wb.save(path)
    return path


def _part(path, name) -> str:
    with zipfile.ZipFile(path) as zf:
        return zf.read(name).decode()


def _edited(good, tmp_path, part, old, new, name="bad.xlsx"):
    text = _part(good, part)
    assert old in text, (old, text[:500])
    return rezip(good, tmp_path / name, {part: text.replace(old, new, 1).encode()})


def _one(path, *needles):
    problems = check_package(path)
    assert len(problems) == 1, problems
    for needle in needles:
        assert needle in problems[0], problems[0]
    return problems[0]


def test_normal_workbook_passes(good):
    assert check_package(good) == []


# --- sheet names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, needle",
    [
        ("x" * 32, "32 characters"),
        ("a/b", "/"),
        ("Q1?", "?"),
        ("[x]", "["),
        ("a:b", ":"),
        ("a*", "*"),
        ("a\\b", "\\"),
        ("   ", "blank"),
        ("'quoted", "apostrophe"),
    ],
)
def test_bad_sheet_names(good, tmp_path, name, needle):
    escaped = name.replace("&", "&amp;")
    _one(_edited(good, tmp_path, WB, 'name="Other"', f'name="{escaped}"'), WB, needle)


def test_sheet_names_at_the_limit_pass(good, tmp_path):
    assert check_package(_edited(good, tmp_path, WB, 'name="Other"', f'name="{"x" * 31}"')) == []
    assert sheet_name_problem("It's fine") is None and sheet_name_problem("2024") is None


def test_sheet_names_unique_ignoring_case(good, tmp_path):
    _one(_edited(good, tmp_path, WB, 'name="Other"', 'name="INPUTS"'), "'Inputs' and 'INPUTS'", "case")


# --- defined names -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, needle",
    [
        ("A1", "cell reference"),
        ("xfd1048576", "cell reference"),
        ("R1C1", "R1C1"),
        ("r", "R1C1"),
        ("C12", "cell reference"),
        ("has space", "not a valid name"),
        ("1st", "not a valid name"),
        ("a-b", "not a valid name"),
        ("", "blank"),
        ("n" * 256, "256 characters"),
    ],
)
def test_bad_defined_names(good, tmp_path, name, needle):
    _one(_edited(good, tmp_path, WB, 'name="Rate"', f'name="{name}"'), WB, needle)


@pytest.mark.parametrize("name", ["Rate", "_xlnm.Print_Area", "\\back", "XFE1", "A1048577", "Übersicht", "r_1.c"])
def test_good_defined_names(name):
    assert defined_name_problem(name) is None


def test_defined_name_twice_in_one_scope(good, tmp_path):
    text = _part(good, WB)
    twice = re.sub(r"(<definedName [^>]*>[^<]*</definedName>)", r"\1\1", text)
    _one(rezip(good, tmp_path / "twice.xlsx", {WB: twice.encode()}), "defined twice")


# --- validations and formulas --------------------------------------------------------------


def test_list_validation_over_255_characters(good, tmp_path):
    long_list = ",".join(f"GPU{i:03d}" for i in range(40))  # 279 characters
    path = _edited(good, tmp_path, SHEET, '"A100,H100"', f'"{long_list}"')
    _one(path, SHEET, "list validation on B1", "279 characters", "255")
    at_limit = "x" * 255
    assert check_package(_edited(good, tmp_path, SHEET, '"A100,H100"', f'"{at_limit}"', name="ok.xlsx")) == []


def test_formula_over_8192_characters(good, tmp_path):
    long = "+".join(["A1"] * 2800)  # 8,399 characters
    _one(_edited(good, tmp_path, SHEET, "<f>IF(A1&gt;0,ROUND(A1,2),0)</f>", f"<f>{long}</f>"), "8,399", "8,192")


def test_formula_nested_65_deep(good, tmp_path):
    deep = "ABS(" * 65 + "1" + ")" * 65
    _one(_edited(good, tmp_path, SHEET, "<f>IF(A1&gt;0,ROUND(A1,2),0)</f>", f"<f>{deep}</f>"), "nests 65", "64")
    ok = "ABS(" * 64 + "1" + ")" * 64
    assert (
        check_package(
            _edited(good, tmp_path, SHEET, "<f>IF(A1&gt;0,ROUND(A1,2),0)</f>", f"<f>{ok}</f>", name="ok.xlsx")
        )
        == []
    )


def test_defined_name_formula_is_checked_too(good, tmp_path):
    _one(_edited(good, tmp_path, WB, "Inputs!$A$1", "ABS(" * 70 + "1" + ")" * 70), "'Rate'", "nests 70")


def test_nesting_ignores_strings_sheet_names_and_grouping():
    assert nesting_depth('IF("((((",1,2)') == 1
    assert nesting_depth("SUM('a(b'!A1:A2)") == 1
    assert nesting_depth("((((1+2))))*ROUND(_xlfn.XLOOKUP(1,A:A,B:B),2)") == 2
    assert nesting_depth('"say ""(("""&LEN(A1)') == 1


# --- relationships and content types -------------------------------------------------------


def test_relationship_to_a_missing_part(good, tmp_path):
    rels = "xl/_rels/workbook.xml.rels"
    path = _edited(good, tmp_path, rels, "worksheets/sheet2.xml", "worksheets/sheet9.xml")
    _one(path, rels, "worksheets/sheet9.xml", "not in the package")


def test_absolute_and_external_targets(good, tmp_path):
    rels = "xl/_rels/workbook.xml.rels"
    relative = _edited(good, tmp_path, rels, 'Target="/xl/worksheets/sheet2.xml"', 'Target="worksheets/sheet2.xml"')
    assert check_package(relative) == []
    # relative to the source part's folder (xl/), so ../styles.xml is a part at the root: missing
    _one(
        _edited(good, tmp_path, rels, 'Target="styles.xml"', 'Target="../styles.xml"', name="up.xlsx"), "../styles.xml"
    )
    text = _part(good, rels).replace(
        "</Relationships>",
        (
            '<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'hyperlink" Target="https://example.com/nowhere.xml" TargetMode="External"/></Relationships>'
        ),
    )
    assert check_package(rezip(good, tmp_path / "ext.xlsx", {rels: text.encode()})) == []


def test_xlsm_needs_the_macro_enabled_type(good, tmp_path):
    as_xlsm = rezip(good, tmp_path / "plain.xlsm")
    _one(as_xlsm, "[Content_Types].xml", MACRO_WORKBOOK)
    macro = _part(good, "[Content_Types].xml").replace(PLAIN_WORKBOOK, MACRO_WORKBOOK)
    assert check_package(rezip(good, tmp_path / "macro.xlsm", {"[Content_Types].xml": macro.encode()})) == []
    _one(rezip(good, tmp_path / "macro.xlsx", {"[Content_Types].xml": macro.encode()}), PLAIN_WORKBOOK)
