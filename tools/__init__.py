"""Developer tooling for the repository: it regenerates and checks what is committed and is not
part of the installed package (users run `flopsheet`; developers run these from the repository
root, e.g. `python -m tools.regenerate`).

  regenerate    rewrite every generated file (udfs.py, docs/functions.md, README blocks, workbook/, renders)
  udfs_source   the source of addin/flopsheet/udfs.py, from the function registry
  docs          the function reference (docs/functions.md) and the README's generated blocks
  render        PNG renders of the template's sheets (LibreOffice + pdftoppm)
  packagecheck  rules Excel enforces on a package beyond the schemas (used by the tests)
"""


def command(prog: str, parser, run, argv=None) -> int:
    """A tool's `main`: `run` the parsed arguments; a FlopsheetError is one line on stderr, status 1."""
    import sys

    from flopsheet.errors import FlopsheetError

    try:
        return run(parser.parse_args(argv))
    except FlopsheetError as e:
        print(f"{prog}: {e.message}", file=sys.stderr)
        return 1
