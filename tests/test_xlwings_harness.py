"""Prove tests/xlwings_harness.py drives xlwings' classic UDF machinery on Linux."""

import textwrap

import pytest

from xlwings_harness import (
    import_udfs_dry_run,
    import_with_real_decorators,
    real_xlwings,
    vba_for,
    vba_functions,
)

MODULE = "xlw_harness_demo"

SOURCE = textwrap.dedent(
    '''
    import xlwings as xw


    @xw.func(category="flopsheet", call_in_wizard=False)
    @xw.arg("x", doc="The value to scale.")
    @xw.arg("scale", doc="Factor, 2 if omitted.")
    def demo_scale(x, scale=2.0):
        """Multiply x by scale."""
        return x * scale


    @xw.func(volatile=True)
    @xw.ret(expand="table")
    def demo_table(n):
        return [[i] for i in range(int(n))]
    '''
)


@pytest.fixture
def demo(tmp_path, monkeypatch):
    (tmp_path / f"{MODULE}.py").write_text(SOURCE)
    monkeypatch.syspath_prepend(str(tmp_path))
    mod = import_with_real_decorators(MODULE)
    yield mod
    import sys

    sys.modules.pop(MODULE, None)


def test_real_xlwings_is_idempotent_and_patches_decorators():
    import xlwings

    udfs = real_xlwings()
    assert real_xlwings() is udfs
    assert xlwings.func is udfs.xlfunc
    assert xlwings.arg is udfs.xlarg
    assert xlwings.ret is udfs.xlret
    assert xlwings.sub is udfs.xlsub


def test_metadata_recorded(demo):
    meta = demo.demo_scale.__xlfunc__
    assert meta["category"] == "flopsheet"
    assert meta["call_in_wizard"] is False and meta["volatile"] is False
    assert [a["name"] for a in meta["args"]] == ["x", "scale"]
    assert meta["args"][1]["optional"] == 2.0
    assert demo.demo_table.__xlfunc__["ret"]["options"] == {"expand": "table"}
    assert demo.demo_table.__xlfunc__["category"] == "xlwings"  # default


def test_vba_signatures_and_bodies(demo):
    vba = vba_for(demo)
    funcs = vba_functions(vba)
    assert funcs == {"demo_scale": ["x", "Optional scale"], "demo_table": ["n"]}
    assert "Function demo_scale(x, Optional scale)" in vba
    assert (
        f'demo_scale = XLPy.CallUDF("{MODULE}", "demo_scale", Array(x, scale), ThisWorkbook, Application.Caller)' in vba
    )
    # call_in_wizard=False / volatile=True are the only per-function VBA extras
    assert 'If (Not Application.CommandBars("Standard").Controls(1).Enabled) Then Exit Function' in vba
    assert "Application.Volatile" in vba
    # expand= lives only in Python metadata (handled in call_udf), not in the VBA
    assert "expand" not in vba.lower()
    # .xlam targets ActiveWorkbook instead of ThisWorkbook
    assert "ActiveWorkbook" in vba_for(demo, workbook_name="addin.xlam")


def test_descriptions_go_through_macro_options_not_vba(demo):
    run = import_udfs_dry_run(demo)
    assert run.vba.startswith('Attribute VB_Name = "xlwings_udfs"')
    assert vba_for(demo) in run.vba
    assert "Multiply x by scale." not in run.vba
    assert "The value to scale." not in run.vba

    scale = run.options_for("demo_scale")
    assert scale["macro"] == "'flopsheet.xlsm'!demo_scale"
    assert scale["Description"] == "Multiply x by scale."
    assert scale["Category"] == "flopsheet"
    assert scale["ArgumentDescriptions"] == ["The value to scale.", "Factor, 2 if omitted."]


def test_missing_docstring_leaks_local_path(demo, tmp_path):
    run = import_udfs_dry_run(demo)
    table = run.options_for("demo_table")
    path = str(tmp_path / f"{MODULE}.py")
    # xlfunc(): ret doc = "Python function '<name>' defined in '<co_filename>'."
    assert table["Description"] == f"Python function 'demo_table' defined in '{path}'."
    assert table["ArgumentDescriptions"] == ["Positional argument 1"]
    assert table["Category"] == "xlwings"
    assert path not in run.vba  # the leak is in the Insert-Function help, not the VBA
