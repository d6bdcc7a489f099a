"""Economics: what it costs to buy, power, train and serve, each with its low-high range.

Every money block has three value columns: the base case, the LOW-COST case and the HIGH-COST
case. An input's low-cost cell holds the value that makes costs lowest (the cheaper price, the
higher MFU or load), so each result, computed by the same function three times, is ordered
low <= base <= high (the functions are monotone in each input; tests/economics prove it), and
RANGE_TEXT writes "$30.8B (24.6B-37.1B)" beside it. Prices come from the price table
(flopsheet.catalog.prices), shown at the top with their dates and sources; edit them there.
"""

from __future__ import annotations

from openpyxl.chart import LineChart, Reference
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from flopsheet import catalog, placeholders
from flopsheet.catalog import prices
from flopsheet.engine import USD_PER_GPU, USD_PER_GPU_HOUR, USD_PER_KWH, YEARS
from flopsheet.engine.economics import CAPEX_OVERHEAD, DEFAULT_YEARS
from flopsheet.template import i18n
from flopsheet.template import scenarios as sc
from flopsheet.template import styles as st
from flopsheet.template.layout import (
    GPU_LIST,
    GPUS,
    INFERENCE,
    TRAINING,
    Block,
    Ctx,
    finish,
    quoted,
    validate_list,
    validate_number,
    widths,
)
from flopsheet.template.sheets import training as tr

USD_B = '$#,##0.0,,,"B"'  # 30799612800 -> $30.8B
USD_M = '$#,##0.0,,"M"'
SUFFIX = {"base": "", "low": "_lo", "high": "_hi"}
COL = {"base": 2, "low": 3, "high": 4}
UNIT_KEY_COL = 8  # H: the unit as RANGE_TEXT reads it (English in every edition: formulas are identical)
SEED_FLEET = 777_768  # the seed report's thought experiment ends at 777,768 H100s
_EPOCH = "Cottier et al. 2024 (Epoch AI, arXiv:2405.21015)"


class Rows:
    """label | base | low-cost case | high-cost case | unit | range | source, one row per figure."""

    def __init__(self, ws: Worksheet, ctx: Ctx, b: Block):
        self.ws, self.ctx, self.b = ws, ctx, b

    def _fill(self, template: str, case: str) -> str:
        title = self.ws.title

        def at(sheet, key):
            if sheet is None and (title, key + SUFFIX[case]) in self.ctx.cells:
                key = key + SUFFIX[case]
            return self.ctx.ref(sheet or title, key, title)

        return placeholders.fill(template, at)

    def _label(self, label, unit, note, translate_note=True, translate_label=True):
        """Wording goes through i18n.tr; a row built from data (a price row's GPU, provider, date and
        link) is assembled from translated pieces by its caller and written as is."""
        r = self.b.row
        st.set_text(self.ws.cell(r, 1), label, translate=translate_label)
        if unit:
            st.set_text(self.ws.cell(r, 5), unit)
        if note:
            st.set_text(self.ws.cell(r, 7), note, st.NOTE, translate_note)

    def input(
        self,
        key,
        label,
        unit,
        fmt,
        base,
        low=None,
        high=None,
        note="",
        style=st.INPUT,
        translate_note=True,
        translate_label=True,
    ):
        """An input row; low/high default to the base (a certain figure). A value starting with
        "=" is a formula template (e.g. a price-table cell) and is written locked."""
        self._label(label, unit, note, translate_note, translate_label)
        for case, v in (
            ("base", base),
            ("low", base if low is None else low),
            ("high", base if high is None else high),
        ):
            cell = self.ws.cell(self.b.row, COL[case])
            self.ctx.cells[(self.ws.title, key + SUFFIX[case])] = f"${'ABCD'[COL[case] - 1]}${self.b.row}"
            if isinstance(v, str) and v.startswith("="):
                st.set_formula(cell, self._fill(v, case), st.CALC, fmt)
                self.ctx.output(self.ws.title, key + SUFFIX[case], f"{label} ({case})", unit, show=False)
            else:
                st.set_value(cell, v, style, fmt)
        self.b.row += 1

    def calc(self, key, label, unit, fmt, template, note="", ranged: bool = True, show=True, scenario=""):
        """The same formula in all three columns, each reading its own column's inputs, and the
        range as text when `ranged`."""
        self._label(label, unit, note)
        r = self.b.row
        for case in ("base", "low", "high"):
            cell = self.ws.cell(r, COL[case])
            st.set_formula(cell, self._fill(template, case), st.CALC, fmt)
            self.ctx.cells[(self.ws.title, key + SUFFIX[case])] = f"${'ABCD'[COL[case] - 1]}${r}"
            self.ctx.output(
                self.ws.title, key + SUFFIX[case], f"{label} ({case})", unit, scenario, show=show and case == "base"
            )
        if ranged:
            # the unit says how: "USD/year" -> "$909.0M/year (577.2M-2304.6M)". RANGE_TEXT reads the
            # unit's grey key in column H (as written, every edition), not the translated unit cell.
            st.set_text(self.ws.cell(r, UNIT_KEY_COL), unit, st.KEY, translate=False)
            st.set_formula(
                self.ws.cell(r, 6),
                self._fill(f"=RANGE_TEXT({{{key}}},{{{key}_lo}},{{{key}_hi}},$H${r})", "base"),
                st.CALC,
            )
            self.ctx.cells[(self.ws.title, key + "_range")] = f"$F${r}"
            self.ctx.output(self.ws.title, key + "_range", f"{label} range", "", scenario, show=False)
        self.b.row += 1

    def header(self, first: str):
        self.b.header(first, "Base case", "Low-cost case", "High-cost case", "Unit", "Base (low-high)", "Source / note")


# Money and years typed in a wrong unit (80 $/MWh, $27.5k, 48 months) are refused at the cell, with
# the functions' own plausible ranges (engine/_checks.py), so the sheet and the add-in agree.
MONEY_MESSAGES = {
    "purchase": (USD_PER_GPU, "One GPU's price in dollars, 100 to 1,000,000: for $27.5k type 27500"),
    "rental": (USD_PER_GPU_HOUR, "One GPU-hour's price in dollars, 0.01 to 100: for 250 cents type 2.5"),
    "electricity": (USD_PER_KWH, "Electricity in $/kWh, 0.005 to 2: for 80 $/MWh type 0.08"),
    "years": (YEARS, "Years, 1 to 10: for 48 months type 4"),
}


def _validate_money(ws: Worksheet, cells: str, kind: str) -> None:
    rule, message = MONEY_MESSAGES[kind]
    validate_number(ws, cells, _bound(rule.lo), _bound(rule.hi), message)


def _bound(x: float) -> str:
    return repr(x) if x != int(x) else str(int(x))


def _price_table(rows: Rows, b: Block) -> None:
    """The price table as dated, sourced inputs (prices.csv): each row's base, low and high."""
    b.section("1. Prices in use (the price table: dated, primary source per row; estimates marked)")
    rows.header("Price")
    for i, p in enumerate(prices.all_prices()):
        who = p.gpu or i18n.tr("Electricity")
        label = f"{who}: {i18n.tr(p.kind.replace('_', ' '))} ({p.provider})"
        fmt = st.USD if p.kind == "purchase" else ("$0.0000" if p.kind == "electricity" else st.USD_RATE)
        unit = p.unit.replace("USD per ", "USD/")
        est = i18n.tr("ESTIMATE.") + " " if p.estimate else ""
        key = f"price_{i}"
        rows.input(
            key,
            label,
            unit,
            fmt,
            p.usd,
            p.low,
            p.high,
            f"{est}{p.date}, {p.source}",
            style=st.DATA,
            translate_note=False,
            translate_label=False,
        )
        kind = p.kind if p.kind in ("purchase", "electricity") else "rental"
        _validate_money(rows.ws, f"B{rows.b.row - 1}:D{rows.b.row - 1}", kind)
    b.note(
        "Blue cells are sourced figures: edit them when a provider changes its price, and change the date and "
        "source beside them. Purchase prices are press estimates (NVIDIA publishes none); rentals change often."
    )


def _link_gpu_prices(ws: Worksheet, ctx: Ctx) -> None:
    """The GPUs sheet's $/GPU-hour column shows the price table's row (a formula), not a second copy:
    the Training sheet looks prices up there by GPU name, so an edit of a rental price in section 1
    moves Training's and this sheet's results alike (issue 14: one price, editable, never mixed
    with the datasheet figures). Each catalog price is a row of the price table (same figure, date and
    source: tests/economics/test_money_prices.py); a GPU without a price keeps its blank cell."""
    from flopsheet.template.sheets.gpus import FIRST_ROW

    gpus_ws, col = ws.parent[GPUS], ctx.gpu_cols["usd_per_gpu_hour"]
    rows = prices.all_prices()
    for r, gpu in enumerate(catalog.all_gpus(), start=FIRST_ROW):
        i = next(
            (
                i
                for i, p in enumerate(rows)
                if p.gpu == gpu.name
                and p.kind == prices.DEFAULT_KIND
                and p.usd == gpu.usd_per_gpu_hour
                and p.date == gpu.price_date
                and p.source in gpu.price_source
            ),
            None,
        )
        if i is not None:
            st.set_formula(gpus_ws[f"{col}{r}"], "=" + ctx.ref(ws.title, f"price_{i}", GPUS), st.CALC, st.USD_RATE)
            ctx.cells[(GPUS, f"price:{gpu.name}")] = f"${col}${r}"
            ctx.output(GPUS, f"price:{gpu.name}", f"{gpu.name} price", "USD/GPU-hour", show=False)


def _ref(p_gpu: str, kind: str, provider_start: str = "") -> str:
    """The placeholder of the price table's row for (gpu, kind, provider...)."""
    i = next(
        i
        for i, p in enumerate(prices.all_prices())
        if p.gpu == p_gpu and p.kind == kind and p.provider.startswith(provider_start)
    )
    return "{price_%d}" % i


def _fleet(rows: Rows, b: Block) -> None:
    b.section(
        i18n.tr("2. The seed's fleet: {n} H100s (buy, power, run for a year)").format(n=f"{SEED_FLEET:,}"),
        translate=False,
    )
    rows.header("Fleet")
    rows.input("f_gpus", "GPUs", "GPUs", st.WHOLE, SEED_FLEET, note="The seed report's 777,768 H100 SXM")
    rows.input("f_gpu", "GPU", "", None, "H100 SXM")
    r = rows.b.row - 1
    validate_list(rows.ws, GPU_LIST, f"B{r}:D{r}", "Pick a GPU from the GPUs sheet (add new ones there)")
    h100 = _ref("H100 SXM", "purchase")
    rows.input(
        "f_price",
        "Price per GPU",
        "USD/GPU",
        st.USD,
        "=" + h100,
        "=" + h100,
        "=" + h100,
        note="Price table: H100 SXM purchase (estimate; low-high from the source)",
    )
    rows.input(
        "f_overhead",
        "Servers + network, x the GPUs",
        "multiple",
        st.TWO_DP,
        CAPEX_OVERHEAD,
        1.32,
        1.59,
        note=_EPOCH + i18n.tr(": servers 15-22%, interconnect 9-13% of hardware+energy; buildings not included"),
        translate_note=False,
    )
    rows.input("f_pue", "PUE", "ratio", st.TWO_DP, 1.2, 1.1, 1.4, note="Hyperscalers report 1.1-1.2; 1.4 an older site")
    e_lo, e_base, e_hi = (
        _ref("", "electricity", f"EIA: US industrial tariff, {s}")
        for s in ("Iowa", "East North Central", "Massachusetts")
    )
    rows.input(
        "f_kwh",
        "Electricity",
        "USD/kWh",
        "$0.0000",
        "=" + e_base,
        "=" + e_lo,
        "=" + e_hi,
        note="Price table: EIA industrial tariffs, April 2025 (Iowa / East North Central / Massachusetts)",
    )
    rows.calc(
        "f_capex",
        "Capex: GPUs, servers, network",
        "USD",
        USD_B,
        "=CLUSTER_CAPEX({f_gpus},{f_gpu},{f_price},{f_overhead})",
        note="CLUSTER_CAPEX",
        scenario="seed fleet",
    )
    rows.calc(
        "f_it_mw",
        "IT power (servers)",
        "MW",
        st.WHOLE,
        "=IT_POWER_MW({f_gpus},{f_gpu})",
        note="IT_POWER_MW: GPUs x server power per GPU (GPUs sheet: DGX H100 10.2 kW / 8 GPUs); the '150 MW for "
        "100k H100s' analysts quote is IT power",
        scenario="seed fleet",
    )
    rows.calc(
        "f_mw",
        "Power at the wall (facility)",
        "MW",
        st.WHOLE,
        "=FLEET_POWER_MW({f_gpus},{f_gpu},{f_pue})",
        note="FLEET_POWER_MW: IT power x PUE (cooling and power conversion)",
        scenario="seed fleet",
    )
    rows.calc(
        "f_energy",
        "Energy bill per year",
        "USD/year",
        USD_M,
        "=ENERGY_COST_USD({f_mw},{f_kwh})",
        note="ENERGY_COST_USD: MW x 1000 x 8760 h x $/kWh",
        scenario="seed fleet",
    )
    rows.input(
        "f_years",
        "Written off over",
        "years",
        st.ONE_DP,
        4,
        5,
        3,
        note=i18n.tr("Straight line; Epoch AI's 0.14 orders of magnitude/year is {years} years").format(
            years=DEFAULT_YEARS
        ),
        translate_note=False,
    )
    _validate_money(rows.ws, f"B{rows.b.row - 1}:D{rows.b.row - 1}", "years")
    rows.input("f_util", "Utilization (paid hours / all hours)", "fraction", st.PCT, 0.7, 0.9, 0.5)
    rows.calc(
        "f_tco",
        "Owning one GPU-hour (TCO)",
        "USD/GPU-hour",
        st.USD_RATE,
        "=GPU_TCO_PER_HOUR({f_price},{f_years},{f_gpu},{f_kwh},{f_overhead},{f_pue},{f_util},,"
        "CostOfCapital,ColoUsdPerKwMonth)",
        note="GPU_TCO_PER_HOUR: capex with a capital charge (CostOfCapital) + energy + colocation "
        "(ColoUsdPerKwMonth), per useful hour; set beside the rentals above",
        scenario="seed fleet",
    )


def _serving(rows: Rows, b: Block, ctx: Ctx) -> None:
    s = sc.Serving()
    b.section(
        i18n.tr("3. Serving P&L: {name} (the Inference sheet's service)").format(name=i18n.tr(s.name)), translate=False
    )
    rows.header("Serving")
    inf = lambda key: "={" + INFERENCE + ":" + key + "}"  # noqa: E731
    rows.input("p_requests", "Requests per day", "requests", st.WHOLE, inf("s_requests"), style=st.CALC)
    rows.input("p_prompt", "Prompt tokens per request", "tokens", st.WHOLE, inf("s_prompt"))
    rows.input("p_output", "Answer tokens per request", "tokens", st.WHOLE, inf("s_output"))
    rows.input(
        "p_usd",
        "GPU-hour price",
        "USD/GPU-hour",
        st.USD_RATE,
        2.5,
        "={f_tco}",
        "=" + _ref("H100 SXM", "rental_reserved"),
        note="Base: the issue's $2.50 (type yours). Low: owning (TCO above). High: AWS Capacity Blocks",
    )
    _validate_money(rows.ws, f"B{rows.b.row - 1}", "rental")
    rows.input(
        "p_load",
        "Average load",
        "fraction",
        st.PCT,
        inf("s_load"),
        0.7,
        0.3,
        note="Share of the day a replica decodes at full batch",
    )
    rows.input(
        "p_price_out",
        "API price, output tokens",
        "USD/Mtok",
        st.USD_RATE,
        2.0,
        note="Type the price you charge per million output tokens",
    )
    rows.input(
        "p_price_in",
        "API price, input tokens",
        "USD/Mtok",
        st.USD_RATE,
        0.5,
        note="... and per million input (prompt) tokens",
    )
    rows.input("p_hours", "Hours per day", "hours", st.WHOLE, 24, style=st.DATA)
    rows.input("p_mtok", "Tokens per million tokens", "tokens", st.WHOLE, 1e6, style=st.DATA)
    # COST_PER_MTOK's kind as its output share: 1 = output (decode), 0 = input (prefill)
    # at the Inference sheet's serving batch (SERVING_BATCH) with the model's own cache at the running context
    # (kv_gb left out)
    args = (
        "{Inference:s_model},{Inference:s_gpu},{p_usd},%s,{p_load},{Inference:s_batch},{Inference:s_bytes},"
        "{Inference:s_tp},,"
        'BwEfficiency,DefaultMFU,IF({Inference:s_precision}="",DefaultPrecision,{Inference:s_precision}),'
        "AllReduceUs,{Inference:s_prompt},PrefillMFU,{Inference:s_running}"
    )
    rows.calc(
        "p_gpus",
        "GPUs for the day's answers",
        "GPUs",
        st.WHOLE,
        "=ROUNDUP({p_requests}*{p_output}/({Inference:s_tps}*SecondsPerDay*{p_load}),0)*{Inference:s_tp}",
        note="Replicas (decode-bound, rounded up) x GPUs per replica",
        scenario=s.name,
    )
    rows.calc(
        "p_out",
        "Cost per million output tokens",
        "USD/Mtok",
        st.USD_RATE,
        "=COST_PER_MTOK(" + args % "1" + ")",
        note="COST_PER_MTOK at the serving batch, decode roofline with the model's own cache",
        scenario=s.name,
    )
    rows.calc(
        "p_in",
        "Cost per million input tokens",
        "USD/Mtok",
        st.USD_RATE,
        "=COST_PER_MTOK(" + args % "0" + ")",
        note="COST_PER_MTOK at the serving batch, compute-bound prefill",
        scenario=s.name,
    )
    rows.calc(
        "p_cost_day",
        "GPU cost per day",
        "USD/day",
        st.USD,
        "={p_gpus}*{p_hours}*{p_usd}",
        note="Every GPU of the fleet, paid all day",
        scenario=s.name,
    )
    rows.calc(
        "p_revenue",
        "Revenue per day",
        "USD/day",
        st.USD,
        "={p_requests}*({p_prompt}*{p_price_in}+{p_output}*{p_price_out})/{p_mtok}",
        ranged=False,
        note="Requests x tokens x your API prices (the same in every case)",
        scenario=s.name,
    )
    rows.calc(
        "p_margin",
        "Gross margin",
        "of revenue",
        st.PCT,
        "=GROSS_MARGIN({p_revenue},{p_cost_day})",
        ranged=False,
        note="GROSS_MARGIN: (revenue - GPU cost) / revenue; the low-cost case has the highest margin",
        scenario=s.name,
    )
    rows.calc(
        "p_margin_out",
        "Margin on output tokens",
        "of price",
        st.PCT,
        "=GROSS_MARGIN({p_price_out},{p_out})",
        ranged=False,
        note="Price per output Mtok against its cost",
        scenario=s.name,
    )


def _training(ws: Worksheet, b: Block, ctx: Ctx) -> None:
    b.section("4. Training: rented GPU-hours vs owned hardware (amortised hardware + energy, Epoch AI's method)")
    rows = Rows(ws, ctx, b)
    rows.header("Owned-hardware inputs")
    rows.input(
        "t_price",
        "Purchase price per GPU (H100 SXM rows)",
        "USD/GPU",
        st.USD,
        "={f_price}",
        "={f_price}",
        "={f_price}",
        note="Section 2's price; no sourced purchase price for A100 or H800, so those rows stay blank",
    )
    rows.input(
        "t_mfu",
        "MFU, x the scenario's",
        "multiple",
        st.TWO_DP,
        1.0,
        1.25,
        0.75,
        note="The low-cost case trains 25% more efficiently than the scenario's MFU, the high-cost 25% less",
    )
    b.row += 1
    b.header(
        "Scenario (Training sheet)",
        "Rented (USD)",
        "Owned, amortised (USD)",
        "Owned, low-cost",
        "Owned, high-cost",
        "Owned: base (low-high)",
        "Basis",
    )
    for s in sc.TRAINING:
        if (TRAINING, f"row:{s.name}") not in ctx.cells:
            continue  # a template built with other scenarios
        r = int(ctx.cells[(TRAINING, f"row:{s.name}")])
        t = lambda col: f"{ctx.ref(TRAINING, col + str(r), ws.title)}"  # noqa: E731
        gpu, precision = (f"{quoted(TRAINING)}${tr.LETTER[c]}${r}" for c in ("gpu", "precision"))
        row = b.row
        key = f"t{row}"
        st.set_formula(ws.cell(row, 1), f"={quoted(TRAINING)}${tr.LETTER['name']}${r}", st.CALC)
        st.set_formula(ws.cell(row, 2), f"={t('cost')}", st.CALC, st.USD)
        for col, k, label in ((1, "_name", "scenario"), (2, "_rented", "rented")):
            ctx.cells[(ws.title, key + k)] = f"${'AB'[col - 1]}${row}"
            ctx.output(ws.title, key + k, label, "USD" if col == 2 else "", s.name, show=False)
        for case in ("base", "low", "high"):
            # The Training sheet's own GPU-hours (its peak, which may be a typed override such as
            # the seed's sparse 1,979, its MFU and its goodput), rescaled to this case's MFU
            # (capped at 1), times what owning one GPU-hour costs (GPU_TCO_PER_HOUR).
            mult = ctx.ref(ws.title, "t_mfu" + SUFFIX[case], ws.title)
            hours = f"{t('gpu_hours')}*{t('mfu_used')}/IF({t('mfu_used')}*{mult}>1,1,{t('mfu_used')}*{mult})"
            price = ctx.ref(ws.title, "t_price" + SUFFIX[case], ws.title)
            kwh = ctx.ref(ws.title, "f_kwh" + SUFFIX[case], ws.title)
            tco = (
                f"GPU_TCO_PER_HOUR({price},{ctx.ref(ws.title, 'f_years' + SUFFIX[case], ws.title)},{gpu},{kwh},"
                f"{ctx.ref(ws.title, 'f_overhead' + SUFFIX[case], ws.title)},"
                f"{ctx.ref(ws.title, 'f_pue' + SUFFIX[case], ws.title)})"
            )
            formula = f'=IF({gpu}<>{ctx.ref(ws.title, "f_gpu", ws.title)},"",{hours}*{tco})'
            col = COL[case] + 1
            st.set_formula(ws.cell(row, col), formula, st.CALC, st.USD)
            ctx.cells[(ws.title, key + SUFFIX[case])] = f"${'ABCDE'[col - 1]}${row}"
            ctx.output(
                ws.title,
                key + SUFFIX[case],
                f"owned, amortised ({case})",
                "USD",
                s.name,
                show=case == "base" and s.gpu == "H100 SXM",
            )
        lo, base, hi = (ctx.cells[(ws.title, key + SUFFIX[c])] for c in ("low", "base", "high"))
        usd = ctx.cells[(ws.title, "f_capex")].split("$")[-1]  # the unit key of a USD row: "USD"
        st.set_formula(ws.cell(row, 6), f'=IF({base}="","",RANGE_TEXT({base},{lo},{hi},$H${usd}))', st.CALC)
        ctx.cells[(ws.title, key + "_range")] = f"$F${row}"
        ctx.output(ws.title, key + "_range", "owned range", "", s.name, show=False)
        st.set_text(
            ws.cell(row, 7),
            "TRAIN_COST (rented, Training sheet) vs the Training sheet's GPU-hours x "
            "GPU_TCO_PER_HOUR (owned: price, overhead, PUE, tariff and write-off of section 2)",
            st.NOTE,
        )
        b.row += 1
    b.note(
        "Owned cost counts every hour of the run at the write-off rate (Epoch AI: amortised capex + energy); "
        "renting also pays the provider's margin and idle capacity. The GPU-hours are the Training sheet's, "
        "with its peak, MFU and goodput."
    )


MFUS = (0.30, 0.35, 0.40, 0.45, 0.50, 0.55)
PRICES = (1.50, 2.00, 2.50, 2.90, 4.92)


def _sensitivity(ws: Worksheet, b: Block, ctx: Ctx) -> tuple[int, int]:
    s = next(
        (x for x in sc.TRAINING if x.name.startswith("Chinchilla") and (TRAINING, f"row:{x.name}") in ctx.cells), None
    )
    if s is None:
        return b.row, b.row
    r = int(ctx.cells[(TRAINING, f"row:{s.name}")])
    b.section(
        i18n.tr("5. Sensitivity: rented training cost of '{name}' (USD) by MFU and GPU-hour price").format(
            name=i18n.tr(s.name)
        ),
        translate=False,
    )
    b.header("MFU (down) by price per GPU-hour (across)")
    top = b.row - 1
    for j, price in enumerate(PRICES):  # the prices are cells (yellow): the formulas read them
        st.set_value(ws.cell(top, j + 2), price, st.INPUT, st.USD_RATE)
    flops, peak = ctx.ref(TRAINING, f"flops{r}", ws.title), ctx.ref(TRAINING, f"peak{r}", ws.title)
    for i, mfu in enumerate(MFUS):
        row = b.row
        st.set_value(ws.cell(row, 1), mfu, st.INPUT, st.PCT)
        for j, price in enumerate(PRICES):
            cell = ws.cell(row, j + 2)
            st.set_formula(
                cell, f"=TRAIN_COST({flops},{peak},{get_column_letter(j + 2)}${top},$A{row})", st.CALC, USD_M
            )
            key = f"sens{i}_{j}"
            ctx.cells[(ws.title, key)] = cell.coordinate
            ctx.output(ws.title, key, f"at {mfu:.0%} MFU, ${price:.2f}/GPU-hour", "USD", s.name, show=False)
        b.row += 1
    b.note(
        "Prices: $1.50-$2.50 round figures, $2.90 the default (Spheron on-demand), $4.92 AWS Capacity Blocks "
        "(price table). Yellow MFU cells can be edited."
    )
    return top, b.row


def _chart(ws: Worksheet, top: int, anchor_row: int) -> None:
    chart = LineChart()
    chart.title = i18n.tr("Training cost (USD) by MFU, one line per GPU-hour price")
    chart.style = 10
    data = Reference(ws, min_col=2, max_col=1 + len(PRICES), min_row=top, max_row=top + len(MFUS))
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=top + 1, max_row=top + len(MFUS)))
    chart.y_axis.title = i18n.tr("USD")
    chart.y_axis.number_format = USD_M
    chart.x_axis.title = i18n.tr("MFU")
    chart.x_axis.number_format = "0%"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.height = 9
    chart.width = 22
    ws.add_chart(chart, f"A{anchor_row}")


def write(ws: Worksheet, ctx: Ctx) -> None:
    b = Block(ws, ctx)
    b.title("Economics: buying, powering, training and serving, in USD with low-high ranges")
    b.note(
        "Base, low-cost and high-cost cases: each result is the same function on its column's inputs, so the range "
        "beside it brackets the base. Yellow cells are yours; blue cells are sourced prices (section 1)."
    )
    rows = Rows(ws, ctx, b)
    _price_table(rows, b)
    _link_gpu_prices(ws, ctx)
    _fleet(rows, b)
    _serving(rows, b, ctx)
    _training(ws, b, ctx)
    top, end = _sensitivity(ws, b, ctx)
    _chart(ws, top, end + 1)
    widths(ws, 60, 16, 16, 16, 13, 26, 70)
    finish(ws, f"A1:G{end + 20}", landscape=True)
