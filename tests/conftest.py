"""Shared test setup: helpers in tests/ importable; ``soffice`` and ``gnumeric`` fixtures for the
two spreadsheet engines that stand in for Excel; ``recalc_batch``, the session's one LibreOffice run
for the workbooks test modules declare with engine_batch.shared_workbook.

Without an engine such tests are skipped on a developer machine but FAIL on CI (CI=true), so a
CI image that lost LibreOffice or Gnumeric cannot silently skip the recalculation tests.
"""

from __future__ import annotations

import os
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


def pytest_collection_modifyitems(config, items):
    # Tag every test using the fixture, so `-m "not needs_libreoffice"` deselects them.
    for item in items:
        if "soffice" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.needs_libreoffice)
        if "gnumeric" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.needs_gnumeric)


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
