"""The README's main-job command, run as written on a fresh clone in a new virtual environment.

The venv sees the machine's site-packages (so no dependency is downloaded again), but flopsheet
itself is built and installed from the clone, and the command runs from the clone's folder.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def main_job_command() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```bash\n(.+?)\n```", readme)
    return next(c for c in commands if "pytest" not in c)


def test_main_job_command_is_install_then_template():
    assert main_job_command() == "pip install . && flopsheet template"


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_readme_main_job_on_a_fresh_clone(tmp_path):
    if subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True).returncode:
        pytest.skip("not a git checkout with commits")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    env = dict(os.environ, PATH=f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}", VIRTUAL_ENV=str(venv))
    env.pop("PYTHONPATH", None)
    r = subprocess.run(main_job_command(), shell=True, cwd=clone, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, (r.stdout[-1500:], r.stderr[-1500:])
    assert (clone / "flopsheet.xlsm").stat().st_size > 10_000
    assert "GPT-3" in r.stdout
    # everything the quick start wrote in the clone (the workbooks, pip's build folders) is ignored by git
    status = subprocess.run(["git", "status", "--porcelain"], cwd=clone, capture_output=True, text=True, check=True)
    assert status.stdout == "", status.stdout
    # the installed package is the clone's, not the developer's editable checkout
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import flopsheet; print(flopsheet.__file__)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert str(venv) in where.stdout, where.stdout
