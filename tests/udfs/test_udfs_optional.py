"""Arguments Excel may leave out: every function called with only its required arguments, and with
its model-name form's (KV_CACHE_GB("DeepSeek-V3", 128000)), through the Python face and as Excel
would call it through the VBA that xlwings generates (an omitted `Optional` argument arrives as
xlwings' "missing" marker, which `xlwings.udfs.call_udf` replaces by the Python default). A left-out
argument that a form needs gives the one-line message, never an exception."""

import math

import pytest

from flopsheet import functions
from flopsheet.errors import FlopsheetError
from flopsheet.functions import REGISTRY
from flopsheet.functions.declaration import excel_required
from xlwings_harness import import_with_real_decorators, vba_for, vba_functions

MISSING = -2147352572  # DISP_E_PARAMNOTFOUND: what VBA passes for an omitted Optional argument


@pytest.fixture(scope="module")
def udfs():
    return import_with_real_decorators("flopsheet.udfs")


@pytest.fixture(scope="module")
def declared(udfs):
    return vba_functions(vba_for(udfs))


def excel_call(udfs, declared, name, values):
    """What a cell `=NAME(values...)` returns: Excel accepts the formula only if every left-out argument is
    declared Optional; xlwings then converts each argument as call_udf does and calls the face."""
    decls = declared[name]
    assert len(values) <= len(decls)
    func = getattr(udfs, name)
    passed = list(values) + [MISSING] * (len(decls) - len(values))
    for decl, value in zip(decls, passed):
        assert value != MISSING or decl.startswith("Optional "), f"={name}(...) without {decl}: Excel refuses it"
    args = []
    for value, info in zip(passed, func.__xlfunc__["args"]):
        if value == MISSING:  # xlwings.udfs.call_udf: a missing argument becomes the Python default
            args.append(info.get("optional", None))
        else:  # one cell's value, read with ndim=2 (ARG_OPTIONS) as a 1x1 range
            assert info["options"]["ndim"] == 2
            args.append([[value]])
    return func(*args)


def required(fn):
    return [a for a in fn.args if not a.optional]


def is_number(v):
    return isinstance(v, float) and math.isfinite(v)


def only_required(fn):
    """The function's example cut to its required arguments (numbers or names a cell would hold)."""
    return tuple(fn.example[: len(required(fn))])


MODEL_FORMS = {name: form for name, fn in REGISTRY.items() for form in fn.forms}


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_only_the_required_arguments(name, udfs, declared):
    fn = REGISTRY[name]
    values = only_required(fn)
    assert len(values) == len(required(fn)), f"{name}: its example must give every required argument"
    face = getattr(udfs, name)(*values)
    cell = excel_call(udfs, declared, name, values)
    assert face == cell
    # a value, or the one-line message a cell shows (a 70B model needs more than one H100: it says so)
    if isinstance(face, str) and face.startswith(f"{name}: "):
        assert "\n" not in face and "internal error" not in face, face
    else:
        assert is_number(face) or isinstance(face, (str, list)), face


@pytest.mark.parametrize("name", sorted(MODEL_FORMS))
def test_the_model_name_form(name, udfs, declared):
    form = MODEL_FORMS[name]
    values = tuple(form.example[: len(required(form))])
    expected = functions.get(name)(*values)
    assert getattr(udfs, name)(*values) == pytest.approx(expected)
    assert excel_call(udfs, declared, name, values) == pytest.approx(expected)


def test_kv_cache_of_a_model_as_the_readme_writes_it(udfs, declared):
    value = excel_call(udfs, declared, "KV_CACHE_GB", ("DeepSeek-V3", 128000))
    assert is_number(value) and value == pytest.approx(functions.get("KV_CACHE_GB")("DeepSeek-V3", 128000))
    assert [d for d in declared["KV_CACHE_GB"] if not d.startswith("Optional ")] == ["layers", "kv_heads"]


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_a_left_out_argument_is_a_one_line_message(name, udfs, declared):
    """Leave out each argument Excel lets one leave out that the numbers form still needs."""
    fn = REGISTRY[name]
    values = only_required(fn)
    for cut in range(excel_required(fn), len(values)):
        for got in (getattr(udfs, name)(*values[:cut]), excel_call(udfs, declared, name, values[:cut])):
            assert isinstance(got, str) and got.startswith(f"{name}: ") and "\n" not in got, got
            assert fn.args[cut].name in got, got
        with pytest.raises(FlopsheetError, match=fn.args[cut].name):  # the Python API: its one error type
            functions.get(name)(*values[:cut])


def test_every_function_has_an_example_with_its_required_arguments():
    for fn in REGISTRY.values():
        assert len(fn.example) >= len(required(fn)), fn.name
