"""workbook/flopsheet.xlsm, the committed ready-made template, is what `flopsheet template` writes
today (compared cell by cell: values, formulas, style names, formats, locks, validations, names,
tables, layout; not bytes, which carry timestamps); so is the editions' wording the hand-off reads."""

import json
from pathlib import Path

import openpyxl
import pytest

from flopsheet import editions
from flopsheet.template import build_template, default_output
from flopsheet.template.base import vba_project_bytes
from flopsheet.template.build import edition_wording

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "workbook" / "flopsheet.xlsm"
REGENERATE = "workbook/flopsheet.xlsm is stale: run `python -m tools.regenerate`"


def fingerprint(path):
    wb = openpyxl.load_workbook(path, keep_vba=True)
    out = {
        "sheets": wb.sheetnames,
        "names": {n: d.attr_text for n, d in wb.defined_names.items()},
        "styles": sorted(wb.named_styles),
    }
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None or c.style != "Normal":
                    cells[c.coordinate] = (
                        c.value,
                        c.data_type,
                        c.style,
                        c.number_format,
                        c.protection.locked,
                        bool(c.quotePrefix),
                        c.hyperlink.target if c.hyperlink else None,
                    )
        out[ws.title] = {
            "cells": cells,
            "validations": sorted(
                ((dv.type, dv.formula1, dv.formula2, str(dv.sqref)) for dv in ws.data_validations.dataValidation),
                key=repr,
            ),
            "tables": dict(ws.tables.items()),  # name -> ref
            "print_area": ws.print_area,
            "freeze": ws.freeze_panes,
            "protected": ws.protection.sheet,
            "charts": len(ws._charts),
            "widths": {k: d.width for k, d in ws.column_dimensions.items()},
        }
    return out


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_committed_workbook_is_current(tmp_path, lang):
    committed = COMMITTED.with_name(default_output(lang))
    assert committed.is_file(), REGENERATE
    fresh = tmp_path / "fresh.xlsm"
    build_template(fresh, lang=lang)
    _compare(committed, fresh)


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_committed_editions_wording_is_current(lang):
    # what the hand-off reads of the template (flopsheet.editions.wording): its two editions' differing cells
    committed = json.loads((ROOT / "addin" / "flopsheet" / "editions" / editions.WORDING).read_text(encoding="utf-8"))
    fresh = json.loads(json.dumps(edition_wording(lang)))  # as JSON holds it (rows as lists)
    assert fresh["Start"], "the editions differ on the Start page"
    assert committed[lang] == fresh, REGENERATE


def _compare(COMMITTED, fresh):
    assert vba_project_bytes(COMMITTED) == vba_project_bytes(fresh), REGENERATE
    old, new = fingerprint(COMMITTED), fingerprint(fresh)
    assert old.keys() == new.keys(), REGENERATE
    for key in new:
        if isinstance(new[key], dict) and "cells" in new[key]:
            for part in new[key]:
                if old[key][part] != new[key][part]:
                    if part == "cells":
                        diff = sorted(
                            k
                            for k in set(old[key]["cells"]) | set(new[key]["cells"])
                            if old[key]["cells"].get(k) != new[key]["cells"].get(k)
                        )
                        pytest.fail(f"{REGENERATE} ({key} cells differ: {diff[:5]})")
                    pytest.fail(f"{REGENERATE} ({key} {part} differs)")
        else:
            assert old[key] == new[key], f"{REGENERATE} ({key} differs)"
