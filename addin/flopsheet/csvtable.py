"""The machinery the two shipped catalogs share: accelerators (flopsheet.catalog) and AI models
(flopsheet.models) are each one sourced CSV table read, checked and queried the same way.

A row's figure that its sources do not give is left EMPTY and its field listed in the row's
`unconfirmed` or `not_published` column, so a guess can never pass for a published value; a
listed field that has a value is refused when the table loads. Reading a figure returns the
value or says why it is absent, in the words of the table (`Table.why_missing`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import resources

from flopsheet.errors import FlopsheetError

LIST_COLUMNS = ("unconfirmed", "not_published", "aliases")  # ";"-separated in the CSV


@dataclass(frozen=True)
class Table:
    """One shipped CSV: where it is, how its columns parse, and how its gaps are worded."""

    package: str  # the package holding the file, e.g. "flopsheet.catalog"
    filename: str  # e.g. "accelerators.csv"
    ints: tuple[str, ...]  # whole numbers ("2.5" is refused)
    floats: tuple[str, ...]
    texts: tuple[str, ...]
    publisher: str  # who publishes the figures: "vendor", "developer"
    unconfirmed: str  # the phrase for an unconfirmed figure: "unconfirmed in public sources"

    def read(self, parse_row: Callable[[dict[str, str], int], object]) -> tuple:
        """Every row, in file order: `parse_row(raw, line)` of each CSV line (it calls `parse`)."""
        text = resources.files(self.package).joinpath(self.filename).read_text("utf-8")
        return tuple(parse_row(raw, line) for line, raw in enumerate(csv.DictReader(io.StringIO(text)), start=2))

    def parse(self, raw: dict[str, str], line: int) -> dict[str, object]:
        """One CSV line's values: name, numbers (None when empty), texts, lists."""
        values: dict[str, object] = {"name": raw["name"].strip()}
        try:
            for col in self.ints:
                values[col] = _number(raw[col].strip(), col, integer=True)
            for col in self.floats:
                values[col] = _number(raw[col].strip(), col, integer=False)
        except ValueError as exc:
            raise FlopsheetError(f"catalog {self.filename} line {line}: {exc}") from None
        for col in self.texts:
            values[col] = raw[col].strip()
        for col in LIST_COLUMNS:
            values[col] = tuple(s.strip() for s in raw[col].split(";") if s.strip())
        return values

    def why_missing(self, row, field: str) -> str | None:
        """The listed reason a field of `row` is empty, or None when it is not listed."""
        if field in row.not_published:
            return f"not published by the {self.publisher}"
        if field in row.unconfirmed:
            return self.unconfirmed
        return None


def _number(text: str, col: str, integer: bool) -> float | int | None:
    if not text:
        return None
    value = float(text)
    if integer:
        if value != int(value):
            raise ValueError(f"{col} must be a whole number (got {text})")
        return int(value)
    return value


def labels(row) -> tuple[str, ...]:
    """Every spelling a row answers to: its name, full name and aliases."""
    return (row.name, row.full_name, *row.aliases)


def label_index(rows: Iterable, key: Callable[[str], str]) -> dict:
    """key(label) -> row for every label of every row; two rows meeting on one key is a catalog
    bug, refused when the index is built rather than answered with either row."""
    index: dict = {}
    for row in rows:
        for label in labels(row):
            other = index.setdefault(key(label), row)
            if other is not row:
                raise FlopsheetError(f'catalog bug: "{label}" names both {other.name} and {row.name}')
    return index


def check_listed_empty(row, fields: Iterable[str], where: str, listed: Iterable[str]) -> None:
    """Each field `listed` as missing is one of `fields` and has no value; else FlopsheetError."""
    known = set(fields)
    for field in listed:
        if field not in known:
            raise FlopsheetError(f"{where}: {field} listed as missing is not a field")
        if getattr(row, field) not in (None, ""):
            raise FlopsheetError(f"{where}: {field} is listed as missing but has a value")


def field_name(text, fields: Iterable[str], aliases: dict[str, str] | None = None) -> str:
    """The field a user typed (any case, surrounding spaces), or FlopsheetError listing `fields`."""
    key = text.strip().lower() if isinstance(text, str) else None
    names = aliases if aliases is not None else {f: f for f in fields}
    if key in names:
        return names[key]
    shown = text.strip() if isinstance(text, str) else text
    raise FlopsheetError(f'field must be one of {", ".join(fields)} (got "{shown}")', arg="field")


def figure(row, field: str, reason: Callable[[object, str], str]):
    """`row`'s value of `field` (GPU_SPEC, MODEL_SPEC), or FlopsheetError saying why it is absent."""
    value = getattr(row, field)
    if value is None or value == "":
        raise FlopsheetError(
            f'field "{field}": {row.name} has no {field} in the catalog ({reason(row, field)})', arg="field"
        )
    return value
