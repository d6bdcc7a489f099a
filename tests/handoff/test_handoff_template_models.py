"""The template's hand-off copy carries its model-name formulas (DeepSeek-V3 on 8 H200s, Kimi K2's
latent cache, the Llama 3.1 70B fleet) as native formulas looking figures up on the Models sheet,
and recalculated by LibreOffice AND Gnumeric every Inference result equals the Python engine's
(relative 1e-9). The copy is the one `flopsheet template` writes (write_copy)."""

from __future__ import annotations

import math
import re

import openpyxl

from engine_batch import recalculate, recalculate_gnumeric, shared_workbook
from flopsheet.template import build_workbook
from flopsheet.template.build import write_copy

SCENARIOS = ("DeepSeek-V3 on 8 H200s (FP8)", "Kimi K2, 2M Chinese characters", "Llama 3.1 70B chat service")


@shared_workbook("flopsheet.xlsx")
def copy(d):
    out = d / "flopsheet.xlsx"
    report = write_copy(out)
    _, ctx = build_workbook()
    expected = {o.cell: o.value for o in ctx.outputs if o.sheet == "Inference" and o.scenario in SCENARIOS}
    return d, out, report, expected


def test_model_name_cells_are_native_formulas(copy):
    _, out, report, expected = copy
    from flopsheet.handoff.workings import SHEET

    wb = openpyxl.load_workbook(out)
    ws = wb["Inference"]
    ref = re.compile(r"(?:'((?:[^']|'')*)'|(" + SHEET + r"))!\$([A-Z]{1,3})\$?(\d+)")

    def reads_models(formula: str, seen: set) -> bool:
        """The formula or a Workings cell it reads, transitively, looks a figure up on the Models sheet (each
        cell visited once: written out in full, the serving batch's bisection would double at every halving)."""
        if "Models!" in formula:
            return True
        for m in ref.finditer(formula):
            title = m.group(1).replace("''", "'") if m.group(1) is not None else m.group(2)
            key = (title, f"{m.group(3)}{m.group(4)}")
            if not title.startswith(SHEET) or key in seen:
                continue
            seen.add(key)
            v = wb[title][key[1]].value
            if isinstance(v, str) and reads_models(v, seen):
                return True
        return False

    named = [c for c in expected if isinstance(ws[c].value, str) and reads_models(ws[c].value, set())]
    assert len(named) >= 15  # every function cell of the three scenarios that names a model
    assert all(ws[c].value.startswith("=") for c in expected)  # none frozen to a value
    assert not [f for f in report.frozen if f[0] == "Inference"]


def _check(path, expected):
    got = openpyxl.load_workbook(path, data_only=True)["Inference"]
    wrong = [
        f"{c}: Python {v!r}, engine {got[c].value!r}"
        for c, v in expected.items()
        if not (isinstance(got[c].value, (int, float)) and math.isclose(got[c].value, v, rel_tol=1e-9))
    ]
    return wrong


def test_libreoffice_equals_python(copy, soffice):
    d, out, _, expected = copy
    wrong = _check(recalculate(out, d / "lo.xlsx"), expected)
    assert not wrong, "\n".join(wrong)


def test_gnumeric_equals_python(copy, gnumeric):
    d, out, _, expected = copy
    wrong = _check(recalculate_gnumeric(out, d / "gnumeric.xlsx"), expected)
    assert not wrong, "\n".join(wrong)
