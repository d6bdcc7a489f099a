"""flopsheet.udfs through xlwings' own machinery: the VBA and the function-wizard help that
"Import Functions" would put into a workbook (tests/xlwings_harness.py drives xlwings.udfs)."""

import inspect
import re
import subprocess
import sys

import pytest

from flopsheet.functions import REGISTRY
from xlwings_harness import import_udfs_dry_run, import_with_real_decorators, vba_for, vba_functions

# The contract, copied from the project's original contract (the research folder's spec/excel-functions.md) so that a function dropped from
# the registry, a renamed argument or a changed default fails here. [x=d]: optional, default d
# ([x]: optional without a default). Extra optional arguments may follow (the spec allows
# them at the END only).
# TRAIN_COST's price is optional since issue 10: blank uses the catalog's dated price for the GPU.
SPEC = {
    # issue 20: a training function's blank mfu is the precision's training efficiency (37.5% of a BF16 peak,
    # 36% of an FP8/INT8 peak, 25% of FP4: engine.training_mfu), no longer one 0.4 for every precision
    # issue 13: tokens may be left blank when params is a catalog model name (its published tokens)
    "TRAIN_FLOPS": "params, [tokens], [flops_per_param_token=6], [layers], [d_model], [seq_len]",
    "CHINCHILLA_TOKENS": "params, [tokens_per_param=20]",
    "GPU_HOURS": "flops, gpu, [mfu], [precision=bf16]",
    "GPU_DAYS": "flops, gpu, [mfu], [precision=bf16]",
    "TRAIN_DAYS": "flops, gpu, gpus, [mfu], [precision=bf16]",
    "GPUS_NEEDED": "flops, gpu, days, [mfu], [precision=bf16]",
    "TRAIN_COST": "flops, gpu, [usd_per_gpu_hour], [mfu], [precision=bf16]",
    "TRAIN_ENERGY_MWH": "flops, gpu, [mfu], [precision=bf16], [pue=1.2]",
    "INFER_FLOPS": "params, prompt_tokens, output_tokens, [layers], [d_model]",
    "INFER_SECONDS": "flops, gpu, [mfu=0.4], [precision=bf16]",
    # issue 20: blank gpus is the fewest valid tensor-parallel GPUs that hold the model, blank kv_gb a catalog
    # model's own cache (none for a plain count); TOKENS_PER_SECOND's blank batch is the serving batch
    "DECODE_MS": "params, gpu, [batch=1], [bytes_per_param=2], [gpus], [kv_gb], [bw_efficiency=0.8], [mfu=0.4]",
    # issue 13: one optional-argument order with DECODE_MS and TOKENS_PER_SECOND (kv_gb, bw_efficiency,
    # mfu); until then RESPONSE_SECONDS took mfu 8th. A breaking change, stated in docs and README.
    "RESPONSE_SECONDS": "params, prompt_tokens, output_tokens, gpu, [batch=1], [bytes_per_param=2], [gpus], "
    "[kv_gb], [bw_efficiency=0.8], [mfu=0.4]",
    "TOKENS_PER_SECOND": "params, gpu, [batch], [bytes_per_param=2], [gpus]",
    # issue 20: the inter-token latency of a continuously batched server (a decode step plus the other requests'
    # chunked prefill, or the server's CPU time per sequence when longer), RESPONSE_SECONDS' arguments and host_us
    "ITL_MS": "params, prompt_tokens, output_tokens, gpu, [batch=1], [bytes_per_param=2], [gpus], [kv_gb], "
    "[bw_efficiency=0.8], [mfu=0.4], [precision=bf16], [allreduce_us=20], [prefill_mfu=0.65], [host_us=0]",
    "WEIGHTS_GB": "params, [bytes_per_param=2]",
    "TRAIN_MEMORY_GB": "params, [bytes_per_param=16]",
    # issue 22: head_dim and context_tokens are optional to Excel so the model-name form
    # KV_CACHE_GB("DeepSeek-V3", 128000) is a valid formula; the numbers form still needs them (blank: a message)
    "KV_CACHE_GB": "layers, kv_heads, [head_dim], [context_tokens], [batch=1], [bytes_per_value=2]",
    "GPUS_TO_FIT": "gb, gpu, [usable_fraction=0.9]",
    "IMAGE_TOKENS": "height, width, [patch=16]",
    # issue 21: patch may name a tokenizer ("GPT-4o"); fps (the video's) is needed with a name
    "VIDEO_TOKENS": "frames, height, width, [patch=16], [temporal_patch=1], [fps]",
    "VIDEO_SECONDS_TOKENS": "seconds, height, width, model",
    "AUDIO_TOKENS": "seconds, [model=Whisper]",
    "TEXT_TOKENS": "amount, [unit=word]",
    "TOKENS_TO_WORDS": "tokens, [tokens_per_word=1.3333333333333333]",
    "GPU_SPEC": "gpu, [field=bf16_tflops]",
    "GPU_NAMES": "",
    "PARSE_NUM": "text",
    "FLOPSHEET_VERSION": "",
    # issue 13
    "IMPLIED_MFU": "flops, gpu_hours, gpu, [precision=bf16]",
    # issue 20: a training step's efficiency from the model, GPU and layout (engine.training.train_mfu)
    "TRAIN_MFU": "params, gpu, [precision=bf16], [seq_len=0], [gpus], [batch_tokens], [share]",
    # issue 20: serving in a parallel layout as deployed ("EP144", "TP4 EP8": expert parallelism)
    "LAYOUT_TOKENS_PER_SECOND": "model, gpu, layout, prompt_tokens, output_tokens, [precision=bf16], [batch], "
    "[latency_ms=50], [context_tokens], [kv_bytes=2]",
    "LAYOUT_PREFILL_TOKENS_PER_SECOND": "model, gpu, layout, prompt_tokens, [precision=bf16], [batch=1]",
    "LAYOUT_DECODE_MS": "model, gpu, layout, batch, context_tokens, [precision=bf16], [kv_bytes=2]",
    # issue 20: a prefill's own efficiency (0.65), the all-reduce's fixed cost calibrated on measured runs
    # (20 us), and a blank KV cache is a catalog model's own (none for a plain parameter count)
    "TTFT_SECONDS": "params, prompt_tokens, gpu, [batch=1], [bytes_per_param=2], [gpus], [bw_efficiency=0.8], "
    "[mfu=0.65], [precision=bf16], [allreduce_us=20]",
    "SERVING_GPUS": "requests_per_day, prompt_tokens, output_tokens, params, gpu, [gpus], [latency_ms=50], "
    "[peak_factor=2], [kv_gb_per_sequence]",
    # issue 20: the batch TOKENS_PER_SECOND and COST_PER_MTOK take when it is left blank
    "SERVING_BATCH": "params, gpu, [bytes_per_param=2], [gpus], [bw_efficiency=0.8], [mfu=0.4], [precision=bf16], "
    "[allreduce_us=20], [context_tokens=1085], [latency_ms=50]",
    "MODEL_SPEC": "model, [field=total_params]",
    "MODEL_NAMES": "",
    # Money (issue 14): flopsheet.functions.economics
    "CLUSTER_CAPEX": "gpus, gpu, [usd_per_gpu], [overhead=1.44]",
    "FLEET_POWER_MW": "gpus, gpu, [pue=1.2], [server_w]",
    "IT_POWER_MW": "gpus, gpu, [server_w]",
    "ENERGY_COST_USD": "mw, usd_per_kwh, [hours=8760]",
    "GPU_TCO_PER_HOUR": "usd_per_gpu, years, gpu, usd_per_kwh, [overhead=1.44], [pue=1.2], [utilization=1]",
    "TRAIN_COST_AMORTISED": "flops, gpu, usd_per_gpu, usd_per_kwh, [years=3.1], [mfu]",
    "COST_PER_MTOK": "params, gpu, usd_per_gpu_hour, [kind=output], [load=1]",
    "GROSS_MARGIN": "price, cost",
    "RANGE_TEXT": "base_case, low, high, [unit]",
}

# Words a VBA parameter must not be called. MS-VBAL 3.3.5.2 "Reserved Identifiers" (all of
# them), plus the lead's wider list of VBA statement and function names.
MS_VBAL_RESERVED = """
Call Case Close Const Declare DefBool DefByte DefCur DefDate DefDbl DefInt DefLng DefLngLng DefLngPtr
DefObj DefSng DefStr DefVar Dim Do Else ElseIf End EndIf Enum Erase Event Exit For Friend Function Get
Global GoSub GoTo If Implements Input Let Lock Loop LSet Next On Open Option Print Private Public Put
RaiseEvent ReDim Resume Return RSet Seek Select Set Static Stop Sub Type Unlock Wend While With Write
Rem Any As ByRef ByVal Each In New Shared Until WithEvents Optional ParamArray Preserve Spc Tab Then To
AddressOf And Eqv Imp Is Like Mod Not Or TypeOf Xor
Abs CBool CByte CCur CDate CDbl CDec CInt CLng CLngLng CLngPtr CSng CStr CVar CVErr Date Debug DoEvents
Fix Int Len LenB Me PSet Scale Sgn String Array Circle InputB LBound UBound
Boolean Byte Currency Double Integer Long LongLong LongPtr Single Variant True False Nothing Empty Null
Attribute LINEINPUT CDecl Decimal DefDec
"""
LEAD_LIST = """
Date Error Function Sub End Type Len Mid Name Option Set Get Let Property Step To Next Print Open Close
Input Output Base Binary Compare Explicit Private Public Static Dim ReDim Const Currency Boolean Byte
Integer Long Single Double String Variant Object Nothing Null Empty True False And Or Not Xor Mod Is Like
New Me Call Exit Do Loop While Wend For Each In If Then Else ElseIf Select Case With GoTo On Resume Stop
Lock Unlock Width Write Seek Line Time Val Day Month Year Hour Second Minute Format Left Right Round Int
Fix Abs Sgn Sqr Exp Log Rnd Array Erase Let Event Implements Friend Optional ParamArray ByVal ByRef As
Declare Lib Alias Enum Attribute Global Shared Tab Spc
"""
VBA_KEYWORDS = {w.lower() for w in (MS_VBAL_RESERVED + LEAD_LIST).split()}
# `Width` is a statement name (`Width #1, 80`), not a reserved identifier (MS-VBAL 3.3.5.2 does
# not list it): it is only special as the first word of a statement, and xlwings' wrapper uses
# parameters only inside `Array(...)`. Excel's own object model names parameters Width
# (Shapes.AddShape(Type, Left, Top, Width, Height)). The spec's IMAGE_TOKENS/VIDEO_TOKENS need it.
ALLOWED_CONTEXTUAL = {"width"}


def _spec_args(signature: str):
    out = []
    for part in filter(None, (p.strip() for p in signature.split(","))):
        m = re.fullmatch(r"\[(\w+)(?:=(.+))?\]|(\w+)", part)
        if m.group(3):
            out.append((m.group(3), False, None))
        else:
            out.append((m.group(1), True, m.group(2)))
    return out


@pytest.fixture(scope="module")
def udfs():
    return import_with_real_decorators("flopsheet.udfs")


@pytest.fixture(scope="module")
def dry_run(udfs):
    return import_udfs_dry_run(udfs)


@pytest.fixture(scope="module")
def declared(udfs):
    return vba_functions(vba_for(udfs))


def test_every_spec_function_and_nothing_else_is_a_vba_function(declared):
    # 41 + issue 20's TRAIN_MFU, LAYOUT_TOKENS_PER_SECOND, LAYOUT_PREFILL_TOKENS_PER_SECOND, LAYOUT_DECODE_MS,
    # SERVING_BATCH, ITL_MS
    assert len(SPEC) == 47
    assert set(declared) == set(SPEC) == set(REGISTRY), (
        f"missing in VBA: {sorted(set(SPEC) - set(declared))}; not in the spec: {sorted(set(declared) - set(SPEC))}"
    )


@pytest.mark.parametrize("name", sorted(SPEC))
def test_vba_declaration_follows_the_spec(name, declared, udfs):
    decls = declared[name]
    spec = _spec_args(SPEC[name])
    expected = [("Optional " if optional else "") + arg for arg, optional, _ in spec]
    assert decls[: len(spec)] == expected, f"{name}: VBA {decls} vs spec {SPEC[name]}"
    extra = decls[len(spec) :]
    assert all(d.startswith("Optional ") for d in extra), f"{name}: extra arguments must be optional: {extra}"
    # the spec's defaults are the Python defaults (what xlwings passes for an omitted argument)
    params = inspect.signature(getattr(udfs, name)).parameters
    for arg, optional, default in spec:
        if default is not None:
            actual = params[arg].default
            if isinstance(actual, str):
                assert actual == default, (name, arg)
            else:
                assert actual == pytest.approx(float(default)), (name, arg)
        elif optional:
            assert params[arg].default is None, (name, arg)


@pytest.mark.parametrize("name", sorted(SPEC))
def test_argument_names_are_safe_in_vba(name, declared):
    names = [d.split()[-1] for d in declared[name]]
    for n in names:
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,254}", n), f"{name}: {n!r} is not a VBA identifier"
        assert n.lower() not in VBA_KEYWORDS - ALLOWED_CONTEXTUAL, f"{name}: argument {n!r} is a VBA keyword"
        assert n.lower() != name.lower(), f"{name}: an argument may not share the function's name"
        assert n.lower() != "caller", f"{name}: xlwings replaces an argument named caller with the calling range"
    lowered = [n.lower() for n in names]
    assert len(set(lowered)) == len(lowered), f"{name}: arguments collide case-insensitively: {names}"


def test_function_names_are_not_cell_references_or_keywords(declared):
    for name in declared:
        # "ABC123" or "R1C1" would be read by Excel as a cell reference, not a function call
        assert not re.fullmatch(r"[A-Za-z]{1,3}[0-9]+|[Rr][0-9]*[Cc][0-9]*", name), name
        assert name.lower() not in VBA_KEYWORDS, name


@pytest.mark.parametrize("name", sorted(SPEC))
def test_wizard_help_comes_from_the_registry(name, dry_run, udfs):
    fn = REGISTRY[name]
    opts = dry_run.options_for(name)
    assert opts["Category"] == "flopsheet"
    assert opts["Description"] == fn.summary
    assert udfs.__dict__[name].__doc__.splitlines()[0] == fn.summary
    assert 0 < len(fn.summary) <= 255, "xlwings cuts the description at 255 characters"
    docs = opts["ArgumentDescriptions"] or []
    assert docs == [a.doc for a in fn.args]
    for arg, doc in zip(fn.args, docs):
        assert doc.strip() and "Positional argument" not in doc, (name, arg.name)
        assert len(doc) <= 255 and "\n" not in doc, (name, arg.name)
        if arg.optional:
            assert re.search(r"default|optional", doc, re.I), f"{name}.{arg.name}: say the default in the doc"
    for text in [opts["Description"], *docs]:  # no local path may leak into the workbook
        assert "defined in" not in text and ".py" not in text, text
        assert not re.search(r"[A-Za-z]:\\|(^|\s)/[\w.-]+/|site-packages", text), text


def test_every_argument_is_read_as_a_2d_range_with_errors_as_text(udfs):
    for name in REGISTRY:
        for arg in getattr(udfs, name).__xlfunc__["args"]:
            assert arg["options"] == {"ndim": 2, "err_to_str": True}, (name, arg["name"])
            assert not arg["vararg"] and arg["vba"] is None


def test_vba_module_is_complete(dry_run):
    assert dry_run.vba.startswith('Attribute VB_Name = "xlwings_udfs"')
    assert dry_run.vba.count("End Function") == len(SPEC)
    assert '"flopsheet.udfs"' in dry_run.vba
    assert "Application.Volatile" not in dry_run.vba  # nothing here depends on time or randomness


def test_imports_with_the_no_op_decorators_of_linux_and_macos():
    code = (
        "import xlwings, flopsheet.udfs as u; "
        "assert not hasattr(u.GPU_DAYS, '__xlfunc__'); "
        "print(u.GPU_DAYS(3.15e23, 'A100', 0.462, 'bf16', 1))"
    )  # goodput 1: the seed's figure
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert float(out.stdout) == pytest.approx(25292.99, rel=1e-6)
