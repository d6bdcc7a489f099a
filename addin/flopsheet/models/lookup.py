"""Turning what a user typed ("llama-3.1-405b", "Meta-Llama-3.1-405B-Instruct", "deepseek v3")
into a model-catalog row.

Keys ignore case, spaces, hyphens, underscores and dots, a Hugging Face organisation prefix
("meta-llama/"), a leading "Meta" and trailing release words (Instruct, Base, Chat, it, hf,
FP8), because those name the same architecture. Two rows claiming one key is a catalog bug and
fails at load.

Did-you-mean never crosses to another size or generation: a suggestion must carry exactly the
numbers the user typed, each with the letter before it ("a3.1" and "405" for "Lama 3.1 405B";
"r2" is not "v2"), and a family word spelled nearly the same ("lama" ~ "llama"). So
"Llama 3.1 400B", "DeepSeek V4", "DeepSeek-R2" or "Gemma 3" (which shares only its number with
GPT-3) get no suggestion rather than another model's figures.
"""

from __future__ import annotations

import difflib
import functools
import re

from flopsheet.csvtable import label_index, labels
from flopsheet.errors import FlopsheetError
from flopsheet.models.table import Model, all_models

_PREFIXES = frozenset({"meta"})
_SUFFIXES = frozenset({"instruct", "base", "chat", "it", "hf", "fp8", "bf16", "pt"})
_SPLIT = re.compile(r"[\s\-_.]+")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_LEADING_LETTERS = re.compile(r"\D*")


def _strip_org(text: str) -> str:
    text = text.strip().lower()
    return text.rsplit("/", 1)[1] if "/" in text else text


def _key(text: str) -> str:
    tokens = [t for t in _SPLIT.split(_strip_org(text)) if t]
    while len(tokens) > 1 and tokens[0] in _PREFIXES:
        tokens.pop(0)
    while len(tokens) > 1 and tokens[-1] in _SUFFIXES:
        tokens.pop()
    return "".join(tokens)


def _numbers(text: str) -> tuple[str, ...]:
    """The numbers in a name with the letter glued before each ("a3.1", "405" for "Llama 3.1 405B").

    The letter keeps "DeepSeek-R2" from matching "DeepSeek-V2" and "Gemma 3" from matching
    "GPT-3"; separators before a number are skipped, so "Llama3.1" and "Llama 3.1" agree.
    """
    text = _strip_org(text)
    out = []
    for match in _NUMBER.finditer(text):
        j = match.start() - 1
        while j >= 0 and text[j] in " \t-_":
            j -= 1
        letter = text[j] if j >= 0 and text[j].isalpha() else ""
        out.append(letter + match.group())
    return tuple(out)


def _stem(key: str) -> str:
    """The family word of a key: its letters before the first digit ("llama" of "llama31405b")."""
    return _LEADING_LETTERS.match(key).group(0)


@functools.lru_cache(maxsize=1)
def _index() -> tuple[dict[str, Model], dict[str, tuple[str, ...]]]:
    """key -> row, and key -> the numbers of the label it came from."""
    numbers: dict[str, tuple[str, ...]] = {}
    for model in all_models():
        for label in labels(model):
            numbers.setdefault(_key(label), _numbers(label))
    return label_index(all_models(), _key), numbers


@functools.lru_cache(maxsize=1)
def _row_sizes() -> dict[str, tuple[str, ...]]:
    """key -> the sizes of its row: the canonical name's, or, where the name states none
    ("GLM-4.5-Air"), the sizes of the label the key came from ("GLM-4.5-Air-106B-A12B")."""
    out: dict[str, tuple[str, ...]] = {}
    for model in all_models():
        own = _sizes(model.name)
        for label in labels(model):
            out.setdefault(_key(label), own or _sizes(label))
    return out


def names() -> list[str]:
    """Canonical names of every catalog row, in catalog order."""
    return [m.name for m in all_models()]


@functools.lru_cache(maxsize=1024)
def _suggest(key: str, numbers: tuple[str, ...], sizes: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Names to suggest for an unknown key: same numbers, closest spelling (at most two rows)."""
    index, label_numbers = _index()
    if not numbers:
        return ()
    stem = _stem(key)
    candidates = [
        k
        for k, n in label_numbers.items()
        if n == numbers and difflib.SequenceMatcher(None, stem, _stem(k)).ratio() >= 0.6
    ]
    if not candidates and sizes:
        # Family and size, the version refined: "llama 3 405b" -> Llama 3.1 405B, "Qwen3-235B" ->
        # Qwen3 235B-A22B. Every typed number is in the label, in order, the same or a version it
        # starts ("a3" of "a3.1"); the label may say more (an active size), never another size:
        # the typed sizes are the row's, its total first ("8B" is not Mixtral 8x7B).
        candidates = [
            k
            for k, n in label_numbers.items()
            if _carries(numbers, n)
            and _row_sizes()[k][: len(sizes)] == sizes
            and difflib.SequenceMatcher(None, stem, _stem(k)).ratio() >= 0.6
        ]
    close = difflib.get_close_matches(key, candidates, n=4, cutoff=0.3)
    out: list[str] = []
    for k in close:
        if index[k].name not in out:
            out.append(index[k].name)
    return tuple(out[:2])


_SIZE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*b(?![a-z])", re.IGNORECASE)


def _sizes(text: str) -> tuple[str, ...]:
    """The sizes in billions a name states, in order ("235", "22" for "Qwen3 235B-A22B"): without
    one a family alone would suggest every size."""
    return tuple(m.group(1) for m in _SIZE.finditer(_strip_org(text)))


def _carries(typed: tuple[str, ...], label: tuple[str, ...]) -> bool:
    """Every typed number in `label`, in order: the same, or a version it starts ("a3" -> "a3.1")."""
    i = 0
    for t in typed:
        while i < len(label) and not (label[i] == t or label[i].startswith(t + ".")):
            i += 1
        if i == len(label):
            return False
        i += 1
    return True


@functools.lru_cache(maxsize=4096)
def _by_text(name: str) -> Model | str:
    shown = name.strip()
    if not shown:
        return "model is blank; give a catalog name (see MODEL_NAMES())"
    key = _key(shown)
    found = _index()[0].get(key)
    if found is not None:
        return found
    close = _suggest(key, _numbers(shown), _sizes(shown))
    if close:
        return f'unknown model "{shown}"; did you mean ' + " or ".join(f'"{c}"' for c in close) + "?"
    return f'unknown model "{shown}"; see MODEL_NAMES() for the catalog'


def resolve(name: str) -> Model:
    """The catalog row a user-typed name means, or FlopsheetError naming the input."""
    if isinstance(name, Model):
        return name
    if not isinstance(name, str):
        raise FlopsheetError(f"model must be a catalog name (got {name!r}); see MODEL_NAMES()", arg="model")
    found = _by_text(name)
    if isinstance(found, Model):
        return found
    raise FlopsheetError(found, arg="model")
