"""The committed Lite `main.py` loaded as xlwings Lite loads it, with the emulated decorators of
lite_sim (a test helper shared by the Lite tests)."""

from __future__ import annotations

import functools
import importlib.util
import sys
from pathlib import Path

import xlwings

import lite_sim

ROOT = Path(__file__).resolve().parents[2]
LITE_DIR = ROOT / "workbook" / "lite"
MAIN = LITE_DIR / "main.py"
MODULE = "flopsheet_lite_main"


def load_main(path: Path = MAIN):
    """Import `path` as Lite does with `from xlwings import func, arg, ret` bound to Lite's
    decorators (here lite_sim's); xlwings' own attributes are restored afterwards."""
    saved = {name: getattr(xlwings, name) for name in ("func", "arg", "ret")}
    xlwings.func, xlwings.arg, xlwings.ret = lite_sim.func, lite_sim.arg, lite_sim.ret
    try:
        spec = importlib.util.spec_from_file_location(MODULE, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[MODULE] = module
        spec.loader.exec_module(module)
    finally:
        for name, value in saved.items():
            setattr(xlwings, name, value)
    return module


@functools.lru_cache(maxsize=None)
def lite_main():
    return load_main()
