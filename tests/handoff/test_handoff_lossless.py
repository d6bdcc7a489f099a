"""The hand-off copy is the input package with only what must change rewritten (issue 12).

For workbooks written by XlsxWriter (charts with a data table, error bars and a secondary axis,
rich strings, a value in a merged range's hidden cell, a table with a totals row, sparklines,
an image, comments, a VBA project, names, protection, custom properties) and hand-made XML
(no calcPr, a binary FF FE part, a whole-column merge, pivot-cache parts, Strict namespaces,
inline strings, _x000D_ escapes, 17-digit numbers, shared formulas, an x:-prefixed workbook):
* every part the hand-off did not rewrite is byte-identical, compressed bytes included;
* the rewritten parts differ from the input only in the translated formulas and their values
  (compared as XML trees), plus the sheets, names and relationships it removes or adds on purpose;
* LibreOffice and Gnumeric compute the former flopsheet cells to what the Python functions
  return (relative 1e-9). One engine run per workbook and engine, shared by the module.
"""

from __future__ import annotations

import math
import re
import zipfile

import lossless_fixtures as fx
import pytest
from defusedxml import ElementTree

import engine_batch
from engine_batch import shared_workbook
from flopsheet.handoff import package
from flopsheet.handoff.copy import handoff
from flopsheet.handoff.package import Book, Package, local
from flopsheet.handoff.worksheetpart import CALLS, split_ref

BUILDERS = {
    "rich": (fx.rich, ".xlsm"),
    "handmade": (fx.handmade, ".xlsx"),
    "prefixed": (fx.prefixed, ".xlsx"),
    "strict": (fx.strict, ".xlsx"),
    "sheet_scoped_rel_ns": (fx.sheet_scoped_rel_ns, ".xlsx"),
    "shared_end_tags": (fx.shared_end_tags, ".xlsx"),
    "array_arguments": (fx.array_arguments, ".xlsx"),
    "carriage_returns": (fx.carriage_returns, ".xlsx"),
    "utf16_sheet": (fx.utf16_sheet, ".xlsx"),
    "latin1_sheet": (fx.latin1_sheet, ".xlsx"),
}


@shared_workbook(*(f"{name}-handoff.xlsx" for name in BUILDERS))
def built(d):
    out = {}
    for name, (build, suffix) in BUILDERS.items():
        src, dst = d / f"{name}{suffix}", d / f"{name}-handoff.xlsx"
        cases = build(src)
        report = handoff(src, dst)
        out[name] = (src, dst, cases, report)
    return out


def _members(path) -> dict:
    with zipfile.ZipFile(path) as z:
        return {i.filename: (z.read(i), package.raw_member(z, i)) for i in z.infolist()}


@pytest.mark.parametrize("name", list(BUILDERS))
def test_parts_not_rewritten_are_carried_byte_for_byte(built, name):
    src, dst, _, report = built[name]
    before, after = _members(src), _members(dst)
    assert set(after) == (set(before) - set(report.removed)) | set(report.added)
    rewritten = set(report.rewritten)
    assert rewritten, "the fixtures all call flopsheet functions"
    for part, (data, raw) in before.items():
        if part in rewritten or part in report.removed:
            continue
        assert after[part] == (data, raw), f"{part} changed"


def _calling_cells(data: bytes) -> set:
    """References of cells whose formula calls a flopsheet function (shared followers included)."""
    root = ElementTree.fromstring(data)
    out, masters, followers = set(), set(), []
    for c in root.iter():
        if local(c.tag) != "c":
            continue
        f = next((x for x in c if local(x.tag) == "f"), None)
        if f is None:
            continue
        if f.text and CALLS.search(f.text.encode()):
            out.add(c.get("r"))
            if f.get("t") == "shared":
                masters.add(f.get("si"))
        elif f.get("t") == "shared" and not (f.text or "").strip():
            followers.append((c.get("r"), f.get("si")))
    return out | {r for r, si in followers if si in masters}


def _normal(el, drop_cells=frozenset(), drop=lambda el: False):
    """An element as a comparable tuple: tag, attributes, text, children; the cells in
    `drop_cells` keep only their reference and style (their formula and value may change)."""
    if local(el.tag) == "c" and el.get("r") in drop_cells:
        return ("c", el.get("r"), el.get("s"))
    kids = tuple(_normal(k, drop_cells, drop) for k in el if not drop(k))
    return (el.tag, tuple(sorted(el.attrib.items())), (el.text or "").strip(), kids)


def _sheets(path) -> dict:
    with zipfile.ZipFile(path) as z:
        pkg = Package.open(z)
        return {s.name: s.part for s in pkg.worksheets}


@pytest.mark.parametrize("name", list(BUILDERS))
def test_rewritten_sheets_differ_only_in_translated_formulas(built, name):
    src, dst, _, report = built[name]
    parts_in, parts_out = _sheets(src), _sheets(dst)
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(dst) as b:
        for title, part in parts_in.items():
            if part not in report.rewritten:
                continue
            old, new = a.read(part), b.read(parts_out[title])
            calling = _calling_cells(old)
            assert calling
            assert _normal(ElementTree.fromstring(old), calling) == _normal(ElementTree.fromstring(new), calling)
            assert not CALLS.search(new), f"{title}: a flopsheet call survived"
            assert len(new) < 2 * len(old) + 4096  # a whole-column merge is never expanded


def _workbook_tree(data: bytes, had_calc: bool, translated: set):
    root = ElementTree.fromstring(data)

    def drop(el):
        tag = local(el.tag)
        if tag == "sheet" and el.get("name") in ("xlwings.conf", "GPUs", "Workings"):
            return True
        if tag == "calcPr" and not had_calc:
            return True
        # the named assumptions the copy defines (handoff.assumptions) point at its Workings sheet
        if tag == "definedName" and (el.text or "").startswith("Workings!"):
            return True
        if tag == "definedNames" and len(el) and all((c.text or "").startswith("Workings!") for c in el):
            return True
        return False

    for el in root.iter():
        if local(el.tag) == "definedName" and el.get("name") in translated:
            el.text = "(translated)"
        if local(el.tag) == "calcPr":
            el.attrib.pop("fullCalcOnLoad", None)
    return _normal(root, drop=drop)


@pytest.mark.parametrize("name", list(BUILDERS))
def test_workbook_part_differs_only_in_names_sheets_and_calc(built, name):
    src, dst, _, report = built[name]
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(dst) as b:
        pkg = Package.open(a)
        old, new = a.read(pkg.workbook), b.read(pkg.workbook)
        rels_old, rels_new = a.read("xl/_rels/workbook.xml.rels"), b.read("xl/_rels/workbook.xml.rels")
        names = set(b.namelist())
    had_calc = re.search(rb"<(\w+:)?calcPr\b", old) is not None
    translated = {n for n, _, text in pkg.names_xml if CALLS.search(text.encode())}
    assert _workbook_tree(old, had_calc, translated) == _workbook_tree(new, had_calc, translated)
    calc = re.search(rb"<(?:\w+:)?calcPr\b[^>]*>", new)
    assert calc and b'fullCalcOnLoad="1"' in calc.group(0)
    pivots = re.search(rb"<(?:\w+:)?pivotCaches\b", new)
    assert pivots is None or calc.start() < pivots.start()  # schema order: calcPr before pivotCaches
    # relationships: only the removed parts' go, only the new sheet's comes; every target exists
    gone = {p for p in report.removed}
    targets_old = {(r.get("Id"), r.get("Target")) for r in ElementTree.fromstring(rels_old)}
    targets_new = {(r.get("Id"), r.get("Target")) for r in ElementTree.fromstring(rels_new)}
    kept = {t for t in targets_old if ("xl/" + t[1].lstrip("/").removeprefix("xl/")) not in gone}
    assert kept <= targets_new and len(targets_new - kept) == len(report.added)
    for _, target in targets_new:
        part = target.lstrip("/") if target.startswith("/") else "xl/" + target
        assert part in names, f"relationship to missing part {part}"


def test_macros_and_settings_sheet_removed_everything_else_kept(built):
    src, dst, _, report = built["rich"]
    assert "xl/vbaProject.bin" in report.removed
    with zipfile.ZipFile(dst) as z:
        types = z.read("[Content_Types].xml").decode()
        book = z.read("xl/workbook.xml").decode()
        names = z.namelist()
    assert "macroEnabled" not in types and "vbaProject" not in types
    assert "xlwings.conf" not in book and 'name="GPUs"' in book
    for kept in (
        "docProps/custom.xml",
        "xl/media/image1.png",
        "xl/charts/chart1.xml",
        "xl/charts/chart2.xml",
        "xl/tables/table1.xml",
        "xl/comments1.xml",
        "xl/sharedStrings.xml",
    ):
        assert kept in names, kept
    with zipfile.ZipFile(dst) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
        chart = z.read("xl/charts/chart1.xml")
    assert b"<x14:sparklineGroup" in sheet and b"protectedRange" in sheet and b'ref="A11:C11"' in sheet
    assert b"<c:dTable>" in chart and b"<c:errBars>" in chart


def _engine_values(path) -> Book:
    return Book(Package.open(zipfile.ZipFile(path)))


ENGINES = {"libreoffice": ("soffice", "recalculate"), "gnumeric": ("gnumeric", "recalculate_gnumeric")}


@pytest.mark.parametrize("engine", list(ENGINES))
@pytest.mark.parametrize("name", list(BUILDERS))
def test_engines_compute_the_python_values(built, name, engine, request, tmp_path):
    if name == "strict" and engine == "gnumeric":
        pytest.skip("Gnumeric does not read Strict Open XML (LibreOffice does)")
    request.getfixturevalue(ENGINES[engine][0])
    _, dst, cases, _ = built[name]
    out = tmp_path / "computed.xlsx"
    getattr(engine_batch, ENGINES[engine][1])(dst, out)  # shared with the session's other workbooks
    book = _engine_values(out)
    wrong = []
    for sheet, ref, expected in cases:
        got = book[sheet].cell(*split_ref(ref)).cached
        if not (isinstance(got, float) and math.isclose(got, expected, rel_tol=1e-9)):
            wrong.append(f"{sheet}!{ref}: Python {expected!r}, {engine} {got!r}")
    assert not wrong, "\n".join(wrong)


def test_workbook_without_calls_is_carried_whole(tmp_path):
    """Pure carrying: no part rewritten, every member's compressed bytes identical."""
    import xlsxwriter

    src, dst = tmp_path / "plain.xlsx", tmp_path / "copy.xlsx"
    wb = xlsxwriter.Workbook(str(src))
    ws = wb.add_worksheet()
    ws.write_formula("A1", "=1+1", None, 2)
    ws.merge_range("B1:B1048576", "tall")
    wb.close()
    report = handoff(src, dst)
    assert report.rewritten == [] and report.removed == [] and report.added == []
    assert _members(src) == _members(dst)


def test_recalc_writes_values_only_into_formula_cells(built, tmp_path, soffice):
    src, _, cases, _ = built["handmade"]
    dst = tmp_path / "recalc.xlsx"
    report = handoff(src, dst, recalc=True)
    book = _engine_values(dst)  # the shipped copy's own cached values
    for sheet, ref, expected in cases:
        assert math.isclose(book[sheet].cell(*split_ref(ref)).cached, expected, rel_tol=1e-9), ref
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(dst) as b:
        for _title, part in _sheets(src).items():
            old, new = a.read(part), b.read(part)
            formulas = {
                c.get("r")
                for c in ElementTree.fromstring(old).iter()
                if local(c.tag) == "c" and any(local(x.tag) == "f" for x in c)
            }
            assert _normal(ElementTree.fromstring(old), formulas) == _normal(ElementTree.fromstring(new), formulas)
    assert "xl/sharedStrings.xml" not in report.rewritten


def test_sheets_without_calls_are_never_parsed(tmp_path, monkeypatch):
    """Only a sheet with flopsheet calls (or one they read) gets a cell model; a big data sheet
    nothing calls into is carried without being parsed."""
    import xlsxwriter

    from flopsheet.handoff import package

    src, dst = tmp_path / "two.xlsx", tmp_path / "copy.xlsx"
    wb = xlsxwriter.Workbook(str(src))
    calls = wb.add_worksheet("Calls")
    calls.write_number("A1", 3.15e23)
    calls.write_formula("B1", '=GPU_DAYS(A1,"A100",0.462)')
    big = wb.add_worksheet("Big")
    for r in range(2000):
        big.write_row(r, 0, [r, r * 0.5, f"row {r}"])
    wb.close()
    parsed = []
    real = package.SheetView._cells
    monkeypatch.setattr(
        package.SheetView, "_cells", property(lambda self: (parsed.append(self.title), real.fget(self))[1])
    )
    report = handoff(src, dst)
    assert report.translated == 1
    assert "Big" not in parsed
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(dst) as b:
        assert a.read("xl/worksheets/sheet2.xml") == b.read("xl/worksheets/sheet2.xml")


def test_calc_chain_goes_only_when_formulas_change(tmp_path):
    """Excel's calcChain.xml lists formula cells: stale after a translation (Excel would repair
    the file), so it is removed then; a copy whose formulas did not change keeps it."""
    import xlsxwriter

    chain = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<calcChain xmlns="'
        b'http://schemas.openxmlformats.org/spreadsheetml/2006/main"><c r="B1" i="1"/></calcChain>'
    )

    def with_chain(path, formula):
        wb = xlsxwriter.Workbook(str(path))
        ws = wb.add_worksheet()
        ws.write_number("A1", 3.15e23)
        ws.write_formula("B1", formula)
        wb.close()
        parts = fx._parts(path)
        parts["xl/calcChain.xml"] = chain
        parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>",
            b'<Relationship Id="rIdChain" Type="http://schemas.openxmlformats.org/'
            b'officeDocument/2006/relationships/calcChain" Target="calcChain.xml"/></Relationships>',
        )
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>",
            b'<Override PartName="/xl/calcChain.xml" ContentType="application/vnd.openxmlformats-'
            b'officedocument.spreadsheetml.calcChain+xml"/></Types>',
        )
        fx._write(path, parts)
        return path

    plain = handoff(with_chain(tmp_path / "plain.xlsx", "=A1*2"), tmp_path / "plain-copy.xlsx")
    assert plain.removed == [] and plain.rewritten == []
    calls = handoff(with_chain(tmp_path / "calls.xlsx", '=GPU_DAYS(A1,"A100")'), tmp_path / "calls-copy.xlsx")
    assert calls.removed == ["xl/calcChain.xml"]
    with zipfile.ZipFile(tmp_path / "calls-copy.xlsx") as z:
        assert b"calcChain" not in z.read("[Content_Types].xml")
        assert b"calcChain" not in z.read("xl/_rels/workbook.xml.rels")


@pytest.mark.parametrize("name", list(BUILDERS))
def test_copy_opens_in_excel_as_well_as_its_input(built, name):
    """Microsoft's Open XML SDK and Excel's own rules (tools/packagecheck.py): the copy of a
    workbook Excel would open cleanly opens cleanly; a hand-made input's own findings (Strict
    namespaces the 2013 schemas do not know, say) may stay, but the hand-off adds none."""
    import ooxml
    from tools.packagecheck import check_package

    src, dst, _, _ = built[name]
    assert check_package(dst) == []
    before, after = set(ooxml.validate(src)), set(ooxml.validate(dst))
    assert after <= before, sorted(after - before)
    if name == "rich":  # XlsxWriter writes what Excel writes: its copy must be flawless
        assert after == set(), sorted(after)


@pytest.mark.parametrize("name", list(BUILDERS))
def test_added_sheets_bind_the_workbooks_own_relationships_namespace(built, name):
    """Every <sheet> of the copy's workbook part names its relationship in the namespace the input's
    sheets use (Strict stays Strict), with the prefix in scope wherever the input declared it."""
    src, dst, _, _ = built[name]
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(dst) as b:
        wb = Package.open(a).workbook
        old, new = a.read(wb), b.read(wb)

    def rel_namespaces(xml: bytes) -> list[str]:
        root = ElementTree.fromstring(xml)  # raises on an undeclared prefix
        return [
            k[1:].split("}")[0]
            for s in root.iter()
            if local(s.tag) == "sheet"
            for k in s.attrib
            if k.startswith("{") and k.endswith("}id")
        ]

    before, after = rel_namespaces(old), rel_namespaces(new)
    assert len(after) > len(before) and set(after) == set(before), (before, after)


@pytest.mark.parametrize("name", list(BUILDERS))
def test_added_parts_are_in_the_workbooks_conformance_class(built, name):
    """A Strict workbook's added sheets (and comments) are Strict; a transitional one's transitional."""
    src, dst, _, report = built[name]
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(dst) as b:
        main_ns = ElementTree.fromstring(a.read(Package.open(a).workbook)).tag[1:].split("}")[0]
        for part in report.added:
            if part.endswith(".xml") and "/worksheets/" in part:
                assert ElementTree.fromstring(b.read(part)).tag == "{" + main_ns + "}worksheet", part
