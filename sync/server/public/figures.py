"""Public figures kept current as pushes are applied (never a scan per request).

Every push batch calls :func:`on_batch` inside its write transaction, after the
records are merged and before the commit. It turns the batch's supporter changes
into deltas of ``public_figures`` (per pair, round, sub-region and human verdict),
copies the public fields of elections, pairs (once submitted: :func:`published`),
candidates (role only), documents and parties into ``public_records``, and bumps
``public_state``. The public pages
read only these small tables, and cache their bytes by ``public_state.version``.

Only human verdicts count: the field verification status when there is one, else
the administrative one; ``check_status`` (the automatic forecast) never does. A
supporter without a human verdict is ``pending`` ("belum diverifikasi"). The verdict
is the desktop's own (:func:`silon_desktop.domain.supporters.effective_status`): a
verified supporter whose NIK also backs another pair (``external_duplicate``) counts
at least as the election's rule set classes DUPLICATE_EXTERNAL (BMS). Each cell stores
it as the desktop's recap counts it (:func:`counted_verdict`): a BMS where the verdict
that counts offers none (a row met in the field, a correction round's) is TMS, so the
pages add stored cells and never re-split one (revision 0018 rebuilt the figures that
were stored by the shown verdict).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.engine import Connection

from silon_desktop.domain.codes import PairStatus
from silon_desktop.domain.rules import Round, RuleSet, rule_set_for
from silon_desktop.domain.supporters import counted_status, effective_status
from sync.server.schema import (
    public_figures,
    public_objections,
    public_records,
    public_state,
    records,
)

#: Rounds in the order they happen; a supporter without ``round`` arrived in the first.
ROUNDS = tuple(arrival.value for arrival in Round)
DEFAULT_ROUND = Round.SUBMISSION.value
COUNTS = ("submitted", "ms", "bms", "tms", "pending")

#: The fields the public pages may show, per entity. Anything else (a candidate's
#: NIK, name, address; every supporter field) never leaves ``records``.
PUBLIC_FIELDS: dict[str, tuple[str, ...]] = {
    "election": (
        "name",
        "kind",
        "region_code",
        "year",
        "dpt",
        "subregion_count",
        "official_threshold",
        "official_spread",
        "rule_set",
        "support_start",
        "support_end",
        "vermin_end",
        "correction_end",
        "verfak_end",
        "registration_date",
        "penetapan_date",
    ),
    "pair": ("election_id", "number", "route", "head_name", "deputy_name", "status"),
    "candidate": ("pair_id", "role"),
    "document": ("candidate_id", "kind", "status"),
    "party": ("pair_id", "party_name", "seats", "votes"),
}

Key = tuple[str, str, str, str]  # pair_id, round, subregion, verdict column


#: Fields of a record by id (None: no such record); see :func:`rule_sets`.
FieldsOf = Callable[[str], Mapping[str, Any] | None]
#: The rule set of a pair's election, by pair id.
RuleSetOf = Callable[[str], RuleSet]


def verdict(fields: Mapping[str, Any], rule_set: RuleSet | None = None) -> str:
    """The human verdict of a supporter as a count column: ms | bms | tms | pending."""
    status, _reasons = effective_status(
        "",
        (),
        str(fields.get("admin_status") or ""),
        (),
        str(fields.get("field_status") or ""),
        (),
        bool(fields.get("external_duplicate")),
        rule_set,
    )
    return str(status).lower() if status else "pending"


def verdict_reasons(fields: Mapping[str, Any], rule_set: RuleSet | None = None) -> list[str]:
    """The reasons of a supporter's human verdict: those of the verdict that counts (the
    field verification's, else the administrative one's), with DUPLICATE_EXTERNAL where
    the NIK also backs another pair (the reason that makes a row met in the field TMS)."""
    _status, reasons = effective_status(
        "",
        (),
        str(fields.get("admin_status") or ""),
        [str(r) for r in fields.get("admin_reasons") or ()],
        str(fields.get("field_status") or ""),
        [str(r) for r in fields.get("field_reasons") or ()],
        bool(fields.get("external_duplicate")),
        rule_set,
    )
    return list(reasons)


def counted_verdict(fields: Mapping[str, Any], rule_set: RuleSet | None = None) -> str:
    """:func:`verdict` as the desktop's recap counts it (ms | bms | tms | pending): a
    BMS where the verdict that counts offers none (a correction round's row, one
    counted by its field verdict: the DUPLICATE_EXTERNAL flag on an MS row) is TMS
    (:func:`~silon_desktop.domain.supporters.counted_choices`). What the figures
    store (:func:`supporter_key`) and the NIK check answers."""
    shown = verdict(fields, rule_set)
    # Only a BMS may count otherwise (RuleSet.status_within): the others, as shown,
    # without the domain's call per row of a push. A round unknown here: as shown.
    if shown != "bms":
        return shown
    arrival = str(fields.get("round") or DEFAULT_ROUND)
    if arrival not in ROUNDS:
        return shown
    return counted_status(
        shown.upper(),
        str(fields.get("admin_status") or ""),
        str(fields.get("field_status") or ""),
        arrival,
        rule_set or rule_set_for(None),
    ).lower()


def rule_sets(fields_of: FieldsOf) -> RuleSetOf:
    """The rule set of each pair's election (pair, then election, read once per pair)."""
    found: dict[str, RuleSet] = {}

    def of(pair_id: str) -> RuleSet:
        if pair_id not in found:
            pair = fields_of(pair_id) or {}
            election = fields_of(str(pair.get("election_id") or "")) or {}
            try:
                found[pair_id] = rule_set_for(str(election.get("rule_set") or "") or None)
            except ValueError:  # a rule set this server does not know: the default's
                found[pair_id] = rule_set_for(None)
        return found[pair_id]

    return of


def stored_fields(conn: Connection) -> FieldsOf:
    """Fields of stored records, read from ``records`` one id at a time."""

    def of(record_id: str) -> Mapping[str, Any] | None:
        if not record_id:
            return None
        text = conn.execute(
            select(records.c.fields).where(records.c.id == record_id)
        ).scalar_one_or_none()
        return None if text is None else dict(orjson.loads(text))

    return of


def subregion(fields: Mapping[str, Any], scope: str = "") -> str:
    """Where a supporter counts: its kecamatan (else its kab/kota code); for a
    supporter of a province's scope (a governor election, whose spread is over
    kab/kota) its ``kabkota_code`` alone, "" without one: the kab/kota that verifies
    it (its area, :func:`sync.server.roles.area_of`) and the one the desktop's recap
    counts it in, whatever its kecamatan code says."""
    if scope and "." not in scope:
        return str(fields.get("kabkota_code") or "")
    return str(fields.get("kecamatan_code") or fields.get("kabkota_code") or "")


def supporter_key(
    fields: Mapping[str, Any] | None,
    deleted: bool,
    rules_of: RuleSetOf | None = None,
    scope: str = "",
) -> Key | None:
    """Where a supporter counts, or None when it does not (deleted, no pair).

    Args:
        rules_of: the rule set of a pair's election; None: the default rule set.
        scope: the supporter's scope (:func:`subregion`).
    """
    if fields is None or deleted:
        return None
    pair_id = fields.get("pair_id")
    if not pair_id:
        return None
    rnd = str(fields.get("round") or DEFAULT_ROUND)
    # Only a flagged supporter's verdict, or a BMS one, depends on the rule set: looked
    # up for those only (once per pair).
    rule_set = None
    if rules_of is not None and _rules_matter(fields):
        rule_set = rules_of(str(pair_id))
    return str(pair_id), rnd, subregion(fields, scope), counted_verdict(fields, rule_set)


def _rules_matter(fields: Mapping[str, Any]) -> bool:
    """Whether a supporter's counted verdict may depend on its election's rule set."""
    return bool(
        fields.get("external_duplicate")
        or fields.get("admin_status") == "BMS"
        or fields.get("field_status") == "BMS"
    )


def deltas(
    changes: Iterable[tuple[Key | None, Key | None]],
) -> dict[tuple[str, str, str], Counter[str]]:
    """Count deltas per (pair, round, subregion) from (old key, new key) pairs."""
    out: dict[tuple[str, str, str], Counter[str]] = {}
    # A batch's thousands of supporters share a few (old, new) pairs: each counted once.
    for (old, new), times in Counter(changes).items():
        if old == new:
            continue
        for key, sign in ((old, -times), (new, times)):
            if key is None:
                continue
            c = out.setdefault(key[:3], Counter())
            c["submitted"] += sign
            c[key[3]] += sign
    return {k: c for k, c in out.items() if any(c.values())}


#: The cells of some pairs (built once: every push of supporters reads it).
_PRESENT = select(
    public_figures.c.pair_id, public_figures.c.round, public_figures.c.subregion
).where(public_figures.c.pair_id.in_(bindparam("pairs", expanding=True)))


def apply_deltas(conn: Connection, changes: dict[tuple[str, str, str], Counter[str]]) -> None:
    """Add the deltas to ``public_figures`` (one upsert per changed cell)."""
    if not changes:
        return
    keys = sorted(changes)
    present: set[tuple[str, str, str]] = set()
    pair_ids = sorted({k[0] for k in keys})
    for start in range(0, len(pair_ids), 500):
        rows = conn.execute(_PRESENT, {"pairs": pair_ids[start : start + 500]})
        present.update((r[0], r[1], r[2]) for r in rows)
    inserts = []
    updates = []
    for key in keys:
        c = changes[key]
        row = {name: int(c.get(name, 0)) for name in COUNTS}
        if key in present:
            updates.append(
                {"p": key[0], "r": key[1], "s": key[2], **{f"d_{n}": v for n, v in row.items()}}
            )
        else:
            inserts.append({"pair_id": key[0], "round": key[1], "subregion": key[2], **row})
    if inserts:
        conn.execute(public_figures.insert(), inserts)
    if updates:
        from sqlalchemy import bindparam

        conn.execute(
            update(public_figures)
            .where(
                public_figures.c.pair_id == bindparam("p"),
                public_figures.c.round == bindparam("r"),
                public_figures.c.subregion == bindparam("s"),
            )
            .values({n: public_figures.c[n] + bindparam(f"d_{n}") for n in COUNTS}),
            updates,
        )


def with_region(entity: str, scope: str, fields: dict[str, Any]) -> dict[str, Any]:
    """An election's fields with its region: its ``region_code``, else its scope, as
    the desktop's recap and the server's checks read it (the public pages count the
    spread over that region's sub-regions); other records as they are."""
    if entity != "election" or fields.get("region_code"):
        return fields
    return {**fields, "region_code": scope}


def published(entity: str, fields: Mapping[str, Any]) -> bool:
    """Whether a live record of ``entity`` has a public copy: a pair only once KPU has
    received its nomination (:attr:`PairStatus.submitted`; a pair without a status is
    the desktop's default, ``draft``). Without the pair's copy no page, open data or
    NIK check names it, and its figures, candidates and documents show nowhere."""
    if entity != "pair":
        return True
    try:
        return PairStatus(str(fields.get("status") or PairStatus.DRAFT)).submitted
    except ValueError:  # a status of a newer program: not known to be submitted
        return False


def public_copy(entity: str, fields: Mapping[str, Any]) -> str:
    """The JSON text of the public fields of a record."""
    return orjson.dumps({k: fields.get(k) for k in PUBLIC_FIELDS[entity]}).decode("utf-8")


@dataclass(slots=True)
class Changed:
    """What one batch changed, as the public tables see it."""

    figures: dict[tuple[str, str, str], Counter[str]]
    upserts: list[dict[str, Any]]
    removed: list[str]


def collect(
    items: Iterable[tuple[Any, ...]],
    rules_of: RuleSetOf | None = None,
) -> Changed:
    """From ``(entity, id, fields, deleted, stored fields or None, stored deleted[,
    scope])`` (the scope never changes: :func:`subregion`).

    Args:
        rules_of: the rule set of a pair's election (:func:`rule_sets`); None: the default.
    """
    pairs: list[tuple[Key | None, Key | None]] = []
    upserts: list[dict[str, Any]] = []
    removed: list[str] = []
    for entity, rid, fields, deleted, orig, orig_deleted, *where in items:
        if entity == "supporter":
            scope = where[0] if where else ""
            pairs.append(
                (
                    supporter_key(orig, orig_deleted, rules_of, scope),
                    supporter_key(fields, deleted, rules_of, scope),
                )
            )
        elif entity in PUBLIC_FIELDS:
            if deleted or not published(entity, fields):
                removed.append(rid)
            else:
                upserts.append({"id": rid, "entity": entity, "fields": public_copy(entity, fields)})
    return Changed(deltas(pairs), upserts, removed)


def write(conn: Connection, changed: Changed, now: float) -> None:
    """Write one batch's public changes and bump the version (same transaction)."""
    apply_deltas(conn, changed.figures)
    structure = bool(changed.upserts or changed.removed)
    if changed.removed:
        conn.execute(public_records.delete().where(public_records.c.id.in_(changed.removed)))
    if changed.upserts:
        ids = [u["id"] for u in changed.upserts]
        conn.execute(public_records.delete().where(public_records.c.id.in_(ids)))
        conn.execute(public_records.insert(), changed.upserts)
    if changed.figures or structure:
        bump(conn, now, structure=structure)


_BUMP = (
    update(public_state)
    .where(public_state.c.id == 1)
    .values(version=public_state.c.version + 1, updated_at=bindparam("now"))
)
#: :data:`_BUMP` and the structure version too (both built once: every push runs one).
_BUMP_STRUCTURE = _BUMP.values(structure=public_state.c.structure + 1)


def bump(conn: Connection, now: float, *, structure: bool = False) -> None:
    """Move the public version on (and the structure version when asked)."""
    done = conn.execute(_BUMP_STRUCTURE if structure else _BUMP, {"now": now})
    if done.rowcount == 0:
        conn.execute(public_state.insert().values(id=1, version=1, structure=1, updated_at=now))


def rebuild(conn: Connection, now: float) -> None:
    """Recompute every public table from ``records`` (migration, repair)."""
    conn.execute(public_figures.delete())
    conn.execute(public_records.delete())
    rules_of = rule_sets(stored_fields(conn))
    last = ""
    while True:
        rows = conn.execute(
            select(
                records.c.id, records.c.entity, records.c.scope, records.c.deleted, records.c.fields
            )
            .where(records.c.id > last)
            .order_by(records.c.id)
            .limit(20_000)
        ).all()
        if not rows:
            break
        last = rows[-1].id
        items = [
            (
                r.entity,
                r.id,
                with_region(r.entity, r.scope, orjson.loads(r.fields)),
                bool(r.deleted),
                None,
                False,
                r.scope,
            )
            for r in rows
        ]
        write(conn, collect(items, rules_of), now)
    bump(conn, now, structure=True)


def objection_counts(conn: Connection) -> dict[str, tuple[int, int]]:
    """``{pair_id: (open, resolved)}`` objections per pair."""
    out: dict[str, list[int]] = {}
    rows = conn.execute(
        select(public_objections.c.pair_id, public_objections.c.status, func.count()).group_by(
            public_objections.c.pair_id, public_objections.c.status
        )
    )
    for pair_id, status, n in rows:
        slot = out.setdefault(str(pair_id), [0, 0])
        slot[0 if status == "open" else 1] += int(n)
    return {k: (v[0], v[1]) for k, v in out.items()}
