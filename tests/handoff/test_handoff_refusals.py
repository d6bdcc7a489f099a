"""`flopsheet handoff` and `flopsheet evaluate` refuse hostile input and bad destinations with one
line and a non-zero exit, write atomically, and never touch the input. (The detailed checks of
hostile workbooks are tests/test_untrusted.py's; here: that both commands use them first.)"""

from __future__ import annotations

import hashlib

import openpyxl
import pytest

from flopsheet.cli import main
from hostile_zip import rezip

SHEET = "xl/worksheets/sheet1.xml"
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(f' <!ENTITY lol{i} "{("&lol" + str(i - 1 if i > 1 else "") + ";") * 10}">\n' for i in range(1, 10))
    + f"]>\n<worksheet {NS}><sheetData/>&lol9;</worksheet>"
).encode()
DIMENSION = (
    f'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet {NS}><dimension ref="A1:XFE1048577"/>'
    '<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>'
).encode()


@pytest.fixture
def good(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "175B"
    ws["B1"] = '=TRAIN_FLOPS(A1,"300B")'
    path = tmp_path / "good.xlsx"
    wb.save(path)
    return path


def _hostile(kind, good, tmp_path):
    path = tmp_path / f"{kind}.xlsx"
    if kind == "not a zip":
        path.write_text("name,params\nGPT-3,175B\n")
    elif kind == "zip bomb":
        rezip(good, path, add={"xl/media/zeros.bin": bytes(201 << 20)})  # over the part limit, ~1000:1
    elif kind == "billion laughs":
        rezip(good, path, {SHEET: LAUGHS})
    elif kind == "dimension bomb":
        rezip(good, path, {SHEET: DIMENSION})
    elif kind == "truncated":
        data = good.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    return path


def _one_line_refusal(capsys, argv, *needles):
    code = main(argv)
    err = capsys.readouterr().err.strip()
    assert code != 0, err
    assert err.count("\n") == 0 and err.startswith("flopsheet: "), err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in err, err
    return err


@pytest.mark.parametrize("kind", ["not a zip", "zip bomb", "billion laughs", "dimension bomb", "truncated"])
@pytest.mark.parametrize("command", ["handoff", "evaluate"])
def test_hostile_workbooks_refused_before_parsing(kind, command, good, tmp_path, capsys, monkeypatch):
    import flopsheet.handoff.evaluate as ev

    monkeypatch.setattr(ev, "find_soffice", lambda: "/usr/bin/true")  # refused before LibreOffice matters
    path = _hostile(kind, good, tmp_path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    out = tmp_path / "out.xlsx"
    _one_line_refusal(capsys, [command, str(path), "-o", str(out)])
    assert not out.exists()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    assert not list(tmp_path.glob(".flopsheet-*"))


def test_output_equal_to_input_refused_even_with_force(good, capsys):
    _one_line_refusal(capsys, ["handoff", str(good), "-o", str(good), "--force"], "is the input file")
    _one_line_refusal(capsys, ["evaluate", str(good), "--csv", str(good), "--force"], "is the input file")


def test_existing_output_needs_force(good, tmp_path, capsys):
    out = tmp_path / "copy.xlsx"
    out.write_bytes(b"precious")
    _one_line_refusal(capsys, ["handoff", str(good), "-o", str(out)], "--force")
    assert out.read_bytes() == b"precious"
    assert main(["handoff", str(good), "-o", str(out), "--force"]) == 0
    assert openpyxl.load_workbook(out)["Sheet"]["B1"].value.startswith("=IFERROR(IF(")


def test_output_must_be_xlsx(good, tmp_path, capsys):
    _one_line_refusal(capsys, ["handoff", str(good), "-o", str(tmp_path / "copy.xlsm")], ".xlsx")


def test_missing_input(tmp_path, capsys):
    _one_line_refusal(
        capsys, ["handoff", str(tmp_path / "nope.xlsx"), "-o", str(tmp_path / "o.xlsx")], "does not exist"
    )


@pytest.mark.parametrize("interrupt", [OSError("disk full"), KeyboardInterrupt()])
def test_failure_half_way_leaves_nothing(good, tmp_path, monkeypatch, interrupt):
    import flopsheet.handoff.copy as copy_module

    real_write = copy_module._write

    def write_then_fail(*args, **kwargs):
        real_write(*args, **kwargs)  # the temporary file is complete...
        raise interrupt  # ...and then the process is interrupted

    monkeypatch.setattr(copy_module, "_write", write_then_fail)
    from flopsheet.handoff.copy import handoff

    out = tmp_path / "copy.xlsx"
    with pytest.raises(type(interrupt)):
        handoff(good, out)
    assert not out.exists() and not list(tmp_path.glob(".flopsheet-*"))


def test_evaluate_without_libreoffice_says_how_to_install(good, tmp_path, capsys, monkeypatch):
    import flopsheet.handoff.evaluate as ev

    monkeypatch.setattr(ev, "find_soffice", lambda: None)
    _one_line_refusal(capsys, ["evaluate", str(good), "--csv", str(tmp_path / "v.csv")], "LibreOffice", "install")
    assert not (tmp_path / "v.csv").exists()
