import sys
from pathlib import Path

# Make test helpers in tests/ (e.g. xlwings_harness) importable from any test dir.
_TESTS_DIR = str(Path(__file__).resolve().parent)
if _TESTS_DIR not in sys.path:
    sys.path.insert(0, _TESTS_DIR)
