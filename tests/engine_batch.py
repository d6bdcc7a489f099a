"""One LibreOffice run (and one pool of Gnumeric runs) for the workbooks many test modules recalculate.

LibreOffice's start-up is most of the cost of recalculating a small workbook, a few seconds each
time, so the suite converts the workbooks it knows in advance in one `soffice --convert-to`
(flopsheet.recalc.recalculate_many) instead of one process per module:

* a module builds such workbooks in a fixture made by `shared_workbook(*names)`: the decorated
  function writes into the empty folder it is given (the files `names` are the ones recalculated)
  and returns what the module's tests use, as the fixture's value;
* when the first such fixture is set up, the session's `recalc_batch` (conftest.py) runs every
  declared builder of the modules that have selected tests using it, then both engines over all
  of their workbooks at once, and keeps each result (a file or the error of that one workbook);
* the tests call `recalculate(src, dst)` / `recalculate_gnumeric(src, dst)` from here, with the
  signatures of flopsheet.recalc's: a workbook converted in the batch, unchanged since (same
  bytes), gets that engine's result copied to dst; any other workbook is recalculated on the spot.

So a test asserts on a real recalculation by the real engine either way; only the process is shared.
"""

from __future__ import annotations

import functools
import hashlib
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from flopsheet import recalc
from flopsheet.errors import FlopsheetError

ENGINES = ("libreoffice", "gnumeric")


class _Builder:
    def __init__(self, module: str, fixture: str, build, names: tuple[str, ...], engines: tuple[str, ...]):
        self.module, self.fixture, self.build, self.names, self.engines = module, fixture, build, names, engines


_BUILDERS: dict[tuple[str, str], _Builder] = {}


def shared_workbook(*names: str, engines: tuple[str, ...] = ENGINES):
    """Decorator: `build(folder) -> value` becomes a module-scoped fixture of the same name whose
    workbooks `folder/name` (each of `names`) are recalculated in the session's batch by `engines`."""
    assert set(engines) <= set(ENGINES), engines

    def wrap(build):
        module = sys._getframe(1).f_globals["__name__"]
        _BUILDERS[(module, build.__name__)] = _Builder(module, build.__name__, build, names, engines)

        def fixture(recalc_batch):
            return recalc_batch.value(module, build.__name__)

        fixture.__doc__ = build.__doc__  # not functools.wraps: pytest would read build's arguments
        return pytest.fixture(scope="module", name=build.__name__)(fixture)

    return wrap


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Batch:
    """The session's shared recalculations (made by conftest's `recalc_batch` fixture)."""

    def __init__(self, session, mktemp):
        self._session, self._mktemp = session, mktemp
        self._values: dict[tuple[str, str], object] = {}  # builder -> its value, or the error it raised
        self._results: dict[tuple[str, str], Path | FlopsheetError] = {}  # (engine, resolved src) -> result
        self._digests: dict[str, str] = {}  # resolved src -> its bytes' digest when converted
        self.ran = False

    def value(self, module: str, fixture: str):
        if not self.ran:
            self._run()
        value = self._values[(module, fixture)]
        if isinstance(value, BaseException):
            raise value
        return value

    def _selected(self) -> list[_Builder]:
        used = {
            (item.module.__name__, f)
            for item in self._session.items
            if getattr(item, "module", None)
            for f in getattr(item, "fixturenames", ())
        }
        return [b for key, b in _BUILDERS.items() if key in used]

    def _run(self) -> None:
        self.ran = True
        srcs: dict[str, list[Path]] = {e: [] for e in ENGINES}
        for b in self._selected():
            folder = self._mktemp(b.fixture)
            try:
                self._values[(b.module, b.fixture)] = b.build(folder)
            except (Exception, pytest.skip.Exception, pytest.fail.Exception) as e:  # that module's tests
                # fail (or skip) with it; the others go on
                self._values[(b.module, b.fixture)] = e
                continue
            for name in b.names:
                src = (folder / name).resolve()
                if src.is_file():
                    self._digests[str(src)] = _digest(src)
                    for e in b.engines:
                        srcs[e].append(src)
        # LibreOffice's one process and Gnumeric's runs (one at a time) side by side: two cores busy.
        runs = {
            "libreoffice": recalc.recalculate_many,
            "gnumeric": functools.partial(recalc.recalculate_gnumeric_many, workers=1),
        }
        with ThreadPoolExecutor(max_workers=len(runs)) as pool:
            for results in pool.map(lambda e: self._convert(e, runs[e], srcs[e]), runs):
                self._results.update(results)

    @staticmethod
    def _convert(engine: str, many, srcs: list[Path]) -> dict:
        jobs = [(s, s.with_name(f"{s.stem}.batch-{engine}.xlsx")) for s in srcs]
        if not jobs:
            return {}
        try:
            results = many(jobs)
        except FlopsheetError as e:  # no engine (the tests skip or fail on their fixture), a timeout
            results = [e] * len(jobs)
        return {(engine, str(s)): r for (s, _), r in zip(jobs, results)}

    def result(self, engine: str, src) -> Path | FlopsheetError | None:
        """The batch's result for `src` as it is now, or None (not converted, or changed since)."""
        key = str(Path(src).resolve())
        found = self._results.get((engine, key))
        if found is None or _digest(Path(key)) != self._digests[key]:
            return None
        return found


BATCH: Batch | None = None  # set for the session by conftest's recalc_batch


def _recalculated(engine: str, run, src, dst, **kw) -> Path:
    found = BATCH.result(engine, src) if BATCH is not None and Path(dst).suffix.lower() == ".xlsx" else None
    if found is None:
        return run(src, dst, **kw)
    if isinstance(found, FlopsheetError):
        raise found
    shutil.copyfile(found, dst)
    return Path(dst)


def recalculate(src, dst, **kw) -> Path:
    """flopsheet.recalc.recalculate, served from the session's LibreOffice batch when it holds `src`."""
    return _recalculated("libreoffice", recalc.recalculate, src, dst, **kw)


def recalculate_gnumeric(src, dst, **kw) -> Path:
    """flopsheet.recalc.recalculate_gnumeric, served from the session's Gnumeric batch when it holds `src`."""
    return _recalculated("gnumeric", recalc.recalculate_gnumeric, src, dst, **kw)
