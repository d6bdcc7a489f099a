"""`handoff(src, dst)`: an add-in-free copy of a workbook that recalculates anywhere.

The copy is the input package with only what must change rewritten: a workbook
loaded into openpyxl's model and saved again loses what the model does not hold (values in
merged cells, chart data tables, rich text after plain text, pivot relationships...). So:

* worksheet parts holding flopsheet calls: only those cells' `<f>` (and `<v>`) are rewritten,
  streamed as bytes (handoff.worksheetpart); text magnitudes those calls read ("175B") become
  numbers in place, formatted as typed (one `<xf>` appended to the styles part);
* the workbook part: defined names calling flopsheet functions, the xlwings.conf sheet gone,
  the GPUs and Models sheets added, `fullCalcOnLoad` set; its relationships and `[Content_Types].xml`
  follow (the VBA project and calcChain removed, the main content type made macro-free);
* every other part is copied as its compressed bytes (package.copy_raw).

Refusals come first (`untrusted.check_workbook`, `safefile.check_output`); the input is only
ever read; the copy appears atomically, after every warning was given.

One hand-off is a few named pieces, each step given only those it uses: `Options` (what the
caller asked), `Source` (the input package, read once), `Edits` (what the copy changes: sheet
plans, new and removed parts, names; the steps fill it in, `_write` writes the copy from it),
`formulacells.Translation` (the translator's state, only for a workbook that calls flopsheet)
and `Report` (what it did, for the command line and for `evaluate`). The copy leaves out the xlwings settings sheet, the VBA project and a
stale calcChain.

What a workbook contains that a copy might lose is counted in the input and in the copy: the
hand-off copies every part it does not need to change byte for byte, so only the parts it
rewrites (sheets with flopsheet calls, the workbook part, relationships, content types, styles)
or removes (the VBA project, the xlwings.conf sheet) could lose anything. As a safety net, the
kinds of content in those parts are counted in the input and in the copy, and every kind whose
count went down (other than what the hand-off drops on purpose) is named before the copy is
moved into place. The counts come from part names and a byte scan of the XML (the package was
already vetted by `untrusted.check_workbook`, so sizes are bounded).
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from flopsheet import editions
from flopsheet.callnames import NAMES
from flopsheet.errors import FlopsheetError
from flopsheet.exceltext import STRING, a1
from flopsheet.handoff import comments, copytext, package, workbookpart, worksheetpart
from flopsheet.handoff.package import CONF_SHEETS, Package, rels_part
from flopsheet.handoff.workbookpart import new_sheet_part
from flopsheet.handoff.worksheetpart import SheetPlan
from flopsheet.safefile import atomic_output, check_output
from flopsheet.untrusted import TRUSTED, Limits, check_workbook


@dataclass
class Report:
    """What the hand-off did, for the command line and for `evaluate`."""

    translated: int = 0  # cells whose flopsheet calls all became twins
    frozen: list = field(default_factory=list)  # (sheet, cell, reason)
    converted: int = 0  # text magnitudes turned into numbers
    formulas: list = field(default_factory=list)  # (sheet, cell or range, formula) when listed
    warnings: list = field(default_factory=list)  # what the copy could not carry
    notes: list = field(default_factory=list)  # what the hand-off changed on purpose
    arrays: dict = field(default_factory=dict)  # sheet -> [(min_col, min_row, max_col, max_row)]
    rewritten: list = field(default_factory=list)  # part names whose bytes changed
    removed: list = field(default_factory=list)  # part names left out of the copy
    added: list = field(default_factory=list)  # part names the copy adds
    longest: tuple = (0, "")  # (length, cell) of the longest formula the hand-off wrote
    workings: int = 0  # rows of the Workings sheet (quantities the translated formulas use)


@dataclass(frozen=True)
class Options:
    """What the caller asked of one hand-off."""

    progress: Callable[[str], None] | None = None  # a line now and then on big files
    list_formulas: bool = False  # Report.formulas lists every formula cell (for evaluate)
    translate: Callable[[str], str] | None = None  # the Workings sheet's labels in another language


@dataclass(frozen=True)
class Source:
    """The input package, read once and never written: its zip and what package.Package found."""

    zf: zipfile.ZipFile
    pkg: Package


class Edits:
    """What the copy changes in the package, planned step by step and written by `_write`."""

    def __init__(self, source: Source, conf: list, removed: set, vba_removed: bool):
        self.source = source
        self.conf = conf  # the xlwings settings sheets (removed)
        self.vba_removed = vba_removed  # the VBA project goes (its functions' callers lose them)
        self.removed: set[str] = removed  # parts left out (the calcChain joins when formulas change)
        self.expected: Counter = Counter()  # losses planned on purpose, by kind (see `losses`)
        self.plans: dict[str, SheetPlan] = {}  # part -> the worksheet's changed cells
        self.styles = None  # handoff.styles.Styles, once a converted magnitude needs a format
        self.parts: dict[str, bytes] = {}  # part -> new bytes (non-sheet parts)
        self.extra: dict[str, bytes] = {}  # new parts
        self.added_names: list = []  # (name, reference): names the copy defines (handoff.workings)
        self.name_texts: dict = {}  # (name, localSheetId) -> translated defined-name text
        self.new_sheets: list = []  # (title, worksheet bytes): the GPUs / Models / Workings sheets added
        self.new_parts: dict[str, str] = {}  # title -> its part name
        self.new_rids: dict[str, str] = {}  # title -> its relationship id in the workbook
        self.ct_add: list[str] = []  # content-type entries for added parts

    def read_sheet(self, part: str) -> bytes:
        """A worksheet part's bytes as planned (the same bytes the input holds)."""
        return self.plans[part].data if part in self.plans else self.source.zf.read(part)

    def plan(self, part: str, title: str, data: bytes | None = None) -> SheetPlan:
        plan = self.plans.get(part)
        if plan is None:
            data = data if data is not None else self.source.zf.read(part)
            plan = self.plans[part] = SheetPlan(title, part, data)
        return plan


def plan_removals(source: Source, report: Report) -> Edits:
    """The copy's edits, starting with what it leaves out: the xlwings settings sheet and the VBA
    project (each said in `report`)."""
    pkg = source.pkg
    conf = [s for s in pkg.sheets if s.name in CONF_SHEETS]
    removed: set[str] = set()
    for s in conf:
        report.notes.append(f'removed the "{s.name}" sheet (xlwings settings)')
        if s.part:
            removed |= {s.part, rels_part(s.part)}
    for r in pkg.rels:
        if r.type == "vbaProject" and not r.external:
            removed |= {r.target, rels_part(r.target)}
    sig = re.compile(r"(^|/)vbaProject(Signature\w*)?\.bin$", re.I)
    removed |= {n for n in pkg.names if sig.search(n)}
    removed &= pkg.names
    vba_removed = any(sig.search(n) for n in removed)
    if vba_removed:
        report.notes.append("removed the VBA project (the hand-off copy has no macros)")
    edits = Edits(source, conf, removed, vba_removed)
    edits.expected["sheet"] += len(conf)
    return edits


def read_sheets(source: Source, options: Options) -> tuple[list, set]:
    """Each worksheet read once: (sheet, its bytes, whether it calls flopsheet) for the sheets
    worth scanning (those that call, every one when evaluate lists the formulas), and the parts
    holding a "|", which may be a DDE link (report_losses reads those again)."""
    out, piped = [], set()
    for s in source.pkg.worksheets:
        if s.name in CONF_SHEETS:
            continue
        data = source.zf.read(s.part)
        has = worksheetpart.has_calls(data)
        if has or options.list_formulas:
            out.append((s, data, has))
        if b"|" in data:
            piped.add(s.part)
    return out, piped


def drop_calc_chain(source: Source, edits: Edits) -> None:
    """Formulas changed: Excel's calculation chain lists formula cells and a stale one makes
    Excel repair the file, so it goes (Excel rebuilds it). A copy without changed formulas
    keeps it, with the workbook's relationships and content types untouched."""
    for r in source.pkg.rels:
        if r.type == "calcChain" and not r.external and r.target in source.pkg.names:
            edits.removed.add(r.target)


# -- what the removals cost, said by cell ------------------------------------------------------
_FUNCTION = re.compile(r"(?<![A-Za-z0-9_.\]!])((?:_xlfn\.|_xlws\.|_xludf\.|_xll\.)?[A-Za-z_][A-Za-z0-9_.]*)\s*\(")
_CONF_REF = re.compile(r"'?_?xlwings\.conf'?!", re.I)
_SHOWN = 5
_CALL_NAMES = frozenset(NAMES)


def _unknown_functions(text: str) -> set[str]:
    """Functions a formula calls that are neither Excel's (openpyxl's list, or the _xlfn. prefix
    Excel writes before newer ones) nor flopsheet's: a macro's or another add-in's."""
    from openpyxl.utils import FORMULAE  # asked only of a workbook whose VBA project goes

    out = set()
    for name in _FUNCTION.findall(STRING.sub('""', text)):
        upper = name.upper()
        if upper.startswith(("_XLFN.", "_XLWS.")):
            continue
        bare = upper.removeprefix("_XLUDF.").removeprefix("_XLL.")
        if bare in FORMULAE or bare in _CALL_NAMES:
            continue
        out.add(name)
    return out


def report_losses(source: Source, edits: Edits, report: Report, piped: set) -> None:
    """Warn, naming the cells, of what the copy passes on unworkable: formulas calling the
    workbook's own VBA functions (removed with the VBA project: #NAME?), references to the
    removed xlwings.conf sheet (#REF!), and DDE links (carried as they are, never run here).
    `piped`: the sheets holding a "|" (read_sheets), the only ones a DDE link can be on."""
    vba = edits.vba_removed
    conf = bool(edits.conf)
    found: dict[str, list[str]] = {"vba": [], "conf": [], "dde": []}
    names: set[str] = set()
    for s in source.pkg.worksheets:
        if s.name in CONF_SHEETS or not (vba or conf or s.part in piped):
            continue
        data = source.zf.read(s.part)
        texts = b"\n".join(worksheetpart.FORMULA_TEXT.findall(data)).decode("utf-8", "replace")
        if not texts or not (
            b"|" in data
            or (conf and "xlwings.conf" in texts.lower())
            or (vba and _unknown_functions(worksheetpart.text(texts.encode())))
        ):
            continue
        pat = worksheetpart.pattern_of(data)
        for cell in worksheetpart.formula_cells(data, pat):
            m = pat.f.search(cell.inner or b"")
            if m is None or not m.group(2):
                continue
            text = worksheetpart.text(m.group(2))
            where = f"{s.name}!{a1(cell.c, cell.r)}"
            bare = STRING.sub('""', text)
            if "|" in bare:
                found["dde"].append(where)
            if conf and _CONF_REF.search(bare):
                found["conf"].append(where)
            if vba:
                unknown = _unknown_functions(text)
                if unknown:
                    found["vba"].append(where)
                    names |= unknown
    for name, _, body in source.pkg.names_xml:
        bare = STRING.sub('""', body)
        if conf and _CONF_REF.search(bare):
            found["conf"].append(f"defined name {name}")
        if vba and _unknown_functions(body):
            found["vba"].append(f"defined name {name}")
            names |= _unknown_functions(body)

    def cells(where: list[str]) -> str:
        more = f" and {len(where) - _SHOWN} more" if len(where) > _SHOWN else ""
        return ", ".join(where[:_SHOWN]) + more

    rep = report
    if found["vba"]:
        rep.warnings.append(
            f"{len(found['vba'])} formulas call {', '.join(sorted(names)[:5])}, which are not Excel's functions "
            f"(the workbook's own VBA, which the copy cannot hold): they show #NAME? in the copy: "
            f"{cells(found['vba'])}"
        )
    if found["conf"]:
        rep.warnings.append(
            f"{len(found['conf'])} formulas refer to the xlwings.conf sheet, which the copy "
            f"leaves out: they show #REF! there: {cells(found['conf'])}"
        )
    if found["dde"]:
        rep.warnings.append(
            f"{len(found['dde'])} formulas hold DDE links (App|Topic!Item), passed on as they are: "
            f"Excel asks before running them, LibreOffice and Gnumeric do not run them: "
            f"{cells(found['dde'])}"
        )


# Kinds whose loss is intended: the hand-off copy is macro-free and add-in-free.
INTENDED = {"VBA project", "xlwings.conf sheet"}

# Part-name patterns: each matching part counts one.
_PARTS = (
    ("VBA project", re.compile(r"xl/vbaProject\.bin$")),
    ("chart", re.compile(r"xl/charts/chart\d*\.xml$")),
    ("chart of a new type (chartEx)", re.compile(r"xl/charts/chartEx\d*\.xml$")),
    ("chart sheet", re.compile(r"xl/chartsheets/sheet\d*\.xml$")),
    ("table", re.compile(r"xl/tables/table\d*\.xml$")),
    ("pivot table", re.compile(r"xl/pivotTables/pivotTable\d*\.xml$")),
    ("form control", re.compile(r"xl/ctrlProps/.*\.xml$")),
    ("ActiveX control", re.compile(r"xl/activeX/activeX\d*\.xml$")),
    ("embedded object", re.compile(r"xl/embeddings/")),
    ("slicer", re.compile(r"xl/slicers/.*\.xml$")),
    ("timeline", re.compile(r"xl/timelines/.*\.xml$")),
    ("custom XML part", re.compile(r"customXml/item\d*\.xml$")),
    ("data connection", re.compile(r"xl/connections\.xml$")),
    ("query table", re.compile(r"xl/queryTables/.*\.xml$")),
    ("external link", re.compile(r"xl/externalLinks/externalLink\d*\.xml$")),
    ("picture in a cell", re.compile(r"xl/richData/")),
)

# Element patterns counted inside parts of one family.
_ELEMENTS = (
    (
        re.compile(r"xl/worksheets/[^/]*\.xml$"),
        re.compile(rb"<(?:\w+:)?(dataValidation|conditionalFormatting|hyperlink|sparklineGroup)[\s>/]"),
    ),
    (re.compile(r"xl/drawings/[^/]*\.xml$"), re.compile(rb"<(?:\w+:)?(pic|sp|cxnSp|grpSp)[\s>]")),
    (re.compile(r"xl/(?:comments\d*|comments/comment\d*)\.xml$"), re.compile(rb"<(comment)[\s>]")),
    (re.compile(r"xl/threadedComments/.*\.xml$"), re.compile(rb"<(threadedComment)[\s>]")),
    (re.compile(r"xl/workbook\.xml$"), re.compile(rb"<(definedName|sheet)[\s>]")),
)
_LABELS = {
    b"dataValidation": "data validation",
    b"conditionalFormatting": "conditional format",
    b"hyperlink": "hyperlink",
    b"sparklineGroup": "sparkline group",
    b"pic": "image",
    b"sp": "shape or text box",
    b"cxnSp": "connector shape",
    b"grpSp": "group of shapes",
    b"comment": "comment",
    b"threadedComment": "threaded comment",
    b"definedName": "defined name",
    b"sheet": "sheet",
}


def inventory(path, parts=None) -> Counter:
    """How many of each kind of content the workbook package holds (in `parts` only, if given:
    the hand-off counts what it rewrote or removed; every other part is carried byte for byte)."""
    counts: Counter = Counter()
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if parts is not None and name not in parts:
                continue
            for label, pattern in _PARTS:
                if pattern.search(name):
                    counts[label] += 1
            for family, elements in _ELEMENTS:
                if family.search(name):
                    for m in _elements(zf, name, elements):
                        counts[_LABELS[m.group(1)]] += 1
    return counts


def _elements(zf: zipfile.ZipFile, name: str, elements: re.Pattern):
    """The element matches of one part, read in chunks cut just before a "<" (a rewritten
    sheet can be hundreds of megabytes: it is never held whole)."""
    rest = b""
    with zf.open(name) as fh:
        while True:
            chunk = fh.read(1 << 20)
            data = rest + chunk
            cut = len(data) if not chunk else data.rfind(b"<")
            if cut > 0:
                yield from elements.finditer(data, 0, cut)
                rest = data[cut:]
            else:
                rest = data
            if not chunk:
                return


def _plural(n: int, label: str) -> str:
    return f"{n} {label}" + ("" if n == 1 else ("es" if label.endswith(("x", "ch")) else "s"))


def losses(before: Counter, after: Counter, expected: Counter | None = None) -> list[str]:
    """Kinds whose count dropped, as "2 images", leaving out what the hand-off drops on purpose
    (`expected` counts those: the xlwings.conf sheet, names pointing into it)."""
    expected = expected or Counter()
    out = []
    for label, n in sorted(before.items()):
        lost = n - after.get(label, 0) - expected.get(label, 0)
        if lost > 0 and label not in INTENDED:
            out.append(_plural(lost, label))
    return out


__all__ = ["Report", "handoff"]


def _write(zin: zipfile.ZipFile, edits: Edits, report: Report, out: Path, values=None, workings=None) -> None:
    """The copy: every part of `zin` as `edits` plan it (`values`: --recalc's cached values;
    `workings`: the Workings sheet, whose size says whether its part needs zip64)."""
    parts = dict(edits.parts)
    streamed = {part: plan for part, plan in edits.plans.items() if plan.streamable()}
    for part, plan in edits.plans.items():
        if part not in streamed:
            parts[part] = plan.render(values)
    if edits.styles is not None and edits.styles.changed:
        parts[edits.source.pkg.styles] = edits.styles.data()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in edits.removed:
                continue
            data = parts.get(info.filename)
            plan = streamed.get(info.filename)
            if plan is not None:  # a rewritten sheet, written piece by piece (never joined in memory)
                zinfo = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                zinfo.compress_type = zipfile.ZIP_DEFLATED
                zinfo.external_attr = info.external_attr
                with zout.open(zinfo, "w", force_zip64=len(plan.data) > 1 << 30) as fh:
                    batch, size = [], 0
                    for piece in plan.pieces(values):  # written in batches of about a megabyte
                        batch.append(piece)
                        size += len(piece)
                        if size >= 1 << 20:
                            fh.write(b"".join(batch))
                            batch, size = [], 0
                    fh.write(b"".join(batch))
            elif data is None:
                package.copy_raw(zin, zout, info)
            else:
                zinfo = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                zinfo.compress_type = zipfile.ZIP_DEFLATED
                zinfo.external_attr = info.external_attr
                zout.writestr(zinfo, data)
        strict = _is_strict(zin, edits.source)
        added = {
            name: _strict(data) if strict and isinstance(data, bytes) else data for name, data in edits.extra.items()
        }
        for title, sheet_xml in edits.new_sheets:
            added[new_sheet_part(edits, title)] = _strict(sheet_xml) if strict else sheet_xml
        for name, data in added.items():
            if callable(data):  # the Workings sheet: written as it is made (handoff.workings)
                zinfo = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                zinfo.compress_type = zipfile.ZIP_DEFLATED
                big = workings is not None and workings.count > 5_000_000  # past 2 GB of XML
                with zout.open(zinfo, "w", force_zip64=big) as fh:
                    for piece in data(values):
                        fh.write(piece)
            else:
                zout.writestr(name, data)
    report.rewritten = sorted(set(parts) | set(streamed))
    report.removed = sorted(edits.removed)
    report.added = sorted(added)


# Transitional namespaces and their Strict twins (ECMA-376 Part 1, 2016, annex A): the sheets the
# copy adds are written in the workbook's own conformance class.
_STRICT = (
    (b"http://schemas.openxmlformats.org/spreadsheetml/2006/main", b"http://purl.oclc.org/ooxml/spreadsheetml/main"),
    (
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        b"http://purl.oclc.org/ooxml/officeDocument/relationships",
    ),
)


def _is_strict(zin: zipfile.ZipFile, source: Source) -> bool:
    return _STRICT[0][1] in zin.read(source.pkg.workbook)[:4096]


def _strict(sheet_xml):
    def convert(data: bytes) -> bytes:
        for transitional, strict in _STRICT:
            data = data.replace(transitional, strict)
        return data

    if callable(sheet_xml):  # the Workings sheet, written as it is made
        return lambda values: (convert(piece) for piece in sheet_xml(values))
    return convert(sheet_xml)


def handoff(
    src,
    dst,
    *,
    force: bool = False,
    recalc: bool = False,
    warn=None,
    progress=None,
    list_formulas: bool = False,
    translate=None,
    trust_size: bool = False,
) -> Report:
    """Write the hand-off copy of `src` to `dst` (.xlsx). `warn(line)` is called with each
    thing the copy cannot carry BEFORE `dst` is written; `progress(line)` on big files.
    `list_formulas` fills `Report.formulas` with every formula cell (for `evaluate`). `translate`:
    the Workings sheet's labels in another language (the template's zh-CN edition). `trust_size`:
    a file the user trusts may be larger than the default limits allow."""
    src, dst = Path(src), Path(dst)
    if not src.is_file():
        raise FlopsheetError(f"input {src} does not exist", "input")
    check_output(dst, force=force, source=src, suffix=".xlsx", why="(the hand-off copy has no macros)")
    # parts are read as bytes; what is not rewritten is copied. `trust_size`: the user vouches for
    # the file, so only the size limits are lifted (untrusted.TRUSTED)
    check_workbook(src, TRUSTED if trust_size else Limits(), plain_scan=True)
    with package.XmlZipFile(src) as zin:
        source, rep = Source(zin, Package.open(zin)), Report()
        template_lang = copytext.template_language(source)  # marked by `flopsheet template`: the copy's wording
        if template_lang and translate is None:
            translate = editions.workings_translation(template_lang)
        options = Options(progress, list_formulas, translate)
        edits = plan_removals(source, rep)
        candidates, piped = read_sheets(source, options)
        calls = any(has for _, _, has in candidates) or any(
            worksheetpart.CALLS.search(body.encode()) for _, _, body in source.pkg.names_xml
        )
        stage = None  # formulacells.Translation
        if calls or list_formulas:
            # The translator loads the twins, the function registry and numpy: a workbook that
            # calls no flopsheet function (unless evaluate lists its formulas) never pays for them.
            from flopsheet.handoff import formulacells

            if progress:
                progress("translating formulas")
            stage = formulacells.translate(options, source, edits, rep, candidates, calls)
        report_losses(source, edits, rep, piped)
        if template_lang:
            copytext.reword(source, edits, stage.book if stage else None, rep, template_lang)
        if stage is not None and stage.tr is not None:
            formulacells.add_sheets(stage)
        workings = stage.workings if stage is not None else None
        comments.add(source, edits, rep)
        translated = bool(edits.plans) or bool(edits.name_texts)
        if translated:
            drop_calc_chain(source, edits)
        workbookpart.workbook_parts(source, edits, translated)
        with atomic_output(dst, force=force, source=src) as tmp:
            if progress:
                progress("writing the copy")
            _write(zin, edits, rep, tmp, workings=workings)
            if recalc:
                try:
                    _recalculated(zin, edits, rep, workings, tmp, progress)
                except FlopsheetError as e:  # it names the temporary file: say what the user gave
                    raise FlopsheetError(str(e).replace(str(tmp), f"the copy of {src.name}"), e.arg) from None
            touched = set(rep.rewritten) | set(rep.removed)
            lost = losses(inventory(src, touched), inventory(tmp, touched), edits.expected)
            if lost:
                rep.warnings.insert(0, "the hand-off copy cannot carry " + ", ".join(lost))
            for line in rep.warnings:
                if warn:
                    warn(line)
    return rep


def _recalculated(zin, edits: Edits, report: Report, workings, out: Path, progress) -> None:
    """Let LibreOffice compute every formula of the copy, then write the values of the cells the
    hand-off rewrote into the copy's cached <v> (the shipped file stays the surgical copy)."""
    from flopsheet.handoff import values
    from flopsheet.recalc import recalculate

    with tempfile.TemporaryDirectory(prefix="flopsheet-handoff-") as tmp:
        computed = Path(tmp) / "computed.xlsx"
        if progress:
            progress("recalculating with LibreOffice")
        recalculate(out, computed)
        got = values.read_cached(computed)
        if progress:
            progress("writing the computed values into the copy")
        staged = Path(tmp) / "copy.xlsx"
        worksheetpart.revalue_all(edits)
        _write(zin, edits, report, staged, got, workings)
        out.write_bytes(staged.read_bytes())
