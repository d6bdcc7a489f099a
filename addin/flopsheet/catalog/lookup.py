"""Turning what a user typed ("nvidia h100", "A100 80GB", "v6e") into a catalog row.

Keys are compared after normalising case, spaces, hyphens and underscores and dropping vendor
words, so "NVIDIA H100-SXM" and "h100sxm" are the same key. Each row answers to its name, its
aliases and the reference's full name; two rows claiming one key is a catalog bug and fails at
load rather than silently picking one.
"""

from __future__ import annotations

import difflib
import functools

from flopsheet.catalog.model import GPU, all_gpus
from flopsheet.errors import FlopsheetError

# Words users may put in front of a model name; dropped before matching ("AMD Instinct MI300X").
_PREFIXES = ("nvidia", "geforce", "tesla", "amd", "instinct", "intel", "habana", "google",
             "cloud", "huawei", "cambricon")
_DROP = str.maketrans("", "", " \t-_")


def _key(text: str) -> str:
    key = text.lower().translate(_DROP)
    stripped = True
    while stripped:
        stripped = False
        for prefix in _PREFIXES:
            if key.startswith(prefix) and len(key) > len(prefix):
                key, stripped = key[len(prefix):], True
    return key


@functools.lru_cache(maxsize=1)
def _index() -> dict[str, GPU]:
    index: dict[str, GPU] = {}
    for gpu in all_gpus():
        for label in (gpu.name, gpu.full_name, *gpu.aliases):
            key = _key(label)
            other = index.setdefault(key, gpu)
            if other is not gpu:
                raise FlopsheetError(f'catalog bug: "{label}" names both {other.name} and {gpu.name}')
    return index


def gpu_names() -> list[str]:
    """Canonical names of the rows a GPU argument accepts (those with a dense bf16/fp16 peak)."""
    return [g.name for g in all_gpus() if g.selectable]


@functools.lru_cache(maxsize=1024)
def _by_key(key: str) -> GPU | str | None:
    """The row for a normalised key, else the closest name to suggest (or None).

    Misses are cached too: difflib over every key is the slow part of a bad name.
    """
    index = _index()
    gpu = index.get(key)
    if gpu is not None:
        return gpu
    close = difflib.get_close_matches(key, list(index), n=1, cutoff=0.6)
    return index[close[0]].name if close else None


@functools.lru_cache(maxsize=4096)
def _by_text(name: str) -> GPU | str:
    """The row for raw text, else the error message.

    Cached on the raw text as well, so a repeated call skips normalising (< 2 us per call).
    """
    shown = name.strip()
    if not shown:
        return "gpu is blank; give a catalog name (see GPU_NAMES()) or a peak TFLOPS"
    found = _by_key(_key(shown))
    if isinstance(found, GPU):
        return found
    if found:
        return f'unknown GPU "{shown}"; did you mean "{found}"?'
    return f'unknown GPU "{shown}"; see GPU_NAMES() for the catalog'


def _not_selectable(gpu: GPU) -> FlopsheetError:
    missing = [f for f in ("bf16_tflops", "fp16_tflops") if f in gpu.unconfirmed]
    why = "not published" if missing and all(f in gpu.not_published for f in missing) else "unconfirmed"
    return FlopsheetError(
        f"{gpu.name} has no dense bf16/fp16 peak in the catalog ({why}); "
        f"pass the peak TFLOPS as a number instead",
        arg="gpu",
    )


def resolve(name: str, *, selectable_only: bool = True) -> GPU:
    """The catalog row a user-typed name means.

    With selectable_only=False, rows without a bf16/fp16 peak (Ascend 910B...) are returned too,
    for GPU_SPEC-style look-ups of their other fields.
    """
    if not isinstance(name, str):
        raise FlopsheetError(f"gpu must be a catalog name or a peak TFLOPS (got {name!r})", arg="gpu")
    found = _by_text(name)
    if isinstance(found, GPU):
        if found.selectable or not selectable_only:
            return found
        raise _not_selectable(found)
    raise FlopsheetError(found, arg="gpu")
