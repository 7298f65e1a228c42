"""Field-level three-way merge: the one merge function of client and server.

An edit is a set of fields, each with the value it was made on (``base``) and
the value wanted (``mine``). ``theirs`` is the record as it stands now on the
other side. For each edited field:

- theirs == base: only this side changed it, ``mine`` wins cleanly;
- theirs == mine: both sides made the same change, nothing to do;
- otherwise both sides changed it to different values: a conflict. The caller
  keeps ``theirs`` in the record and the losing ``mine`` in a conflict history.

Fields the edit does not name keep ``theirs``. Deletion is the pseudo-field
``DELETED_FIELD``: an edit on a record deleted since its base, or a delete of a
record changed since its base, is a conflict on that field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

DELETED_FIELD = "_deleted"


@dataclass(frozen=True, slots=True)
class FieldConflict:
    base: Any
    mine: Any
    theirs: Any

    def to_wire(self) -> dict[str, Any]:
        return {"base": self.base, "mine": self.mine, "theirs": self.theirs}


@dataclass(slots=True)
class MergeResult:
    #: Field values to write on top of ``theirs`` (clean wins of ``mine``).
    applied: dict[str, Any] = field(default_factory=dict)
    #: Fields changed on both sides to different values; ``theirs`` is kept.
    conflicts: dict[str, FieldConflict] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        return not self.conflicts


def merge_fields(changes: Mapping[str, tuple[Any, Any]], theirs: Mapping[str, Any]) -> MergeResult:
    """Merge an edit's ``{field: (base, mine)}`` onto the current values ``theirs``.

    Args:
        changes: the edited fields with the value each was made on and the new value.
        theirs: the current values of the record on the other side.

    Returns:
        The fields to apply and the fields in conflict.
    """
    result = MergeResult()
    for name, (base, mine) in changes.items():
        current = theirs.get(name)
        if same_value(current, base):
            if not same_value(current, mine):
                result.applied[name] = mine
        elif not same_value(current, mine):
            result.conflicts[name] = FieldConflict(base=base, mine=mine, theirs=current)
    return result


def merge_delete(
    base_fields: Mapping[str, Any] | None,
    theirs_fields: Mapping[str, Any],
    base_version: int,
    their_version: int,
) -> FieldConflict | None:
    """Whether deleting a record is a conflict.

    A delete made on the current version, or on a record whose fields have not
    changed since (only when the caller knows the base fields), is clean.
    """
    if base_version == their_version:
        return None
    if base_fields is not None and all(
        same_value(theirs_fields.get(k), v) for k, v in base_fields.items()
    ):
        return None
    return FieldConflict(base=False, mine=True, theirs=False)


def same_value(a: Any, b: Any) -> bool:
    """Equality that treats None and empty text/list as the same blank value."""
    blank: tuple[Any, ...] = (None, "", [])
    if a in blank and b in blank:
        return True
    return bool(a == b)
