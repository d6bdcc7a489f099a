"""Prices as dated, sourced data: the price table (prices.csv), kept apart from datasheet figures.

One row per price: the GPU (blank for electricity), its kind, who charges it, the USD figure
(with an optional low/high when the source gives a range), its unit, the date it was published
or read (YYYY-MM-DD, or YYYY-MM when the source gives only the month), its primary source URL,
its basis (what kind of price it is, in words), and whether it is an estimate (press figures,
assumptions). A row without a date, a source or a basis is refused when the table loads, so an
unsourced price cannot ship.

Each kind is its own column of prices: a purchase price, an on-demand list price for one GPU, a
reserved rate, a spot rate, a rate a publication assumed, and the default rental price. The
default ("rental_default") has ONE basis for every GPU (DEFAULT_BASIS: one provider's published
on-demand rate, dated), so the same FLOPs cost the same on the same silicon whatever the GPU's
provenance. The catalog's `usd_per_gpu_hour` (GPU_SPEC's price field, TRAIN_COST's blank price) is
that row: a test holds every catalog price equal to its rental_default row here, date and source
included, so the two never drift.

Accelerators with no default price, and why: AMD Instinct (MI300X, MI325X, MI350X, MI355X) are not
in Spheron's marketplace (its docs name six providers, Voltage Park, DataCrunch, TensorDock,
Sesterce, Spheron AI and Massed Compute, none listing AMD GPUs: https://docs.spheron.network/concepts),
and Google TPUs and AWS Trainium are rented only by their makers' clouds, so no rate on this basis
exists; a price of another kind (another provider's on-demand list price) would break the one basis.
They stay unpriced here: type a price per GPU-hour. Re-checked 2026-12-06 (issue 23): Spheron's
provider list is unchanged and names no AMD capacity; the one multi-venue MI300X series found (a
daily spot "fixing" published on a workers.dev page, $2.94 on 2026-04-18 from 4 venues) is a spot
rate of an unnamed methodology owner, neither this basis nor a well-sourced index, so it is not
entered.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flopsheet.errors import FlopsheetError

PATH = Path(__file__).with_name("prices.csv")
KINDS = (
    "purchase",
    "rental_default",
    "rental_on_demand",
    "rental_reserved",
    "rental_spot",
    "rental_assumption",
    "electricity",
)
DEFAULT_KIND = "rental_default"
DEFAULT_BASIS = (
    "Spheron on-demand rate per GPU-hour (its marketplace's published 'from' price), as Spheron's blog "
    "states it on the date given"
)
UNITS = {"purchase": "USD per GPU", "electricity": "USD per kWh"}  # the rentals: USD per GPU-hour
_DATE = re.compile(r"\d{4}-\d{2}(-\d{2})?")


@dataclass(frozen=True)
class Price:
    gpu: str  # catalog name; "" for electricity
    kind: str
    provider: str
    usd: float
    usd_low: float | None
    usd_high: float | None
    unit: str
    date: str
    source: str
    basis: str  # what kind of price it is, in words (one basis per kind of default)
    estimate: bool
    note: str

    @property
    def low(self) -> float:
        return self.usd if self.usd_low is None else self.usd_low

    @property
    def high(self) -> float:
        return self.usd if self.usd_high is None else self.usd_high


def _number(text: str, where: str) -> float | None:
    if not text.strip():
        return None
    try:
        return float(text)
    except ValueError:
        raise FlopsheetError(f"{where}: {text!r} is not a number") from None


def parse_row(row: dict, line: int) -> Price:
    """One CSV row -> Price, or FlopsheetError naming the line and what is missing."""
    where = f"prices.csv line {line}"
    kind = (row.get("kind") or "").strip()
    if kind not in KINDS:
        raise FlopsheetError(f"{where}: kind must be one of {', '.join(KINDS)} (got {kind!r})")
    date, source = (row.get("date") or "").strip(), (row.get("source") or "").strip()
    if not _DATE.fullmatch(date):
        raise FlopsheetError(f"{where}: a price needs its date as YYYY-MM-DD or YYYY-MM (got {date!r})")
    if not source.startswith(("https://", "http://")):
        raise FlopsheetError(f"{where}: a price needs its primary source as a URL (got {source!r})")
    basis = (row.get("basis") or "").strip()
    if not basis:
        raise FlopsheetError(f"{where}: a price needs its basis (what kind of price it is)")
    if kind == DEFAULT_KIND and basis != DEFAULT_BASIS:
        raise FlopsheetError(
            f"{where}: a default rental price has one basis for every GPU: {DEFAULT_BASIS!r} "
            f"(got {basis!r}); give another kind of price its own kind"
        )
    estimate = (row.get("estimate") or "").strip().lower()
    if estimate not in ("yes", "no"):
        raise FlopsheetError(f"{where}: estimate must be yes or no (got {estimate!r})")
    usd = _number(row.get("usd") or "", where)
    if usd is None or usd <= 0:
        raise FlopsheetError(f"{where}: usd must be a positive number")
    low, high = _number(row.get("usd_low") or "", where), _number(row.get("usd_high") or "", where)
    if (low is not None and low > usd) or (high is not None and high < usd):
        raise FlopsheetError(f"{where}: the range must contain the base (low <= usd <= high)")
    unit = (row.get("unit") or "").strip()
    if unit != UNITS.get(kind, "USD per GPU-hour"):
        raise FlopsheetError(f"{where}: a {kind} price is in {UNITS.get(kind, 'USD per GPU-hour')} (got {unit!r})")
    gpu = (row.get("gpu") or "").strip()
    if (kind == "electricity") != (gpu == ""):
        raise FlopsheetError(f"{where}: a GPU price names its GPU; an electricity price names none")
    return Price(
        gpu,
        kind,
        (row.get("provider") or "").strip(),
        usd,
        low,
        high,
        unit,
        date,
        source,
        basis,
        estimate == "yes",
        (row.get("note") or "").strip(),
    )


@lru_cache(maxsize=1)
def all_prices() -> tuple[Price, ...]:
    with open(PATH, newline="", encoding="utf-8") as f:
        return tuple(parse_row(r, i) for i, r in enumerate(csv.DictReader(f), start=2))


def price(gpu: str, kind: str) -> Price:
    """The table's price of `kind` for a GPU (a name the catalog resolves), or FlopsheetError."""
    from flopsheet import catalog

    name = catalog.resolve(gpu, selectable_only=False).name
    for p in all_prices():
        if p.gpu == name and p.kind == kind:
            return p
    have = sorted({p.gpu for p in all_prices() if p.kind == kind})
    raise FlopsheetError(
        f"no sourced {kind} price for {name} in the price table (it has {', '.join(have)}); type the price", arg="gpu"
    )


__all__ = ["DEFAULT_BASIS", "DEFAULT_KIND", "KINDS", "PATH", "Price", "all_prices", "parse_row", "price"]
