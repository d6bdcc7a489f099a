"""`python -m tools.regenerate`: rewrite every generated file.

Run from the repository root after changing a function, the catalog or the template:
  addin/flopsheet/udfs.py     the xlwings face (tools/udfs_source.py)
  addin/flopsheet/callnames.py  the functions' names alone (what the hand-off reads before loading them)
  workbook/lite/              the xlwings Lite face: main.py, requirements.txt (`flopsheet lite`)
  docs/functions.md           the function reference (tools/docs.py)
  addin/flopsheet/editions/wording.json   where the template's two editions differ (the copy's wording)
  README.md                   its generated blocks: seed table, function list, sheet list
  workbook/README.md          its sheet table
  workbook/flopsheet.xlsm     the template (`flopsheet template`)
  workbook/flopsheet.xlsx     its hand-off copy with cached values (`flopsheet template` writes both)
  workbook/flopsheet-zh-CN.*  the Chinese edition and its copy (`flopsheet template --lang zh-CN`)
  docs/template-*.png         the renders of both editions' sheets (LibreOffice + pdftoppm)
  docs/print-*.png            the first printed page of each sheet of the English copy
The tests that guard each file (tests/udfs/test_udfs_generated.py, tests/udfs/test_lite_generated.py,
tests/udfs/test_udfs_docs.py, tests/test_readme.py, tests/template/test_template_committed.py (the
workbooks and wording.json),
tests/handoff/test_handoff_template.py) fail when one is stale. The benchmark block of the README
is measured, not generated: refresh it with `python benchmarks/run.py`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

LITE_DIR = Path("workbook") / "lite"  # the xlwings Lite face, as `flopsheet lite` writes it


def regenerate(root: Path, *, renders: bool = True, log=print) -> None:
    """Rewrite the generated files of the repository at `root`."""
    from flopsheet.safefile import write_text
    from tools import docs, udfs_source

    udfs = root / "addin" / "flopsheet" / "udfs.py"
    write_text(udfs, udfs_source.source(), force=True)
    log(udfs)
    names = root / "addin" / "flopsheet" / "callnames.py"
    write_text(names, udfs_source.names_source(), force=True)
    log(names)
    from flopsheet import lite

    for path in lite.write(root / LITE_DIR, force=True):
        log(path)
    write_text(root / "docs" / "functions.md", docs.function_reference(), force=True)
    log(root / "docs" / "functions.md")
    readme = root / "README.md"
    write_text(readme, docs.fill_blocks(readme.read_text(encoding="utf-8"), docs.readme_blocks()), force=True)
    log(readme)
    workbook_readme = root / "workbook" / "README.md"
    text = workbook_readme.read_text(encoding="utf-8")
    write_text(workbook_readme, docs.fill_blocks(text, docs.workbook_readme_blocks()), force=True)
    log(workbook_readme)

    from flopsheet import editions
    from flopsheet.template import build_template
    from flopsheet.template.build import copy_path, default_output, edition_wording, write_copy

    wording = root / "addin" / "flopsheet" / "editions" / editions.WORDING
    table = {lang: edition_wording(lang) for lang in editions.LANGS}
    wording.parent.mkdir(parents=True, exist_ok=True)
    write_text(wording, _rows_json(table), force=True)
    editions._table.cache_clear()  # the copies below read it
    log(wording)
    for lang in editions.LANGS:
        xlsm = root / "workbook" / default_output(lang)
        build_template(xlsm, force=True, lang=lang)
        log(xlsm)
        write_copy(copy_path(xlsm), force=True, recalc=True, lang=lang)
        log(copy_path(xlsm))
    if renders:
        from tools.render import render, render_print

        for lang in editions.LANGS:
            for path in render(root / "docs", lang=lang):
                log(path)
        for path in render_print(root / "docs"):
            log(path)


def _rows_json(table: dict) -> str:
    """{lang: {sheet: [row, ...]}} as JSON with one cell's row per line (a change reads as one line)."""
    import json

    def block(items, indent, inner):
        pad = " " * indent
        body = ",\n".join(f"{pad} {json.dumps(k, ensure_ascii=False)}: {inner(v)}" for k, v in items)
        return "{\n" + body + "\n" + pad + "}"

    def rows(rs):
        return "[\n" + ",\n".join("   " + json.dumps(r, ensure_ascii=False) for r in rs) + "\n  ]"

    return block(table.items(), 0, lambda sheets: block(sheets.items(), 1, rows)) + "\n"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m tools.regenerate", description=__doc__.split("\n\n")[0])
    p.add_argument("--root", default=".", help="the repository root (default: the current folder)")
    p.add_argument("--no-renders", action="store_true", help="skip the PNG renders (slowest part)")
    return p


def run(args) -> int:
    root = Path(args.root)
    if not all((root / p).exists() for p in ("README.md", "workbook", "docs", "addin/flopsheet")):
        from flopsheet.errors import FlopsheetError

        raise FlopsheetError(
            f"{root.resolve()} is not the repository root (it needs README.md, workbook/, docs/ and addin/flopsheet/)"
        )
    regenerate(root, renders=not args.no_renders)
    return 0


def main(argv=None) -> int:
    from tools import command

    return command("tools.regenerate", parser(), run, argv)


if __name__ == "__main__":
    sys.exit(main())
