"""Ctrl-C or a crash half way through writing leaves no partial output and the old file intact."""

import openpyxl
import pytest

from flopsheet.cli import main


def _interrupting_save(exc):
    real_save = openpyxl.Workbook.save

    def save(self, filename):
        real_save(self, filename)  # a real file is half way to the target...
        with open(filename, "r+b") as fh:
            fh.truncate(100)  # ...and then the process is interrupted mid-write
        raise exc

    return save


@pytest.mark.parametrize("exc,code", [(KeyboardInterrupt(), 130), (MemoryError(), 1)])
def test_interrupted_template_leaves_nothing(tmp_path, monkeypatch, capsys, exc, code):
    out = tmp_path / "model.xlsm"
    monkeypatch.setattr(openpyxl.Workbook, "save", _interrupting_save(exc))
    assert main(["template", "-o", str(out)]) == code
    assert list(tmp_path.iterdir()) == []
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_interrupted_overwrite_keeps_the_old_file(tmp_path, monkeypatch):
    out = tmp_path / "model.xlsm"
    assert main(["template", "-o", str(out)]) == 0
    copy = out.with_suffix(".xlsx")  # the hand-off copy written beside it
    before, copy_before = out.read_bytes(), copy.read_bytes()
    monkeypatch.setattr(openpyxl.Workbook, "save", _interrupting_save(KeyboardInterrupt()))
    assert main(["template", "-o", str(out), "--force"]) == 130
    assert out.read_bytes() == before and copy.read_bytes() == copy_before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.xlsm", "model.xlsx"]


def test_existing_file_is_refused_without_force(tmp_path, capsys):
    out = tmp_path / "model.xlsm"
    out.write_bytes(b"mine")
    assert main(["template", "-o", str(out)]) == 2
    assert out.read_bytes() == b"mine"
    err = capsys.readouterr().err
    assert "--force" in err and len(err.strip().splitlines()) == 1
