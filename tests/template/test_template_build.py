"""`flopsheet template`: the file it writes (macro-enabled, xlwings' VBA, active conf sheet),
what it prints, and that it never writes over a file without --force."""

import os
import subprocess
import sys
import time
import zipfile

import openpyxl
import pytest

from flopsheet.cli import main
from flopsheet.errors import FlopsheetError
from flopsheet.template import SHEET_ORDER, Summary, build_template, build_workbook
from flopsheet.template.base import CONF_SHEET, MACRO_ENABLED_MAIN, quickstart_path, vba_project_bytes


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "flopsheet.xlsm"
    summary = build_template(path)
    return path, summary


def test_vba_part_is_byte_identical_to_xlwings_own(built):
    path, _ = built
    assert vba_project_bytes(path) == vba_project_bytes(quickstart_path())


def test_content_type_is_macro_enabled(built):
    path, _ = built
    with zipfile.ZipFile(path) as zf:
        types = zf.read("[Content_Types].xml").decode()
    assert f'<Override PartName="/xl/workbook.xml" ContentType="{MACRO_ENABLED_MAIN}"' in types
    assert "application/vnd.ms-office.vbaProject" in types


def test_xlwings_conf_is_active_and_names_flopsheet_udfs(built):
    path, _ = built
    wb = openpyxl.load_workbook(path, keep_vba=True)
    assert CONF_SHEET in wb.sheetnames and "_xlwings.conf" not in wb.sheetnames
    conf = wb[CONF_SHEET]
    settings, row = {}, 1
    while conf.cell(row, 1).value not in (None, ""):  # how xlwings' VBA reads it: A1 down to a blank
        settings[str(conf.cell(row, 1).value).upper()] = conf.cell(row, 2).value
        row += 1
    assert settings["UDF MODULES"] == "flopsheet.udfs"


def test_sheets_in_order_and_vba_code_names_kept(built):
    path, _ = built
    wb = openpyxl.load_workbook(path, keep_vba=True)
    assert wb.sheetnames == [*SHEET_ORDER, CONF_SHEET]
    # The quickstart's Sheet1 is a VBA document module: reused (as Start), never dropped.
    assert wb["Start"].sheet_properties.codeName == "Sheet1"
    assert wb.active.title == "Start"
    assert [ws.title for ws in wb.worksheets if ws.sheet_view.tabSelected] == ["Start"]


def test_summary_covers_every_scenario(built):
    _, summary = built
    text = summary.text()
    for needle in (
        "GPT-3 175B (seed)",
        "25,293 GPU-days",
        "777,768",
        "388,884",
        "Chinchilla-optimal 70B",
        "DeepSeek-V3",
        "whole answer on 8 GPUs",
        "Kimi K2, 2M Chinese characters",
        "DeepSeek-V3 on 8 H200s (FP8)",
        "MagicVideo-V2",
        "Seed check:",
    ):
        assert needle in text, needle
    assert len(text.splitlines()) < 30  # a short summary, not a dump


def test_refuses_to_overwrite_without_force(tmp_path):
    target = tmp_path / "mine.xlsm"
    target.write_bytes(b"precious work")
    with pytest.raises(FlopsheetError, match="exists; use --force"):
        build_template(target)
    assert target.read_bytes() == b"precious work"
    assert os.listdir(tmp_path) == ["mine.xlsm"]  # no temp file left behind
    build_template(target, force=True)
    assert zipfile.is_zipfile(target)


def test_refuses_a_name_that_cannot_hold_macros(tmp_path):
    with pytest.raises(FlopsheetError, match=r"\.xlsm"):
        build_template(tmp_path / "flopsheet.xlsx")
    assert os.listdir(tmp_path) == []


def test_cli_default_name_and_printed_summary(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["template"]) == 0
    out = capsys.readouterr().out
    assert (tmp_path / "flopsheet.xlsm").is_file()
    # What it prints is the Python engine's computation of the workbook's scenarios.
    _, ctx = build_workbook()
    expected = Summary(None, sorted(ctx.outputs, key=lambda o: SHEET_ORDER.index(o.sheet))).text()
    lines = out.splitlines()
    assert lines[0].startswith("Wrote flopsheet.xlsm")
    assert "\n".join(lines[1:-3]) == expected
    # ... then the hand-off copy beside it, and which file to open where.
    assert (tmp_path / "flopsheet.xlsx").is_file()
    assert lines[-2].startswith("Wrote flopsheet.xlsx, the hand-off copy")
    assert "flopsheet.xlsm in Excel for Windows with the add-in" in lines[-1]
    assert "open flopsheet.xlsx everywhere else" in lines[-1]


def test_cli_refusal_is_one_line_and_leaves_the_file(tmp_path):
    target = tmp_path / "x.xlsm"
    target.write_bytes(b"keep me")
    r = subprocess.run(
        [sys.executable, "-m", "flopsheet", "template", "-o", str(target)], capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [f"flopsheet: output {target} exists; use --force to overwrite"]
    assert target.read_bytes() == b"keep me"


def test_wall_time_of_the_command(tmp_path):
    """Benchmark (printed, never asserted): the whole command, interpreter start included."""
    target = tmp_path / "t.xlsm"
    started = time.perf_counter()
    r = subprocess.run(
        [sys.executable, "-m", "flopsheet", "template", "-o", str(target)], capture_output=True, text=True, timeout=120
    )
    elapsed = time.perf_counter() - started
    assert r.returncode == 0, r.stderr
    print(f"\nflopsheet template: {elapsed:.2f} s wall (target < 2 s); {r.stdout.splitlines()[0]}")


def test_cli_writes_the_copy_without_libreoffice_and_says_so(tmp_path, monkeypatch, capsys):
    import flopsheet.recalc

    monkeypatch.setattr(flopsheet.recalc, "find_soffice", lambda: None)
    monkeypatch.chdir(tmp_path)
    assert main(["template", "--lang", "zh-CN"]) == 0
    out = capsys.readouterr().out
    assert (tmp_path / "flopsheet-zh-CN.xlsm").is_file() and (tmp_path / "flopsheet-zh-CN.xlsx").is_file()
    assert "without cached values (LibreOffice is not installed" in out
    assert "open flopsheet-zh-CN.xlsx everywhere else" in out


def test_cli_refuses_an_existing_copy_before_writing_anything(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "flopsheet.xlsx").write_bytes(b"mine")
    assert main(["template"]) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["flopsheet.xlsx"]
    assert (tmp_path / "flopsheet.xlsx").read_bytes() == b"mine"


def test_cli_no_copy_writes_the_xlsm_only(tmp_path, capsys):
    out = tmp_path / "model.xlsm"
    assert main(["template", "-o", str(out), "--no-copy"]) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["model.xlsm"]
    assert "hand-off copy" not in capsys.readouterr().out
