"""Recalculate workbooks (and export PDFs) with headless LibreOffice, or with Gnumeric.

Two independent spreadsheet engines check every formula the project writes: LibreOffice
(`recalculate`) and Gnumeric (`recalculate_gnumeric`, its `ssconvert --recalc`). Excel follows
the rules of at least one of them where they differ, so a formula meant to travel must give
the same value in both.

Every run gets a private, throw-away LibreOffice profile:

* the default profile keeps the cached formula values stored in the file (an openpyxl-written
  workbook has none, a hand-edited one may have stale ones), so ours sets
  ``OOXMLRecalcMode``/``ODFRecalcMode`` to 0 = "always recalculate on load";
* two soffice processes sharing a profile hand the job to each other or fail on its lock,
  so concurrent runs must never share one;
* the profile also disables macros and link updates: the input may come from e-mail.

Inputs are vetted with :func:`flopsheet.untrusted.check_workbook` first and copied into the
run's temp dir, so LibreOffice never writes lock files next to the user's file.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import zipfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from flopsheet.errors import FlopsheetError
from flopsheet.safefile import atomic_output, check_output
from flopsheet.untrusted import check_workbook

LIBREOFFICE_MISSING = (
    "LibreOffice is needed to recalculate workbooks but soffice was not found: install it with "
    "`apt-get install -y libreoffice-calc-nogui` (Debian/Ubuntu), `brew install --cask libreoffice` "
    "(macOS) or the installer from https://www.libreoffice.org/download/, "
    "or set FLOPSHEET_SOFFICE to the soffice executable"
)

GNUMERIC_MISSING = (
    "Gnumeric's ssconvert is needed to recalculate workbooks with a second engine but was not found: "
    "install it with `apt-get install -y gnumeric` (Debian/Ubuntu) or `brew install gnumeric` (macOS), "
    "or set FLOPSHEET_SSCONVERT to the ssconvert executable"
)

_FALLBACKS = (
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
)

_FILTERS = {".xlsx": "Calc MS Excel 2007 XML", ".xlsm": "Calc MS Excel 2007 VBA XML"}

_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
{items}
</oor:items>
"""
_SETTINGS = (
    # 0 = always recalculate on load (default 1 = never: cached values are trusted).
    ("/org.openoffice.Office.Calc/Formula/Load", "OOXMLRecalcMode", "0"),
    ("/org.openoffice.Office.Calc/Formula/Load", "ODFRecalcMode", "0"),
    # Untrusted input: never run macros, never fetch linked data (1 = never update links).
    ("/org.openoffice.Office.Common/Security/Scripting", "MacroSecurityLevel", "3"),
    ("/org.openoffice.Office.Common/Security/Scripting", "DisableMacrosExecution", "true"),
    ("/org.openoffice.Office.Common/Security/Scripting", "BlockUntrustedRefererLinks", "true"),
    ("/org.openoffice.Office.Calc/Content/Update", "Link", "1"),
)


def find_soffice() -> str | None:
    """The soffice executable: $FLOPSHEET_SOFFICE, else soffice/libreoffice on PATH, else None."""
    override = os.environ.get("FLOPSHEET_SOFFICE")
    if override:
        found = shutil.which(override)
        if not found:
            raise FlopsheetError(f"FLOPSHEET_SOFFICE={override} is not an executable", "FLOPSHEET_SOFFICE")
        return found
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return next((p for p in _FALLBACKS if os.access(p, os.X_OK)), None)


def _write_profile(root: Path) -> None:
    items = "\n".join(
        f'<item oor:path="{path}"><prop oor:name="{name}" oor:op="fuse"><value>{value}</value></prop></item>'
        for path, name, value in _SETTINGS
    )
    user = root / "user"
    user.mkdir(parents=True)
    (user / "registrymodifications.xcu").write_text(_PROFILE.format(items=items), encoding="utf-8")


def _last_line(*texts: bytes) -> str:
    for text in texts:
        lines = [ln.strip() for ln in text.decode("utf-8", "replace").splitlines() if ln.strip()]
        if lines:
            return lines[-1][:300]
    return "no message"


def _convert(src: str | os.PathLike, convert_to: str, out_suffix: str, timeout: float, work: Path) -> Path:
    """Run one soffice --convert-to in ``work``; return the converted file (still inside ``work``)."""
    (result,) = _convert_many([src], convert_to, out_suffix, timeout, work)
    if isinstance(result, FlopsheetError):
        raise result
    return result


def _convert_many(
    srcs: Sequence[str | os.PathLike], convert_to: str, out_suffix: str, timeout: float, work: Path
) -> list[Path | FlopsheetError]:
    """One soffice --convert-to of every file in ``srcs``, in ``work``: each converted file (still inside
    ``work``), or the error that stopped that one file. A missing soffice or a timeout stops them all
    and raises. Each input is vetted and staged under a fixed ASCII name (LibreOffice derives the output
    name from it and mangles some paths); the numbers keep two inputs of the same name apart."""
    srcs = [Path(s) for s in srcs]
    staged: list[Path | FlopsheetError] = []
    profile, indir, outdir = work / "profile", work / "in", work / "out"
    indir.mkdir()
    outdir.mkdir()
    for i, src in enumerate(srcs):
        try:
            check_workbook(src)
        except FlopsheetError as e:
            staged.append(e)
            continue
        staged.append(indir / f"input{i if len(srcs) > 1 else ''}{src.suffix.lower() or '.xlsx'}")
        shutil.copyfile(src, staged[-1])
    todo = [s for s in staged if isinstance(s, Path)]
    if not todo:
        return staged
    soffice = find_soffice()
    if soffice is None:
        raise FlopsheetError(LIBREOFFICE_MISSING)
    _write_profile(profile)
    what = srcs[0].name if len(srcs) == 1 else f"{len(todo)} workbooks"
    cmd = [
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless", "--invisible", "--nologo", "--norestore", "--nodefault", "--nolockcheck",
        "--convert-to", convert_to, "--outdir", str(outdir), *map(str, todo),
    ]  # fmt: skip
    proc = subprocess.Popen(
        cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        cwd=work, start_new_session=True,  # own process group: a timeout kills soffice.bin too
    )  # fmt: skip
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        proc.communicate()
        raise FlopsheetError(f"LibreOffice did not finish {what} within {timeout:g} s", "timeout") from None
    except BaseException:  # Ctrl-C: never leave a headless office running
        _kill_group(proc)
        proc.wait()
        raise
    finally:
        _kill_group(proc)  # soffice.bin may outlive the wrapper script; the group is ours alone
    results: list[Path | FlopsheetError] = []
    for src, s in zip(srcs, staged):
        if isinstance(s, FlopsheetError):
            results.append(s)
            continue
        result = outdir / f"{s.stem}{out_suffix}"
        # soffice exits 0 even when it could not load or save, so trust only the output file.
        if proc.returncode != 0 or not result.is_file() or result.stat().st_size == 0:
            results.append(FlopsheetError(f"LibreOffice could not convert {src.name}: {_last_line(err, out)}"))
        else:
            results.append(result)
    return results


def _kill_group(proc: subprocess.Popen) -> None:
    if not hasattr(os, "killpg"):  # Windows: no process groups here; kill what we can
        if proc.poll() is None:
            proc.kill()
        return
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass  # the whole group already exited


def recalculate(src: str | os.PathLike, dst: str | os.PathLike, *, timeout: float = 600) -> Path:
    """Recalculate every formula of ``src`` in LibreOffice and save the result as ``dst``.

    ``dst`` is overwritten (callers apply their own --force policy; it is often a temp path
    from :func:`atomic_output`) but is never ``src`` itself.
    """
    (result,) = recalculate_many([(src, dst)], timeout=timeout)
    if isinstance(result, FlopsheetError):
        raise result
    return result


def recalculate_many(
    jobs: Sequence[tuple[str | os.PathLike, str | os.PathLike]], *, timeout: float = 600
) -> list[Path | FlopsheetError]:
    """:func:`recalculate` for each ``(src, dst)`` pair, with ONE LibreOffice process per output
    type: its start-up (seconds, most of a small workbook's run) is paid once for all of them.

    Returns, pair by pair, ``dst`` or the error that stopped that one workbook (refused input,
    not loaded, damaged output). No soffice, a bad ``dst`` suffix or the ``timeout`` (for the whole
    batch) raises. The documents share the run's private profile and nothing else.
    """
    jobs = [(Path(src), Path(dst)) for src, dst in jobs]
    for _, dst in jobs:
        if dst.suffix.lower() not in _FILTERS:
            raise FlopsheetError(f"output {dst} must end in .xlsx or .xlsm", "dst")
    results: list[Path | FlopsheetError] = [dst for _, dst in jobs]
    for i, (src, dst) in enumerate(jobs):
        try:  # a destination refused before LibreOffice starts (e.g. dst is src)
            check_output(dst, force=True, source=src)
        except FlopsheetError as e:
            results[i] = e
    for suffix, filt in _FILTERS.items():  # one --convert-to filter per process
        group = [
            i
            for i, (_, dst) in enumerate(jobs)
            if dst.suffix.lower() == suffix and not isinstance(results[i], FlopsheetError)
        ]
        if not group:
            continue
        with tempfile.TemporaryDirectory(prefix="flopsheet-lo-") as tmp:
            converted = _convert_many([jobs[i][0] for i in group], f"{suffix[1:]}:{filt}", suffix, timeout, Path(tmp))
            for i, result in zip(group, converted):
                src, dst = jobs[i]
                if not isinstance(result, FlopsheetError) and not zipfile.is_zipfile(result):
                    result = FlopsheetError(f"LibreOffice wrote a damaged workbook for {src.name}")
                try:
                    if isinstance(result, FlopsheetError):
                        raise result
                    with atomic_output(dst, force=True, source=src) as out:
                        shutil.copyfile(result, out)
                except FlopsheetError as e:  # this workbook's alone (e.g. dst is its src)
                    results[i] = e
    return results


def to_pdf(src: str | os.PathLike, out_dir: str | os.PathLike, *, force: bool = False, timeout: float = 600) -> Path:
    """Export ``src`` to ``out_dir/<name>.pdf`` with headless LibreOffice (proves it opens)."""
    out_dir = Path(out_dir)
    dst = out_dir / f"{Path(src).stem}.pdf"
    with tempfile.TemporaryDirectory(prefix="flopsheet-lo-") as tmp:
        result = _convert(src, "pdf:calc_pdf_Export", ".pdf", timeout, Path(tmp))
        if not result.read_bytes()[:5] == b"%PDF-":
            raise FlopsheetError(f"LibreOffice wrote a damaged PDF for {Path(src).name}")
        with atomic_output(dst, force=force, source=src) as out:
            shutil.copyfile(result, out)
    return dst


def find_ssconvert() -> str | None:
    """Gnumeric's ssconvert: $FLOPSHEET_SSCONVERT, else ssconvert on PATH, else None."""
    override = os.environ.get("FLOPSHEET_SSCONVERT")
    if override:
        found = shutil.which(override)
        if not found:
            raise FlopsheetError(f"FLOPSHEET_SSCONVERT={override} is not an executable", "FLOPSHEET_SSCONVERT")
        return found
    return shutil.which("ssconvert")


def recalculate_gnumeric(src: str | os.PathLike, dst: str | os.PathLike, *, timeout: float = 600) -> Path:
    """Recalculate every formula of ``src`` with Gnumeric (`ssconvert --recalc`) into ``dst`` (.xlsx).

    Gnumeric re-saves the workbook in its own way; use the result to read values, not to ship.
    """
    check_workbook(src)
    ssconvert = find_ssconvert()
    if ssconvert is None:
        raise FlopsheetError(GNUMERIC_MISSING)
    dst = Path(dst)
    if dst.suffix.lower() != ".xlsx":
        raise FlopsheetError(f"output {dst} must end in .xlsx", "dst")
    with tempfile.TemporaryDirectory(prefix="flopsheet-gnm-") as tmp:
        staged = Path(tmp) / f"input{Path(src).suffix.lower() or '.xlsx'}"
        shutil.copyfile(src, staged)
        result = Path(tmp) / "output.xlsx"
        cmd = [ssconvert, "--recalc", "--export-type=Gnumeric_Excel:xlsx2", str(staged), str(result)]
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=tmp,
            start_new_session=True,
        )
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            proc.communicate()
            raise FlopsheetError(f"Gnumeric did not finish {Path(src).name} within {timeout:g} s", "timeout") from None
        except BaseException:
            _kill_group(proc)
            proc.wait()
            raise
        if proc.returncode != 0 or not result.is_file() or not zipfile.is_zipfile(result):
            raise FlopsheetError(f"Gnumeric could not recalculate {Path(src).name}: {_last_line(err, out)}")
        with atomic_output(dst, force=True, source=src) as tmp_out:
            shutil.copyfile(result, tmp_out)
    return dst


def recalculate_gnumeric_many(
    jobs: Sequence[tuple[str | os.PathLike, str | os.PathLike]], *, timeout: float = 600, workers: int | None = None
) -> list[Path | FlopsheetError]:
    """:func:`recalculate_gnumeric` for each ``(src, dst)`` pair, ``workers`` ssconvert processes at
    a time (default: one a CPU). ssconvert converts one file a run and starts in a fraction of a
    second, so a pool rather than one process. Returns, pair by pair, ``dst`` or the error that
    stopped that one workbook; ``timeout`` is each run's. No ssconvert raises."""
    if find_ssconvert() is None:
        raise FlopsheetError(GNUMERIC_MISSING)

    def one(job):
        try:
            return recalculate_gnumeric(job[0], job[1], timeout=timeout)
        except FlopsheetError as e:
            return e

    with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 2) as pool:
        return list(pool.map(one, jobs))
