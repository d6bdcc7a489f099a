"""The template's Economics sheet: registered after Inference, valid OOXML, the seed fleet and
the issue's serving figure on it, every range ordered low <= base <= high and written as text
by RANGE_TEXT, and the price table shown with each row's date and source."""

from __future__ import annotations

import pytest

import ooxml
from flopsheet import engine
from flopsheet import functions as F
from flopsheet.catalog import prices
from flopsheet.template.build import build_workbook
from flopsheet.template.layout import ECONOMICS, INFERENCE, SHEET_ORDER


@pytest.fixture(scope="module")
def built():
    wb, ctx = build_workbook()
    values = {o.cell: o.value for o in ctx.outputs if o.sheet == ECONOMICS}
    cells = {k: v.replace("$", "") for (s, k), v in ctx.cells.items() if s == ECONOMICS}
    return wb, values, cells


def _v(built, key):
    _, values, cells = built
    return values[cells[key]]


def test_the_sheet_is_registered_after_inference():
    assert SHEET_ORDER.index(ECONOMICS) == SHEET_ORDER.index(INFERENCE) + 1


def test_the_sheet_is_valid_ooxml(built, tmp_path):
    wb, _, _ = built
    path = tmp_path / "economics.xlsm"  # the template carries xlwings' macros
    wb.save(path)
    ooxml.assert_valid(path)


def test_the_seed_fleet(built):
    assert _v(built, "f_capex") == pytest.approx(777768 * 27500 * 1.44)
    assert _v(built, "f_mw") == pytest.approx(F.FLEET_POWER_MW(777768, "H100 SXM", 1.2))
    assert _v(built, "f_energy") == pytest.approx(F.ENERGY_COST_USD(_v(built, "f_mw"), 0.0872))
    assert _v(built, "f_capex_range") == "$30.8B (25.7B-37.1B)"


def test_the_issues_serving_figure_is_on_the_sheet(built):
    # $2.50 a GPU-hour at the Inference sheet's 50% load. Issue 20: at the serving batch (the largest whose
    # caches fit and whose step stays under 50 ms) with Llama 3.1 70B's own cache at the running context, not
    # at the batch of 64 the sheet used to type with a cache at the full context ($1.40 then).
    running = 1000 + 500 // 2
    batch = F.SERVING_BATCH(
        "Llama 3.1 70B", "H100 SXM", 2, 4, 0.8, 0.4, "bf16", engine.DEFAULT_ALLREDUCE_US, running, 50
    )
    out = F.COST_PER_MTOK(
        "Llama 3.1 70B",
        "H100 SXM",
        2.5,
        "output",
        0.5,
        batch,
        2,
        4,
        None,
        0.8,
        0.4,
        "bf16",
        engine.DEFAULT_ALLREDUCE_US,
        1000,
        0.65,
        running,
    )
    # the sheet's SERVING_BATCH is what COST_PER_MTOK takes for a blank batch
    assert out == F.COST_PER_MTOK(
        "Llama 3.1 70B",
        "H100 SXM",
        2.5,
        "output",
        0.5,
        None,
        2,
        4,
        None,
        0.8,
        0.4,
        "bf16",
        engine.DEFAULT_ALLREDUCE_US,
        1000,
        0.65,
        running,
    )
    assert _v(built, "p_out") == pytest.approx(out, rel=1e-12)
    batch_64 = F.COST_PER_MTOK(
        "Llama 3.1 70B",
        "H100 SXM",
        2.5,
        "output",
        0.5,
        64,
        2,
        4,
        None,
        0.8,
        0.4,
        "bf16",
        engine.DEFAULT_ALLREDUCE_US,
        1000,
        0.65,
        running,
    )
    assert out < batch_64  # the serving batch is larger than 64 here: each GPU-hour serves more tokens
    assert _v(built, "p_margin") == pytest.approx(F.GROSS_MARGIN(_v(built, "p_revenue"), _v(built, "p_cost_day")))


def test_every_range_brackets_its_base_and_reads_as_text(built):
    _, values, cells = built
    ranged = [k[: -len("_range")] for k in cells if k.endswith("_range")]
    assert len(ranged) >= 10
    for key in ranged:
        base, lo, hi, text = (values[cells[key + s]] for s in ("", "_lo", "_hi", "_range"))
        if base == "":  # a training row without a sourced purchase price
            assert text == ""
            continue
        assert lo <= base <= hi, key
        assert isinstance(text, str) and "(" in text and not text.startswith("RANGE_TEXT"), (key, text)


def test_price_table_rows_carry_date_and_source(built):
    wb, _, _ = built
    ws = wb[ECONOMICS]
    notes = [ws.cell(r, 7).value or "" for r in range(1, ws.max_row + 1)]
    for p in prices.all_prices():
        assert any(p.date in n and p.source in n for n in notes), p


def test_owned_training_cost_follows_the_training_sheets_gpu_hours():
    """Owned = the Training sheet's GPU-hours (with its peak, MFU and goodput) x what owning one
    GPU-hour costs. The seed's sparse-peak row runs on half the dense row's GPU-hours, so it must
    cost half as much to own (it once cost the same: the owned cost ignored the row's peak)."""
    from flopsheet.template import scenarios as sc
    from flopsheet.template.layout import TRAINING

    wb, ctx = build_workbook()
    owned = {o.scenario: o.value for o in ctx.outputs if o.sheet == ECONOMICS and o.label == "owned, amortised (base)"}
    hours = {o.scenario: o.value for o in ctx.outputs if o.sheet == TRAINING and o.label == "gpu_hours"}
    dense, sparse = (s.name for s in sc.TRAINING[1:3])
    assert owned[dense] > 0 and hours[dense] > 0
    assert owned[sparse] / owned[dense] == pytest.approx(hours[sparse] / hours[dense], rel=1e-12)
    assert owned[sparse] / owned[dense] == pytest.approx(989.5 / 1979, rel=1e-9)
    per_hour = owned[dense] / hours[dense]  # USD per owned H100-hour: amortised hardware + energy
    assert 0.5 < per_hour < 5  # the order of H100 rental prices: an owned hour is no free lunch


def test_money_and_years_cells_refuse_the_wrong_unit(built):
    """Issue 23: the sheet's price, electricity and years cells carry the functions' own plausible
    ranges as data validation, so 80 ($/MWh), 27.5 ($k) and 48 (months) are refused where typed."""
    from openpyxl.utils import range_boundaries

    from flopsheet.engine._checks import USD_PER_GPU, USD_PER_GPU_HOUR, USD_PER_KWH, YEARS

    wb, _, cells = built
    ws = wb[ECONOMICS]

    def rule_at(key):
        col, row = cells[key][0], int(cells[key][1:])
        for dv in ws.data_validations.dataValidation:
            for rng in dv.sqref.ranges:
                c1, r1, c2, r2 = range_boundaries(rng.coord)
                if r1 <= row <= r2 and c1 <= ord(col) - 64 <= c2:
                    return float(dv.formula1), float(dv.formula2), dv.error
        return None

    expected = {"f_years": YEARS, "f_years_lo": YEARS, "p_usd": USD_PER_GPU_HOUR}
    for i, p in enumerate(prices.all_prices()):
        rule = USD_PER_GPU if p.kind == "purchase" else USD_PER_KWH if p.kind == "electricity" else USD_PER_GPU_HOUR
        expected[f"price_{i}"] = expected[f"price_{i}_hi"] = rule
        assert all(rule.ok_scalar(v) for v in (p.usd, p.low, p.high) if v is not None), p  # the table passes
    for key, rule in expected.items():
        got = rule_at(key)
        assert got is not None and got[:2] == (rule.lo, rule.hi), (key, got)
        assert "type" in got[2]
    for key, slip in (("f_years", 48), ("p_usd", 2500)):
        lo, hi, _ = rule_at(key)
        assert not lo <= slip <= hi
