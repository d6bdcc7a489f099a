"""Excel text that several twins share (a twin is a function's native formula, see
flopsheet.handoff.twins): written here, beside the declarations, so the engine writes none."""

from flopsheet.engine import COUNT_DIGITS


def count_twin(expr: str) -> str:
    """The native twin of the engine's count rule `ceil_whole(expr)`: round to COUNT_DIGITS
    significant digits, then up (`engine._checks.ceil_whole` says why both steps)."""
    return f"ROUNDUP(ROUND({expr},{COUNT_DIGITS - 1}-INT(LOG10({expr}))),0)"
