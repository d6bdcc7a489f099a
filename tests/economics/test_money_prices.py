"""The price table: every row dated and sourced (a row without either is refused), kept in
step with the catalog's price field, estimates marked."""

import csv

import pytest

from flopsheet import catalog
from flopsheet.catalog import prices
from flopsheet.errors import FlopsheetError

GOOD = {
    "gpu": "H100 SXM",
    "kind": "purchase",
    "provider": "x",
    "usd": "27500",
    "usd_low": "",
    "usd_high": "",
    "unit": "USD per GPU",
    "date": "2023-08",
    "source": "https://example.org/p",
    "basis": "press estimate",
    "estimate": "yes",
    "note": "",
}


def test_every_shipped_row_has_a_date_and_a_primary_source():
    with open(prices.PATH, newline="", encoding="utf-8") as f:
        raw = list(csv.DictReader(f))
    rows = prices.all_prices()
    assert len(rows) == len(raw) >= 10
    for p in rows:
        assert p.date and p.source.startswith("http"), p
        assert p.low <= p.usd <= p.high


@pytest.mark.parametrize(
    "field,value,says",
    [
        ("date", "", "date"),
        ("date", "last year", "date"),
        ("source", "", "source"),
        ("source", "Lambda's website", "source"),
        ("estimate", "", "estimate"),
        ("usd", "", "usd"),
        ("usd_low", "30000", "range"),
        ("unit", "USD per GPU-hour", "USD per GPU"),
        ("kind", "lease", "kind"),
        ("gpu", "", "GPU"),
        ("basis", "", "basis"),
        ("basis", "  ", "basis"),
    ],
)
def test_a_row_without_date_or_source_is_refused(field, value, says):
    assert prices.parse_row(GOOD, 2).usd == 27500
    with pytest.raises(FlopsheetError, match=says):
        prices.parse_row({**GOOD, field: value}, 7)


def test_catalog_prices_are_rows_of_the_price_table():
    # The catalog's usd_per_gpu_hour (GPU_SPEC's price) is never a second, drifting copy.
    priced = [g for g in catalog.all_gpus() if g.usd_per_gpu_hour is not None]
    assert priced
    for g in priced:
        rows = [
            p
            for p in prices.all_prices()
            if p.gpu == g.name
            and p.kind == prices.DEFAULT_KIND
            and p.usd == g.usd_per_gpu_hour
            and p.date == g.price_date
        ]
        assert rows, f"{g.name}: catalog price {g.usd_per_gpu_hour} ({g.price_date}) is not a default row of prices.csv"
        assert any(p.source in g.price_source and p.basis in g.price_source for p in rows), (g.name, g.price_source)
    # ... and every default row is the catalog's price of its GPU (none left out of GPU_SPEC and TRAIN_COST)
    for p in prices.all_prices():
        if p.kind == prices.DEFAULT_KIND:
            assert catalog.resolve(p.gpu).usd_per_gpu_hour == p.usd, p.gpu


def test_the_default_rental_price_has_one_basis_dated_and_sourced():
    """Issue 23: a default price means the same kind of price for every GPU, so the same FLOPs cost
    the same on the same silicon whatever a GPU's provenance. A default row with another basis, or
    without a date or a source, is refused."""
    defaults = [p for p in prices.all_prices() if p.kind == prices.DEFAULT_KIND]
    assert {"H100 SXM", "H200 SXM", "B200", "GB200", "A100 SXM 80GB"} <= {p.gpu for p in defaults}
    for p in defaults:
        assert p.basis == prices.DEFAULT_BASIS and p.date and p.source.startswith("https://") and not p.estimate, p
        assert p.unit == "USD per GPU-hour"
    row = {
        **GOOD,
        "gpu": "H800 SXM",
        "kind": "rental_default",
        "usd": "2",
        "unit": "USD per GPU-hour",
        "estimate": "no",
        "basis": "the rate DeepSeek assumed",
    }
    with pytest.raises(FlopsheetError, match="one basis"):
        prices.parse_row(row, 9)
    assert prices.parse_row({**row, "basis": prices.DEFAULT_BASIS}, 9).usd == 2.0
    for field in ("date", "source"):
        with pytest.raises(FlopsheetError, match=field):
            prices.parse_row({**row, "basis": prices.DEFAULT_BASIS, field: ""}, 9)
    # an assumption or a one-GPU list price is its own kind, never the default
    catalog_priced = {g.name for g in catalog.all_gpus() if g.usd_per_gpu_hour is not None}
    assert "H800 SXM" not in catalog_priced and prices.price("H800", "rental_assumption").usd == 2.0
    # the provenance gap: H100 and H800 (same silicon) are no longer priced on different bases
    h100 = catalog.resolve("H100")
    assert h100.usd_per_gpu_hour == prices.price("H100", prices.DEFAULT_KIND).usd


def test_other_kinds_are_their_own_columns():
    kinds = {p.kind for p in prices.all_prices()}
    assert {
        "purchase",
        "rental_default",
        "rental_on_demand",
        "rental_reserved",
        "rental_spot",
        "rental_assumption",
        "electricity",
    } <= kinds
    assert prices.price("H100", "rental_spot").usd < prices.price("H100", "rental_default").usd


def test_estimates_are_marked():
    for p in prices.all_prices():
        if p.kind in ("purchase", "rental_assumption"):
            assert p.estimate, f"{p.gpu} {p.kind}: no vendor list price exists, so it is an estimate"


def test_lookup_by_any_catalog_spelling_and_refusal_names_the_gpu():
    assert prices.price("H100", "purchase").usd == 27500
    with pytest.raises(FlopsheetError, match="MI300X"):
        prices.price("MI300X", "purchase")
