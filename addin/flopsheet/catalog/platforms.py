"""The platforms a GPU is deployed in: its scale-up (NVLink / Infinity Fabric) domain and the per-GPU
scale-out network, from platforms.csv (one row per accelerator of accelerators.csv, each with its
source). Expert parallelism that spans more GPUs than the scale-up domain sends its all-to-all over
the scale-out NICs; a GPU with no row (or no scale-out figure) cannot be priced across nodes and is
refused by the engine's layout check with a message that says so.
"""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class Platform:
    gpu: str  # the accelerator's catalog name (accelerators.csv `name`)
    platform: str
    scaleup_gpus: int  # GPUs in one NVLink / Infinity Fabric domain
    scaleout_gbps: float | None  # per GPU, Gb/s (one direction); None: not published for the platform
    source: str
    confidence: str

    @property
    def scaleout_gbs(self) -> float | None:
        """Per-GPU scale-out bandwidth in GB/s (one direction): Gb/s / 8."""
        return None if self.scaleout_gbps is None else self.scaleout_gbps / 8.0


@functools.cache
def _rows() -> dict[str, Platform]:
    text = resources.files("flopsheet.catalog").joinpath("platforms.csv").read_text("utf-8")
    out = {}
    for raw in csv.DictReader(io.StringIO(text)):
        out[raw["gpu"].strip()] = Platform(
            gpu=raw["gpu"].strip(),
            platform=raw["platform"].strip(),
            scaleup_gpus=int(raw["scaleup_gpus"]),
            scaleout_gbps=float(raw["scaleout_gbps"]) if raw["scaleout_gbps"].strip() else None,
            source=raw["source"].strip(),
            confidence=raw["confidence"].strip(),
        )
    return out


def platform(gpu_name: str) -> Platform | None:
    """The platform row of a catalog GPU (its catalog name), or None when platforms.csv has none."""
    return _rows().get(gpu_name)


def all_platforms() -> tuple[Platform, ...]:
    return tuple(_rows().values())


def scaleup_gpus(gpu_name: str, default: int) -> int:
    """The GPUs of the largest scale-up (NVLink / Infinity Fabric) domain a catalog GPU comes in: its platform
    row's, else `default` (the caller's assumption for a GPU platforms.csv has no row for)."""
    row = _rows().get(gpu_name)
    return default if row is None else row.scaleup_gpus
