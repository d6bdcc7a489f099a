"""Timings of the safety checks, moved out of the test suite (tests bound work, never seconds).

    python benchmarks/checks_bench.py            # full sizes (about half a minute)
    python benchmarks/checks_bench.py --quick    # tiny sizes: checks that it runs
    python benchmarks/checks_bench.py --json out.json

Each figure is printed beside a baseline measured in the same run, because machines are noisy:
- check_workbook on a big sheet vs. inflating the same parts and running expat over them with
  no handlers (the floor any streaming XML check pays); the old test limit was 1.5 s per 50 MB.
- a 1.1 GB zip bomb and a directory that lies about a part's size: refused in well under a
  second, against opening the zip directory.
- resolve() of a repeated GPU name vs. a plain dict lookup; target: <= 2 us per call.
"""

from __future__ import annotations

import argparse
import json
import struct
import sys
import tempfile
import time
import timeit
import zipfile
from pathlib import Path
from xml.parsers import expat

import openpyxl

from flopsheet.catalog import resolve
from flopsheet.errors import FlopsheetError
from flopsheet.untrusted import check_workbook

SHEET = "xl/worksheets/sheet1.xml"
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _best(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def _base(folder: Path) -> Path:
    wb = openpyxl.Workbook()
    for r in range(1, 50):
        wb.active.append([f"name {r}", r, r * 1.5, f"=B{r}*C{r}"])
    path = folder / "base.xlsx"
    wb.save(path)
    return path


def _rezip(src: Path, dst: Path, replace=None, add=None) -> Path:
    replace, add = replace or {}, add or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, replace.get(info.filename, zin.read(info)))
        for name, data in add.items():
            zout.writestr(name, data)
    return dst


def _inflate_and_parse(path: Path) -> None:
    """The floor of any streaming XML check: inflate every part and run expat over it, with no
    handlers (check_workbook adds element handlers and the cell bookkeeping)."""
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            parser = expat.ParserCreate()
            with zf.open(info) as fh:
                while chunk := fh.read(1 << 20):
                    parser.Parse(chunk, False)
            parser.Parse(b"", True)


def _refuse(path: Path) -> None:
    try:
        check_workbook(path)
    except FlopsheetError:
        return
    raise AssertionError(f"{path.name} was not refused")


def big_sheet(folder: Path, rows: int, repeat: int) -> dict:
    body = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{c}{r}" s="1"><v>{r}.5</v></c>' for c in "ABCDEFGHIJ") + "</row>"
        for r in range(1, rows + 1)
    )
    xml = (
        f'<?xml version="1.0"?>\n<worksheet {NS}><dimension ref="A1:J{rows}"/><sheetData>{body}</sheetData></worksheet>'
    )
    path = _rezip(_base(folder), folder / "big.xlsx", {SHEET: xml.encode()})
    check = _best(lambda: check_workbook(path), repeat)
    floor = _best(lambda: _inflate_and_parse(path), repeat)
    mb = len(xml) / 1e6
    return {
        "kind": "check_workbook",
        "rows": rows,
        "xml_mb": round(mb, 1),
        "seconds": check,
        "mb_per_s": mb / check,
        "inflate_and_expat_seconds": floor,
        "ratio": check / floor,
        "old_test_limit_seconds": 1.5 * mb / 50 + 0.5,
    }


def zip_bomb(folder: Path, chunks: int, repeat: int) -> dict:
    path = _rezip(_base(folder), folder / "bomb.xlsx")
    zeros = bytes(16 << 20)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("xl/media/image1.png", "w", force_zip64=True) as fh:
            for _ in range(chunks):
                fh.write(zeros)
    refuse = _best(lambda: _refuse(path), repeat)
    directory = _best(lambda: zipfile.ZipFile(path).close(), repeat)
    return {
        "kind": "zip_bomb",
        "expands_gb": round(chunks * 16 / 1024, 2),
        "seconds": refuse,
        "directory_seconds": directory,
        "ratio": refuse / directory,
        "target_seconds": 0.5,
    }


def lying_directory(folder: Path, mb: int, repeat: int) -> dict:
    path = _rezip(_base(folder), folder / "liar.xlsx", add={"xl/media/z.bin": bytes(mb << 20)})
    data = bytearray(path.read_bytes())
    entry = data.rfind(b"PK\x01\x02", 0, data.rfind(b"xl/media/z.bin"))
    struct.pack_into("<I", data, entry + 24, 1000)
    path.write_bytes(bytes(data))
    refuse = _best(lambda: _refuse(path), repeat)
    return {"kind": "lying_directory", "real_mb": mb, "seconds": refuse, "target_seconds": 0.5}


def repeated_resolve(number: int) -> dict:
    resolve("NVIDIA H100 SXM5")
    per_call = min(timeit.repeat(lambda: resolve("NVIDIA H100 SXM5"), number=number, repeat=5)) / number
    table = {"nvidia h100 sxm5": 1}
    per_dict = min(timeit.repeat(lambda: table.get("nvidia h100 sxm5"), number=number, repeat=5)) / number
    return {
        "kind": "resolve",
        "us_per_call": per_call * 1e6,
        "dict_lookup_us": per_dict * 1e6,
        "ratio": per_call / per_dict,
        "target_us": 2.0,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks that it runs")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    # a bomb is over the 200 MB a part may be (13 x 16 MB): below it, bytes out are within bounds
    rows, chunks, liar_mb, repeat, number = (2_000, 13, 2, 1, 2_000) if args.quick else (100_000, 70, 50, 3, 20_000)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        results = [
            big_sheet(folder, rows, repeat),
            zip_bomb(folder, chunks, repeat),
            lying_directory(folder, liar_mb, repeat),
            repeated_resolve(number),
        ]
    for r in results:
        figures = ", ".join(f"{k} {v:.3g}" if isinstance(v, float) else f"{k} {v}" for k, v in r.items() if k != "kind")
        print(f"{r['kind']:>16}: {figures}")
    if args.json:
        args.json.write_text(json.dumps({"quick": args.quick, "results": results}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
