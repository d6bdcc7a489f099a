"""A user's workbook (XlsxWriter, as Excel writes it) with no Models sheet whose flopsheet calls
name catalog models, typed in formulas and in cells: the hand-off copy gets a Models sheet of
its own and the calls become native formulas that LibreOffice and Gnumeric compute to the
Python values (issue 13 item 8; issue 12's lossless rules for everything else)."""

from __future__ import annotations

import math
import zipfile

import pytest
import xlsxwriter

import engine_batch
from engine_batch import shared_workbook
from flopsheet.errors import FlopsheetError
from flopsheet.functions import REGISTRY
from flopsheet.handoff import package
from flopsheet.handoff.copy import handoff
from flopsheet.handoff.package import Book, Package
from flopsheet.handoff.worksheetpart import split_ref

# (cell, formula, Python value), with A-column cells holding model names: "DeepSeek-V3" in A2,
# "Llama 3.1 405B" in A3, "Llama 3.1 70B" in A4, a magnitude "70B" in A5, "Kimi K2" in A6.
CELLS = {"A2": "DeepSeek-V3", "A3": "Llama 3.1 405B", "A4": "Llama 3.1 70B", "A5": "70B", "A6": "Kimi K2"}


class _Py:
    """The Python functions, an error as its message (the cell an Excel user would see)."""

    def __getitem__(self, name):
        def call(*args):
            try:
                return REGISTRY[name](*args)
            except FlopsheetError as e:
                return e.message

        return call


F = _Py()


def _cases():
    return [
        ("C2", '=TRAIN_FLOPS("Llama 3.1 405B")', F["TRAIN_FLOPS"]("Llama 3.1 405B")),
        ("C3", "=TRAIN_FLOPS(A3)", F["TRAIN_FLOPS"]("Llama 3.1 405B")),
        ("C4", '=WEIGHTS_GB("DeepSeek-V3",1)', F["WEIGHTS_GB"]("DeepSeek-V3", 1)),
        ("C5", "=WEIGHTS_GB(A2,2)", F["WEIGHTS_GB"]("DeepSeek-V3", 2)),
        ("C6", "=WEIGHTS_GB(A5,2)", F["WEIGHTS_GB"]("70B", 2)),
        ("C7", '=KV_CACHE_GB("DeepSeek-V3",128000)', F["KV_CACHE_GB"]("DeepSeek-V3", 128000)),
        ("C8", "=KV_CACHE_GB(A4,32000,4)", F["KV_CACHE_GB"]("Llama 3.1 70B", 32000, 4)),
        ("C9", '=DECODE_MS("DeepSeek-V3","H200",64,1,8)', F["DECODE_MS"]("DeepSeek-V3", "H200", 64, 1, 8)),
        ("C10", '=DECODE_MS(A4,"H100",8,2,8)', F["DECODE_MS"]("Llama 3.1 70B", "H100", 8, 2, 8)),
        (
            "C11",
            '=TTFT_SECONDS("Llama 3.1 70B",1000,"H100",1,2,8)',
            F["TTFT_SECONDS"]("Llama 3.1 70B", 1000, "H100", 1, 2, 8),
        ),
        ("C12", '=TTFT_SECONDS(A2,4000,"H200",1,1,8)', F["TTFT_SECONDS"]("DeepSeek-V3", 4000, "H200", 1, 1, 8)),
        ("C13", '=MODEL_SPEC("DeepSeek-V3","layers")', F["MODEL_SPEC"]("DeepSeek-V3", "layers")),
        ("C14", '=MODEL_SPEC(A3,"active_params")', F["MODEL_SPEC"]("Llama 3.1 405B", "active_params")),
        ("C15", '=MODEL_SPEC("Kimi K2")', F["MODEL_SPEC"]("Kimi K2")),
        ("C16", "=MODEL_SPEC(A6,B16)", F["MODEL_SPEC"]("Kimi K2", "layers")),  # field in a cell: frozen
        ("C17", "=2*TRAIN_FLOPS(A6)", 2 * F["TRAIN_FLOPS"]("Kimi K2")),
        ("C18", "=TRAIN_FLOPS(A5)", F["TRAIN_FLOPS"]("70B")),  # a magnitude: no tokens, an error
        # one column mixing numbers and a name: the name's row is not given the numbers' translation
        ("C20", "=WEIGHTS_GB(A20,2)", F["WEIGHTS_GB"](70e9, 2)),
        ("C21", "=WEIGHTS_GB(A21,2)", F["WEIGHTS_GB"]("DeepSeek-V3", 2)),
        ("C22", "=WEIGHTS_GB(A22,2)", F["WEIGHTS_GB"](8e9, 2)),
        # TRAIN_MFU: a model named in a cell (its row read in the sheet: a MoE's experts, a dense model's none)
        ("C23", '=TRAIN_MFU(A2,"H800","fp8",4096)', F["TRAIN_MFU"]("DeepSeek-V3", "H800", "fp8", 4096)),
        (
            "C24",
            '=TRAIN_MFU(A4,"H100","bf16",8192,512,4194304)',
            F["TRAIN_MFU"]("Llama 3.1 70B", "H100", "bf16", 8192, 512, 4194304),
        ),
        ("C25", '=TRAIN_MFU("DeepSeek-V3","H800","fp8")', F["TRAIN_MFU"]("DeepSeek-V3", "H800", "fp8")),
    ]


def _build(path):
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Estimates")
    ws.write_row("A1", ["model", "field", "result"])
    for ref, name in CELLS.items():
        ws.write_string(ref, name)
    ws.write_string("B16", "layers")
    ws.write_number("A20", 70e9)
    ws.write_string("A21", "DeepSeek-V3")
    ws.write_number("A22", 8e9)
    for ref, formula, _ in _cases():
        ws.write_formula(ref, formula, None, 0)
    ws.write_comment("A2", "a mixture of experts")
    other = wb.add_worksheet("Notes")
    other.write_string("A1", "no flopsheet here")
    wb.close()


def _plain(path):
    """Only numbers in model arguments: no Models sheet wanted."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Numbers")
    ws.write_number("A1", 70e9)
    ws.write_formula("B1", "=WEIGHTS_GB(A1,2)", None, 0)
    ws.write_formula("B2", '=DECODE_MS(A1,"H100",8,2,8)', None, 0)
    ws.write_formula("B3", "=TRAIN_FLOPS(A1,1.4E+12)", None, 0)
    ws.write_formula("B4", '=TRAIN_FLOPS("70B",1.4E+12)', None, 0)
    wb.close()
    return [
        ("B1", F["WEIGHTS_GB"](70e9, 2)),
        ("B2", F["DECODE_MS"](70e9, "H100", 8, 2, 8)),
        ("B3", F["TRAIN_FLOPS"](70e9, 1.4e12)),
        ("B4", F["TRAIN_FLOPS"]("70B", 1.4e12)),
    ]


@shared_workbook("user-handoff.xlsx")
def copied(d):
    src, dst = d / "user.xlsx", d / "user-handoff.xlsx"
    _build(src)
    return src, dst, handoff(src, dst)


def _sheet_titles(path) -> list:
    with zipfile.ZipFile(path) as z:
        return [s.name for s in Package.open(z).worksheets]


def test_copy_gets_a_models_sheet_and_native_formulas(copied):
    _, dst, report = copied
    assert "Models" in _sheet_titles(dst)
    assert any("Models" in n for n in report.notes)
    frozen = {cell for _, cell, _ in report.frozen}
    assert frozen == {"C16"}, report.frozen  # only MODEL_SPEC with its field in a cell
    from flopsheet.handoff.workings import expanded

    book = Book(Package.open(zipfile.ZipFile(dst)))
    for ref, _, _ in _cases():
        if ref == "C16":
            continue
        f = expanded(
            book["Estimates"].cell(*split_ref(ref)).value,
            lambda title, ref: book[title].cell(*split_ref(ref)).value[1:],
        )
        assert isinstance(f, str) and f.startswith("="), (ref, f)
        if ref not in ("C6", "C18", "C20", "C22"):  # "70B" in A5, A20 and A22 are numbers
            assert "Models!" in f, (ref, f)


def test_parts_not_rewritten_are_byte_identical(copied):
    src, dst, report = copied

    def members(path):
        with zipfile.ZipFile(path) as z:
            return {i.filename: (z.read(i), package.raw_member(z, i)) for i in z.infolist()}

    before, after = members(src), members(dst)
    assert set(after) == (set(before) - set(report.removed)) | set(report.added)
    assert len(report.added) >= 1 and all(p.startswith("xl/worksheets/sheet") for p in report.added)
    untouched = [p for p in before if p not in report.rewritten and p not in report.removed]
    assert "xl/worksheets/sheet2.xml" in untouched and "xl/sharedStrings.xml" in untouched
    for part in untouched:
        assert after[part] == before[part], f"{part} changed"


def test_copy_is_a_valid_package(copied):
    import ooxml
    from tools.packagecheck import check_package

    _, dst, _ = copied
    assert check_package(dst) == []
    ooxml.assert_valid(dst)


ENGINES = {"libreoffice": ("soffice", "recalculate"), "gnumeric": ("gnumeric", "recalculate_gnumeric")}


def _agree(got, expected) -> bool:
    if isinstance(expected, str):  # the Python function refuses: the native formula is #N/A
        return str(got) == "#N/A"
    return isinstance(got, float) and math.isclose(got, float(expected), rel_tol=1e-9)


@pytest.mark.parametrize("engine", list(ENGINES))
def test_engines_compute_the_python_values(copied, engine, request, tmp_path):
    request.getfixturevalue(ENGINES[engine][0])
    _, dst, _ = copied
    out = tmp_path / "computed.xlsx"
    getattr(engine_batch, ENGINES[engine][1])(dst, out)  # shared with the session's other workbooks
    book = Book(Package.open(zipfile.ZipFile(out)))
    wrong = []
    for ref, formula, expected in _cases():
        got = book["Estimates"].cell(*split_ref(ref)).cached
        if not _agree(got, expected):
            wrong.append(f"{ref} {formula}: Python {expected!r}, {engine} {got!r}")
    assert not wrong, "\n".join(wrong)


@shared_workbook("plain-handoff.xlsx", engines=("libreoffice",))
def plain(d):
    """A workbook naming no model, and its copy."""
    src, dst = d / "plain.xlsx", d / "plain-handoff.xlsx"
    cases = _plain(src)
    return dst, cases, handoff(src, dst)


def test_workbook_without_model_names_gets_no_models_sheet(plain, tmp_path, soffice):
    dst, cases, report = plain
    assert "Models" not in _sheet_titles(dst)
    assert not any("Models" in n for n in report.notes)
    assert not report.frozen
    out = tmp_path / "computed.xlsx"
    engine_batch.recalculate(dst, out)
    book = Book(Package.open(zipfile.ZipFile(out)))
    wrong = [
        (ref, book["Numbers"].cell(*split_ref(ref)).cached, x)
        for ref, x in cases
        if not _agree(book["Numbers"].cell(*split_ref(ref)).cached, x)
    ]
    assert not wrong
