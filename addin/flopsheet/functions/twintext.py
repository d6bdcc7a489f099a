"""Excel text that several twins share (a twin is a function's native formula, see
flopsheet.handoff.twins): written here, beside the declarations, so the engine writes none."""

from flopsheet.engine import COUNT_DIGITS, HELD_DIGITS


def count_twin(expr: str) -> str:
    """The native twin of the engine's count rule `ceil_whole(expr)`: to the 15 digits a
    spreadsheet holds, to COUNT_DIGITS significant digits, then up (`engine._checks.ceil_whole`
    says why each step; the first makes Gnumeric round as LibreOffice and Excel do)."""
    held = f"ROUND({expr},{HELD_DIGITS - 1}-INT(LOG10({expr})))"
    return f"ROUNDUP(ROUND({held},{COUNT_DIGITS - 1}-INT(LOG10({expr}))),0)"


def unrolled_bisection(prefix: str, top: str, at, met, halvings: int, result: str) -> list:
    """Steps unrolling the engines' search for the largest batch in [1, {step:<prefix>_top}] that meets a target
    (engine.inference.largest_batch, engine.parallel.largest_ep_batch): `halvings` times a batch is tried, the
    middle of what is still possible (`at(batch, suffix, what)`: the steps of that batch's step time, keyed with
    `suffix`; `met(suffix)`: the test that it meets the target), then the top itself when it meets it, else the
    largest known to. Ends in {step:<result>}; `top` is the top step's key, already written with its own steps."""
    steps: list = []
    lo, hi = "1", "{step:" + top + "}"
    for i in range(1, halvings + 1):
        mid = f"{prefix}_mid{i}"
        steps.append((mid, f"batch tried, bisection step {i}", f"INT(({lo}+{hi}+1)/2)"))
        steps += at("{step:" + mid + "}", f"_{i}", f"bisection step {i}")
        test = met(f"_{i}")
        steps.append(
            (
                f"{prefix}_lo{i}",
                f"largest batch known to meet the target, bisection step {i}",
                f"IF({test},{{step:{mid}}},{lo})",
            )
        )
        steps.append(
            (
                f"{prefix}_hi{i}",
                f"largest batch still possible, bisection step {i}",
                f"IF({test},{hi},{{step:{mid}}}-1)",
            )
        )
        lo, hi = f"{{step:{prefix}_lo{i}}}", f"{{step:{prefix}_hi{i}}}"
    steps.append(
        (
            result,
            "the serving batch: the largest that fits and meets the latency target",
            f"IF({met('_top')},{{step:{top}}},{lo})",
        )
    )
    return steps
