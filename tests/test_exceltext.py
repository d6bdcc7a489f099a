"""flopsheet.exceltext: the one place Excel text is written."""

import math

import pytest

from flopsheet import exceltext as xt


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "  =HYPERLINK()"])
def test_formula_lookalikes_are_caught_and_defused(text):
    assert xt.looks_like_formula(text)
    assert xt.defused(text) == "'" + text


@pytest.mark.parametrize("text", ["H100", "1,979", "a=b", "", "'=1"])
def test_plain_text_is_left_alone(text):
    assert not xt.looks_like_formula(text)
    assert xt.defused(text) == text


@pytest.mark.parametrize(
    "x,shown", [(3.0, "3"), (0.462, "0.462"), (3.15e23, "3.15e+23"), (1e15, "1000000000000000.0"), (-2.0, "-2")]
)
def test_show_number(x, shown):
    assert xt.show_number(x) == shown
    assert float(xt.show_number(x)) == x


@pytest.mark.parametrize("x", [3.0, 0.462, 3.15e23, 1e-12, 0.1 + 0.2, 123456789012345.6, 1e15, -7.5])
def test_number_literal_reads_back_exactly(x):
    lit = xt.number_literal(x)
    assert float(lit) == x
    assert "e" not in lit  # Excel writes the exponent with a capital E


def test_number_literal_refuses_what_no_spreadsheet_has():
    for x in (math.inf, -math.inf, math.nan):
        with pytest.raises(ValueError):
            xt.number_literal(x)
    assert xt.number_literal(5e-324) == "0"


def test_string_literal_doubles_quotes():
    assert xt.string_literal('say "hi"') == '"say ""hi"""'


@pytest.mark.parametrize(
    "sheet,prefix",
    [
        ("GPUs", "GPUs!"),
        ("Seed check", "'Seed check'!"),
        ("2024", "'2024'!"),
        ("A1", "'A1'!"),
        ("XFD9", "'XFD9'!"),
        ("R1C1", "'R1C1'!"),
        ("R", "'R'!"),
        ("C", "'C'!"),
        ("TRUE", "'TRUE'!"),
        ("It's", "'It''s'!"),
        ("Sheet.1", "'Sheet.1'!"),
        ("Training_2", "Training_2!"),
        ("数据", "'数据'!"),
    ],
)
def test_sheet_prefix(sheet, prefix):
    assert xt.sheet_prefix(sheet) == prefix


def test_a1_references():
    assert xt.column_letter(1) == "A" and xt.column_letter(27) == "AA" and xt.column_letter(16384) == "XFD"
    assert xt.a1(3, 7) == "C7" and xt.a1(3, 7, absolute=True) == "$C$7"
    assert xt.ref("Seed check", 2, 4, True) == "'Seed check'!$B$4"
    with pytest.raises(ValueError):
        xt.column_letter(16385)
    with pytest.raises(ValueError):
        xt.a1(1, 1048577)


def test_number_literal_exponent_form_for_readers_reads_back_exactly():
    from flopsheet.exceltext import number_literal

    assert number_literal(1.12e14) == "112000000000000"
    assert number_literal(1.12e14, exponent_from=1e7) == "1.12E+14"
    assert number_literal(1e11, exponent_from=1e7) == "1E+11"
    assert number_literal(1979, exponent_from=1e7) == "1979"
    for x in (123456789.0, 9.216e26, 3.072e14, -2e8, 0.462):
        assert float(number_literal(x, exponent_from=1e7)) == x
