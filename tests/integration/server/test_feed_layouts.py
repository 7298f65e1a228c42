"""The feed in its three layouts (``GET /v1/feed?layout=``): the desktop asks for the
compact one (as snapshot parts), older clients get one array per record; every
layout carries the same records, page by page, for every reader."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from sync.client.apply import block_columns
from sync.protocol import decode_feed_page
from tests.integration.server.conftest import Client, World, mutation

LAYOUTS = ("rows", "columns", "compact")


def records_of(page: dict[str, Any]) -> list[tuple[Any, ...]]:
    """A page's records as ``(entity, id, scope, version, deleted, fields)``, whatever
    its layout (the columnar ones read as the client's applier reads them); a
    tombstone's fields without its nulls (as ``decode_feed_page`` gives them)."""
    if all("rows" in block for block in page["entities"]):
        return [
            _record(r.entity, r.id, r.scope, r.version, r.deleted, r.fields)
            for r in decode_feed_page(page).records
        ]
    out = []
    for block in page["entities"]:
        names = block["columns"]
        columns = block_columns(block, len(names))
        for values in zip(*columns, strict=True):
            row = dict(zip(names, values, strict=True))
            fields = {name: row[name] for name in names[4:]}
            out.append(
                _record(
                    block["entity"], row["id"], row["scope"], row["version"], row["deleted"], fields
                )
            )
    return out


def _record(*head: Any) -> tuple[Any, ...]:
    *record, fields = head
    if record[4]:
        fields = {name: value for name, value in fields.items() if value is not None}
    return (*record, fields)


def pages(client: Client, layout: str, limit: int) -> list[dict[str, Any]]:
    """Every page of ``client``'s feed in ``layout``."""
    pages, cursor = [], "0"
    while True:
        r = client.get("/v1/feed", after=cursor, limit=limit, layout=layout)
        assert r.status_code == 200, r.text
        pages.append(r.json())
        cursor = r.json()["cursor"]
        if not r.json()["has_more"]:
            return pages


@pytest.fixture(scope="module")
def written(world: World) -> dict[str, str]:
    """A kab/kota's list (:func:`write_list`) on the session's server."""
    _e, (pair, _p2) = world.elections["32.14"]
    return write_list(world.client("op3214"), pair)


def write_list(op: Client, pair: str) -> dict[str, str]:
    """Twelve supporters of ``pair`` (scope 32.14), one updated and one withdrawn (a
    tombstone with its withdrawal fields): their ids by what was done."""
    made = [
        mutation(
            "supporter",
            {"pair_id": pair, "nik": f"32140144048500{n:02d}", "name": f"PENDUKUNG {n}"},
        )
        for n in range(12)
    ]
    op.push_ok(*made)
    updated, withdrawn = made[0]["record_id"], made[1]["record_id"]
    results = op.push_ok(
        mutation("supporter", {"name": "NAMA BARU"}, record_id=updated, base_version=1),
        mutation(
            "supporter",
            {"withdrawn_reason": "salah_input", "withdrawn_note": "catatan"},
            record_id=withdrawn,
            base_version=1,
            op="delete",
        ),
    )
    assert [r["status"] for r in results] == ["applied", "applied"], results
    return {"updated": updated, "withdrawn": withdrawn}


def same_in_every_layout(client: Client, limit: int) -> dict[str, list[dict[str, Any]]]:
    """``client``'s feed read in every layout, checked to carry the same records,
    cursors and ends page by page; the pages by layout."""
    by_layout = {layout: pages(client, layout, limit) for layout in LAYOUTS}
    rows = by_layout["rows"]
    assert sum(len(records_of(page)) for page in rows) >= 14
    for layout in ("columns", "compact"):
        assert [(p["cursor"], p["has_more"]) for p in by_layout[layout]] == [
            (p["cursor"], p["has_more"]) for p in rows
        ]
        assert [records_of(p) for p in by_layout[layout]] == [records_of(p) for p in rows]
    return by_layout


@pytest.mark.parametrize("user", ["op3214", "prov32", "ri"])
def test_every_layout_carries_the_same_records_page_by_page(
    world: World, written: dict[str, str], user: str
) -> None:
    by_layout = same_in_every_layout(world.client(user), limit=5)
    seen = {r[1]: r for page in by_layout["compact"] for r in records_of(page)}
    tombstone = seen[written["withdrawn"]]
    assert tombstone[4] is True
    assert tombstone[5]["withdrawn_reason"] == "salah_input"
    assert "name" not in tombstone[5]  # a tombstone carries only its withdrawal fields
    assert seen[written["updated"]][5]["name"] == "NAMA BARU"


def test_a_compact_page_gives_a_column_whose_records_agree_once(
    world: World, written: dict[str, str]
) -> None:
    page = world.client("op3214").get("/v1/feed", after=0, limit=5000, layout="compact").json()
    [supporters] = [b for b in page["entities"] if b["entity"] == "supporter"]
    scope = supporters["values"][supporters["columns"].index("scope")]
    assert scope == {"same": "32.14"}
    assert supporters["count"] == len(supporters["values"][0]) >= 12


def test_a_columnar_page_is_gzip_compressed_only_for_a_client_that_accepts_it(
    world: World, written: dict[str, str]
) -> None:
    op = world.client("op3214")
    url = f"{world.server.url}/v1/feed"
    auth = {"Authorization": f"Bearer {op.token}"}
    params = {"after": 0, "limit": 5000, "layout": "compact"}
    zipped = requests.get(
        url, params=params, headers={**auth, "Accept-Encoding": "gzip"}, timeout=30
    )
    plain = requests.get(
        url, params=params, headers={**auth, "Accept-Encoding": "identity"}, timeout=30
    )
    assert zipped.status_code == plain.status_code == 200
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in plain.headers
    assert {**zipped.json(), "server_time": ""} == {**plain.json(), "server_time": ""}
    assert int(zipped.headers["Content-Length"]) < int(plain.headers["Content-Length"]) / 3


def test_an_unknown_layout_is_refused(world: World) -> None:
    r = world.client("op3214").get("/v1/feed", after=0, limit=10, layout="xml")
    assert r.status_code == 422
    assert "layout" in r.text
