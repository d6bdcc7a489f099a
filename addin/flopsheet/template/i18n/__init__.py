"""The template's editions: its language and its audience, and the one place its words live.

Every label, header, note, validation message and chart title the template writes passes through
`tr`, keyed by its English text; `flopsheet.template.i18n.zh_CN.STRINGS` holds the Simplified
Chinese of each (tests/template/test_template_i18n.py: every English string the build writes has
one). Cells, defined names, sheet names and formulas are the same in every edition: only text and
some number formats (`number_format`: 万/亿 where they read better) change. Catalog data (GPU
names, datasheet titles, links) is data, not wording, and stays as published.

The audience says which file a text describes: "addin" (the .xlsm, whose functions need the
xlwings add-in) or "copy" (the hand-off .xlsx, native formulas only). `pick(addin, copy)` chooses.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator

from flopsheet.editions import AUDIENCES, LANGS

_LANG = contextvars.ContextVar("flopsheet_template_lang", default="en")
_AUDIENCE = contextvars.ContextVar("flopsheet_template_audience", default="addin")
_RECORDER: contextvars.ContextVar[Callable[[str], None] | None] = contextvars.ContextVar(
    "flopsheet_template_recorder", default=None
)


def lang() -> str:
    return _LANG.get()


def audience() -> str:
    return _AUDIENCE.get()


def _table(language: str) -> dict[str, str]:
    if language == "zh-CN":
        from flopsheet.template.i18n.zh_CN import STRINGS

        return STRINGS
    return {}


def tr(text: str) -> str:
    """`text` (English) in the edition's language; English where the table has no entry."""
    record = _RECORDER.get()
    if record is not None and text:
        record(text)
    if not text or lang() == "en":
        return text
    return _table(lang()).get(text, text)


def pick(addin: str, copy: str) -> str:
    """The text for this edition's audience (untranslated: pass the result to `tr`)."""
    return copy if audience() == "copy" else addin


# Number formats that read better in Chinese: 万 (1e4) and 亿 (1e8). Excel's trailing comma scales by
# 1,000 and a backslash makes the next character literal, so 0\.00,,"亿" shows 175000000000 as
# 1750.00亿 (175e9 / 1e6 = 175000, printed with a point before its last two digits) and 0\.0,"万"
# shows 25300 as 2.5万. LibreOffice and Gnumeric render both as Excel does
# (tests/template/test_template_i18n.py exports them "as shown" from both).
_ZH_FORMATS = {
    '#,##0.0,,,"B"': '0\\.00,,"亿"',
    '[>=1000000000000]#,##0.0,,,,"T";[>=1000000000]#,##0.0,,,"B";#,##0': '[>=100000000]0\\.00,,"亿";[>=10000]0\\.0,"万";#,##0',
}


def number_format(fmt: str | None) -> str | None:
    if fmt is None or lang() == "en":
        return fmt
    return _ZH_FORMATS.get(fmt, fmt)


@contextlib.contextmanager
def edition(language: str = "en", who: str = "addin") -> Iterator[None]:
    """Build within this language and audience."""
    if language not in LANGS:
        from flopsheet.errors import FlopsheetError

        raise FlopsheetError(f"language must be one of {', '.join(LANGS)} (got {language!r})", "lang")
    if who not in AUDIENCES:
        raise ValueError(who)
    t1, t2 = _LANG.set(language), _AUDIENCE.set(who)
    try:
        yield
    finally:
        _LANG.reset(t1)
        _AUDIENCE.reset(t2)


@contextlib.contextmanager
def recording() -> Iterator[list[str]]:
    """Every English text passed to `tr` while inside (tests: the keys the table must hold)."""
    seen: list[str] = []
    token = _RECORDER.set(seen.append)
    try:
        yield seen
    finally:
        _RECORDER.reset(token)
