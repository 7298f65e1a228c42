"""The columnar feed page: round trip, tombstones, and wire size against gzip CSV."""

from __future__ import annotations

import csv
import gzip
import io
import json
import random
import uuid

from sync.protocol import (
    ENTITIES,
    FeedPage,
    Record,
    decode_feed_page,
    encode_feed_page,
    gunzip_json,
    gzip_json,
)


def _supporter(rng: random.Random, i: int) -> Record:
    spec = ENTITIES["supporter"]
    fields = {name: None for name in spec.field_names}
    female = rng.random() < 0.5
    fields.update(
        pair_id="6f1c1e1a-0000-4000-8000-000000000001",
        nik=f"3214{rng.randint(10, 17):02d}{rng.randint(1, 28) + (40 if female else 0):02d}"
        f"{rng.randint(1, 12):02d}{rng.randint(50, 99)}{rng.randint(1, 9999):04d}",
        name=rng.choice(["SITI", "BUDI", "DEWI", "AGUS", "RINA"])
        + " "
        + rng.choice(["AMINAH", "SANTOSO", "LESTARI", "WIJAYA", "HIDAYAT"]),
        birth_place=rng.choice(["PURWAKARTA", "BANDUNG", "KARAWANG"]),
        birth_date=f"19{rng.randint(50, 99)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        sex="P" if female else "L",
        marital_status=rng.choice("BSP"),
        occupation=rng.choice(["PETANI/PEKEBUN", "WIRASWASTA", "KARYAWAN SWASTA"]),
        address=f"KP. {rng.choice(['SUKAMAJU', 'CIBATU', 'MEKARSARI'])} NO. {rng.randint(1, 200)}",
        rt=f"{rng.randint(1, 15):03d}",
        rw=f"{rng.randint(1, 9):03d}",
        desa_code=f"32.14.{rng.randint(10, 17):02d}.200{rng.randint(1, 9)}",
        kecamatan_code=f"32.14.{rng.randint(10, 17):02d}",
        kabkota_code="32.14",
        has_id_scan=True,
        nik_from_number=False,
        check_status="MS",
        check_reasons=[],
        external_duplicate=False,
    )
    return Record(
        "supporter", str(uuid.UUID(int=rng.getrandbits(128))), "32.14", 1 + i % 3, False, fields
    )


def test_page_round_trips_with_tombstones_and_parent_order() -> None:
    rng = random.Random(1)
    pair = Record(
        "pair",
        "p1",
        "32.14",
        2,
        False,
        {n: None for n in ENTITIES["pair"].field_names} | {"number": 1},
    )
    tomb = Record("supporter", "s-dead", "32.14", 4, True, {})
    records = [_supporter(rng, 0), tomb, pair]
    wire = encode_feed_page(FeedPage(records, "99", True, "2024-08-01T00:00:00.000Z"))
    assert [b["entity"] for b in wire["entities"]] == ["pair", "supporter"]
    page = decode_feed_page(json.loads(json.dumps(wire)))
    assert page.cursor == "99" and page.has_more
    by_id = {r.id: r for r in page.records}
    assert by_id["p1"] == pair
    assert by_id["s-dead"].deleted and by_id["s-dead"].fields == {}
    assert by_id[records[0].id] == records[0]


def test_a_record_lacking_a_field_goes_out_with_null_for_it() -> None:
    """A record written before a field existed has no key for it: its row carries
    null there and every other field in its column, beside records that have all."""
    rng = random.Random(2)
    whole = _supporter(rng, 0)
    older = _supporter(rng, 1)
    del older.fields["round"]
    wire = encode_feed_page(FeedPage([whole, older], "7", False))
    [block] = wire["entities"]
    columns = block["columns"]
    rows = {row[0]: dict(zip(columns, row, strict=True)) for row in block["rows"]}
    assert rows[older.id]["round"] is None
    assert rows[whole.id]["round"] == whole.fields["round"]
    for name in ENTITIES["supporter"].field_names:
        if name != "round":
            assert rows[older.id][name] == older.fields[name]
            assert rows[whole.id][name] == whole.fields[name]


def test_decoder_reads_columns_by_name_and_ignores_unknown_entities() -> None:
    wire = {
        "cursor": "5",
        "has_more": False,
        "entities": [
            {
                "entity": "pair",
                "columns": ["deleted", "version", "id", "scope", "number", "x"],
                "rows": [[False, 3, "p9", "32.14", 2, "new column"]],
            },
            {"entity": "future_thing", "columns": ["id"], "rows": [["f1"]]},
        ],
    }
    [rec] = decode_feed_page(wire).records
    assert (rec.id, rec.version, rec.fields) == ("p9", 3, {"number": 2})


def test_wire_bytes_per_record_within_125_percent_of_gzip_csv() -> None:
    rng = random.Random(7)
    records = [_supporter(rng, i) for i in range(2000)]
    wire = gzip.compress(
        json.dumps(encode_feed_page(FeedPage(records, "1", False)), separators=(",", ":")).encode(),
        6,
    )
    out = io.StringIO()
    writer = csv.writer(out)
    names = ENTITIES["supporter"].field_names
    writer.writerow(["id", "scope", "version", "deleted", *names])
    for r in records:
        row = [r.id, r.scope, r.version, int(r.deleted)]
        for n in names:
            v = r.fields[n]
            row.append(
                ",".join(v)
                if isinstance(v, list)
                else ""
                if v is None
                else int(v)
                if isinstance(v, bool)
                else v
            )
        writer.writerow(row)
    baseline = gzip.compress(out.getvalue().encode(), 6)
    assert len(wire) <= 1.25 * len(baseline), (len(wire), len(baseline))


def test_gzip_json_helpers_round_trip_and_refuse_garbage() -> None:
    obj = {"a": [1, "ü", None]}
    assert gunzip_json(gzip_json(obj)) == obj
    assert gunzip_json(b'{"plain": true}') == {"plain": True}
    try:
        gunzip_json(gzip_json(obj)[:-6])
    except ValueError:
        pass
    else:
        raise AssertionError("a truncated gzip body must be refused")
