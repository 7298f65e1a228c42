"""Reading the change feed: records changed after a cursor, in server order, by scope."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from itertools import repeat
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import (
    BindParameter,
    Column,
    ColumnElement,
    Engine,
    Integer,
    LargeBinary,
    Select,
    and_,
    bindparam,
    func,
    literal,
    or_,
    select,
    true,
    union_all,
)

from sync import snapshot as fmt
from sync.protocol import (
    ENTITIES,
    ENTITY_ORDER,
    RECORD_COLUMNS,
    WITHDRAWAL_FIELDS,
    FeedPage,
    Record,
)
from sync.server.batch import origin_of
from sync.server.db import read_tx
from sync.server.roles import Actor, Role
from sync.server.schema import departures, records

MAX_LIMIT = 5000


def scope_filter(
    actor: Actor,
    column: Column[Any] = records.c.scope,
    area: Column[Any] | None = records.c.area,
) -> ColumnElement[bool] | None:
    """The SQL condition on a scope column for what ``actor`` may read (None: all).

    With an ``area`` column, a kab/kota (its KPU or its Bawaslu) also reads its
    province's records of no area (a governor election and its pairs) and those of
    its own area (the supporters living in it): see :func:`sync.server.roles.area_of`.
    """
    arms = scope_arms(actor, column, area)
    if arms is None:
        return None
    return arms[0] if len(arms) == 1 else or_(*arms)


def scope_arms(
    actor: Actor,
    column: Column[Any] = records.c.scope,
    area: Column[Any] | None = records.c.area,
) -> list[ColumnElement[bool]] | None:
    """:func:`scope_filter` as the conditions it is the OR of (None: all). Each
    condition of a kab/kota's two (its own scope; its province's records of no area
    or of its area) is one scope, which its ``(scope, ...)`` index reads in order:
    see :func:`in_scope_order`."""
    prefix = actor.read_prefix()
    if prefix is None:
        return None
    region, exact = prefix
    if area is not None and actor.reads_by_area:
        return [column == region, and_(column == actor.province, area.in_(("", region)))]
    if exact:
        return [column == region]
    if region == "":
        return None
    return [or_(column == region, column.like(region + ".%"))]


def in_feed_order(
    actor: Actor, columns: Sequence[Any], conditions: Sequence[Any], limit: int | None = None
) -> Any:
    """``SELECT columns FROM records`` of what ``actor`` may read under ``conditions``,
    in feed order (``seq``), at most ``limit`` rows (None: all): :func:`in_scope_order`."""
    return in_scope_order(actor, columns, conditions, records.c.seq, limit)


def in_scope_order(
    actor: Actor,
    columns: Sequence[Any],
    conditions: Sequence[Any],
    key: Column[Any],
    limit: int | BindParameter[Any] | None = None,
    scope: Column[Any] = records.c.scope,
    area: Column[Any] | None = records.c.area,
    extra: Sequence[Select[Any]] = (),
) -> Any:
    """``SELECT columns`` of what ``actor`` may read (by the ``scope`` and ``area``
    columns) under ``conditions``, ordered by ``key``, at most ``limit`` rows;
    ``extra``: more SELECTs of the same columns, each in ``key`` order, merged in
    (a kab/kota feed's departures: :func:`departure_arm`).

    A kab/kota reads two scopes (:func:`scope_arms`). Asked as one OR, SQLite
    collected every row of both after the cursor and sorted them for each page (a
    ``MULTI-INDEX OR`` and a temporary B-tree: for the feed about 30 us per row
    returned on a million-record scope, a first sync from the feed quadratic in the
    scope's size; ``GET /v1/checks`` 0.7 s per page). As a ``UNION ALL`` of one
    SELECT per scope, each is read from the ``(scope, key)`` index in order and the
    two are merged (SQLite's ``MERGE (UNION ALL)``, PostgreSQL's Merge Append),
    stopping at the limit: about 1.3 us per feed row. The two never share a row
    (different scopes).
    """
    arms: Sequence[ColumnElement[bool] | None] = scope_arms(actor, scope, area) or [None]
    selects = [
        select(*columns).where(*conditions, *([arm] if arm is not None else [])) for arm in arms
    ]
    selects += extra
    if len(selects) == 1:
        stmt: Any = selects[0].order_by(key)
    else:
        both = union_all(*selects)
        stmt = both.order_by(both.selected_columns[key.name])
    return stmt if limit is None else stmt.limit(limit)


def record_of(row: Any) -> Record:
    """The wire record of a ``records`` row (fields decoded from their JSON text)."""
    return Record(
        row.entity, row.id, row.scope, int(row.version), bool(row.deleted), orjson.loads(row.fields)
    )


def read_feed(
    engine: Engine,
    actor: Actor,
    after: int,
    limit: int,
    server_time: str,
    *,
    skip_own: str = "",
) -> FeedPage:
    """One page of the feed after sequence ``after`` (tombstones included), as
    records: :func:`read_feed_rows`."""
    rows, cursor, has_more = read_feed_rows(engine, actor, after, limit, skip_own=skip_own)
    return FeedPage(
        records=[record_of(r) for r in rows],
        cursor=cursor,
        has_more=has_more,
        server_time=server_time,
    )


def read_feed_rows(
    engine: Engine, actor: Actor, after: int, limit: int, *, skip_own: str = ""
) -> tuple[Sequence[Any], str, bool]:
    """One page of the feed after sequence ``after`` (tombstones included): its
    ``records`` rows (:data:`WIRE_COLUMNS`), its cursor and whether more follow.

    Sequences are assigned under the commit stamp in commit order (see
    :mod:`sync.server.db`), so everything at or below the returned cursor is
    final: a later page never holds a change below it.

    ``skip_own`` (a sync run id) leaves out records whose latest version was
    written by the caller's own device through its push in that run
    (``records.origin``): the push answer already gave it that version. The page's cursor still moves past them: a
    page shorter than ``limit`` ends at the feed's head as read before the page
    (so a row committed meanwhile, above that head, is never jumped over).
    """
    with read_tx(engine) as conn:
        head = None
        if skip_own:
            head = int(conn.execute(_HEAD_QUERY).scalar_one())
        stmt = _page_statement(actor.role, actor.region, actor.training_server, bool(skip_own))
        rows = conn.execute(stmt, _page_params(actor, after, limit, skip_own, head)).all()
    cursor = str(rows[-1].seq) if rows else str(after)
    if head is not None and len(rows) < limit:
        cursor = str(max(after, head))
    return rows, cursor, len(rows) == limit


def record_blocks(rows: Sequence[Any], layout: fmt.Layout) -> list[dict[str, Any]]:
    """The wire blocks (one per entity, parents first) of ``records`` rows read with
    :data:`WIRE_COLUMNS`, in ``layout``: a snapshot part's, and a feed page's asked
    with ``layout=columns`` or ``compact``. Every record's fields are parsed in ONE
    ``orjson.loads`` (the stored JSON texts joined into an array), each column
    taken with ``map`` in C, no list built per record for the column layouts; in
    the compact one, a column whose records all agree is given once. As in
    :func:`sync.protocol.encode_feed_page`, a tombstone carries only its
    withdrawal fields."""
    grouped: dict[str, list[Any]] = {}
    if rows:
        kinds = set(map(itemgetter(rows[0]._fields.index("entity")), rows))
        if len(kinds) == 1:  # the common part: one entity, no row looked at in Python
            grouped = {kind: list(rows) for kind in kinds if kind in ENTITIES}
        else:
            for r in rows:
                if r.entity in ENTITIES:
                    grouped.setdefault(r.entity, []).append(r)
    blocks = []
    for name in ENTITY_ORDER:
        group = grouped.get(name)
        if not group:
            continue
        values = _columns(name, group)
        block: dict[str, Any] = {
            "entity": name,
            "columns": [*RECORD_COLUMNS, *ENTITIES[name].field_names],
        }
        if layout is fmt.Layout.COMPACT:
            block["values"] = [_compact(column) for column in values]
            block["count"] = len(group)
        elif layout is fmt.Layout.COLUMNS:
            block["values"] = values
            block["count"] = len(group)
        else:
            block["rows"] = [list(row) for row in zip(*values, strict=True)]
        blocks.append(block)
    return blocks


def _compact(column: list[Any]) -> Any:
    """A column as the compact layout carries it: ``{"same": value}`` when every
    record has that value (a fresh list's blank verdicts, its pair, its round), else
    the array. The client then reads, converts and binds that value once."""
    same, value = fmt.same_value(column)
    return {fmt.SAME: value} if same else column


def _columns(entity: str, group: list[Any]) -> list[list[Any]]:
    """One list per wire column (record columns, then fields) of one entity's rows
    (a tombstone's fields but its withdrawal fields null)."""
    # The rows turned into columns by one zip in C (no attribute read per row).
    named = dict(zip(group[0]._fields, zip(*group, strict=True), strict=True))
    fields = orjson.loads("[" + ",".join(named["fields"]) + "]")
    deleted = list(map(bool, named["deleted"]))
    out: list[list[Any]] = [
        list(named["id"]),
        list(named["scope"]),
        list(map(int, named["version"])),
        deleted,
    ]
    gone = [i for i, d in enumerate(deleted) if d]
    names = ENTITIES[entity].field_names
    for field, column in zip(names, _field_columns(names, fields), strict=True):
        if gone and field not in WITHDRAWAL_FIELDS:
            for i in gone:
                column[i] = None
        out.append(column)
    return out


def _field_columns(names: Sequence[str], fields: list[dict[str, Any]]) -> list[list[Any]]:
    """One list per field name of the records' field dicts (None where a record has
    no such key). Every record has every field (a record starts from the blank
    fields and keeps them): then each record's fields are taken by ONE ``itemgetter``
    call and the tuples turned into columns by ``zip``, in C (a 5,000-record part,
    35 fields: 3.9 ms against 6.3 ms with a ``dict.get`` per field and record). A
    record lacking one (written by an older server) takes the ``dict.get`` path."""
    if len(names) > 1 and fields:
        try:
            return list(map(list, zip(*map(itemgetter(*names), fields), strict=True)))
        except KeyError:
            pass
    return [list(map(dict.get, fields, repeat(name))) for name in names]


#: What a feed page and a snapshot part read of each record, in this order.
WIRE_COLUMNS = (
    records.c.seq,
    records.c.id,
    records.c.entity,
    records.c.scope,
    records.c.version,
    records.c.deleted,
    records.c.fields,
)


#: The feed's head (its highest sequence), read before a page that leaves out the
#: caller's own rows.
_HEAD_QUERY = select(func.coalesce(func.max(records.c.seq), 0))


def _page_query(actor: Actor, after: int, limit: int, skip_own: str, head: int | None) -> Any:
    """A feed page's statement with its parameters bound (as :func:`read_feed_rows`
    runs it)."""
    return _page_statement(actor.role, actor.region, actor.training_server, bool(skip_own)).params(
        _page_params(actor, after, limit, skip_own, head)
    )


def _page_params(
    actor: Actor, after: int, limit: int, skip_own: str, head: int | None
) -> dict[str, Any]:
    """The bound parameters of :func:`_page_statement` for one page."""
    params: dict[str, Any] = {"after": after, "limit": limit}
    if skip_own:
        params["origin"] = origin_of(actor, skip_own)
        params["head"] = head
    return params


@functools.lru_cache(maxsize=2048)
def _page_statement(role: Role, region: str, training: bool, skip_own: bool) -> Any:
    """A feed page's query for the readers of ``role`` and ``region`` (what
    :func:`in_scope_order` and :func:`departure_arm` read of an actor), with the
    cursor, the limit and, when ``skip_own``, the caller's origin and the feed's
    head as bound parameters (``after``, ``limit``, ``origin``, ``head``).

    Built once per kind of reader, not per request: a kab/kota's page is a UNION ALL
    of three SELECTs, and building it and its SQLAlchemy cache key took about
    500 us of every feed request, a page of a thousand records or an empty one.
    """
    actor = Actor("", role, region, "", training_server=training)
    after = bindparam("after", type_=records.c.seq.type)
    head = bindparam("head", type_=records.c.seq.type) if skip_own else None
    conditions = [records.c.seq > after]
    if skip_own:
        conditions.append(records.c.origin != bindparam("origin", type_=records.c.origin.type))
        conditions.append(records.c.seq <= head)
    left = departure_arm(actor, after, head)
    return in_scope_order(
        actor,
        WIRE_COLUMNS,
        conditions,
        records.c.seq,
        bindparam("limit", type_=Integer()),
        extra=() if left is None else [left],
    )


#: The fields of a departure's tombstone: none (stored bytes of plain JSON text,
#: as :class:`sync.server.schema.PackedJSON` reads them back).
_NO_FIELDS = b"{}"


def departure_arm(
    actor: Actor, after: int | BindParameter[Any], head: int | BindParameter[Any] | None = None
) -> Select[Any] | None:
    """The departures a kab/kota's feed brings after sequence ``after`` (up to
    ``head``), as :data:`WIRE_COLUMNS` rows of tombstones with no fields, in
    sequence order from the ``(area, seq)`` index; None for every other account.

    A supporter of its province's governor election that the province moved to
    another kab/kota (:data:`sync.server.schema.departures`) is no longer the
    kab/kota's to read: its feed no longer matches the record, so it gets this
    tombstone instead (once: the move's feed position), and its desktop deletes
    the row and blanks its personal fields. Nothing of the record but its id,
    scope and version at the move reaches that reader. A departure and a record
    of the other arms never share an id or a sequence: a departure's area is never
    the record's current one, and its sequence is one the record has left."""
    if not actor.reads_by_area or actor.region == actor.province:
        return None
    conditions = [
        departures.c.area == actor.region,
        departures.c.scope == actor.province,
        departures.c.seq > after,
    ]
    if head is not None:
        conditions.append(departures.c.seq <= head)
    return select(
        departures.c.seq,
        departures.c.record_id.label("id"),
        departures.c.entity,
        departures.c.scope,
        departures.c.version,
        true().label("deleted"),
        literal(_NO_FIELDS, LargeBinary).label("fields"),
    ).where(*conditions)


def is_departure(record: Record) -> bool:
    """Whether a feed record is a departure's tombstone (:func:`departure_arm`):
    a stored tombstone keeps its fields, a departure has none."""
    return record.deleted and not record.fields
