"""The main job with each of openpyxl's XML writers.

openpyxl writes through lxml when lxml is importable (every Anaconda install, most pandas
installs) and through the standard library otherwise; the two spell the same workbook
differently (lxml declares the relationships namespace on each <sheet>, the standard library on
the root). The test extras install lxml, so the rest of the suite runs with the lxml writer; here
`OPENPYXL_LXML` (openpyxl.xml.lxml_env_set) forces each writer in turn for `flopsheet template`,
which writes the template and hands it off to its add-in-free copy, recalculated by LibreOffice.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import zipfile

import pytest
from defusedxml import ElementTree

import ooxml

WRITERS = {"lxml": "True", "stdlib": "False"}


def _writer_env(writer: str) -> dict:
    env = dict(os.environ, OPENPYXL_LXML=WRITERS[writer])
    probe = subprocess.run(
        [sys.executable, "-c", "import openpyxl; print(openpyxl.LXML)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert probe.stdout.strip() == str(writer == "lxml")
    return env


@pytest.mark.parametrize("writer", list(WRITERS))
def test_main_job_writes_a_well_formed_template_and_copy(writer, tmp_path, soffice):
    if writer == "lxml" and importlib.util.find_spec("lxml") is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("lxml is missing: `pip install -e .[test]` installs it")
        pytest.skip("lxml is not installed")
    r = subprocess.run(
        [sys.executable, "-m", "flopsheet", "template"],
        cwd=tmp_path,
        env=_writer_env(writer),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, (r.stdout[-2000:], r.stderr[-2000:])
    assert "wrote flopsheet.xlsm, but not its copy" not in r.stdout + r.stderr
    for name in ("flopsheet.xlsm", "flopsheet.xlsx"):
        path = tmp_path / name
        with zipfile.ZipFile(path) as z:
            for part in z.namelist():
                if part.endswith((".xml", ".rels", ".vml")) or part == "[Content_Types].xml":
                    ElementTree.fromstring(z.read(part))  # raises on an undeclared prefix
        assert ooxml.validate(path) == [], name
