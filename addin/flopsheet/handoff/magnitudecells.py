"""Text magnitudes a call reads ("175B" typed as text) become numbers in the copy, shown as typed.

The twins compute with numbers; the add-in read "175B" through flopsheet.magnitudes. So the
cells a translated call reads are converted in place, and given a number format that shows the
number the way it was typed (one grammar: magnitudes.parse_parts says how it was typed).
"""

from __future__ import annotations

from flopsheet.errors import FlopsheetError
from flopsheet.handoff import sheetxml
from flopsheet.handoff.sheetplan import cell_xml, value_xml
from flopsheet.handoff.styles import Styles
from flopsheet.magnitudes import STARTS_LIKE_NUMBER, Parts, parse_parts


# Thousands separators in a format divide by 1,000 each (ECMA-376 Part 1, 18.8.31 numFmt).
_POWERS = {"K": 1, "M": 2, "B": 3, "G": 3, "T": 4, "P": 5, "E": 6, "BN": 3, "TN": 4, "MM": 2, "MN": 2}


def number_format(parts: Parts) -> str | None:
    """A number format that shows the parsed number as it was typed: "175B" -> 0,,,"B".
    None when General already shows it so, or no format can (an exponent, 万/亿)."""
    if parts.exponent or parts.suffix not in ("", "%", *_POWERS):
        return None
    digits = ("#,##0" if parts.grouped else "0") + ("." + "0" * parts.decimals if parts.decimals else "")
    if parts.currency:
        digits = '"$"' + digits
    if parts.suffix == "%":
        return digits + "%"
    if parts.suffix:
        shown = parts.suffix.lower() if len(parts.suffix) == 2 else parts.suffix  # "70bn" as typed
        return digits + "," * _POWERS[parts.suffix] + f'"{shown}"'
    return digits if parts.grouped or parts.currency else None


def magnitude_format(text: str) -> str | None:
    """`number_format` of typed text; None when it is not a magnitude."""
    try:
        return number_format(parse_parts(text))
    except FlopsheetError:
        return None


def convert(job, area) -> None:
    """Text magnitudes a call reads as numbers become numbers, formatted as typed."""
    if area is None or area in job.converted_areas or area[0] not in job.book:
        return
    job.converted_areas.add(area)
    title, c1, r1, c2, r2 = area
    if not magnitude_cells(job, title):
        return
    if (r2 - r1 + 1) * (c2 - c1 + 1) > 1_000_000:
        return
    sheet = job.book[title]
    candidates = magnitude_cells(job, title)  # text cells that may be magnitudes, found once per sheet
    if not candidates:
        return
    if (r2 - r1 + 1) * (c2 - c1 + 1) <= len(candidates):
        keys = [(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1) if (r, c) in candidates]
    else:
        keys = [k for k in candidates if r1 <= k[0] <= r2 and c1 <= k[1] <= c2]
    for r, c in sorted(keys):
        typed, found = candidates.pop((r, c))
        try:
            parts = parse_parts(typed)
        except FlopsheetError:  # not a magnitude (a GPU name, a unit): keep the text
            continue
        x = parts.value
        plan = job.plan(sheet.entry.part, title)
        if (r, c) in plan.replace:
            continue
        plan.known[(r, c)] = found.start
        fmt = number_format(parts)
        styles = styles_of(job)
        # the styles part is final before any sheet is written (sheets are streamed after it)
        style = styles.with_format(int(found.attrs.get(b"s", b"0") or 0), fmt) if fmt and styles else None

        def number(old, values, r=r, c=c, x=x, style=style, pat=plan.pat):
            a = dict(old.attrs) if old is not None else {}
            if style is not None:
                a[b"s"] = str(style).encode()
            t, content = value_xml(pat, float(x), False)
            return cell_xml(pat, r, c, a, None, t, content)

        plan.replace[(r, c)] = number
        sheet.set_number(r, c, float(x))  # later reads (a frozen call's inputs) see the number
        job.report.converted += 1


def magnitude_cells(job, title: str) -> set:
    found = job.magnitude_cells.get(title)
    if found is None:
        sheet = job.book[title]
        data = job.read_sheet(sheet.entry.part)
        texts = sheetxml.string_cells(data, sheetxml.pattern_of(data), job.pkg.sst)
        found = job.magnitude_cells[title] = {k: v for k, v in texts.items() if STARTS_LIKE_NUMBER.match(v[0])}
    return found


def styles_of(job) -> Styles | None:
    if job.styles is None and job.pkg.styles:
        job.styles = Styles(job.zf.read(job.pkg.styles))
    return job.styles
