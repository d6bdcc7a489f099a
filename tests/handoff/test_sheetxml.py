"""handoff.worksheetpart: cells found and rewritten in worksheet bytes, every other byte kept."""

from __future__ import annotations

from defusedxml import ElementTree

from flopsheet.handoff import worksheetpart

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
SHEET = (
    f'<worksheet {NS}><dimension ref="A1:C3"/><sheetData>'
    '<row r="1" spans="1:3"><c r="A1"><v>1</v></c><c r="C1" t="s"><v>0</v></c></row>'
    '<row r="3"><c r="B3"><f>A1*2</f><v>2</v></c></row>'
    '</sheetData><mergeCells count="1"><mergeCell ref="B1:B1048576"/></mergeCells></worksheet>'
).encode()


def _cells(data):
    pat = worksheetpart.pattern_of(data)
    return [(c.r, c.c) for c in worksheetpart.all_cells(data, pat)]


def test_cells_replaced_and_inserted_in_order_other_bytes_kept():
    pat = worksheetpart.pattern_of(SHEET)
    new = worksheetpart.rewrite(
        SHEET,
        pat,
        {(3, 2): b'<c r="B3"><f>A1*3</f></c>'},
        {(1, 2): b'<c r="B1"><v>7</v></c>', (2, 1): b'<c r="A2"><v>8</v></c>', (5, 4): b'<c r="D5"><v>9</v></c>'},
    )
    ElementTree.fromstring(new)  # still well-formed
    assert _cells(new) == [(1, 1), (1, 2), (1, 3), (2, 1), (3, 2), (5, 4)]
    assert b"<f>A1*3</f>" in new and b"A1*2" not in new
    assert new.endswith(SHEET[SHEET.index(b"</sheetData>") :])  # the merge is untouched, never expanded
    assert worksheetpart.widen_dimension(new, pat, 5, 4).count(b'<dimension ref="A1:D5"/>') == 1


def test_prefixed_cells_without_references_are_positioned():
    data = (
        b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
        b'<x:row r="4"><x:c><x:v>1</x:v></x:c><x:c><x:f>GPU_DAYS(1,"A100")</x:f></x:c></x:row></x:sheetData>'
        b"</x:worksheet>"
    )
    pat = worksheetpart.pattern_of(data)
    assert pat.prefix == b"x:"
    assert [(c.r, c.c) for c in worksheetpart.formula_cells(data, pat)] == [(4, 2)]


def test_text_escapes_round_trip():
    for s in ["a_x000D_b", "line\rbreak", "tab\tkept", "<&>", "_x005F_x000D_"]:
        assert worksheetpart.text(worksheetpart.escape(s)) == s
    assert worksheetpart.text(b"text_x000D_kept") == "text\rkept"


def _cols(data):
    root = ElementTree.fromstring(data)
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    return [dict(c.attrib) for c in root.iter(ns + "col")]


def test_hidden_columns_added_where_no_column_is_defined():
    pat = worksheetpart.pattern_of(SHEET)
    hidden = worksheetpart.hide_columns(SHEET, pat, 23, 24)
    assert b'<cols><col min="23" max="24"' in hidden and hidden.index(b"<cols>") < hidden.index(b"<sheetData")
    assert _cols(hidden) == [{"min": "23", "max": "24", "width": "9.140625", "customWidth": "1", "hidden": "1"}]


def test_a_column_range_covering_the_key_columns_is_split():
    """The GPU table's key columns are hidden even when the user's <col> range covers them: the
    range is split, its width and style kept on every piece, only the key columns hidden."""
    wide = SHEET.replace(
        b"<sheetData>",
        b'<cols><col min="1" max="2" width="5" customWidth="1"/>'
        b'<col min="20" max="16384" width="12.5" style="3" customWidth="1"/></cols><sheetData>',
    )
    pat = worksheetpart.pattern_of(wide)
    new = worksheetpart.hide_columns(wide, pat, 23, 24)
    ElementTree.fromstring(new)
    assert _cols(new) == [
        {"min": "1", "max": "2", "width": "5", "customWidth": "1"},
        {"min": "20", "max": "22", "width": "12.5", "style": "3", "customWidth": "1"},
        {"min": "23", "max": "24", "width": "12.5", "style": "3", "customWidth": "1", "hidden": "1"},
        {"min": "25", "max": "16384", "width": "12.5", "style": "3", "customWidth": "1"},
    ]
    assert new.replace(new[new.index(b"<cols>") : new.index(b"</cols>")], b"") == wide.replace(
        wide[wide.index(b"<cols>") : wide.index(b"</cols>")], b""
    )  # nothing else changes
    partial = SHEET.replace(
        b"<sheetData>", b'<cols><col min="24" max="30" width="7" customWidth="1"/></cols><sheetData>'
    )
    assert _cols(worksheetpart.hide_columns(partial, pat, 23, 24)) == [
        {"min": "23", "max": "23", "width": "9.140625", "customWidth": "1", "hidden": "1"},
        {"min": "24", "max": "24", "width": "7", "customWidth": "1", "hidden": "1"},
        {"min": "25", "max": "30", "width": "7", "customWidth": "1"},
    ]
