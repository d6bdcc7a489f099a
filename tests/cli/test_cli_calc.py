"""The command line as a user runs it: a real subprocess, output and exit codes."""

import subprocess
import sys

import pytest


def flopsheet(*args):
    return subprocess.run([sys.executable, "-m", "flopsheet", *args], capture_output=True, text=True, timeout=60)


def test_calc_gpu_days_prints_the_seed_figure():
    r = flopsheet("calc", "GPU_DAYS", "3.15e23", "A100", "0.462", "fp16", "1")  # goodput 1, as the seed
    assert r.returncode == 0, r.stderr
    assert float(r.stdout) == pytest.approx(25293, abs=0.5)


def test_calc_takes_magnitudes_and_named_arguments():
    r = flopsheet("calc", "DECODE_MS", "175B", "A100", "gpus=8")
    assert r.returncode == 0, r.stderr
    assert float(r.stdout) == pytest.approx(26.82, abs=0.01)
    r = flopsheet("calc", "gpu_days", "3.15e23", "A100", "46.2%", "goodput=100%")
    assert float(r.stdout) == pytest.approx(25293, abs=0.5)


@pytest.mark.parametrize(
    "args,needle",
    [
        (("calc", "GPU_DAYS", "3e23", "H10"), 'did you mean "H100 SXM"'),
        (("calc", "GPU_DAYS", "3e23", "A100", "46.2"), "mfu must be > 0 and <= 1"),
        (("calc", "TRAIN_FLOPS", "12 parsecs", "1"), "params"),
        (("calc", "NOPE"), "unknown function"),
        (("calc", "GPU_DAYS", "3e23", "H100", "0.4", "fp4"), "supports bf16"),
    ],
)
def test_errors_are_one_line_on_stderr_and_fail(args, needle):
    r = flopsheet(*args)
    assert r.returncode != 0
    assert r.stdout == ""
    assert needle in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr


def test_gpus_table_and_version():
    r = flopsheet("gpus")
    assert r.returncode == 0
    assert "H100 SXM" in r.stdout and "989.5" in r.stdout
    r = flopsheet("--version")
    import flopsheet as pkg

    assert r.stdout.strip() == f"flopsheet {pkg.__version__}"


def test_gpu_names_column():
    r = flopsheet("calc", "GPU_NAMES")
    names = r.stdout.split("\n")
    assert "H100 SXM" in names and "Ascend 910B" not in names


def _in_process(*argv):
    """main() in this process (each case would cost a second as a subprocess)."""
    import contextlib
    import io

    from flopsheet.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def test_unknown_argument_name_is_named_and_the_valid_ones_listed():
    code, _, err = _in_process("calc", "TRAIN_COST", "6.3e24", "H100", "price=2.5")
    assert code == 2
    assert "unknown argument name 'price'" in err
    assert "flops, gpu, usd_per_gpu_hour, mfu, precision" in err


@pytest.mark.parametrize(
    "argv",
    [
        ("calc", "TRAIN_DAYS", "6.3e24", "H100", "8", "0.4", "mfu=0.5"),  # by position and by name
        ("calc", "TRAIN_DAYS", "6.3e24", "H100", "8", "mfu=0.5", "mfu=0.4"),  # by name twice
    ],
)
def test_a_value_given_twice_is_an_error(argv):
    code, out, err = _in_process(*argv)
    assert code == 2 and out == "" and "mfu is given twice" in err


def test_messages_on_the_command_line_do_not_talk_about_cells():
    code, _, err = _in_process("calc", "TRAIN_DAYS", "6.3e24", "H100")
    assert code == 2 and "gpus is required" in err and "cell" not in err
    code, _, err = _in_process("calc", "GPU_SPEC", "")
    assert code == 2 and "gpu is required" in err and "cell" not in err


def test_train_cost_without_a_price_uses_the_catalog_price():
    from flopsheet import catalog

    h100 = catalog.resolve("H100")
    code, out, _ = _in_process("calc", "TRAIN_COST", "6.3e24", "H100")
    _, priced, _ = _in_process("calc", "TRAIN_COST", "6.3e24", "H100", f"usd_per_gpu_hour={h100.usd_per_gpu_hour!r}")
    assert code == 0 and float(out) == pytest.approx(float(priced), rel=1e-9)
    _, source, _ = _in_process("calc", "GPU_SPEC", "H100", "price_source")
    _, date, _ = _in_process("calc", "GPU_SPEC", "H100", "price_date")
    assert source.strip() == h100.price_source and date.strip() == h100.price_date
    code, _, err = _in_process("calc", "TRAIN_COST", "6.3e24", "H800")  # its $2 is DeepSeek's assumption, not a default
    assert code == 2 and "no price for H800" in err and "type a price per GPU-hour in USD" in err
