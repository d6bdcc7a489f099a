"""`python -m tools.regenerate` rewrites every generated file: run on a scratch copy of the repository's
hand-written parts, it reproduces the committed udfs.py, callnames.py, workbook/lite/, docs/functions.md and both READMEs exactly,
and writes both editions' workbooks and copies."""

from pathlib import Path

from tools.regenerate import main, regenerate

ROOT = Path(__file__).resolve().parents[1]


def test_regenerate_reproduces_the_committed_files(tmp_path, soffice):
    (tmp_path / "addin" / "flopsheet").mkdir(parents=True)
    (tmp_path / "docs").mkdir()
    (tmp_path / "workbook").mkdir()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    stale = readme.replace("| [`GPU_DAYS(", "| [`STALE_GPU_DAYS(")
    assert stale != readme
    (tmp_path / "README.md").write_text(stale, encoding="utf-8")
    import re

    workbook_readme = (ROOT / "workbook" / "README.md").read_text(encoding="utf-8")
    emptied = re.sub(r"(<!-- BEGIN sheets -->).*?(<!-- END sheets -->)", r"\1\n\2", workbook_readme, flags=re.S)
    assert emptied != workbook_readme
    (tmp_path / "workbook" / "README.md").write_text(emptied, encoding="utf-8")
    written = []
    regenerate(tmp_path, renders=False, log=written.append)
    for rel in (
        "addin/flopsheet/udfs.py",
        "addin/flopsheet/callnames.py",
        "addin/flopsheet/editions/wording.json",
        "workbook/lite/main.py",
        "workbook/lite/requirements.txt",
        "docs/functions.md",
        "README.md",
        "workbook/README.md",
    ):
        assert (tmp_path / rel).read_text(encoding="utf-8") == (ROOT / rel).read_text(encoding="utf-8"), rel
    for rel in (
        "workbook/flopsheet.xlsm",
        "workbook/flopsheet.xlsx",
        "workbook/flopsheet-zh-CN.xlsm",
        "workbook/flopsheet-zh-CN.xlsx",
    ):
        assert (tmp_path / rel).stat().st_size > 10_000, rel
    assert len(written) == 12


def test_regenerate_refuses_a_folder_that_is_not_the_repository(tmp_path, capsys):
    assert main(["--root", str(tmp_path)]) != 0
    assert "not the repository root" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
