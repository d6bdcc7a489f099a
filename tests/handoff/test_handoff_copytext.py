"""The copy a user sends (issue 22): a filled-in template, handed off, reads as the copy.

The template is filled in as a user would (scenario rows, a GPU added below the table, an assumption
changed, one of its notes typed over, a line of their own), by editing its package XML (never an
openpyxl load and save), in both editions. The hand-off recognises the template by the mark it carries
(custom document properties, flopsheet.template.marker) and gives the cells still holding the .xlsm's
text the copy's: no text cell of the copy tells the reader to install, enable or import anything; what
the user typed is kept; both engines recalculate the filled rows to Python's figures. A workbook without
the mark keeps its text, whatever it says."""

from __future__ import annotations

import re
import zipfile

import openpyxl
import pytest

from edited_copy import edit_package
from flopsheet import catalog
from flopsheet.functions import REGISTRY as F
from flopsheet.handoff.copy import handoff
from flopsheet.template import build_template, write_copy
from flopsheet.template.build import build_workbook
from flopsheet.template.i18n import LANGS
from flopsheet.template.sheets import training as tr
from ooxml import assert_valid

NEW, ACME = 10, 11  # the first empty scenario rows of the Training sheet
MFU, ACME_PEAK, ACME_SERVER_W, ACME_PRICE = 0.5, 1000.0, 1400.0, 1.5
OWN_NOTE = "Board pack, Q3: figures checked by finance."
OWN_LINE = "Prepared by the strategy team"
# What a copy must not ask of its reader: software to install, macros to enable, functions to import, an
# add-in to switch on (English and the zh-CN edition's words for the same).
ASKS = re.compile(r"\binstall|\benabl|\bimport|#NAME\?|xlwings|add-in is on|安装|启用|导入|加载项启用", re.I)


def _cells(wb) -> dict:
    return {
        ws.title: {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}
        for ws in wb.worksheets
    }


def _constants(wb) -> dict:
    return {
        title: {k: v for k, v in cells.items() if not (isinstance(v, str) and v.startswith("="))}
        for title, cells in _cells(wb).items()
    }


def _fill(xlsm, out):
    """The template with a user's edits, made in its XML."""
    wb, ctx = build_workbook()
    gpus = openpyxl.load_workbook(xlsm, read_only=True)["GPUs"]  # read only: the last GPU row
    last = max(r for r, (v,) in enumerate(gpus.iter_rows(min_col=1, max_col=1, values_only=True), start=1) if v)
    col = ctx.gpu_cols
    acme_row = last + 1
    sheet, cell = ctx.names["TrainMFU"].split("!")  # the training rows' blank MFU (BF16)
    L = tr.LETTER
    training = {f"{L['note']}{NEW}": OWN_NOTE, "A3": OWN_NOTE}
    for r, name, gpu in ((NEW, "Llama-style 70B on H100", "H100 SXM"), (ACME, "70B on Acme X1", "Acme X1")):
        for key, value in (
            ("name", name),
            ("params", 7e10),
            ("tokens", 1.4e12),
            ("gpu", gpu),
            ("gpus", 1024.0),
            ("deadline", 30.0),
        ):
            training[f"{L[key]}{r}"] = value
    edits = {
        "Training": training,
        "GPUs": {
            f"{col['name']}{acme_row}": "Acme X1",
            f"{col['bf16']}{acme_row}": ACME_PEAK,
            f"{col['server_w']}{acme_row}": ACME_SERVER_W,  # energy reads the server power per GPU
            f"{col['usd_per_gpu_hour']}{acme_row}": ACME_PRICE,
            f"{col['memory_gb']}{acme_row}": 96.0,
            f"{col['bandwidth_tbs']}{acme_row}": 4.0,
        },
        sheet.strip("'"): {cell.replace("$", ""): MFU, "F2": OWN_LINE},
    }
    return edit_package(xlsm, out, edits)


@pytest.fixture(scope="module", params=LANGS)
def filled(request, tmp_path_factory):
    lang = request.param
    d = tmp_path_factory.mktemp(f"filled-{lang}")
    xlsm = d / "flopsheet.xlsm"
    build_template(xlsm, lang=lang)
    edited = _fill(xlsm, d / "filled.xlsm")
    copy = d / "copy.xlsx"
    rep = handoff(edited, copy)
    return lang, xlsm, edited, copy, rep


def test_no_text_cell_of_the_copy_asks_to_install_enable_or_import(filled):
    lang, xlsm, _, copy, rep = filled
    wb = openpyxl.load_workbook(copy)
    asks = [
        (ws.title, c.coordinate, c.value)
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and not c.value.startswith("=") and ASKS.search(c.value)
    ]
    assert asks == []
    # the .xlsm did ask (the test can fail): its Start page says how to install and import
    template = openpyxl.load_workbook(xlsm)
    assert any(ASKS.search(v) for v in _cells(template)["Start"].values() if isinstance(v, str))
    assert any("copy's wording" in n for n in rep.notes)
    # the add-in status cell became the copy's line, not a frozen version number (calls naming a tokenizer
    # have their rules' twins: issue 21)
    assert rep.frozen == []
    assert_valid(copy)


def test_the_copy_keeps_what_the_user_typed(filled):
    lang, _, _, copy, _ = filled
    cells = _cells(openpyxl.load_workbook(copy))
    L = tr.LETTER
    assert cells["Training"]["A3"] == OWN_NOTE  # a template note the user typed over
    assert cells["Training"][f"{L['note']}{NEW}"] == OWN_NOTE
    assert OWN_LINE in cells["Start"].values()
    assert cells["Training"][f"{L['gpu']}{ACME}"] == "Acme X1" and cells["Training"][f"{L['params']}{NEW}"] == 7e10


def test_the_rest_reads_as_the_templates_own_copy(filled, tmp_path):
    """Every constant the user did not touch is what `flopsheet template` writes in its copy (formulas may
    point at other Workings rows: the filled scenario rows add quantities there)."""
    lang, _, _, copy, _ = filled
    pristine = tmp_path / "pristine.xlsx"
    write_copy(pristine, lang=lang)
    got, want = (_constants(openpyxl.load_workbook(p)) for p in (copy, pristine))
    touched = {"Training", "GPUs", "Workings"}
    default_mfu = build_workbook()[1].names["TrainMFU"].split("!")[1].replace("$", "")
    for title in want:
        if title in touched:
            continue
        diff = {k for k in set(got[title]) | set(want[title]) if got[title].get(k) != want[title].get(k)}
        assert diff <= ({"F2", default_mfu} if title == "Start" else set()), (title, sorted(diff)[:5])


def _expected() -> dict:
    flops = 6 * 7e10 * 1.4e12
    h100 = catalog.resolve("H100 SXM")
    peak = catalog.spec(h100, "bf16_tflops")
    out = {}
    for r, p, price in ((NEW, peak, h100.usd_per_gpu_hour), (ACME, ACME_PEAK, ACME_PRICE)):
        out |= {
            (r, "flops"): flops,
            (r, "gpu_days"): F["GPU_DAYS"](flops, p, MFU),
            (r, "days"): F["TRAIN_DAYS"](flops, p, 1024, MFU),
            (r, "needed"): F["GPUS_NEEDED"](flops, p, 30, MFU),
            (r, "cost"): F["TRAIN_COST"](flops, p, price, MFU),
        }
    out[(ACME, "energy")] = F["GPU_HOURS"](flops, ACME_PEAK, MFU) * ACME_SERVER_W * 1.2 / 1e6
    return out


# The English edition: both editions' formulas are the same (test_both_editions_place_every_cell_alike).
@pytest.mark.parametrize("filled", ["en"], indirect=True)
@pytest.mark.parametrize("engine", ["recalculate", "recalculate_gnumeric"])
def test_both_engines_recalculate_the_filled_rows(filled, engine, soffice, gnumeric, tmp_path):
    from flopsheet import recalc

    _, _, _, copy, _ = filled
    out = getattr(recalc, engine)(copy, tmp_path / "out.xlsx")
    ws = openpyxl.load_workbook(out, data_only=True)["Training"]
    for (r, key), want in _expected().items():
        got = ws[f"{tr.LETTER[key]}{r}"].value
        assert got == pytest.approx(want, rel=1e-9), (engine, r, key, got, want)


def _unmarked(xlsm, out):
    """The template with its mark renamed: to the hand-off, a user's own workbook."""
    with zipfile.ZipFile(xlsm) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "docProps/custom.xml":
                assert b'name="flopsheet template"' in data
                data = data.replace(b'name="flopsheet template"', b'name="our workbook"')
            zout.writestr(info, data)
    return out


def test_a_workbook_without_the_mark_keeps_its_text(filled, tmp_path):
    """The same cells, the same words: without the template's mark nothing is reworded (no guess from text)."""
    _, xlsm, _, _, _ = filled
    copy = tmp_path / "copy.xlsx"
    rep = handoff(_unmarked(xlsm, tmp_path / "own.xlsm"), copy)
    before, after = _cells(openpyxl.load_workbook(xlsm)), _cells(openpyxl.load_workbook(copy))
    asks = {
        (title, k): v
        for title, cells in before.items()
        if title in after
        for k, v in cells.items()
        if isinstance(v, str) and not v.startswith("=") and ASKS.search(v)
    }
    assert {t for t, _ in asks} >= {"Start", "Training", "Inference", "Multimodal", "Seed check"}
    assert {k: after[k[0]].get(k[1]) for k in asks} == asks
    assert not any("copy's wording" in n for n in rep.notes)
    status = build_workbook()[1].cells[("Start", "version")].replace("$", "")
    frozen = [f[:2] for f in rep.frozen]
    assert frozen == [("Start", status)]  # the status cell is frozen, as for any workbook


def test_handing_the_copy_off_again_changes_no_text(filled, tmp_path):
    _, _, _, copy, _ = filled
    with zipfile.ZipFile(copy) as z:
        # openpyxl writes <vt:lpwstr>, or through lxml <vt:lpwstr xmlns:vt="...">
        assert re.search(rb"<vt:lpwstr\b[^>]*>copy</vt:lpwstr>", z.read("docProps/custom.xml"))
    again = tmp_path / "again.xlsx"
    rep = handoff(copy, again)
    assert not any("copy's wording" in n for n in rep.notes)
    assert _cells(openpyxl.load_workbook(again))["Start"] == _cells(openpyxl.load_workbook(copy))["Start"]


@pytest.mark.parametrize("lang", LANGS)
def test_both_editions_place_every_cell_alike(lang):
    """What makes rewording cell by cell sound: the .xlsm and its copy have the same defined names, and
    the same formulas at the same cells but the add-in status cell (a formula in the .xlsm only)."""
    addin, _ = build_workbook(lang=lang)
    copy, _ = build_workbook(lang=lang, audience="copy")
    assert {n: d.attr_text for n, d in addin.defined_names.items()} == {
        n: d.attr_text for n, d in copy.defined_names.items()
    }
    a, k = _cells(addin), _cells(copy)
    for title in k:
        fa = {c: v for c, v in a[title].items() if isinstance(v, str) and v.startswith("=")}
        fk = {c: v for c, v in k[title].items() if isinstance(v, str) and v.startswith("=")}
        only_addin = {c: fa[c] for c in set(fa) - set(fk)}
        assert {c: v for c, v in fa.items() if c in fk} == fk
        assert set(only_addin.values()) <= {"=FLOPSHEET_VERSION()"}, (title, only_addin)
