"""The Excel contract (docs/functions.md, generated from it) as one registry of `Function`s.

Every face reads this registry: the xlwings functions (udfs), the command line (`calc`), the
function reference in the docs, the template and the hand-off translator. Each `Function` is
callable from Python: scalars in -> float, ranges in -> ndarray, bad input -> FlopsheetError
whose message starts with the function's name.
"""

from flopsheet.functions import catalogs, economics, hardware, inference, parallel, tokens, training
from flopsheet.functions.declaration import (
    GPU_FIGURES,
    GPU_FIGURES_IF_KNOWN,
    MODEL_FIGURES,
    Arg,
    Function,
    call,
    evaluate,
)
from flopsheet.functions.inputs import REQUIRED

_ALL = [
    f for module in (training, inference, parallel, tokens, hardware, catalogs, economics) for f in module.FUNCTIONS
]
REGISTRY: dict[str, Function] = {f.name: f for f in _ALL}
if len(REGISTRY) != len(_ALL):  # a Function imported into a second module would be declared twice
    raise ImportError(f"a function is declared twice: {sorted({f.name for f in _ALL if _ALL.count(f) > 1})}")


def __getattr__(name: str) -> Function:
    """`flopsheet.functions.GPU_DAYS` is REGISTRY["GPU_DAYS"] (declared in functions/training.py)."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None


def get(name: str) -> Function:
    """A function by its Excel name (case-insensitive), or FlopsheetError with the list."""
    from flopsheet.errors import FlopsheetError

    fn = REGISTRY.get(str(name).strip().upper())
    if fn is None:
        import difflib

        close = difflib.get_close_matches(str(name).strip().upper(), list(REGISTRY), n=1)
        hint = f"; did you mean {close[0]}?" if close else f"; the functions are {', '.join(REGISTRY)}"
        raise FlopsheetError(f'unknown function "{name}"{hint}', arg="name")
    return fn


__all__ = [
    "GPU_FIGURES",
    "GPU_FIGURES_IF_KNOWN",
    "MODEL_FIGURES",
    "REGISTRY",
    "REQUIRED",
    "Arg",
    "Function",
    "call",
    "evaluate",
    "get",
]
