"""`handoff(src, dst)`: an add-in-free copy of a workbook that recalculates anywhere.

The copy is the input package with only what must change rewritten (issue 12): a workbook
loaded into openpyxl's model and saved again loses what the model does not hold (values in
merged cells, chart data tables, rich text after plain text, pivot relationships...). So:

* worksheet parts holding flopsheet calls: only those cells' `<f>` (and `<v>`) are rewritten,
  streamed as bytes (handoff.sheetxml); text magnitudes those calls read ("175B") become
  numbers in place, formatted as typed (one `<xf>` appended to the styles part);
* the workbook part: defined names calling flopsheet functions, the xlwings.conf sheet gone,
  the GPUs and Models sheets added, `fullCalcOnLoad` set; its relationships and `[Content_Types].xml`
  follow (the VBA project and calcChain removed, the main content type made macro-free);
* every other part is copied as its compressed bytes (handoff.rawzip).

Refusals come first (`untrusted.check_workbook`, `safefile.check_output`); the input is only
ever read; the copy appears atomically, after every warning was given.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

from flopsheet.errors import FlopsheetError
from flopsheet.handoff import (
    assumptions, bookparts, carry, cellplans, comments, copytext, formulacells, gputable, modeltable, rawzip, removals,
    workings,
)
from flopsheet.handoff.bookparts import new_sheet_part
from flopsheet.handoff.job import Job
from flopsheet.handoff.report import Report
from flopsheet.safefile import atomic_output, check_output
from flopsheet.untrusted import TRUSTED, Limits, check_workbook

__all__ = ["Report", "handoff"]


def _write(zin: zipfile.ZipFile, job: Job, out: Path, values=None) -> None:
    parts = dict(job.parts)
    streamed = {part: plan for part, plan in job.plans.items() if plan.streamable()}
    for part, plan in job.plans.items():
        if part not in streamed:
            parts[part] = plan.render(values)
    if job.styles is not None and job.styles.changed:
        parts[job.pkg.styles] = job.styles.data()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in job.removed:
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
                rawzip.copy_raw(zin, zout, info)
            else:
                zinfo = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                zinfo.compress_type = zipfile.ZIP_DEFLATED
                zinfo.external_attr = info.external_attr
                zout.writestr(zinfo, data)
        strict = _is_strict(zin, job)
        added = {name: _strict(data) if strict and isinstance(data, bytes) else data
                 for name, data in job.extra.items()}
        for title, sheet_xml in job.new_sheets:
            added[new_sheet_part(job, title)] = _strict(sheet_xml) if strict else sheet_xml
        for name, data in added.items():
            if callable(data):  # the Workings sheet: written as it is made (handoff.workings)
                zinfo = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                zinfo.compress_type = zipfile.ZIP_DEFLATED
                big = job.workings is not None and job.workings.count > 5_000_000  # past 2 GB of XML
                with zout.open(zinfo, "w", force_zip64=big) as fh:
                    for piece in data(values):
                        fh.write(piece)
            else:
                zout.writestr(name, data)
    job.report.rewritten = sorted(set(parts) | set(streamed))
    job.report.removed = sorted(job.removed)
    job.report.added = sorted(added)


# Transitional namespaces and their Strict twins (ECMA-376 Part 1, 2016, annex A): the sheets the
# copy adds are written in the workbook's own conformance class.
_STRICT = ((b"http://schemas.openxmlformats.org/spreadsheetml/2006/main", b"http://purl.oclc.org/ooxml/spreadsheetml/main"),
           (b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
            b"http://purl.oclc.org/ooxml/officeDocument/relationships"))


def _is_strict(zin: zipfile.ZipFile, job: Job) -> bool:
    return _STRICT[0][1] in zin.read(job.pkg.workbook)[:4096]


def _strict(sheet_xml):
    def convert(data: bytes) -> bytes:
        for transitional, strict in _STRICT:
            data = data.replace(transitional, strict)
        return data

    if callable(sheet_xml):  # the Workings sheet, written as it is made
        return lambda values: (convert(piece) for piece in sheet_xml(values))
    return convert(sheet_xml)


def handoff(src, dst, *, force: bool = False, recalc: bool = False, warn=None, progress=None,
            list_formulas: bool = False, translate=None, trust_size: bool = False) -> Report:
    """Write the hand-off copy of `src` to `dst` (.xlsx). `warn(line)` is called with each
    thing the copy cannot carry BEFORE `dst` is written; `progress(line)` on big files.
    `list_formulas` fills `Report.formulas` with every formula cell (for `evaluate`). `translate`:
    the Workings sheet's labels in another language (the template's zh-CN edition). `trust_size`:
    a file the user trusts may be larger than the default limits allow."""
    src, dst = Path(src), Path(dst)
    if not src.is_file():
        raise FlopsheetError(f"input {src} does not exist", "input")
    check_output(dst, force=force, source=src, suffix=".xlsx",
                 why="(the hand-off copy has no macros)")
    # parts are read as bytes; what is not rewritten is copied. `trust_size`: the user vouches for
    # the file, so only the size limits are lifted (untrusted.TRUSTED)
    check_workbook(src, TRUSTED if trust_size else Limits(), plain_scan=True)
    with rawzip.XmlZipFile(src) as zin:
        job = Job(zin, progress, list_formulas, translate)
        rep = job.report
        template_lang = copytext.template_language(job)  # marked by `flopsheet template`: the copy's wording
        if template_lang and translate is None:
            job.translate = copytext.workings_translation(template_lang)
        removals.plan_removals(job)
        if progress:
            progress("translating formulas")
        formulacells.translate(job)
        removals.report_losses(job)
        if template_lang:
            copytext.reword(job, template_lang)
        gputable.gpus(job)
        modeltable.models(job)
        assumptions.define(job)
        if job.workings is not None and (job.workings.count or job.workings.rows):
            job.new_sheets.append((job.workings.title, job.workings.pieces))  # values: --recalc's
            workings.print_names(job)
            rep.workings = job.workings.count
            rep.notes.append(f'added sheet "{job.workings.title}" with the {rep.workings:,} quantities the translated '
                             "formulas use, each labelled (helper columns row by row beside a list)")
            w_len, w_where = job.workings.longest
            if w_len > rep.longest[0]:
                rep.longest = (w_len, w_where)
        comments.add(job)
        translated = bool(job.plans) or bool(job.name_texts)
        if translated:
            removals.drop_calc_chain(job)
        bookparts.workbook_parts(job, translated)
        with atomic_output(dst, force=force, source=src) as tmp:
            if progress:
                progress("writing the copy")
            _write(zin, job, tmp)
            if recalc:
                try:
                    _recalculated(zin, job, tmp, progress)
                except FlopsheetError as e:  # it names the temporary file: say what the user gave
                    raise FlopsheetError(str(e).replace(str(tmp), f"the copy of {src.name}"), e.arg) from None
            touched = set(rep.rewritten) | set(rep.removed)
            lost = carry.losses(carry.inventory(src, touched), carry.inventory(tmp, touched), job.expected)
            if lost:
                rep.warnings.insert(0, "the hand-off copy cannot carry " + ", ".join(lost))
            for line in rep.warnings:
                if warn:
                    warn(line)
    return rep


def _recalculated(zin, job: Job, out: Path, progress) -> None:
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
        cellplans.revalue_all(job)
        _write(zin, job, staged, got)
        out.write_bytes(staged.read_bytes())

