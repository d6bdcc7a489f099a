"""The vision-tokenizer catalog (vision_tokenizers.csv, beside this module, in the engine because its
formulas are defined per row): how each model family counts image,
video and audio tokens, with the vendor's documentation, the date it was read, and whether the
rule is published or an estimate (and why). The rules themselves are flopsheet.engine.vision.

Columns: name, aliases (";"-separated), rule (patch | fixed | tile | patch_budget | claude |
gemini | smart_resize | intern_tiles | anyres | audio), the rule's figures (patch, merge, tile,
tile_tokens, base_tokens, max_side, short_side, max_patches, multiplier, min_pixels,
max_pixels, max_tiles), video_tokens_per_s, video_fps, video_min_pixels and video_max_pixels
(a video's pixel budget over all its sampled frames, Qwen3-VL), audio_tokens_per_s, status (published |
estimate), source, url, read (date), note.
"""

from __future__ import annotations

import csv
import difflib
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from flopsheet.errors import FlopsheetError

PATH = Path(__file__).with_name("vision_tokenizers.csv")
FIGURES = (
    "patch",
    "merge",
    "tile",
    "tile_tokens",
    "base_tokens",
    "max_side",
    "short_side",
    "max_patches",
    "multiplier",
    "min_pixels",
    "max_pixels",
    "max_tiles",
    "video_tokens_per_s",
    "video_fps",
    "video_min_pixels",
    "video_max_pixels",
    "audio_tokens_per_s",
)
RULES = (
    "patch",
    "fixed",
    "tile",
    "patch_budget",
    "claude",
    "gemini",
    "smart_resize",
    "intern_tiles",
    "anyres",
    "audio",
)
DEFAULT = "ViT-16"  # the seed report's tokenizer


@dataclass(frozen=True)
class Tokenizer:
    index: int
    name: str
    aliases: tuple[str, ...]
    rule: str
    params: dict
    status: str
    source: str
    url: str
    read: str
    note: str

    @property
    def images(self) -> bool:
        return self.rule != "audio"

    @property
    def video(self) -> bool:
        return bool(
            self.params.get("video_tokens_per_s") or (self.rule == "smart_resize" and self.params.get("video_fps"))
        )

    @property
    def audio(self) -> float | None:
        return self.params.get("audio_tokens_per_s")


def _key(text: str) -> str:
    return re.sub(r"[\s\-_.]+", "", text.strip().lower())


@functools.cache
def rows() -> tuple[Tokenizer, ...]:
    out = []
    with PATH.open(newline="", encoding="utf-8") as f:
        for i, r in enumerate(csv.DictReader(f)):
            if r["rule"] not in RULES or r["status"] not in ("published", "estimate"):
                raise ValueError(f"{PATH.name} row {r['name']}: rule {r['rule']!r} / status {r['status']!r}")
            params = {k: float(r[k]) for k in FIGURES if r[k].strip()}
            out.append(
                Tokenizer(
                    i,
                    r["name"],
                    tuple(a.strip() for a in r["aliases"].split(";") if a.strip()),
                    r["rule"],
                    params,
                    r["status"],
                    r["source"],
                    r["url"],
                    r["read"],
                    r["note"],
                )
            )
    return tuple(out)


@functools.cache
def _index() -> dict:
    keys: dict = {}
    for row in rows():
        for name in (row.name, *row.aliases):
            k = _key(name)
            if keys.setdefault(k, row) is not row:
                raise ValueError(f"{PATH.name}: {name!r} names two tokenizers")
    return keys


def names() -> list[str]:
    return [r.name for r in rows()]


def resolve(text: str, arg: str = "model", want: str = "images") -> Tokenizer:
    """The catalog tokenizer a user's text names (case, spaces, hyphens and dots ignored), or a
    one-line FlopsheetError naming `arg` with the closest names. `want`: images | video | audio."""
    row = _index().get(_key(text))
    if row is None:
        close = difflib.get_close_matches(_key(text), list(_index()), n=3, cutoff=0.5)
        suggest = sorted({_index()[k].name for k in close}) or names()[:6]
        raise FlopsheetError(
            f'{arg} "{text.strip()[:40]}" is not a vision tokenizer; try '
            + ", ".join(f'"{n}"' for n in suggest)
            + " (or a patch size in pixels)",
            arg=arg,
        )
    ok = {"images": row.images, "video": row.video, "audio": row.audio is not None}[want]
    if not ok:
        has = [r.name for r in rows() if {"images": r.images, "video": r.video, "audio": r.audio is not None}[want]]
        raise FlopsheetError(
            f'{arg} "{row.name}" has no published {"image" if want == "images" else want} rule; '
            f"try " + ", ".join(f'"{n}"' for n in has),
            arg=arg,
        )
    return row
