from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sync.merge import FieldConflict, merge_delete, merge_fields


def test_change_on_one_side_applies_cleanly() -> None:
    result = merge_fields({"name": ("Budi", "Budi Santoso")}, {"name": "Budi", "rt": "001"})
    assert result.clean
    assert result.applied == {"name": "Budi Santoso"}


def test_other_side_changed_a_different_field() -> None:
    result = merge_fields({"name": ("Budi", "Budi S")}, {"name": "Budi", "rt": "002"})
    assert result.applied == {"name": "Budi S"}
    assert "rt" not in result.applied


def test_same_change_on_both_sides_is_not_a_conflict() -> None:
    result = merge_fields({"rt": ("001", "002")}, {"rt": "002"})
    assert result.clean
    assert result.applied == {}


def test_different_changes_to_one_field_conflict_and_keep_theirs() -> None:
    result = merge_fields({"rt": ("001", "002")}, {"rt": "003"})
    assert not result.clean
    assert result.conflicts == {"rt": FieldConflict(base="001", mine="002", theirs="003")}
    assert result.applied == {}


def test_blank_values_are_equal() -> None:
    assert merge_fields({"note": (None, "x")}, {"note": ""}).applied == {"note": "x"}


def test_delete_on_current_version_is_clean() -> None:
    assert merge_delete(None, {"a": 1}, 3, 3) is None


def test_delete_of_changed_record_conflicts() -> None:
    assert merge_delete({"a": 1}, {"a": 2}, 2, 3) is not None
    assert merge_delete({"a": 1}, {"a": 1}, 2, 3) is None


values = st.one_of(st.none(), st.text(max_size=3), st.integers(-2, 2))


@given(base=values, mine=values, theirs=values)
def test_merge_never_loses_mine(base: object, mine: object, theirs: object) -> None:
    """Either mine ends up applied, already equal to theirs, or is kept as a conflict."""
    result = merge_fields({"f": (base, mine)}, {"f": theirs})
    final = result.applied.get("f", theirs)
    if result.clean:
        assert final == mine or (final in (None, "") and mine in (None, ""))
    else:
        assert result.conflicts["f"].mine == mine
        assert final == theirs
