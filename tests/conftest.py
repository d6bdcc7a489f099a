"""Shared test setup: helpers in tests/ importable; ``soffice`` and ``gnumeric`` fixtures for the
two spreadsheet engines that stand in for Excel; ``recalc_batch``, the session's one LibreOffice run
for the workbooks test modules declare with engine_batch.shared_workbook; the pytest-xdist workers'
groups (a test file whole on one worker, the files of those session fixtures all on one).

Without an engine such tests are skipped on a developer machine but FAIL on CI (CI=true), so a
CI image that lost LibreOffice or Gnumeric cannot silently skip the recalculation tests.
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

import pytest

from flopsheet.recalc import GNUMERIC_MISSING, LIBREOFFICE_MISSING, find_soffice, find_ssconvert

# Make test helpers in tests/ (e.g. xlwings_harness) importable from any test dir.
_TESTS_DIR = str(Path(__file__).resolve().parent)
if _TESTS_DIR not in sys.path:
    sys.path.insert(0, _TESTS_DIR)


def pytest_configure(config):
    config.addinivalue_line("markers", "needs_libreoffice: test runs headless LibreOffice (soffice fixture)")
    config.addinivalue_line("markers", "needs_gnumeric: test runs Gnumeric's ssconvert (gnumeric fixture)")
    if getattr(config.option, "tx", None) and not hasattr(config, "workerinput"):
        # The xdist workers must collect the same tests in the same order, so one string hash seed
        # for all of them (still a random one each run): a test parametrised from a set of strings
        # would otherwise abort the run with "Different tests collected".
        os.environ.setdefault("PYTHONHASHSEED", str(random.randrange(1, 2**32)))


# Session fixtures that start LibreOffice: the files using any of them run on one worker (_worker_groups).
_SHARED_FIXTURES = ("recalc_batch", "recalculated_copy", "template_handed_off")


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the xdist_group marks
def pytest_collection_modifyitems(config, items):
    # Tag every test using the fixture, so `-m "not needs_libreoffice"` deselects them.
    for item in items:
        if "soffice" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.needs_libreoffice)
        if "gnumeric" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.needs_gnumeric)
    if config.pluginmanager.hasplugin("xdist"):
        groups = _worker_groups(items)
        for item in items:
            item.add_marker(pytest.mark.xdist_group(groups[_module_of(item)]))


def pytest_xdist_auto_num_workers(config) -> int:
    """Workers for pyproject's `-n auto`: one a core, none for a single test file (a file runs whole
    on one worker, so a second one would only add its start-up). `-n 0` turns them off."""
    files = {arg.split("::")[0] for arg in config.args}
    if len(files) == 1 and Path(next(iter(files))).is_file():
        return 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return cores if cores > 1 else 0


def _module_of(item) -> str:
    return item.nodeid.split("::")[0]


def _worker_groups(items) -> dict[str, str]:
    """Test file -> the xdist group that runs it whole on one worker (pyproject's `--dist loadgroup`).

    A file's tests stay together (module fixtures are built once, in file order), and every file
    that uses one of the session fixtures above joins one group, "office-session": the session's one
    LibreOffice batch (recalc_batch) converts the workbooks of every module that declared one, so
    those modules must share the worker that runs it, or each worker would build and convert them
    all; the template copies are made once for their readers the same way.
    """
    groups = {}
    for item in items:
        module = _module_of(item)
        if any(f in _SHARED_FIXTURES for f in getattr(item, "fixturenames", ())):
            groups[module] = "office-session"
        else:
            groups.setdefault(module, Path(module).stem)  # shown after the test's id: test_x.py::test_y@test_x
    return groups


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1")


def _engine(path: str | None, missing: str) -> str:
    if path:
        return path
    if _in_ci():
        pytest.fail(missing, pytrace=False)
    pytest.skip(missing)


@pytest.fixture(scope="session")
def soffice() -> str:
    """LibreOffice's soffice (skip on a laptop without it, fail in CI)."""
    return _engine(find_soffice(), LIBREOFFICE_MISSING)


@pytest.fixture(scope="session")
def gnumeric() -> str:
    """Gnumeric's ssconvert (skip on a laptop without it, fail in CI)."""
    return _engine(find_ssconvert(), GNUMERIC_MISSING)


@pytest.fixture(scope="session")
def recalc_batch(request, tmp_path_factory):
    """The session's shared recalculations (engine_batch.py): built and run when first used."""
    import engine_batch

    engine_batch.BATCH = engine_batch.Batch(request.session, tmp_path_factory.mktemp)
    yield engine_batch.BATCH
    engine_batch.BATCH = None


@pytest.fixture(scope="session")
def recalculated_copy(tmp_path_factory, soffice):
    """`lang` -> what `flopsheet template` writes beside the .xlsm for that edition (en, zh-CN), its
    cached values computed by LibreOffice (write_copy(recalc=True)): one LibreOffice run an edition
    for every module that reads them. Read them; never edit them in place."""
    from flopsheet.template import write_copy

    made = {}
    for lang in ("en", "zh-CN"):
        made[lang] = tmp_path_factory.mktemp(f"template-copy-{lang}") / "flopsheet.xlsx"
        write_copy(made[lang], recalc=True, lang=lang)
    return made.__getitem__


@pytest.fixture(scope="session")
def template_handed_off(tmp_path_factory, soffice):
    """A fresh template (flopsheet.xlsm), its hand-off with --recalc (flopsheet.xlsx) and the report:
    one LibreOffice run for every module that reads them. Read them; never edit them in place."""
    from flopsheet.handoff.copy import handoff
    from flopsheet.template import build_template

    d = tmp_path_factory.mktemp("handoff-template")
    template = d / "flopsheet.xlsm"
    build_template(template)
    out = d / "flopsheet.xlsx"
    report = handoff(template, out, recalc=True)
    return template, out, report
