"""`flopsheet handoff` and `flopsheet evaluate` (wired by flopsheet.cli through add_parser)."""

from __future__ import annotations

import sys
import time
import warnings

HANDOFF_HELP = "write an add-in-free copy whose flopsheet calls are native formulas (for finance)"
TRUST_SIZE_HELP = (
    "the file comes from a source you trust: lift the size limits (part and total size, cell count, "
    "compression ratio); the checks that protect the XML parsers stay"
)
EVALUATE_HELP = "compute every formula cell without Excel (headless LibreOffice) into a values copy or CSV"
PROGRESS_AFTER = 2.0  # seconds: a run shorter than this prints no progress line


def add_parser(sub) -> None:
    p = sub.add_parser(
        "handoff",
        help=HANDOFF_HELP,
        description="Copy a workbook so it works without Python or the add-in: every flopsheet call becomes "
        "an equivalent native formula (GPU figures looked up on a GPUs sheet), VBA and the "
        "xlwings.conf sheet are removed. Calls that cannot be translated keep their value, with a "
        "comment saying why. The input is never modified.",
    )
    p.add_argument("input", help="workbook to copy (.xlsx or .xlsm)")
    p.add_argument("-o", "--output", required=True, help="the copy to write (.xlsx); never the input")
    p.add_argument("--force", action="store_true", help="overwrite OUTPUT if it exists")
    p.add_argument(
        "--recalc",
        action="store_true",
        help="compute cached values with LibreOffice, so viewers that do not recalculate show numbers",
    )
    p.add_argument("--trust-size", action="store_true", help=TRUST_SIZE_HELP)
    p.set_defaults(run=run_handoff)

    e = sub.add_parser(
        "evaluate",
        help=EVALUATE_HELP,
        description="Compute the value of every formula cell (flopsheet calls through their native twins) "
        "with headless LibreOffice, and write a values-only copy and/or a CSV of sheet, cell, "
        "formula, value. With neither -o nor --csv the CSV goes to standard output.",
    )
    e.add_argument("input", help="workbook to evaluate (.xlsx or .xlsm)")
    e.add_argument("-o", "--output", help="values-only copy to write (.xlsx)")
    e.add_argument("--csv", help="CSV file to write: sheet, cell, formula, value")
    e.add_argument("--force", action="store_true", help="overwrite the outputs if they exist")
    e.add_argument("--trust-size", action="store_true", help=TRUST_SIZE_HELP)
    e.set_defaults(run=run_evaluate)


def stderr_progress(command: str = "evaluate", after: float = PROGRESS_AFTER):
    """Progress lines on stderr, each with the time since the start, once a run has taken
    longer than `after` seconds (a quick run prints nothing)."""
    started = time.monotonic()

    def show(line: str) -> None:
        elapsed = time.monotonic() - started
        if elapsed >= after:
            print(f"flopsheet {command}: {line} ({elapsed:.1f} s)", file=sys.stderr, flush=True)

    return show


def _warn(line: str) -> None:
    print(f"flopsheet: warning: {line}", file=sys.stderr, flush=True)


def _quiet(run):
    """Run a subcommand with library warnings (openpyxl's "unknown extension"...) kept off the
    terminal: what the user needs to know arrives through `_warn`, one line each."""

    def wrapped(args) -> int:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return run(args)

    return wrapped


@_quiet
def run_handoff(args) -> int:
    from flopsheet.errors import FlopsheetError
    from flopsheet.handoff.copy import handoff

    if args.recalc:
        from flopsheet.recalc import LIBREOFFICE_MISSING, find_soffice

        if find_soffice() is None:
            raise FlopsheetError(LIBREOFFICE_MISSING)
    rep = handoff(
        args.input,
        args.output,
        force=args.force,
        recalc=args.recalc,
        warn=_warn,
        progress=stderr_progress("handoff"),
        trust_size=args.trust_size,
    )
    for note in rep.notes:
        print(f"note: {note}")
    for sheet, cell, why in rep.frozen[:20]:
        print(f"frozen {sheet}!{cell}: {why}")
    if len(rep.frozen) > 20:
        print(f"... and {len(rep.frozen) - 20} more frozen cells (each has a comment)")
    extra = f"; {rep.converted} text magnitudes made numbers" if rep.converted else ""
    print(
        f"wrote {args.output}: {rep.translated} cells translated to native formulas, "
        f"{len(rep.frozen)} frozen to values{extra}"
    )
    if rep.workings:
        print(f"  the quantities they use are {rep.workings:,} labelled cells of the Workings sheet")
    if rep.longest[0]:
        from flopsheet.handoff.twins import LIMIT  # loaded already: a formula was translated

        over = f" (over the {LIMIT} characters a reviewer reads at a glance)" if rep.longest[0] > LIMIT else ""
        print(f"  longest formula written: {rep.longest[0]:,} characters, {rep.longest[1]}{over}")
    return 0


@_quiet
def run_evaluate(args) -> int:
    from flopsheet.handoff.evaluate import evaluate

    summary = evaluate(
        args.input,
        args.output,
        args.csv,
        force=args.force,
        warn=_warn,
        progress=stderr_progress("evaluate"),
        trust_size=args.trust_size,
    )
    wrote = " and ".join(x for x in (args.output, args.csv) if x)
    if wrote:
        print(f"wrote {wrote}: {summary['formula_cells']} formula cells evaluated", file=sys.stderr)
    return 0
