"""The base .xlsm: xlwings' standalone quickstart, VBA untouched, conf sheet active."""

import hashlib
import zipfile

import openpyxl
import pytest

from flopsheet.template.base import (
    CONF_SHEET,
    MACRO_ENABLED_MAIN,
    load_base_workbook,
    quickstart_path,
    vba_project_bytes,
)


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def saved(tmp_path):
    before = _sha(quickstart_path())
    out = tmp_path / "x.xlsm"
    load_base_workbook().save(out)
    yield out
    assert _sha(quickstart_path()) == before, "quickstart template was modified"


def test_quickstart_is_the_installed_xlwings_file():
    path = quickstart_path()
    assert path.name == "quickstart_standalone.xlsm"
    assert path.parent.name == "xlwings" and path.is_file()


def test_vba_project_is_byte_identical(saved):
    assert vba_project_bytes(saved) == vba_project_bytes(quickstart_path())


def test_macro_enabled_content_type(saved):
    with zipfile.ZipFile(saved) as zf:
        types_xml = zf.read("[Content_Types].xml").decode()
    assert f'<Override PartName="/xl/workbook.xml" ContentType="{MACRO_ENABLED_MAIN}"' in types_xml
    assert "application/vnd.ms-office.vbaProject" in types_xml


def test_conf_sheet_is_active_and_points_at_flopsheet_udfs(saved):
    wb = openpyxl.load_workbook(saved)
    assert CONF_SHEET == "xlwings.conf"
    assert CONF_SHEET in wb.sheetnames
    assert not any(name.startswith("_xlwings") for name in wb.sheetnames)
    conf = wb[CONF_SHEET]
    # xlwings' GetConfigFromSheet reads column A from A1 down to the first blank.
    settings = {}
    row = 1
    while conf.cell(row, 1).value not in (None, ""):
        settings[conf.cell(row, 1).value.upper()] = conf.cell(row, 2).value
        row += 1
    assert settings["UDF MODULES"] == "flopsheet.udfs"
    assert "INTERPRETER_WIN" not in settings  # falls back to xlwings.conf / pythonw


def test_sheet_code_names_survive_for_vba_document_modules(saved):
    with zipfile.ZipFile(saved) as zf:
        workbook_xml = zf.read("xl/workbook.xml").decode()
        sheets = [zf.read(n).decode() for n in sorted(zf.namelist()) if n.startswith("xl/worksheets/sheet")]
    assert 'codeName="ThisWorkbook"' in workbook_xml
    assert any('codeName="Sheet1"' in s for s in sheets)
    assert any('codeName="Sheet2"' in s for s in sheets)


def test_custom_udf_modules(tmp_path):
    out = tmp_path / "y.xlsm"
    load_base_workbook("flopsheet.udfs;other.mod").save(out)
    conf = openpyxl.load_workbook(out)[CONF_SHEET]
    assert conf["A1"].value == "UDF Modules"
    assert conf["B1"].value == "flopsheet.udfs;other.mod"


def test_core_properties_are_flopsheets_not_the_quickstart_files(saved):
    # File > Info in Excel: the author and dates were xlwings' quickstart file's ("Felix", created 2015)
    with zipfile.ZipFile(saved) as zf:
        core = zf.read("docProps/core.xml").decode("utf-8")
    assert ">flopsheet</dc:creator>" in core and "<cp:lastModifiedBy>flopsheet</cp:lastModifiedBy>" in core
    assert "Felix" not in core and "2015-" not in core
    assert "flopsheet: AI compute estimates" in core
