"""`flopsheet template [-o PATH] [--force] [--lang zh-CN] [--no-copy]`: write the template workbook and its
hand-off copy, and say what they compute and which to open where."""

from __future__ import annotations

import argparse

from flopsheet.template.build import (
    DEFAULT_OUTPUT,
    build_template,
    copy_path,
    default_output,
    formula_stats,
    write_copy,
)
from flopsheet.template.i18n import LANGS


def add_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "template",
        help="write the template workbook (flopsheet.xlsm) and its add-in-free copy (flopsheet.xlsx)",
        description="Write the macro-enabled template workbook (GPUs, training, inference and multimodal "
        "scenarios, the seed check and sources, with every result a flopsheet function call) and, "
        "beside it, its hand-off copy (.xlsx, native formulas: works without the add-in, on any "
        "platform; cached values when LibreOffice is installed). Prints what the scenarios compute "
        "(the Python engine's values). Never overwrites an existing file unless --force is given.",
    )
    p.add_argument(
        "-o",
        "--output",
        default=None,
        metavar="PATH",
        help=f"where to write the workbook (.xlsm; default {DEFAULT_OUTPUT}, or flopsheet-zh-CN.xlsm "
        "with --lang zh-CN); the copy goes beside it as .xlsx",
    )
    p.add_argument("--force", action="store_true", help="overwrite the outputs if they exist")
    p.add_argument("--lang", default="en", choices=LANGS, help="language of the workbook's words (default en)")
    p.add_argument("--no-copy", action="store_true", help="write the .xlsm only, not the hand-off copy")
    p.set_defaults(run=run)
    return p


def run(args) -> int:
    from pathlib import Path

    from flopsheet.errors import FlopsheetError
    from flopsheet.recalc import find_soffice
    from flopsheet.safefile import check_output

    output = Path(args.output or default_output(args.lang))
    copy = None if args.no_copy else copy_path(output)
    if copy is not None and output.suffix.lower() == ".xlsm":
        check_output(copy, force=args.force, source=output, suffix=".xlsx")  # refuse before writing anything
    summary = build_template(output, force=args.force, lang=args.lang)
    print(summary.text())
    if copy is None:
        return 0
    recalc = find_soffice() is not None
    try:
        write_copy(copy, force=args.force, recalc=recalc, lang=args.lang)
    except FlopsheetError as e:
        raise FlopsheetError(f"wrote {output}, but not its copy {copy}: {e.message}") from None
    cached = (
        "with cached values (LibreOffice computed them)"
        if recalc
        else "without cached values (LibreOffice is not installed: the copy computes when opened)"
    )
    count, median, longest, where = formula_stats(copy)
    print(
        f"Wrote {copy}, the hand-off copy, {cached}; its {count} formulas run to {median:g} characters "
        f"(median), the longest {longest:,} ({where})."
    )
    print(
        f"Open {output.name} in Excel for Windows with the add-in (its functions need Python and xlwings); "
        f"open {copy.name} everywhere else (Excel on macOS or the web, LibreOffice, Gnumeric, Google Sheets): "
        f"the same figures as native formulas."
    )
    return 0
