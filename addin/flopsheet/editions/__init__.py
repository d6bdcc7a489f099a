"""The template's editions as the template and the hand-off both need them (a layer under both).

`flopsheet template` writes two editions of one workbook in each language (LANGS): the .xlsm for
the add-in and its hand-off copy (AUDIENCES), the same cells at the same places, only some text
differing (the .xlsm's Start page says how to install Python and import the functions; a note says
"#NAME? until the add-in is on"). It marks what it writes with custom document properties (the
mark: TEMPLATE, EDITION, VERSION), and the hand-off of a workbook so marked gives each cell still
holding the .xlsm's text the copy's (flopsheet.handoff.copytext).

What the hand-off reads of the template is here, never the template's builder: `wording(lang)`,
the cells where the two editions differ, is `wording.json`, written by `python -m tools.regenerate`
from the template's own builds (flopsheet.template.build.edition_wording; tests/template/
test_template_committed.py fails when it is stale), and the Workings sheet's labels in Chinese.
"""

from __future__ import annotations

import functools
import json
from importlib import resources

LANGS = ("en", "zh-CN")
AUDIENCES = ("addin", "copy")

# The mark: custom document properties (docProps/custom.xml; File > Info > Properties > Advanced >
# Custom in Excel) of a workbook `flopsheet template` wrote. Text is never guessed from.
TEMPLATE = "flopsheet template"  # the edition's language: "en", "zh-CN"
EDITION = "flopsheet edition"  # "add-in" (the .xlsm) or "copy" (its hand-off)
VERSION = "flopsheet version"  # the flopsheet that wrote it (its text is that version's)
EDITIONS = {"addin": "add-in", "copy": "copy"}  # audience -> the EDITION property's value

WORDING = "wording.json"  # {lang: {sheet: [[row, column, the .xlsm's value, the copy's value], ...]}}


@functools.cache
def _table() -> dict:
    return json.loads(resources.files(__package__).joinpath(WORDING).read_text(encoding="utf-8"))


def wording(lang: str) -> tuple[dict, dict]:
    """({sheet: {(row, col): value}} of the add-in edition, and of its copy) in `lang`, at the cells
    where the two differ; a cell one edition leaves empty is absent from its dict."""
    addin: dict = {}
    copy: dict = {}
    for sheet, cells in _table().get(lang, {}).items():
        a, k = addin.setdefault(sheet, {}), copy.setdefault(sheet, {})
        for r, c, av, kv in cells:
            if av is not None:
                a[(r, c)] = av
            if kv is not None:
                k[(r, c)] = kv
    return addin, copy


def workings_translation(lang: str):
    """The copy's Workings sheet labels in `lang` (a function of the English text), or None: English."""
    if lang == "zh-CN":
        from flopsheet.editions.zh_CN_workings import translate

        return translate
    return None
