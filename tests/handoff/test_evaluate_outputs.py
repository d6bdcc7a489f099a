"""`flopsheet evaluate`: every formula cell's value without Excel, as a values-only copy and a CSV;
text that looks like a formula stays text (checked by opening the copy in LibreOffice)."""

from __future__ import annotations

import csv
import hashlib
import math

import openpyxl
import pytest

from engine_batch import recalculate, shared_workbook
from flopsheet.cli import main
from flopsheet.functions import REGISTRY

RISKY = ["=1+1", "+SUM(1,1)", "-2+3", "@SUM(1,1)"]


@shared_workbook("values.xlsx", engines=("libreoffice",))
def evaluations(d):
    """`flopsheet evaluate` of a workbook with formula-like texts; values.xlsx reopened in the session batch."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    for r, text in enumerate(RISKY, start=1):
        ws.cell(r, 1).value = text
        ws.cell(r, 1).data_type = "s"  # typed as text by the user
        ws.cell(r, 2).value = f'="{text.replace(chr(34), chr(34) * 2)}"'  # a formula whose value is that text
    ws["C1"] = '=GPU_DAYS(3.15E+23,"A100",0.462)'
    ws["C2"] = "=C1*2"
    ws["C3"] = "=TRAIN_FLOPS(D1,D2)"
    ws["D1"], ws["D2"] = "175B", "300B"
    ws["C4"] = "=1/0"
    ws["C5"] = "=1=1"  # a boolean stays a boolean
    ws["C6"] = '="007"'  # text that reads like a number stays text
    ws["C7"] = "=AGGREGATE(9,6,C1:C2)"  # LibreOffice's AGGREGATE is known to differ: not presented
    src = d / "in.xlsx"
    wb.save(src)
    digest = hashlib.sha256(src.read_bytes()).hexdigest()
    out, table = d / "values.xlsx", d / "values.csv"
    stages = []
    from flopsheet.handoff.evaluate import evaluate

    warned = []
    summary = evaluate(src, out, table, progress=stages.append, warn=warned.append)
    summary["warned"] = warned
    assert hashlib.sha256(src.read_bytes()).hexdigest() == digest  # input untouched
    return src, out, table, summary, stages


@pytest.fixture(scope="module")
def evaluated(evaluations, soffice):
    return evaluations


def test_values_copy_holds_computed_values(evaluated):
    _, out, _, summary, stages = evaluated
    ws = openpyxl.load_workbook(out)["Data"]
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)  # values only
    assert math.isclose(ws["C1"].value, REGISTRY["GPU_DAYS"](3.15e23, "A100", 0.462), rel_tol=1e-9)
    assert math.isclose(ws["C2"].value, 2 * ws["C1"].value, rel_tol=1e-12)
    assert ws["C3"].value == 3.15e23
    assert ws["C4"].value == "#DIV/0!" and ws["C4"].data_type == "e"
    assert summary["formula_cells"] == 11 and summary["translated"] == 2
    assert ws["C5"].value is True and ws["C6"].value == "007" and ws["C6"].data_type == "s"
    assert ws["C7"].value is None and summary["differs"] == {"Data!C7": "AGGREGATE"}
    assert any("AGGREGATE" in w and "Data!C7" in w for w in summary["warned"])
    assert any("LibreOffice" in s for s in stages)


def test_formula_like_text_stays_text_even_in_libreoffice(evaluated, tmp_path):
    _, out, _, _, _ = evaluated
    ws = openpyxl.load_workbook(out)["Data"]
    for r, text in enumerate(RISKY, start=1):
        for c in (1, 2):
            cell = ws.cell(r, c)
            assert cell.value == text and cell.data_type == "s" and cell.quotePrefix, cell.coordinate
    reopened = tmp_path / "reopened.xlsx"
    recalculate(out, reopened)  # LibreOffice opens it and recalculates everything it sees as a formula
    ws = openpyxl.load_workbook(reopened, data_only=True)["Data"]
    assert [ws.cell(r, c).value for r in range(1, 5) for c in (1, 2)] == [t for t in RISKY for _ in (1, 2)]


def test_csv_lists_every_formula_cell_defused(evaluated):
    _, _, table, _, _ = evaluated
    with open(table, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["sheet", "cell", "formula", "value"]
    by_cell = {r[1]: r for r in rows[1:]}
    assert set(by_cell) == {"B1", "B2", "B3", "B4", "C1", "C2", "C3", "C4", "C5", "C6", "C7"}
    assert by_cell["C5"][3] == "TRUE" and by_cell["C6"][3] == "007" and by_cell["C7"][3] == ""
    assert by_cell["C1"][2] == '\'=GPU_DAYS(3.15E+23,"A100",0.462)'  # the original formula, defused
    assert math.isclose(float(by_cell["C1"][3]), REGISTRY["GPU_DAYS"](3.15e23, "A100", 0.462), rel_tol=1e-9)
    for r, text in enumerate(RISKY, start=1):
        assert by_cell[f"B{r}"][3] == "'" + text  # a spreadsheet opening the CSV sees text
    assert by_cell["C4"][3] == "#DIV/0!"


def test_cli_evaluate_writes_csv_to_stdout(evaluated, capsys, monkeypatch):
    src, *_ = evaluated
    import flopsheet.handoff.evaluate as ev

    # stdout mode only: skip a second LibreOffice run (the values are then blank)
    monkeypatch.setattr(ev, "recalculate", lambda a, b: __import__("shutil").copyfile(a, b))
    assert main(["evaluate", str(src)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "sheet,cell,formula,value" and len(out) == 12


def test_progress_lines_only_once_a_run_is_slow(capsys):
    from flopsheet.handoff.cli import stderr_progress

    quick = stderr_progress("handoff")
    quick("translating formulas")
    assert capsys.readouterr().err == ""
    slow = stderr_progress("handoff", after=0)
    slow("writing the copy")
    err = capsys.readouterr().err
    assert err.startswith("flopsheet handoff: writing the copy (") and err.count("\n") == 1
