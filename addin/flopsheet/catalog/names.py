"""Reading a GPU name apart: model number, memory size, form factor.

People write one GPU many ways: Meta's model cards say "H100-80GB", cloud docs "NVIDIA
H100 80GB HBM3", nvidia-smi "NVIDIA H100 80GB HBM3" or "Tesla V100-SXM2-32GB". `parse` splits
such a spelling into the parts that identify a catalog row:

  model   the model number with its family letters, spaces dropped: "h100", "mi300x", "b200",
          "910b", "4090", "rtx4090", "tpuv5p", "gaudi3"
  memory  a size typed as "80GB", "80 GB", "80G" or "96GiB" (GB)
  form    the package: "sxm" (SXM2/4/5, HGX boards), "pcie", "nvl", "oam"

Words that add nothing (vendor and brand names, "Tensor Core GPU", memory types such as
"HBM3") are dropped. Only letters, digits and the separators space, tab, "-", "_", "/", ",",
"(", ")" are understood: any other character (a spreadsheet wildcard "*", "?", "~"...) makes the
text unparseable, so it can never match a row by accident.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Vendor and brand words: they never distinguish two rows of the catalog.
VENDOR_WORDS = frozenset(
    {
        "nvidia",
        "geforce",
        "tesla",
        "amd",
        "instinct",
        "intel",
        "habana",
        "google",
        "cloud",
        "huawei",
        "cambricon",
    }
)
# Words that describe any accelerator; dropped wherever they appear.
GENERIC_WORDS = frozenset(
    {
        "tensor",
        "core",
        "cores",
        "gpu",
        "gpus",
        "accelerator",
        "card",
        "module",
        "per",
        "in",
        "datacenter",
        "data",
        "center",
        "chip",
    }
)
_FORMS = {
    "sxm": "sxm",
    "sxm2": "sxm",
    "sxm3": "sxm",
    "sxm4": "sxm",
    "sxm5": "sxm",
    "sxm6": "sxm",
    "hgx": "sxm",  # HGX baseboards carry SXM modules
    "pcie": "pcie",
    "pci": "pcie",
    "nvl": "nvl",
    "oam": "oam",
}
_MEMORY_TYPE = re.compile(r"^(hbm\d?e?|gddr\d+x?|lpddr\d+x?)$")
_MEMORY = re.compile(r"^(\d+(?:\.\d+)?)(gb|g|gib)$")
_UNIT = frozenset({"gb", "g", "gib"})
_SEPARATORS = re.compile(r"[\s\-_/,()]+")
_ALLOWED = re.compile(r"^[0-9a-z\s\-_/,()]*$")
_MODEL_PARTS = re.compile(r"^([a-z]*)(\d*)(.*)$")


@dataclass(frozen=True)
class Parsed:
    """A spelling read apart; `tokens` are the words left for the model number."""

    tokens: tuple[str, ...]
    memory_gb: float | None
    form: str | None
    rack: int | None = None  # "NVL72": the GPUs of a rack-scale system the text names (never one GPU)

    @property
    def model(self) -> str:
        return "".join(self.tokens)


def parse(text: str) -> Parsed | None:
    """The parts of a GPU spelling, or None if it holds characters a name never has."""
    low = text.strip().lower()
    if not _ALLOWED.match(low):
        return None
    raw = [t for t in _SEPARATORS.split(low) if t]
    tokens: list[str] = []
    memory: float | None = None
    form: str | None = None
    rack: int | None = None
    i = 0
    while i < len(raw):
        tok = raw[i]
        nxt = raw[i + 1] if i + 1 < len(raw) else ""
        mem = _MEMORY.match(tok)
        if mem:
            memory = float(mem.group(1))
        elif tok.replace(".", "", 1).isdigit() and nxt in _UNIT and tokens:  # "80 GB"
            memory = float(tok)
            i += 1
        elif tok in _FORMS:
            form = _FORMS[tok]
        elif tok in VENDOR_WORDS or tok in GENERIC_WORDS or _MEMORY_TYPE.match(tok):
            pass
        elif re.fullmatch(r"nvl\d+", tok):  # "NVL72": a rack, not a package
            rack = int(tok[3:])
        else:
            tokens.append(tok)
        i += 1
    return Parsed(tuple(tokens), memory, form, rack)


def model_parts(model: str) -> tuple[str, str, str]:
    """("mi", "300", "x") for "mi300x": family letters, number, suffix."""
    m = _MODEL_PARTS.match(model)
    return (m.group(1), m.group(2), m.group(3)) if m else (model, "", "")


def near_model(typed: str, known: str) -> bool:
    """Whether `known` is a plausible typo-fix of `typed` WITHOUT changing the model number.

    Same family letters, and the same number (a different suffix: "MI300" -> "MI300X") or a
    typed number that one more digit completes ("H10" -> "H100"; not "L40" -> "L4"). "B100" is
    never near "V100" and "H100" never near "H800": those are other GPUs, not spellings of this one.
    """
    fam_t, num_t, _ = model_parts(typed)
    fam_k, num_k, _ = model_parts(known)
    if not num_t or fam_t != fam_k or not num_k:
        return False
    if num_t == num_k:
        return True
    return len(num_k) == len(num_t) + 1 and num_k.startswith(num_t)
