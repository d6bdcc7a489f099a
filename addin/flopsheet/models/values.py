"""Reading figures off a model row (what MODEL_SPEC will return).

Every miss says WHY the figure is absent (not published / unconfirmed / not applicable), because
"missing" alone invites users to trust some other number they found online.
"""

from __future__ import annotations

from flopsheet.errors import FlopsheetError
from flopsheet.models.fields import FIELDS
from flopsheet.models.lookup import resolve
from flopsheet.models.table import Model, structural_reason

_FIELD_LIST = ", ".join(FIELDS)


def field_name(name: str | None) -> str:
    """A user-typed field name in canonical form, or FlopsheetError listing the fields."""
    key = name.strip().lower() if isinstance(name, str) else None
    if key in FIELDS:
        return key
    shown = name.strip() if isinstance(name, str) else name
    raise FlopsheetError(f'field must be one of {_FIELD_LIST} (got "{shown}")', arg="field")


def missing_reason(model: Model, field: str) -> str:
    """Why a field of this row is empty, as a short phrase."""
    structural = structural_reason(model, field)
    if field in model.not_published:
        reason = "not published by the developer"
    elif field in model.unconfirmed:
        reason = "unconfirmed in primary sources"
    elif structural:
        return structural
    else:
        return "not recorded"
    return f"{reason}; see its notes" if model.notes else reason


def field(model: Model | str, name: str) -> float | int | str:
    """One catalog value: a number, or text for attention/family/source/notes...

    `model` may be a row or a name (resolved as `resolve` does).
    """
    row = resolve(model)
    key = field_name(name)
    value = getattr(row, key)
    if value is None or value == "":
        raise FlopsheetError(
            f'field "{key}": {row.name} has no {key} in the catalog ({missing_reason(row, key)})', arg="field"
        )
    return value


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
