"""Human-typed magnitudes, exactly as the spec lists them, and nothing looser."""

import math
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flopsheet.errors import FlopsheetError
from flopsheet.magnitudes import format_num, parse_num


@pytest.mark.parametrize(
    "text,value",
    [
        ("175B", 175e9),
        ("300b", 300e9),
        ("1.4T", 1.4e12),
        ("7e10", 7e10),
        ("2.53万", 25300.0),
        ("3.5亿", 3.5e8),
        ("1万亿", 1e12),
        ("46.2%", 0.462),
        ("40%", 0.4),
        ("1,000", 1000.0),
        (" 12 ", 12.0),
        ("1.5K", 1500.0),
        ("2M", 2e6),
        ("1G", 1e9),
        ("3P", 3e15),
        ("7E", 7e18),
        ("7E3", 7e3),
        ("-5", -5.0),
        ("1,234,567.5", 1234567.5),
        (".5", 0.5),
        ("2.", 2.0),
        ("1e-3", 1e-3),
        ("1e", 1e18),  # case-insensitive E is exa, as the spec says
    ],
)
def test_accepts(text, value):
    assert parse_num(text) == value  # exact: one decimal-to-float rounding


@pytest.mark.parametrize(
    "text",
    [
        "12 parsecs",
        "",
        " ",
        "1,00",
        "1,0000",
        "5 B",
        "B",
        "1BB",
        "1B%",
        "abc",
        "1.2.3",
        "--1",
        "万",
        "0x10",
        "NaN",
        "inf",
        "1_000",
    ],
)
def test_rejects(text):
    with pytest.raises(FlopsheetError) as e:
        parse_num(text, "params")
    assert "params" in str(e.value) and "\n" not in str(e.value)


def test_rejects_bools():
    with pytest.raises(FlopsheetError):
        parse_num(True)


@given(st.floats(min_value=-1e300, max_value=1e300, allow_nan=False, allow_infinity=False))
def test_format_round_trips(x):
    assert parse_num(format_num(x)) == x


def test_format_reads_like_a_human():
    assert format_num(175e9) == "175B"
    assert format_num(1.4e12) == "1.4T"
    assert format_num(3.15e23) == "3.15e+23"
    assert format_num(1500) == "1.5K"
    assert not math.isnan(parse_num(format_num(0.462)))


@pytest.mark.parametrize(
    "text,value,grouped,decimals,exponent,suffix",
    [
        ("175B", 175e9, False, 0, False, "B"),
        ("1,234.50k", 1234.5e3, True, 2, False, "K"),
        ("46.2%", 0.462, False, 1, False, "%"),
        ("7e10", 7e10, False, 0, True, ""),
        ("2.53万", 25300.0, False, 2, False, "万"),
        (" 1,000 ", 1000.0, True, 0, False, ""),
        ("2.", 2.0, False, 0, False, ""),
    ],
)
def test_parse_parts_says_how_it_was_typed(text, value, grouped, decimals, exponent, suffix):
    from flopsheet.magnitudes import parse_parts

    p = parse_parts(text)
    assert (p.value, p.grouped, p.decimals, p.exponent, p.suffix) == (value, grouped, decimals, exponent, suffix)
    assert p.value == parse_num(text)


@pytest.mark.parametrize("text", ["12 parsecs", "5 B", "1,00", ""])
def test_parse_parts_refuses_what_parse_num_refuses(text):
    from flopsheet.magnitudes import parse_parts

    with pytest.raises(FlopsheetError):
        parse_parts(text)


def test_one_magnitude_grammar():
    """The hand-off formats converted magnitudes from magnitudes.parse_parts, not a second regex
    (issue 11): text parse_num refuses gets no format, whatever a looser pattern would say."""
    from flopsheet.handoff.formulacells import magnitude_format

    assert magnitude_format("5 B") is None  # "5 B" is not a magnitude (the spec's grammar)
    assert magnitude_format("1,234.50K") == '#,##0.00,"K"'
    src = (Path(__file__).parent.parent / "addin/flopsheet/handoff").glob("*.py")
    assert not [p.name for p in src if re.search(r"\[KMBGTPE", p.read_text(encoding="utf-8"))]


@pytest.mark.parametrize(
    "text,value",
    [
        ("$2.50", 2.5),
        ("$27,500", 27500.0),
        ("70bn", 70e9),
        ("15tn", 15e12),
        ("$2.5mm", 2.5e6),
        ("3MN", 3e6),
        ("$27.5k", 27500.0),
        ("-$5", -5.0),
        ("1.5BN", 1.5e9),
        (" $0.08 ", 0.08),
    ],
)
def test_accepts_finance_text(text, value):
    """Issue 23: currency sign, thousands separators and bn/tn/mm as finance types them."""
    assert parse_num(text) == value


@pytest.mark.parametrize("text", ["$", "5$", "$ 5", "$$5", "bn", "5 bn", "$1,00", "5bnn"])
def test_rejects_loose_finance_text(text):
    with pytest.raises(FlopsheetError):
        parse_num(text, "usd_per_gpu")


@pytest.mark.parametrize("text", ["€5", "£27,500", "EUR 5", "¥100"])
def test_another_currency_is_refused_naming_dollars(text):
    with pytest.raises(FlopsheetError) as e:
        parse_num(text, "usd_per_gpu")
    assert "usd_per_gpu" in str(e.value) and "US dollars" in str(e.value)


def test_a_finance_cell_in_a_copy_shows_as_typed():
    from flopsheet.handoff.formulacells import magnitude_format
    from flopsheet.magnitudes import parse_parts

    assert parse_parts("$27,500").currency and not parse_parts("27,500").currency
    assert magnitude_format("$27,500") == '"$"#,##0'
    assert magnitude_format("70bn") == '0,,,"bn"'
