"""Whether a part calls flopsheet functions: in cell formulas, conditional formats, validations.

Found over the bytes without parsing: most sheets of a workbook have no call and are carried
untouched, so this test must cost little more than reading the part.
"""

from __future__ import annotations

import re

from flopsheet.functions import REGISTRY
from flopsheet.handoff.translate import CALL_NAMES

CALLS = re.compile(CALL_NAMES.pattern.encode(), re.I)
# Formulas outside cells: conditional formats and validations (<formula>, <formula1>, and the
# x14 extensions' <xm:f>); the hand-off does not translate them, so it says so.
_OTHER_FORMULA = re.compile(rb"<(?:\w+:)?formula[12]?>([^<]*)</|<xm:f>([^<]*)</xm:f>")
_NAMES = tuple(name.encode() for name in REGISTRY)
assert all(b"_" in name for name in _NAMES), "has_calls filters on the underscore every name has"
_FORMULA_TEXT = re.compile(rb"<(?:\w+:)?(?:f|formula[12]?)\b[^>/]*>([^<]+)<")


def has_calls(data: bytes) -> bool:
    """Whether a worksheet part calls a flopsheet function: in a cell formula, a conditional
    format or a validation. The case-insensitive call pattern tries every position, which is
    slow over megabytes, so it runs over the formula texts only (found by a pattern that starts
    with a literal, which the regex engine scans for at C speed)."""
    if b"(" not in data:
        return False
    texts = b"\n".join(_FORMULA_TEXT.findall(data))
    if b"_" not in texts:  # every flopsheet function's name has one
        return False
    upper = texts.upper()
    if not any(name in upper for name in _NAMES):  # plain substring scans, before the pattern
        return False
    return CALLS.search(texts) is not None


def other_formulas_call(data: bytes) -> bool:
    """Whether a conditional format or a validation of the part calls a flopsheet function."""
    return any(CALLS.search(a or b) for a, b in _OTHER_FORMULA.findall(data))
