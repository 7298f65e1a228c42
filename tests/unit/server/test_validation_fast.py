"""The fast path of the push's value checks answers exactly as the field-by-field checks.

``check_mutation`` skips the one-checker-per-field walk when its fast path finds
nothing wrong; random changes (hostile characters, line breaks, over-long text,
values outside a choice list, wrong types, unknown and server-owned fields) must
get the same refusal, naming the same field with the same code and message, or
pass in both.

A push's upserts naming the same fields are checked as columns
(``check_mutations``): each gets the answer ``check_mutation`` gives it.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sync.protocol import ENTITIES, FieldSpec, FieldType, Mutation, Op
from sync.server.validation import (
    _CHECKERS,
    _TYPE_CHECKERS,
    COLUMNS_FROM,
    Rejection,
    check_changes,
    check_mutation,
    check_mutations,
)

_ALPHABET = "aZ 09.-/\\:\x00\x1f\x7f\x85\u200b\u202e\ufeff\t\n\r\u00e9"


def _clean(spec: FieldSpec) -> st.SearchStrategy[Any]:
    """A value that passes the field's checks."""
    if spec.choices is not None:
        return st.sampled_from(sorted(spec.choices))
    kind = spec.type
    if kind is FieldType.INT:
        return st.integers(spec.min or 0, spec.max if spec.max is not None else 99)
    if kind is FieldType.BOOL:
        return st.booleans()
    if kind is FieldType.DATE:
        return st.just("2024-01-31")
    if kind is FieldType.DATETIME:
        return st.just("2024-05-12T03:04:05Z")
    if kind is FieldType.LIST:
        return st.lists(st.text(alphabet="AZ_", max_size=5), max_size=2)
    return st.text(alphabet="aZ 09.-", max_size=min(spec.max_len or 20, 20))


def _dirty(spec: FieldSpec) -> st.SearchStrategy[Any]:
    """Anything, mostly values one of the checks refuses."""
    longest = spec.max_len or 2000
    long = st.builds(
        lambda c, n: c * n, st.sampled_from("aZ\n"), st.integers(longest - 1, longest + 1)
    )
    odd = st.one_of(st.none(), st.booleans(), st.floats(allow_nan=False), st.just([1]))
    return st.one_of(
        st.sampled_from([f"A{c}" for c in _ALPHABET]),
        st.text(alphabet=_ALPHABET, max_size=8),
        long,
        st.integers(-(2**54), 2**54),
        st.sampled_from(["2024-02-30", "20240101", "x", "", ".", ".."]),
        st.lists(st.text(alphabet=_ALPHABET, max_size=3), max_size=3),
        st.lists(st.just("a"), min_size=49, max_size=52),
        odd,
    )


@st.composite
def _mutations(draw: st.DrawFn) -> Mutation:
    entity = draw(st.sampled_from(sorted(ENTITIES)))
    specs = [f for f in ENTITIES[entity].fields if not f.server_owned]
    names = draw(st.lists(st.sampled_from(specs), max_size=8, unique_by=lambda f: f.name))
    changes: dict[str, tuple[Any, Any]] = {
        f.name: (None, draw(st.none() | _clean(f))) for f in names
    }
    if names:  # at most one field with something wrong, new or old
        f = draw(st.sampled_from(names))
        old, new = changes[f.name]
        if draw(st.booleans()):
            new = draw(_dirty(f))
        if draw(st.integers(0, 3)) == 0:
            old = draw(_dirty(f) | _clean(f))
        changes[f.name] = (old, new)
    extra = draw(st.sampled_from([None] * 9 + ["nope", "_deleted", "external_duplicate"]))
    if extra is not None and extra in {f.name for f in ENTITIES[entity].fields} | {
        "nope",
        "_deleted",
    }:
        changes[extra] = (None, "x")
    op = draw(st.sampled_from([Op.UPSERT] * 5 + [Op.DELETE]))
    return Mutation("m1", entity, "r1", "32.14", op, 0, changes)


def _outcome(check: Any, *args: Any, **kwargs: Any) -> tuple[str, str, str] | None:
    try:
        check(*args, **kwargs)
    except Rejection as r:
        return (str(r.code), r.field, r.message)
    return None


@settings(max_examples=1000, deadline=None)
@given(m=_mutations(), domains=st.booleans())
def test_the_fast_path_answers_as_the_field_by_field_checks(m: Mutation, domains: bool) -> None:
    reference = _outcome(check_changes, m, (_CHECKERS if domains else _TYPE_CHECKERS)[m.entity])
    assert _outcome(check_mutation, m, domains=domains) == reference


def test_a_blank_value_outside_a_choice_list_is_still_refused() -> None:
    m = Mutation("m1", "pair", "r1", "32.14", Op.UPSERT, 0, {"route": (None, "")})
    assert _outcome(check_mutation, m) == _outcome(check_changes, m, _CHECKERS["pair"])
    assert _outcome(check_mutation, m) is not None


def _edges(spec: FieldSpec) -> list[Any]:
    """Values at the edge of a field's checks: each special character, the longest
    text and one more, every choice and blank, the wrong types."""
    longest = spec.max_len or 2000
    return [
        *(f"A{c}" for c in _ALPHABET),
        "",
        ".",
        "..",
        "a" * longest,
        "a" * (longest + 1),
        *sorted(spec.choices or ()),
        True,
        0,
        2**31,
        1.0,
        ["a"],
        ["a\n"],
        ["a"] * 51,
        "2024-01-31",
        "2024-05-12T03:04:05Z",
    ]


def test_every_field_answers_its_edge_values_as_the_field_by_field_checks() -> None:
    for entity, spec in ENTITIES.items():
        for f in spec.fields:
            for value in _edges(f):
                for old, new in ((None, value), (value, "")):
                    m = Mutation("m1", entity, "r1", "32.14", Op.UPSERT, 1, {f.name: (old, new)})
                    for domains in (True, False):
                        checkers = (_CHECKERS if domains else _TYPE_CHECKERS)[entity]
                        assert _outcome(check_mutation, m, domains=domains) == _outcome(
                            check_changes, m, checkers
                        ), (entity, f.name, old, new, domains)


@st.composite
def _groups(draw: st.DrawFn) -> list[Mutation]:
    """Upserts of one entity naming the same fields in the same order (a push of
    creates), a few with something wrong (a value, a base value, the scope), and
    now and then a delete or a mutation naming other fields among them."""
    entity = draw(st.sampled_from(sorted(ENTITIES)))
    specs = [f for f in ENTITIES[entity].fields if not f.server_owned]
    names = draw(
        st.lists(st.sampled_from(specs), min_size=1, max_size=10, unique_by=lambda f: f.name)
    )
    size = draw(st.integers(COLUMNS_FROM - 1, COLUMNS_FROM + 4))
    out: list[Mutation] = []
    for i in range(size):
        changes: dict[str, tuple[Any, Any]] = {
            f.name: (None, draw(st.none() | _clean(f))) for f in names
        }
        if draw(st.integers(0, 4)) == 0:
            f = draw(st.sampled_from(names))
            old, new = changes[f.name]
            if draw(st.booleans()):
                new = draw(_dirty(f))
            else:
                old = draw(_dirty(f) | _clean(f))
            changes[f.name] = (old, new)
        scope = draw(st.sampled_from(["32.14"] * 12 + ["32", "3214", "32.14\n"]))
        kind = draw(st.sampled_from([Op.UPSERT] * 12 + [Op.DELETE]))
        if draw(st.integers(0, 12)) == 0:
            changes = dict(reversed(changes.items()))  # other field order: another group
        out.append(Mutation(f"m{i}", entity, f"r{i}", scope, kind, 0, changes))
    return out


@settings(max_examples=300, deadline=None)
@given(ms=_groups(), domains=st.booleans())
def test_columns_answer_as_each_mutation_alone(ms: list[Mutation], domains: bool) -> None:
    alone = {m.id: _outcome(check_mutation, m, domains=domains) for m in ms}
    found = check_mutations(ms, domains=domains)
    assert {i: (str(r.code), r.field, r.message) for i, r in found.items()} == {
        i: o for i, o in alone.items() if o is not None
    }


def test_a_column_of_clean_creates_passes_and_one_bad_value_is_named() -> None:
    def create(i: int, birth: str) -> Mutation:
        changes = {"name": (None, f"NAMA {i}"), "birth_date": (None, birth), "sex": (None, "L")}
        return Mutation(f"m{i}", "supporter", f"r{i}", "32.14", Op.UPSERT, 0, changes)

    clean = [create(i, "1990-01-31") for i in range(COLUMNS_FROM * 2)]
    assert check_mutations(clean) == {}
    found = check_mutations([*clean, create(99, "1990-02-30")])
    assert list(found) == ["m99"] and found["m99"].field == "birth_date"


def test_printable_ascii_text_is_harmless_exactly_when_no_pattern_finds_a_character() -> None:
    from sync.server.validation import _HOSTILE, _HOSTILE_LINE, _harmless

    for pattern in (_HOSTILE, _HOSTILE_LINE):
        for code in [*range(0x100), 0x200B, 0xFEFF, 0x2028]:
            for text in (chr(code), f"AB {chr(code)} cd", f"{chr(code)}\u00e9"):
                assert _harmless(text, pattern) == (pattern.search(text) is None), (pattern, code)
