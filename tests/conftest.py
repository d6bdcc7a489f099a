"""Shared test setup: helpers in tests/ importable; ``soffice`` fixture for LibreOffice tests.

Without LibreOffice such tests are skipped on a developer machine but FAIL on CI (CI=true),
so a CI image that lost LibreOffice cannot silently skip the recalculation tests.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from flopsheet.recalc import LIBREOFFICE_MISSING, find_soffice

# Make test helpers in tests/ (e.g. xlwings_harness) importable from any test dir.
_TESTS_DIR = str(Path(__file__).resolve().parent)
if _TESTS_DIR not in sys.path:
    sys.path.insert(0, _TESTS_DIR)


def pytest_configure(config):
    config.addinivalue_line("markers", "needs_libreoffice: test runs headless LibreOffice (soffice fixture)")


def pytest_collection_modifyitems(config, items):
    # Tag every test using the fixture, so `-m "not needs_libreoffice"` deselects them.
    for item in items:
        if "soffice" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.needs_libreoffice)


@pytest.fixture(scope="session")
def soffice() -> str:
    path = find_soffice()
    if path:
        return path
    if os.environ.get("CI", "").strip().lower() in ("true", "1"):
        pytest.fail(LIBREOFFICE_MISSING, pytrace=False)
    pytest.skip(LIBREOFFICE_MISSING)
