"""Write output files so a crash, Ctrl-C or a typo can never destroy the user's data.

Every writer goes through :func:`atomic_output`: it hands out a temporary file in the
destination's own directory (so the final ``os.replace`` is an atomic rename on the same
file system) and only swaps it into place once the writer has finished without error.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from flopsheet.errors import FlopsheetError

TEMP_PREFIX = ".flopsheet-"


def _same_file(a: Path, b: Path) -> bool:
    # samefile catches hard links and symlinks; realpath is the fallback when either file
    # cannot be stat'ed (e.g. the source vanished) but both spellings still name one path.
    try:
        if os.path.samefile(a, b):
            return True
    except OSError:
        pass
    return os.path.realpath(a) == os.path.realpath(b)


def check_output(
    path: str | os.PathLike,
    *,
    force: bool = False,
    source: str | os.PathLike | None = None,
    suffix: str | None = None,
    why: str = "",
) -> None:
    """Refuse a destination before any work is done (the one place output paths are checked;
    `atomic_output` calls it again when it writes). `suffix`: the extension it must have."""
    path = Path(os.path.abspath(os.fspath(path)))
    if suffix and path.suffix.lower() != suffix:
        raise FlopsheetError(f"output {path} must end in {suffix}" + (f" {why}" if why else ""), "output")
    _check_destination(path, force, source)


def _check_destination(path: Path, force: bool, source: str | os.PathLike | None) -> None:
    if source is not None and _same_file(Path(source), path):
        # Refused even with force: the writer usually still reads the source while writing.
        raise FlopsheetError(f"output {path} is the input file; choose a different output path", "output")
    if path.is_dir():
        raise FlopsheetError(f"output {path} is a directory; give a file name", "output")
    parent = path.parent
    if not parent.is_dir():
        raise FlopsheetError(f"output folder {parent} does not exist; create it first", "output")
    if (path.exists() or path.is_symlink()) and not force:
        raise FlopsheetError(f"output {path} exists; use --force to overwrite", "output")


def _create_temp(path: Path) -> Path:
    # O_EXCL so two writers never share a temp; mode 0o666 lets the umask decide the final
    # permissions (mkstemp's 0o600 would leave hand-off copies unreadable to colleagues).
    for _ in range(100):
        tmp = path.parent / f"{TEMP_PREFIX}{secrets.token_hex(4)}.tmp{path.suffix}"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        except OSError as exc:
            raise FlopsheetError(f"cannot write in {path.parent}: {exc.strerror}", "output") from None
        os.close(fd)
        return tmp
    raise FlopsheetError(f"cannot create a temporary file in {path.parent}", "output")


def _fsync(path: Path) -> None:
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())


@contextlib.contextmanager
def atomic_output(
    path: str | os.PathLike, *, force: bool = False, source: str | os.PathLike | None = None
) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; move it onto ``path`` only if the block succeeds.

    Refuses before anything is written when ``path`` exists (unless ``force``), when ``path``
    is ``source`` (whatever ``force`` says) or when the folder is missing. On any exception,
    KeyboardInterrupt included, the temporary file is removed and ``path`` is untouched.
    The block must write the file: an empty or missing temp file is an error, since swapping
    it in would replace the user's file with nothing.
    """
    path = Path(os.path.abspath(os.fspath(path)))
    _check_destination(path, force, source)
    tmp = _create_temp(path)
    try:
        yield tmp
        if not tmp.is_file() or tmp.stat().st_size == 0:
            raise FlopsheetError(f"writing {path} produced no data; nothing was written", "output")
        if not force and (path.exists() or path.is_symlink()):
            # Someone created it while we were writing: still never overwrite without --force.
            raise FlopsheetError(f"output {path} exists; use --force to overwrite", "output")
        _fsync(tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    # Make the rename itself durable (POSIX only; Windows cannot open directories).
    if os.name == "posix":
        with contextlib.suppress(OSError):
            dfd = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)


def write_text(path: str | os.PathLike, text: str, *, force: bool = False) -> None:
    """Write ``text`` to ``path`` through :func:`atomic_output`: UTF-8 with ``\\n`` line ends on every
    platform, so a generated file is the same bytes wherever it was written."""
    with atomic_output(path, force=force) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
