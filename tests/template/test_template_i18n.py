"""The Chinese edition: every English text the build writes has a Chinese string; both editions have
the same cells, names and formulas; the 万/亿 and B/T number formats read as intended in LibreOffice
and Gnumeric."""

from __future__ import annotations

import re
import subprocess

import openpyxl
import pytest

from flopsheet.template import build_workbook, i18n
from flopsheet.template.i18n import zh_CN

CJK = re.compile(r"[\u4e00-\u9fff]")


def _english_texts() -> list[str]:
    with i18n.recording() as seen:
        build_workbook()
        build_workbook(audience="copy")
    return list(dict.fromkeys(seen))


def test_every_english_text_has_a_chinese_string():
    texts = _english_texts()
    assert len(texts) > 400  # the recorder sees the whole build
    missing = [t for t in texts if t not in zh_CN.STRINGS and t not in zh_CN.SAME]
    assert missing == [], f"{len(missing)} texts without Chinese, e.g. {missing[:3]}"
    # Wording is translated, not copied: only citations, numbers and code-like text may stay as they are.
    unchanged = [t for t in texts if zh_CN.STRINGS.get(t) == t]
    assert all(not re.search(r"[a-z]{3,} [a-z]{3,} [a-z]{3,}", t) or "," not in t for t in unchanged), unchanged
    stale = set(zh_CN.STRINGS) - set(texts)
    assert stale == set(), f"entries no build writes (English changed?): {sorted(stale)[:3]}"


def test_the_check_can_fail():
    with i18n.recording() as seen:
        i18n.tr("A text nobody translated")
    assert seen == ["A text nobody translated"] and seen[0] not in zh_CN.STRINGS


def _cells(wb):
    return {
        (ws.title, c.coordinate): c
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value is not None
    }


@pytest.mark.parametrize("audience", ["addin", "copy"])
def test_both_editions_have_identical_formulas_cell_by_cell(audience):
    en, _ = build_workbook(audience=audience)
    zh, _ = build_workbook(lang="zh-CN", audience=audience)
    assert en.sheetnames == zh.sheetnames
    assert {n: d.attr_text for n, d in en.defined_names.items()} == {
        n: d.attr_text for n, d in zh.defined_names.items()
    }
    e, z = _cells(en), _cells(zh)
    assert set(e) == set(z)  # the same cells hold something
    formulas = [k for k, c in e.items() if isinstance(c.value, str) and c.value.startswith("=")]
    assert len(formulas) > 300
    assert [k for k in formulas if z[k].value != e[k].value] == []
    assert {k for k, c in z.items() if isinstance(c.value, str) and c.value.startswith("=")} == set(formulas)
    # ...and the words differ: titles, headers and notes are Chinese.
    assert CJK.search(z[("Start", "A1")].value) and CJK.search(z[("Training", "A4")].value)
    for ws_e, ws_z in zip(en.worksheets, zh.worksheets):
        assert [(dv.sqref, dv.formula1) for dv in ws_e.data_validations.dataValidation] == [
            (dv.sqref, dv.formula1) for dv in ws_z.data_validations.dataValidation
        ]
    prompts = [dv.prompt or dv.error for ws in zh.worksheets for dv in ws.data_validations.dataValidation]
    assert prompts and all(CJK.search(p) for p in prompts)


def test_the_copy_wording_describes_the_copy():
    copy, _ = build_workbook(audience="copy")
    text = " ".join(str(c.value) for c in _cells(copy).values())
    assert "=FLOPSHEET_VERSION()" not in text and "Add-in status" not in text
    assert "until the add-in is on" not in text and "How to use this copy" in text
    addin, _ = build_workbook()
    assert "=FLOPSHEET_VERSION()" in " ".join(str(c.value) for c in _cells(addin).values())


def _shown(path, soffice=None, gnumeric=None, out=None):
    """The sheet's cells as the engine displays them (CSV "as shown")."""
    if soffice:
        subprocess.run(
            [
                soffice,
                "--headless",
                "--convert-to",
                "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true",
                "--outdir",
                str(out),
                str(path),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        return (out / (path.stem + ".csv")).read_text(encoding="utf-8").splitlines()
    dst = out / (path.stem + "-g.csv")
    subprocess.run(
        [gnumeric, "--export-type=Gnumeric_stf:stf_assistant", "-O", "format=preserve", str(path), str(dst)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return dst.read_text(encoding="utf-8").splitlines()


VALUES = (300e9, 14.8e12, 175e9, 25300.0, 999.0)
EXPECTED = {
    "en": ["300.0B", "14.8T", "175.0B", "25,300", "999"],
    "zh-CN": ["3000.00亿", "148000.00亿", "1750.00亿", "2.5万", "999"],
}


@pytest.fixture(scope="module")
def formats_file(tmp_path_factory):
    from flopsheet.template import styles as st

    wb = openpyxl.Workbook()
    ws = wb.active
    for col, lang in enumerate(EXPECTED, start=1):
        with i18n.edition(lang):
            for row, v in enumerate(VALUES, start=1):
                ws.cell(row, col).value = v
                ws.cell(row, col).number_format = i18n.number_format(st.TOKENS)
    path = tmp_path_factory.mktemp("formats") / "formats.xlsx"
    wb.save(path)
    return path


def _columns(lines):
    import csv

    rows = list(csv.reader(lines))
    return {lang: [r[i] for r in rows[: len(VALUES)]] for i, lang in enumerate(EXPECTED)}


def test_number_formats_read_as_intended_in_libreoffice(formats_file, soffice, tmp_path):
    assert _columns(_shown(formats_file, soffice=soffice, out=tmp_path)) == EXPECTED


def test_number_formats_read_as_intended_in_gnumeric(formats_file, gnumeric, tmp_path):
    assert _columns(_shown(formats_file, gnumeric=gnumeric, out=tmp_path)) == EXPECTED
