"""Excel opens it: every workbook the project writes, and the fixtures the tests build, pass
Microsoft's Open XML SDK validator and tools/packagecheck.py (tests/ooxml.py) with zero problems
(bar the one known-harmless <font> child order openpyxl writes). The validator itself is shown
to catch what it must."""

from __future__ import annotations

import importlib.util
import re
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

import ooxml
from flopsheet.handoff.copy import handoff
from flopsheet.template import build_template
from hostile_zip import rezip

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"


def _module(relpath: str, name: str):
    spec = importlib.util.spec_from_file_location(name, TESTS / relpath)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


# --- the validator can fail ----------------------------------------------------------------


@pytest.fixture
def plain(tmp_path):
    wb = openpyxl.Workbook()
    wb.active["A1"] = 1
    wb.active["A1"].font = openpyxl.styles.Font(bold=True, color="FF0000")
    path = tmp_path / "plain.xlsx"
    wb.save(path)
    return path


def test_openpyxl_font_order_is_the_only_thing_ignored(plain):
    raw = ooxml.sdk_findings(plain)
    assert raw, "openpyxl's <font> child order should be flagged by the SDK (else drop the exception)"
    assert all(ooxml.is_font_order_finding(*f) for f in raw), raw
    assert ooxml.validate(plain) == []


def _styles(path) -> str:
    with zipfile.ZipFile(path) as zf:
        return zf.read("xl/styles.xml").decode()


def test_schema_errors_are_reported(plain, tmp_path):
    bad_cell = rezip(
        plain,
        tmp_path / "cell.xlsx",
        {
            "xl/worksheets/sheet1.xml": (
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                b'<row r="1"><c r="A1" t="bogus"><v>1</v></c></row></sheetData></worksheet>'
            )
        },
    )
    problems = ooxml.validate(bad_cell)
    assert len(problems) == 1 and "/xl/worksheets/sheet1.xml" in problems[0] and "bogus" in problems[0], problems


def test_a_font_with_a_foreign_or_repeated_child_is_reported(plain, tmp_path):
    styles = _styles(plain)
    bold = re.search(r'<b val="1"\s*/>', styles).group(
        0
    )  # openpyxl writes `<b val="1" />`, or with lxml `<b val="1"/>`
    foreign = rezip(plain, tmp_path / "foreign.xlsx", {"xl/styles.xml": styles.replace(bold, "<fill/>", 1).encode()})
    assert any("fill" in p for p in ooxml.validate(foreign)), ooxml.validate(foreign)
    twice = rezip(plain, tmp_path / "twice.xlsx", {"xl/styles.xml": styles.replace(bold, bold * 2, 1).encode()})
    assert any("<b> appears 2 times" in p for p in ooxml.validate(twice)), ooxml.validate(twice)


def test_package_rules_are_part_of_validate(plain, tmp_path):
    renamed = rezip(plain, tmp_path / "plain.xlsm")  # an .xlsx package named .xlsm
    assert any("macroEnabled" in p for p in ooxml.validate(renamed))


def test_unopenable_package_is_a_problem_not_a_crash(plain, tmp_path):
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(tmp_path / "no-types.xlsx", "w") as zout:
        for info in zin.infolist():
            if info.filename != "[Content_Types].xml":
                zout.writestr(info, zin.read(info))
    found = ooxml.sdk_findings(tmp_path / "no-types.xlsx")
    assert found and found[0][0] == "(package)", found


@pytest.mark.parametrize("ci, outcome", [("true", pytest.fail.Exception), ("", pytest.skip.Exception)])
def test_a_missing_validator_fails_under_ci_and_skips_elsewhere(monkeypatch, ci, outcome):
    def unavailable():
        raise ooxml.ValidatorUnavailable("no runtime here")

    monkeypatch.setattr(ooxml, "_sdk", unavailable)
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match="no runtime here"):
        ooxml.validate(ROOT / "workbook" / "flopsheet.xlsx")


# --- what the project writes ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["flopsheet.xlsm", "flopsheet.xlsx"])
def test_committed_workbooks(name):
    ooxml.assert_valid(ROOT / "workbook" / name)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    path = tmp_path_factory.mktemp("opens") / "flopsheet.xlsm"
    build_template(path)
    return path


def test_fresh_template(template):
    ooxml.assert_valid(template)


def test_handoff_of_the_template(template, tmp_path):
    out = tmp_path / "handoff.xlsx"
    handoff(template, out)
    ooxml.assert_valid(out)


def test_handoff_of_the_template_recalculated(template_handed_off, soffice):
    _, out, _ = template_handed_off  # a fresh template's hand-off with --recalc (conftest.py)
    ooxml.assert_valid(out)


def test_handoff_fixture_and_its_copy(tmp_path):
    cases = _module("handoff/handoff_cases.py", "handoff_cases_for_opens")
    src, out = tmp_path / "fixture.xlsx", tmp_path / "copy.xlsx"
    cases.build(src)
    ooxml.assert_valid(src)
    handoff(src, out)
    ooxml.assert_valid(out)


def _rich(tmp_path):
    roundtrip = _module("handoff/test_handoff_roundtrip.py", "handoff_roundtrip_for_opens")
    return roundtrip.rich_workbook(tmp_path / "rich.xlsx")


def test_rich_roundtrip_fixture(tmp_path):
    ooxml.assert_valid(_rich(tmp_path))


# The copy once failed here (openpyxl re-serialised a picture's <a:prstGeom> with an unprefixed
# <avLst/>); the hand-off now edits the package and carries the drawing part byte for byte.
def test_rich_roundtrip_copy(tmp_path):
    out = tmp_path / "copy.xlsx"
    handoff(_rich(tmp_path), out)
    problems = ooxml.validate(out)
    assert problems == [], problems


def test_evaluate_output(tmp_path, soffice):
    from flopsheet.handoff.evaluate import evaluate

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["A2"] = '=GPU_DAYS(3.15E+23,"A100",0.462)', "=A1*2"
    ws["B1"], ws["B2"] = "=1/0", "=1+1"
    ws["C1"] = "=TRAIN_FLOPS(D1,D2)"
    ws["D1"], ws["D2"] = "175B", "300B"
    src, out = tmp_path / "in.xlsx", tmp_path / "values.xlsx"
    wb.save(src)
    evaluate(src, out, tmp_path / "values.csv")
    ooxml.assert_valid(src)
    ooxml.assert_valid(out)


def test_untrusted_fixture(tmp_path):
    untrusted = _module("test_untrusted.py", "untrusted_for_opens")
    ooxml.assert_valid(untrusted.good.__wrapped__(tmp_path))


def test_xlsxwriter_fixture(tmp_path):
    xlsxwriter = pytest.importorskip("xlsxwriter")
    path = tmp_path / "writer.xlsx"
    with xlsxwriter.Workbook(path) as wb:
        ws = wb.add_worksheet("Runs")
        ws.write_row(0, 0, ["flops", "gpu", "days"])
        ws.write_row(1, 0, [3.15e23, "A100"])
        ws.write_formula(1, 2, "=GPU_DAYS(A2,B2,0.462)")
        ws.data_validation(1, 1, 1, 1, {"validate": "list", "source": ["A100", "H100"]})
        wb.define_name("Rate", "=Runs!$C$2")
    ooxml.assert_valid(path)
