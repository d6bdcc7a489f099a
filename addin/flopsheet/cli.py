"""The command line: `flopsheet calc|gpus|template|handoff|evaluate|lite`.

(The benchmark is `python benchmarks/run.py`: it measures the installed package from outside.)

Errors print one line to stderr and exit 2 (bad input) or 1 (anything else); never a traceback.
"""

from __future__ import annotations

import argparse
import sys

import flopsheet
from flopsheet.errors import FlopsheetError
from flopsheet.exceltext import show_number


def _calc_parser(sub):
    p = sub.add_parser(
        "calc",
        help="print the result of any flopsheet function",
        description="Print the result of a flopsheet function, e.g. "
        "`flopsheet calc GPU_DAYS 3.15e23 A100 0.462`. Arguments are typed as in "
        'a cell ("175B", "46.2%"); name=value sets an optional one, "" leaves '
        "it blank (default).",
    )
    p.add_argument("name", help="function name, e.g. TRAIN_FLOPS (see docs/functions.md)")
    p.add_argument("args", nargs="*", help="arguments, positional or name=value")
    p.set_defaults(run=run_calc)


def format_result(value) -> str:
    """A result as the CLI prints it: full precision, no float noise (25292.99404)."""
    if isinstance(value, str):
        return value
    try:
        import numpy as np

        arr = np.asarray(value)
        if arr.ndim:
            return "\n".join("\t".join(format_result(v) for v in np.atleast_1d(row)) for row in arr)
    except Exception:  # noqa: BLE001 - fall back to plain text
        pass
    if isinstance(value, float) and value.is_integer():
        return show_number(value)  # 3, not 3.0 (exceltext's rule: whole and below 1e15)
    if isinstance(value, float):
        return f"{value:.10g}"
    return str(value)


def calc_arguments(fn, texts: list[str]) -> tuple[list[str], dict[str, str]]:
    """Command-line words -> (positional, named). `name=value` must name an argument of `fn`
    (else the error lists them); an argument given twice (by position and by name, or by name
    twice) is an error rather than silently the last one."""
    import re

    positional, named = [], {}
    order = [a.name for a in fn.args]
    for text in texts:
        key, eq, value = text.partition("=")
        if eq and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
            if key not in order:
                raise FlopsheetError(
                    f"{fn.name}: unknown argument name {key!r}; its arguments are {', '.join(order) or 'none'}"
                )
            if key in named or order.index(key) < len(positional):
                raise FlopsheetError(f"{fn.name}: {key} is given twice")
            named[key] = value
        elif named:
            raise FlopsheetError(f"{fn.name}: positional argument {text!r} after name=value arguments")
        else:
            positional.append(text)
    return positional, named


def run_calc(args) -> int:
    from flopsheet import functions

    fn = functions.get(args.name)
    positional, named = calc_arguments(fn, args.args)
    print(format_result(fn(*positional, **named)))
    return 0


def _gpus_parser(sub):
    p = sub.add_parser("gpus", help="print the accelerator catalog as a table")
    p.add_argument("--all", action="store_true", help="include rows whose peak is unconfirmed")
    p.set_defaults(run=run_gpus)


def run_gpus(args) -> int:
    from flopsheet import catalog

    cols = [
        ("name", "GPU"),
        ("vendor", "vendor"),
        ("year", "year"),
        ("bf16_tflops", "BF16 TF"),
        ("fp16_tflops", "FP16 TF"),
        ("fp8_tflops", "FP8 TF"),
        ("fp4_tflops", "FP4 TF"),
        ("memory_gb", "mem GB"),
        ("bandwidth_tbs", "BW TB/s"),
        ("tdp_w", "TDP W"),
        ("sparsity_factor", "sparse x"),
        ("usd_per_gpu_hour", "$/GPU-h"),
    ]
    rows = [
        [("" if getattr(g, k) is None else format_result(getattr(g, k))) for k, _ in cols]
        for g in catalog.all_gpus()
        if args.all or g.selectable
    ]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, (_, h) in enumerate(cols)]
    print("  ".join(h.ljust(w) for (_, h), w in zip(cols, widths)))
    for r in rows:
        print("  ".join(v.ljust(w) if i < 2 else v.rjust(w) for i, (v, w) in enumerate(zip(r, widths))))
    print(f'\n{len(rows)} GPUs; dense peaks (no 2:4 sparsity). Sources: `flopsheet calc GPU_SPEC "H100" source`.')
    return 0


# Subcommands that live beside what they drive: the module whose add_parser(sub) declares them.
SUBCOMMANDS = {
    "template": "flopsheet.template.cli",
    "handoff": "flopsheet.handoff.cli",
    "evaluate": "flopsheet.handoff.cli",
    "lite": "flopsheet.lite",
}


def _subcommand_modules(argv: list[str] | None = None):
    """The modules to import for this command line: only the named subcommand's (importing the
    template builder and the function registry costs more than a small hand-off's work), every
    one for help, a mistyped command or no command."""
    import importlib

    chosen = next((w for w in argv if not w.startswith("-")), None) if argv is not None else None
    if chosen in ("calc", "gpus"):
        return ()
    names = [SUBCOMMANDS[chosen]] if chosen in SUBCOMMANDS else list(dict.fromkeys(SUBCOMMANDS.values()))
    return tuple(importlib.import_module(n) for n in names)


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser; given the command line, only the subcommand it names is imported."""
    parser = argparse.ArgumentParser(
        prog="flopsheet",
        description="Estimate what large AI models cost in compute: Excel functions, a template workbook, "
        "and this command line.",
    )
    parser.add_argument("--version", action="version", version=f"flopsheet {flopsheet.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    _calc_parser(sub)
    _gpus_parser(sub)
    for module in _subcommand_modules(argv):
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    try:
        return int(args.run(args) or 0)
    except FlopsheetError as e:
        print(f"flopsheet: {e.message}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `flopsheet gpus | head`: the reader left, not an error
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("flopsheet: interrupted; nothing was written", file=sys.stderr)
        return 130
    except OSError as e:
        print(f"flopsheet: {e.strerror or e}: {e.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1
    except Exception as e:  # noqa: BLE001 - one line for the user; FLOPSHEET_DEBUG=1 shows the traceback
        import os

        if os.environ.get("FLOPSHEET_DEBUG"):
            raise
        first = " ".join(str(e).split())[:200]
        print(
            f"flopsheet: internal error: {type(e).__name__}: {first} (rerun with FLOPSHEET_DEBUG=1 for details)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
