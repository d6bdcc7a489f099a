"""Reading figures off a model row (what MODEL_SPEC will return).

Every miss says WHY the figure is absent (not published / unconfirmed / not applicable), because
"missing" alone invites users to trust some other number they found online.
"""

from __future__ import annotations

from flopsheet import csvtable
from flopsheet.errors import FlopsheetError
from flopsheet.models.fields import FIELDS
from flopsheet.models.lookup import resolve
from flopsheet.models.table import TABLE, Model, structural_reason


def field_name(name: str | None) -> str:
    """A user-typed field name in canonical form, or FlopsheetError listing the fields."""
    return csvtable.field_name(name, FIELDS)


def missing_reason(model: Model, field: str) -> str:
    """Why a field of this row is empty, as a short phrase."""
    reason = TABLE.why_missing(model, field)
    if reason is None:
        return structural_reason(model, field) or "not recorded"
    return f"{reason}; see its notes" if model.notes else reason


def field(model: Model | str, name: str) -> float | int | str:
    """One catalog value: a number, or text for attention/family/source/notes...

    `model` may be a row or a name (resolved as `resolve` does).
    """
    return csvtable.figure(resolve(model), field_name(name), missing_reason)


def require(model: Model, name: str, purpose: str) -> float:
    """A numeric figure a calculation needs, or an error that names the purpose and the reason."""
    value = getattr(model, name)
    if value is None:
        raise FlopsheetError(
            f"{model.name} has no {name} in the catalog ({missing_reason(model, name)}), which {purpose} needs; "
            f"pass the figures as numbers instead",
            arg="model",
        )
    return value
