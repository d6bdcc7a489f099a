"""The session's shared recalculations (tests/engine_batch.py) serve the engines' real results: a
workbook declared with shared_workbook is recalculated in the batch, not again by the test; one
changed since the batch is recalculated on the spot, never served stale."""

from __future__ import annotations

import openpyxl
import pytest

import engine_batch
from flopsheet import recalc
from engine_batch import shared_workbook


def _book(path, a1):
    wb = openpyxl.Workbook()
    wb.active["A1"] = a1
    wb.active["A2"] = "=A1*21"
    wb.save(path)
    return path


@shared_workbook("w.xlsx")
def book(d):
    return _book(d / "w.xlsx", 2)


@pytest.mark.parametrize("engine, run", [("soffice", "recalculate"), ("gnumeric", "recalculate_gnumeric")])
def test_served_from_the_batch_until_the_workbook_changes(book, engine, run, request, tmp_path, monkeypatch):
    request.getfixturevalue(engine)
    real, started = getattr(recalc, run), []
    monkeypatch.setattr(recalc, run, lambda *a, **k: started.append(a) or real(*a, **k))
    shared = getattr(engine_batch, run)

    out = shared(book, tmp_path / "served.xlsx")
    assert openpyxl.load_workbook(out, data_only=True).active["A2"].value == 42 and started == []

    other = _book(tmp_path / "w.xlsx", 3)  # the same name elsewhere: not the batch's workbook
    assert openpyxl.load_workbook(shared(other, tmp_path / "other.xlsx"), data_only=True).active["A2"].value == 63
    assert len(started) == 1

    kept = book.read_bytes()
    try:  # the batch's workbook itself edited since: recalculated anew
        _book(book, 4)
        assert openpyxl.load_workbook(shared(book, tmp_path / "edited.xlsx"), data_only=True).active["A2"].value == 84
        assert len(started) == 2
    finally:
        book.write_bytes(kept)
