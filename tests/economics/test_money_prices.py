"""The price table: every row dated and sourced (a row without either is refused), kept in
step with the catalog's price field, estimates marked."""

import csv

import pytest

from flopsheet import catalog
from flopsheet.catalog import prices
from flopsheet.errors import FlopsheetError

GOOD = {"gpu": "H100 SXM", "kind": "purchase", "provider": "x", "usd": "27500", "usd_low": "", "usd_high": "",
        "unit": "USD per GPU", "date": "2023-08", "source": "https://example.org/p", "estimate": "yes", "note": ""}


def test_every_shipped_row_has_a_date_and_a_primary_source():
    with open(prices.PATH, newline="", encoding="utf-8") as f:
        raw = list(csv.DictReader(f))
    rows = prices.all_prices()
    assert len(rows) == len(raw) >= 10
    for p in rows:
        assert p.date and p.source.startswith("http"), p
        assert p.low <= p.usd <= p.high


@pytest.mark.parametrize("field,value,says", [
    ("date", "", "date"), ("date", "last year", "date"), ("source", "", "source"),
    ("source", "Lambda's website", "source"), ("estimate", "", "estimate"), ("usd", "", "usd"),
    ("usd_low", "30000", "range"), ("unit", "USD per GPU-hour", "USD per GPU"), ("kind", "lease", "kind"),
    ("gpu", "", "GPU"),
])
def test_a_row_without_date_or_source_is_refused(field, value, says):
    assert prices.parse_row(GOOD, 2).usd == 27500
    with pytest.raises(FlopsheetError, match=says):
        prices.parse_row({**GOOD, field: value}, 7)


def test_catalog_prices_are_rows_of_the_price_table():
    # The catalog's usd_per_gpu_hour (GPU_SPEC's price) is never a second, drifting copy.
    priced = [g for g in catalog.all_gpus() if g.usd_per_gpu_hour is not None]
    assert priced
    for g in priced:
        rows = [p for p in prices.all_prices() if p.gpu == g.name and p.kind.startswith("rental")
                and p.usd == g.usd_per_gpu_hour and p.date == g.price_date]
        assert rows, f"{g.name}: catalog price {g.usd_per_gpu_hour} ({g.price_date}) is not in prices.csv"
        assert any(p.source in g.price_source for p in rows), (g.name, g.price_source)
        assert all(p.estimate for p in rows) == g.price_source.startswith("ASSUMPTION"), g.name


def test_estimates_are_marked():
    for p in prices.all_prices():
        if p.kind in ("purchase", "rental_assumption"):
            assert p.estimate, f"{p.gpu} {p.kind}: no vendor list price exists, so it is an estimate"


def test_lookup_by_any_catalog_spelling_and_refusal_names_the_gpu():
    assert prices.price("H100", "purchase").usd == 27500
    with pytest.raises(FlopsheetError, match="MI300X"):
        prices.price("MI300X", "purchase")
