"""Human-typed magnitudes: "175B", "1.4T", "7e10", "2.53万", "3.5亿", "46.2%", "1,000", "$27,500", "70bn".

The grammar is the spec's and nothing looser: one number (optional sign, thousands separators
in groups of three, decimals, an exponent), then at most one suffix, with spaces allowed only
around the whole. "12 parsecs", "1,00", "5 B" and "" are errors, not guesses.

Parsing builds one decimal string and calls float() once, so "175B" is exactly 175e9 and a
number formatted by `format_num` parses back to the identical float.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal

from flopsheet.errors import FlopsheetError

# Suffix -> power of ten. K/M/B/G/T/P/E are the SI-style magnitudes analysts type (B = G =
# billion); 万 (1e4), 亿 (1e8) and 万亿 (1e12) are how the seed report writes numbers.
SUFFIX_EXPONENT = {
    "K": 3,
    "M": 6,
    "B": 9,
    "G": 9,
    "T": 12,
    "P": 15,
    "E": 18,
    "万": 4,
    "亿": 8,
    "万亿": 12,
    "%": -2,
    # finance's abbreviations: "70bn", "15tn", "$2.5mm" (MM: a thousand thousand), "$3mn"
    "BN": 9,
    "TN": 12,
    "MM": 6,
    "MN": 6,
}

_NUMBER = re.compile(
    r"""^\s*
    (?P<sign>[+-]?)
    (?P<currency>\$?)                          # "$2.50", "$27,500": every price is in USD
    (?P<int>\d{1,3}(?:,\d{3})+|\d+|(?=\.\d))   # 1,000 grouping must be exact; ".5" allowed
    (?:\.(?P<frac>\d*))?
    (?:[eE](?P<exp>[+-]?\d+))?
    (?P<suffix>万亿|BN|TN|MM|MN|[KMBGTPE万亿%])?
    \s*$""",
    re.VERBOSE | re.IGNORECASE,
)

# Video resolutions are written with the lines and a "p" ("720p", "1080p", "2160p"): with P =
# peta, "720p" would be read as 7.2E+17. These line counts with a p (either case) are refused,
# saying what to type. Of the other suffixes only K makes resolution words ("4K", "8K"); a K
# magnitude stays a number ("4K" tokens of context), and the functions taking a pixel side
# refuse it there (`resolution_word`). M B G T E 万 亿 % make no resolution word.
VIDEO_LINES = frozenset({120, 144, 240, 360, 480, 540, 576, 720, 900, 1080, 1440, 1600, 2160, 2880, 4320})
RESOLUTION_K = {
    2: "2048x1080 (DCI 2K)",
    4: "3840x2160 (UHD 4K)",
    5: "5120x2880 (5K)",
    6: "6144x3160 (6K)",
    8: "7680x4320 (UHD 8K)",
}
_RESOLUTION = re.compile(r"^\s*(\d+)\s*([pP]|[kK])\s*$")


def resolution_word(text, pixel_side: bool = False) -> str | None:
    """Why `text` is a video resolution word and not a number ("1080p"; with pixel_side, also
    "4K" where a side in pixels is expected), or None."""
    if not isinstance(text, str):
        return None
    m = _RESOLUTION.match(text)
    if not m:
        return None
    n, letter = int(m[1]), m[2].lower()
    if letter == "p" and n in VIDEO_LINES:
        return (
            f'"{text.strip()}" is a video resolution ({n} lines), not {n} peta: type {n} for a side in '
            f"pixels (a {n}p frame is {n} high), or {n}E15 for the number"
        )
    if letter == "k" and pixel_side and n in RESOLUTION_K:
        return (
            f'"{text.strip()}" is a resolution name ({RESOLUTION_K[n]} pixels, width x height), not a side in '
            f"pixels: type the height and the width as numbers"
        )
    return None


# The exponent and the "E" (exa) suffix share a letter: "7e10" is an exponent, "7E" is exa.
_MAX_EXPONENT = 400  # beyond float range either way; keeps Decimal strings short


# A cheap first look: text that cannot start a number ("H100", "run 1") is never parsed.
STARTS_LIKE_NUMBER = re.compile(r"\s*[+-]?\$?[0-9.]")

# Another currency's sign: refused (every price is in USD), with what to type.
_OTHER_CURRENCY = re.compile(r"^\s*[+-]?(€|£|¥|₹|EUR|GBP|JPY|CNY|RMB)", re.IGNORECASE)


@dataclass(frozen=True)
class Parts:
    """A magnitude as it was typed: its value and how it was written ("1,234.50K" -> grouped,
    two decimals, suffix "K"), so a copy can show the number the way the user typed it."""

    value: float
    grouped: bool  # thousands separators ("1,000")
    decimals: int  # digits after the point ("1.50" -> 2)
    exponent: bool  # an exponent was typed ("7e10")
    suffix: str  # "", "K".."E", "BN", "TN", "MM", "MN" (upper case), "万", "亿", "万亿" or "%"
    currency: bool = False  # a "$" was typed ("$27,500")


def parse_parts(text: str, arg: str = "value") -> Parts:
    """The number a typed magnitude means and how it was typed. Raises FlopsheetError naming
    `arg` for anything `parse_num` refuses (text only: numbers have no typing to report)."""
    if not isinstance(text, str):
        raise FlopsheetError(f'{arg} must be text like "175B" (got {type(text).__name__})', arg=arg)
    why = resolution_word(text)
    if why:
        raise FlopsheetError(f"{arg}: {why}", arg=arg)
    m = _NUMBER.match(text)
    if not m or (m["int"] == "" and not m["frac"]):
        shown = text.strip()[:40]
        if _OTHER_CURRENCY.match(text):
            raise FlopsheetError(
                f'{arg} must be in US dollars (got "{shown}"): convert it and type the number, e.g. 2.5 or "$2.50"',
                arg=arg,
            )
        raise FlopsheetError(
            f'{arg} must be a number or a magnitude like "175B", "1.4T", "2.53万", "46.2%" (got "{shown}")',
            arg=arg,
        )
    exponent = int(m["exp"] or 0)
    if abs(exponent) > _MAX_EXPONENT:
        exponent = _MAX_EXPONENT if exponent > 0 else -_MAX_EXPONENT
    suffix = (m["suffix"] or "").upper()
    if suffix:
        exponent += SUFFIX_EXPONENT[suffix]
    digits = (m["int"] or "0").replace(",", "")
    value = float(f"{m['sign']}{digits}.{m['frac'] or '0'}e{exponent}")
    if not math.isfinite(value):
        raise FlopsheetError(f'{arg} is too large for a number (got "{text.strip()[:40]}")', arg=arg)
    return Parts(value, "," in m["int"], len(m["frac"] or ""), m["exp"] is not None, suffix, bool(m["currency"]))


def parse_num(text: str, arg: str = "value") -> float:
    """The number a human-typed magnitude means. Raises FlopsheetError naming `arg`."""
    if isinstance(text, bool):
        raise FlopsheetError(f"{arg} must be a number, not {str(text).upper()}", arg=arg)
    if isinstance(text, (int, float)):
        if not math.isfinite(text):
            raise FlopsheetError(f"{arg} must be a finite number (got {text})", arg=arg)
        return float(text)
    if not isinstance(text, str):
        raise FlopsheetError(f'{arg} must be a number or text like "175B" (got {type(text).__name__})', arg=arg)
    return parse_parts(text, arg).value


# Suffixes format_num may use, largest first (Western style: what analysts read in English).
_FORMAT_SUFFIXES = (("E", 18), ("P", 15), ("T", 12), ("B", 9), ("M", 6), ("K", 3))


def format_num(x: float) -> str:
    """A short human form of x ("1.75e11" -> "175B") that `parse_num` turns back into x exactly."""
    x = float(x)
    if x != x or x in (float("inf"), float("-inf")):
        raise FlopsheetError(f"cannot format {x}", arg="value")
    if x == 0:
        return "0"
    exact = Decimal(repr(x))
    for suffix, power in _FORMAT_SUFFIXES:
        if abs(x) >= 10.0**power:
            mantissa = exact.scaleb(-power).normalize()
            text = format(mantissa, "f")
            if abs(mantissa) < 1000 and len(text) <= 12:
                return f"{text}{suffix}"
            break
    return repr(x)  # e.g. "3.15e+23", which parse_num reads back exactly
