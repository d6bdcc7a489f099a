"""Excel text that several twins share (a twin is a function's native formula, see
flopsheet.handoff.twins): written here, beside the declarations, so the engine writes none."""

from flopsheet.engine import COUNT_DIGITS, HELD_DIGITS


def count_twin(expr: str) -> str:
    """The native twin of the engine's count rule `ceil_whole(expr)`: to the 15 digits a
    spreadsheet holds, to COUNT_DIGITS significant digits, then up (`engine._checks.ceil_whole`
    says why each step; the first makes Gnumeric round as LibreOffice and Excel do)."""
    held = f"ROUND({expr},{HELD_DIGITS - 1}-INT(LOG10({expr})))"
    return f"ROUNDUP(ROUND({held},{COUNT_DIGITS - 1}-INT(LOG10({expr}))),0)"
