"""What the hand-off did, for the command line and for `evaluate`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Report:
    """What the hand-off did, for the command line and for `evaluate`."""

    translated: int = 0  # cells whose flopsheet calls all became twins
    frozen: list = field(default_factory=list)  # (sheet, cell, reason)
    converted: int = 0  # text magnitudes turned into numbers
    formulas: list = field(default_factory=list)  # (sheet, cell or range, formula) when listed
    warnings: list = field(default_factory=list)  # what the copy could not carry
    notes: list = field(default_factory=list)  # what the hand-off changed on purpose
    arrays: dict = field(default_factory=dict)  # sheet -> [(min_col, min_row, max_col, max_row)]
    rewritten: list = field(default_factory=list)  # part names whose bytes changed
    removed: list = field(default_factory=list)  # part names left out of the copy
    added: list = field(default_factory=list)  # part names the copy adds
    longest: tuple = (0, "")  # (length, cell) of the longest formula the hand-off wrote
    workings: int = 0  # rows of the Workings sheet (quantities the translated formulas use)
