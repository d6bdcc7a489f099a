"""Sheet references the template writes: quoted where a spreadsheet needs it (one rule, exceltext)."""

from flopsheet.template.layout import absolute, quoted


def test_sheet_prefixes_quote_what_could_be_misread():
    assert quoted("GPUs") == "GPUs!"
    assert quoted("Seed check") == "'Seed check'!"
    assert quoted("2024") == "'2024'!"  # digits first: unquoted it is a number, not a sheet
    assert quoted("A1") == "'A1'!"  # a cell reference lookalike
    assert quoted("It's") == "'It''s'!"


def test_absolute_references():
    assert absolute(3, 7) == "$C$7"
    assert absolute(27, 1) == "$AA$1"
