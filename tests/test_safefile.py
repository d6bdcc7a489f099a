"""atomic_output never loses data: refusals happen before writing, failures leave nothing behind."""

from __future__ import annotations

import os

import pytest

from flopsheet.errors import FlopsheetError
from flopsheet.safefile import TEMP_PREFIX, atomic_output


def _leftovers(folder):
    return [p.name for p in folder.iterdir() if p.name.startswith(TEMP_PREFIX)]


def _one_line(exc: FlopsheetError) -> str:
    msg = str(exc)
    assert "\n" not in msg and msg
    return msg


def test_writes_new_file_and_keeps_suffix(tmp_path):
    out = tmp_path / "book.xlsx"
    with atomic_output(out) as tmp:
        assert tmp.parent == out.parent
        assert tmp.name.startswith(TEMP_PREFIX) and tmp.suffix == ".xlsx"
        tmp.write_bytes(b"new")
    assert out.read_bytes() == b"new"
    assert _leftovers(tmp_path) == []


def test_refuses_existing_before_writing(tmp_path):
    out = tmp_path / "book.xlsx"
    out.write_bytes(b"precious")
    with pytest.raises(FlopsheetError) as info:
        with atomic_output(out) as tmp:  # pragma: no cover - body must not run
            tmp.write_bytes(b"new")
    assert "exists; use --force to overwrite" in _one_line(info.value)
    assert out.read_bytes() == b"precious"
    assert _leftovers(tmp_path) == []


def test_force_overwrites(tmp_path):
    out = tmp_path / "book.xlsx"
    out.write_bytes(b"old")
    with atomic_output(out, force=True) as tmp:
        tmp.write_bytes(b"new")
    assert out.read_bytes() == b"new"


def _same_file_spellings(tmp_path):
    src = tmp_path / "in.xlsx"
    src.write_bytes(b"input data")
    (tmp_path / "sub").mkdir()
    link = tmp_path / "alias.xlsx"
    link.symlink_to(src)
    return src, [
        src,
        tmp_path / "sub" / ".." / "in.xlsx",
        link,
        "in.xlsx",  # relative spelling; the test chdirs into tmp_path
        "./sub/../alias.xlsx",
    ]


@pytest.mark.parametrize("force", [False, True])
def test_output_equal_to_input_refused(tmp_path, monkeypatch, force):
    monkeypatch.chdir(tmp_path)
    src, spellings = _same_file_spellings(tmp_path)
    for out in spellings:
        with pytest.raises(FlopsheetError) as info:
            with atomic_output(out, force=force, source=src) as tmp:  # pragma: no cover
                tmp.write_bytes(b"clobbered")
        assert "is the input file" in _one_line(info.value)
    # Also when the source is given through the alias and the output is the real name.
    with pytest.raises(FlopsheetError):
        with atomic_output(src, force=True, source=tmp_path / "alias.xlsx"):  # pragma: no cover
            pass
    assert src.read_bytes() == b"input data"
    assert _leftovers(tmp_path) == []


def test_hard_link_to_input_refused(tmp_path):
    src = tmp_path / "in.xlsx"
    src.write_bytes(b"input data")
    hard = tmp_path / "hard.xlsx"
    os.link(src, hard)
    with pytest.raises(FlopsheetError):
        with atomic_output(hard, force=True, source=src):  # pragma: no cover
            pass
    assert src.read_bytes() == b"input data"


def test_missing_folder(tmp_path):
    with pytest.raises(FlopsheetError) as info:
        with atomic_output(tmp_path / "nope" / "out.xlsx"):  # pragma: no cover
            pass
    assert "does not exist" in _one_line(info.value)


@pytest.mark.parametrize("exc_type", [RuntimeError, KeyboardInterrupt])
@pytest.mark.parametrize("existing", [False, True])
def test_failure_mid_write_leaves_nothing(tmp_path, exc_type, existing):
    src = tmp_path / "in.xlsx"
    src.write_bytes(b"input data")
    out = tmp_path / "out.xlsx"
    if existing:
        out.write_bytes(b"previous output")
    with pytest.raises(exc_type):
        with atomic_output(out, force=True, source=src) as tmp:
            tmp.write_bytes(b"half a workb")
            raise exc_type("interrupted")
    assert _leftovers(tmp_path) == []
    if existing:
        assert out.read_bytes() == b"previous output"
    else:
        assert not out.exists()
    assert src.read_bytes() == b"input data"


def test_empty_result_is_not_swapped_in(tmp_path):
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"previous output")
    with pytest.raises(FlopsheetError) as info:
        with atomic_output(out, force=True):
            pass  # the writer forgot to write
    assert "produced no data" in _one_line(info.value)
    assert out.read_bytes() == b"previous output"
    assert _leftovers(tmp_path) == []


def test_appearing_during_write_not_overwritten(tmp_path):
    out = tmp_path / "out.xlsx"
    with pytest.raises(FlopsheetError):
        with atomic_output(out) as tmp:
            tmp.write_bytes(b"ours")
            out.write_bytes(b"someone else's")
    assert out.read_bytes() == b"someone else's"
    assert _leftovers(tmp_path) == []


def test_check_output_refuses_before_any_work(tmp_path):
    """The one place output paths are checked (handoff and evaluate call it before any work)."""
    from flopsheet.safefile import check_output

    src = tmp_path / "in.xlsx"
    src.write_bytes(b"data")
    with pytest.raises(FlopsheetError, match="must end in .xlsx"):
        check_output(tmp_path / "out.xlsm", source=src, suffix=".xlsx")
    with pytest.raises(FlopsheetError, match="is the input file"):
        check_output(src, force=True, source=src, suffix=".xlsx")
    (tmp_path / "out.xlsx").write_bytes(b"old")
    with pytest.raises(FlopsheetError, match="--force"):
        check_output(tmp_path / "out.xlsx", source=src)
    check_output(tmp_path / "out.xlsx", force=True, source=src, suffix=".xlsx")
    with pytest.raises(FlopsheetError, match="does not exist"):
        check_output(tmp_path / "missing" / "out.xlsx", source=src)
