"""The files the scripted-edit tests start from (tests/economics/test_money_price_edits.py,
tests/template/test_template_copy_edits.py): the add-in template, its hand-off copy, and that copy
with a test's edits made by openpyxl, as a user's edits would be saved; `edit_package` edits a
workbook's cells in its XML instead (tests/handoff/test_handoff_copytext.py: a filled-in template)."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from flopsheet.template import build_template, write_copy


def template_and_edited_copy(folder: Path, edit) -> tuple[Path, Path, Path]:
    """Write flopsheet.xlsm (the template), flopsheet.xlsx (its copy) and edited.xlsx (the copy after
    `edit(workbook)`) in `folder`; return their paths in that order."""
    xlsm, xlsx = folder / "flopsheet.xlsm", folder / "flopsheet.xlsx"
    build_template(xlsm)
    write_copy(xlsx)
    edited = folder / "edited.xlsx"
    wb = openpyxl.load_workbook(xlsx)
    edit(wb)
    wb.save(edited)
    return xlsm, xlsx, edited


def edit_package(src: Path, dst: Path, edits: dict) -> Path:
    """`src` with cells set by editing its worksheet XML, as a user's save would leave them, every other part
    copied as is (never openpyxl's load and save): `edits` is {sheet title: {"B7": value}}; a number is
    written as a number, text as an inline string, None empties the cell; the cell keeps its style."""
    import zipfile

    from flopsheet.handoff import worksheetpart
    from flopsheet.handoff.package import Package
    from flopsheet.handoff.worksheetpart import cell_xml, value_xml

    with zipfile.ZipFile(src) as zin:
        parts = {e.name: e.part for e in Package.open(zin).worksheets}
        new = {}
        for title, cells in edits.items():
            data = zin.read(parts[title])
            pat = worksheetpart.pattern_of(data)
            wanted = {_rc(ref): v for ref, v in cells.items()}

            def element(r, c, value, attrs):
                t, content = value_xml(pat, value, False)
                return cell_xml(pat, r, c, attrs, None, t, content)

            present = {(cell.r, cell.c) for cell in worksheetpart.all_cells(data, pat)}
            replace = {
                k: (lambda old, k=k, v=v: element(*k, v, dict(old.attrs))) for k, v in wanted.items() if k in present
            }
            insert = {k: element(*k, v, {}) for k, v in wanted.items() if k not in present}
            data = worksheetpart.rewrite(data, pat, replace, insert)
            if insert:
                data = worksheetpart.widen_dimension(data, pat, max(r for r, _ in insert), max(c for _, c in insert))
            new[parts[title]] = data
        with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                zout.writestr(info, new.get(info.filename, zin.read(info.filename)))
    return dst


def _rc(ref: str) -> tuple[int, int]:
    """ "B7" -> (7, 2)."""
    import re

    from flopsheet.handoff.worksheetpart import col_number

    letters, digits = re.fullmatch(r"([A-Z]+)([0-9]+)", ref).groups()
    return int(digits), col_number(letters)
