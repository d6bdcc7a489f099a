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


@pytest.mark.parametrize("args,needle", [
    (("calc", "GPU_DAYS", "3e23", "H10"), 'did you mean "H100 SXM"'),
    (("calc", "GPU_DAYS", "3e23", "A100", "46.2"), "mfu must be > 0 and <= 1"),
    (("calc", "TRAIN_FLOPS", "12 parsecs", "1"), "params"),
    (("calc", "NOPE"), "unknown function"),
    (("calc", "GPU_DAYS", "3e23", "H100", "0.4", "fp4"), "supports bf16"),
])
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
