"""What the template computes, by the Python engine: the command's summary and the tests' oracle.

Every formula cell that calls a flopsheet function is paired with an `Output`: the same call
made in Python (``flopsheet.functions.REGISTRY``) on the scenario's inputs. The tests read the
saved workbook back, evaluate each formula from its cells, and compare with these values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from flopsheet.errors import FlopsheetError


@dataclass(frozen=True)
class Output:
    """A formula cell whose value the Python engine also computed."""

    sheet: str
    cell: str  # coordinate without $, e.g. "N5"
    label: str  # printed after the value: "wall-clock on 1,000 GPUs" ("" when the unit says it)
    unit: str
    value: object  # float, the engine's one-line error message (str), or "" (blank row)
    scenario: str = ""  # the scenario/row the value belongs to
    show: bool = True  # printed in the command's summary
    engine: tuple | None = None  # (engine formula, {argument: cell of the same sheet}): see Ctx.output


def evaluate_outputs(wb, outputs: list[Output]) -> list[Output]:
    """`outputs` with their values: each function cell evaluated from the cells its formula
    references (flopsheet functions called through the registry, as the add-in calls them);
    an `engine` output from its engine formula on the cells it names."""
    from dataclasses import replace

    from flopsheet.template.formula_eval import Evaluator

    ev = Evaluator(wb)
    done = []
    for o in outputs:
        if o.engine is None:
            value = ev.value(o.sheet, o.cell)
        else:
            formula, cells = o.engine
            try:
                value = float(formula(**{arg: ev.value(o.sheet, c) for arg, c in cells.items()}))
            except FlopsheetError as e:
                value = e.message
        done.append(replace(o, value=value))
    return done


def py(name: str, *args):
    """REGISTRY[name](*args) as a cell would show it: a float, or the one-line error message."""
    from flopsheet.functions import REGISTRY

    try:
        value = REGISTRY[name](*args)
    except FlopsheetError as e:
        return e.message
    return value if isinstance(value, str) else float(value)


def fmt_value(value, unit: str = "") -> str:
    """A value as the summary prints it: readable magnitude, then the unit."""
    if isinstance(value, str):
        return f"n/a ({value})" if value else "-"
    a = abs(value)
    if unit == "USD":
        return f"${value:,.0f}"
    if unit in ("FLOPs", "tokens") and a >= 1e7:
        text = f"{value:.3g}"
    elif a >= 1e7:
        text = f"{value:.3e}"
    elif a >= 100 or float(value).is_integer():
        text = f"{value:,.0f}"
    elif a >= 1:
        text = f"{value:,.3g}"
    else:
        text = f"{value:.3g}"
    return f"{text} {unit}".rstrip()


@dataclass
class Summary:
    """The workbook written and what its formula cells compute (Python engine values)."""

    path: Path | None
    outputs: list[Output] = field(default_factory=list)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)  # closing lines (e.g. the seed check's verdict)

    def values(self) -> dict[tuple[str, str], object]:
        """(sheet, cell) -> the engine's value."""
        return {(o.sheet, o.cell): o.value for o in self.outputs}

    def scenarios(self, sheet: str) -> list[str]:
        seen: list[str] = []
        for o in self.outputs:
            if o.sheet == sheet and o.scenario and o.scenario not in seen:
                seen.append(o.scenario)
        return seen

    def text(self) -> str:
        lines = []
        if self.path is not None:
            lines.append(f"Wrote {self.path} ({self.seconds:.2f} s). Python engine values of its formulas:")
        sheets: list[str] = []
        for o in self.outputs:
            if o.show and o.sheet not in sheets:
                sheets.append(o.sheet)
        for sheet in sheets:
            lines.append(f"{sheet}:")
            for scenario in self.scenarios(sheet):
                parts = [
                    f"{fmt_value(o.value, o.unit)} {o.label}".rstrip()
                    for o in self.outputs
                    if o.sheet == sheet and o.scenario == scenario and o.show and o.value != ""
                ]
                if parts:
                    lines.append(f"  {scenario}: " + "; ".join(parts))
        lines.extend(self.notes)
        return "\n".join(lines)
