"""`flopsheet template [-o PATH] [--force]`: write the template workbook and say what it computes."""

from __future__ import annotations

import argparse

from flopsheet.template.build import DEFAULT_OUTPUT, build_template


def add_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "template", help="write the template workbook (flopsheet.xlsm)",
        description="Write the macro-enabled template workbook: GPUs, training, inference and multimodal "
                    "scenarios, the seed check and sources, with every result a flopsheet function call. "
                    "Prints what the scenarios compute (the Python engine's values). Never overwrites an "
                    "existing file unless --force is given.")
    p.add_argument("-o", "--output", default=DEFAULT_OUTPUT, metavar="PATH",
                   help=f"where to write the workbook (.xlsm; default {DEFAULT_OUTPUT})")
    p.add_argument("--force", action="store_true", help="overwrite PATH if it exists")
    p.set_defaults(run=run)
    return p


def run(args) -> int:
    summary = build_template(args.output, force=args.force)
    print(summary.text())
    return 0
