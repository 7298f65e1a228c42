"""USB bundles: outbox out of an offline office, feed into it; damaged files refused."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, select

from silon_desktop.domain.errors import ErrorCode
from silon_desktop.storage.db import Database
from sync import sealed, signing
from sync.bundle import BundleError, decode_bundle, encode_feed_bundle, encode_outbox_bundle
from sync.client import status
from sync.client.bundles import (
    TrustedSigners,
    export_outbox,
    import_bundle,
    read_contents,
    trusted_signers,
)
from sync.protocol import Mutation, utc_now_iso
from tests.unit.sync.harness import Client, InProcessServer, seed_pair, supporter_values


def dump(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table: the whole database, to prove it did not change."""
    meta = MetaData()
    with db.engine.connect() as conn:
        meta.reflect(conn)
        return {
            name: sorted(map(tuple, conn.execute(select(table)).all()), key=repr)
            for name, table in meta.tables.items()
        }


def feed_bundle(server: InProcessServer, path: Path, key: Any = None) -> Path:
    """What the server side exports for an offline office: its feed, signed by its key."""
    from sync.server.feed import read_feed
    from sync.server.roles import Actor, Role

    actor = Actor(username="op1", role=Role.KABKOTA, region="32.14", device_id="x")
    page = read_feed(server.engine, actor, 0, 5000, utc_now_iso())
    signer = key or server.app.state.server.key
    data = encode_feed_bundle(signer, str(uuid.uuid4()), "32.14", "0", page, utc_now_iso())
    path.write_bytes(data)
    return path


def logged_in_once(client: Client, server: InProcessServer, *, role: str, scope: str) -> None:
    """What ``client`` keeps from an online login of its account as ``role`` of
    ``scope``: the server key, its read rules and the account's region."""
    from sync.client.state import SERVER_KEY, heard_read_rules, set_state
    from sync.credentials import store_offline_verifier
    from sync.server.roles import Actor, Role
    from tests.unit.sync.harness import PASSWORD

    store_offline_verifier(
        client.db, client.username, PASSWORD, role=role, scope=scope, server_url="inproc://server"
    )
    with client.db.engine.begin() as conn:
        set_state(conn, SERVER_KEY, server.public_key)
        heard_read_rules(conn, Actor(client.username, Role(role), scope, "").read_rules)


def server_of(client: Client) -> Any:
    return client.server.app.state.server


def inner_bundle(state: Any, path: Path) -> bytes:
    """The signed bundle inside a sealed file, opened with the server's box key."""
    return sealed.open_sealed(path.read_bytes(), state.box_key)


def _offline_edits(client: Client, pair: str, n: int) -> list[str]:
    return [client.repo.create("supporter", supporter_values(pair, i), "32.14") for i in range(n)]


def test_outbox_bundle_applies_at_the_server_once(
    make_client: Callable[..., Client], server: InProcessServer, tmp_path: Path
) -> None:
    from sync.server.bundles import import_bundle as server_import

    a, b = make_client("a"), make_client("b")
    pair = seed_pair(a)
    ids = _offline_edits(a, pair, 4)
    path = tmp_path / "kantor-a.silon"
    assert export_outbox(a.db, a.settings, a.folder, path).count == 4
    server.register_device_key(a)  # as a login with the device's public key does
    out = server_import(server.app.state.server, path.read_bytes(), None)
    assert [r["status"] for r in out["results"]] == ["applied"] * 4
    again = server_import(server.app.state.server, path.read_bytes(), None)
    assert [r["version"] for r in again["results"]] == [1] * 4  # stored answers, no new effect
    report = a.sync()  # the same mutations online later: answered from the store
    assert report.complete and report.acked == 4
    assert b.sync().complete
    assert {rid for (e, rid) in b.records() if e == "supporter"} == set(ids)
    assert server.records() == a.records() == b.records()


def test_an_outbox_bundle_signed_by_an_unknown_key_is_refused_and_nothing_is_queued(
    make_client: Callable[..., Client], tmp_path: Path
) -> None:
    """Issue #14: ``bundle import`` accepted an outbox bundle signed by any key and
    pushed its mutations as the local operator. Now another device's bundle (a real
    one, or one an attacker signed with a key of their own) is refused here."""
    a, b = make_client("a"), make_client("b")
    pair = seed_pair(a)
    assert b.sync().complete
    _offline_edits(a, pair, 3)
    path = tmp_path / "kantor-a.silon"
    export_outbox(a.db, a.settings, a.folder, path)
    path.write_bytes(inner_bundle(server_of(a), path))  # as if sealed to no one
    forged = tmp_path / "palsu.silon"
    body = decode_bundle(path.read_bytes())
    body["user"] = b.username  # the attacker names the victim as the author
    forged.write_bytes(
        encode_outbox_bundle(
            signing.generate_private_key(),
            str(uuid.uuid4()),
            b.settings.device_id,
            b.username,
            [Mutation.from_wire(m) for m in body["mutations"]],
            utc_now_iso(),
        )
    )
    before = dump(b.db)
    for stranger in (path, forged):
        with pytest.raises(BundleError) as refused:
            import_bundle(b.db, stranger, trusted=trusted_signers(b.settings, b.folder))
        assert "perangkat lain" in refused.value.message
        assert refused.value.code is ErrorCode.BUNDLE_OTHER_DEVICE
    with pytest.raises(BundleError):
        import_bundle(b.db, path)  # no trusted signer given: no outbox bundle at all
    assert dump(b.db) == before
    assert status(b.db).pending == 0  # nothing queued, nothing will be pushed as b


def test_an_outbox_bundle_of_this_device_and_operator_is_taken_back(
    make_client: Callable[..., Client], tmp_path: Path
) -> None:
    """A device's own signed bundle (e.g. after restoring a backup older than the export)
    is queued again under the same ids; the server applies nothing twice. The file it
    exports is sealed to the server: the client itself refuses it, naming the server."""
    a = make_client("a")
    pair = seed_pair(a)
    ids = _offline_edits(a, pair, 3)
    path = tmp_path / "kantor-a.silon"
    export_outbox(a.db, a.settings, a.folder, path)
    mine = trusted_signers(a.settings, a.folder)
    with pytest.raises(BundleError, match="terenkripsi untuk server") as refused:
        import_bundle(a.db, path, trusted=mine)
    assert refused.value.code is ErrorCode.BUNDLE_SEALED
    assert refused.value.params["name"] == "kantor-a.silon"
    path.write_bytes(inner_bundle(server_of(a), path))
    assert import_bundle(a.db, path, trusted=mine).already_known == 3
    other_user = TrustedSigners("operator-lain", mine.public_keys)
    with pytest.raises(BundleError, match="bukan pengguna yang sedang masuk") as refused:
        import_bundle(a.db, path, trusted=other_user)
    assert refused.value.code is ErrorCode.BUNDLE_OTHER_USER
    assert refused.value.params["user"] == a.settings.username
    assert a.sync().complete
    assert {rid for (e, rid) in a.records() if e == "supporter"} == set(ids)
    assert status(a.db).pending == 0


def test_feed_bundle_brings_server_changes_to_an_offline_machine(
    make_client: Callable[..., Client], server: InProcessServer, tmp_path: Path
) -> None:
    a, c = make_client("a"), make_client("c")
    pair = seed_pair(a)
    _offline_edits(a, pair, 5)
    assert a.sync().complete
    logged_in_once(c, server, role="kabkota", scope="32.14")
    result = import_bundle(c.db, feed_bundle(server, tmp_path / "feed.silon"), user=c.username)
    assert result.kind == "feed" and result.count == 7 and result.cursor_moved
    assert c.records() == server.records()
    c.transport.offline = False
    report = c.sync()  # online later: nothing new to pull, the cursor was moved
    assert report.complete and report.pulled == 0


def _tamper(data: bytes) -> bytes:
    body = json.loads(gzip.decompress(data))
    body["mutations"][0]["changes"]["name"][1] = "Nama palsu"
    return gzip.compress(json.dumps(body).encode())


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (lambda d: d[: len(d) // 2], "terpotong"),
        (lambda d: d[:-3], "terpotong"),
        (_tamper, "tidak sah"),
        (lambda d: b"PK\x03\x04" + d, "bukan bundel"),
        (lambda d: d[:20] + bytes([d[20] ^ 0xFF]) + d[21:], "rusak"),
    ],
)
def test_damaged_outbox_bundle_is_refused_and_changes_nothing(
    make_client: Callable[..., Client], tmp_path: Path, damage: Any, words: str
) -> None:
    a, b = make_client("a"), make_client("b")
    pair = seed_pair(a)
    assert b.sync().complete
    _offline_edits(a, pair, 2)
    path = tmp_path / "kantor-a.silon"
    export_outbox(a.db, a.settings, a.folder, path)
    path.write_bytes(damage(inner_bundle(server_of(a), path)))
    before = dump(b.db)
    with pytest.raises(BundleError) as caught:
        import_bundle(b.db, path)
    assert words in caught.value.message
    assert dump(b.db) == before


def test_feed_bundle_tampered_or_signed_by_another_key_is_refused(
    make_client: Callable[..., Client], server: InProcessServer, tmp_path: Path
) -> None:
    a, c = make_client("a"), make_client("c")
    seed_pair(a)
    with c.db.engine.begin() as conn:
        from sync.client.state import SERVER_KEY, set_state

        set_state(conn, SERVER_KEY, server.public_key)
    before = dump(c.db)
    stranger = feed_bundle(server, tmp_path / "asing.silon", key=signing.generate_private_key())
    with pytest.raises(BundleError, match="kunci yang tidak dikenal"):
        import_bundle(c.db, stranger)
    good = feed_bundle(server, tmp_path / "feed.silon")
    body = decode_bundle(good.read_bytes())
    body["page"]["entities"][0]["rows"][0][4] = "Pemilihan Palsu"
    good.write_bytes(gzip.compress(json.dumps(body).encode()))
    with pytest.raises(BundleError, match="tidak sah"):
        import_bundle(c.db, good)
    assert dump(c.db) == before


def test_a_feed_bundle_of_another_server_names_the_file_and_the_likely_cause(
    make_client: Callable[..., Client], server: InProcessServer, tmp_path: Path
) -> None:
    """A stick from a Bimtek room (the training server's feed bundle) on a real office PC,
    or the reverse: refused only as "signed by an unknown key", not saying which file nor
    that it comes from another server (a training one)."""
    c = make_client("c")
    with c.db.engine.begin() as conn:
        from sync.client.state import SERVER_KEY, set_state

        set_state(conn, SERVER_KEY, server.public_key)
    before = dump(c.db)
    room = feed_bundle(
        server, tmp_path / "bundel-latihan.silon", key=signing.generate_private_key()
    )
    with pytest.raises(BundleError) as refused:
        import_bundle(c.db, room)
    assert refused.value.code is ErrorCode.BUNDLE_OTHER_SERVER
    said = refused.value.message
    assert "bundel-latihan.silon" in said and "server latihan" in said
    assert "kunci yang tidak dikenal" in said and "tidak ada yang diubah" in said
    assert dump(c.db) == before


def test_an_export_to_a_missing_stick_says_so_and_leaves_no_half_file(
    make_client: Callable[..., Client], tmp_path: Path
) -> None:
    a = make_client("a")
    pair = seed_pair(a)
    a.repo.create("supporter", supporter_values(pair, 1), "32.14")
    gone = tmp_path / "USB-DICABUT" / "silon.bundle"  # the stick's folder is not there
    with pytest.raises(BundleError) as refused:
        export_outbox(a.db, a.settings, a.folder, gone)
    assert "flashdisk" in refused.value.message
    assert not gone.parent.exists()
    assert status(a.db).pending == 1  # still waiting, pushed or exported later


def test_an_export_while_the_keyring_cannot_be_read_keeps_the_device_key_and_the_changes(
    make_client: Callable[..., Client], tmp_path: Path, memory_keyring: Any
) -> None:
    """A keyring read that failed at an export signed the bundle with a new device key
    (written over the one the server knows): the server refused the bundle, and every
    later one, until the office's next online login. The export now stops and says so."""
    from sync import credentials

    a = make_client("a")
    pair = seed_pair(a)
    a.repo.create("supporter", supporter_values(pair, 1), "32.14")
    key = signing.public_key_b64(credentials.device_key(a.settings.device_id, a.folder))
    memory_keyring.unreadable = True
    path = tmp_path / "kantor-a.silon"
    with pytest.raises(credentials.KeyringUnreadable):
        export_outbox(a.db, a.settings, a.folder, path)
    assert status(a.db).pending == 1 and not path.exists()  # still waiting
    memory_keyring.unreadable = False
    assert signing.public_key_b64(credentials.device_key(a.settings.device_id, a.folder)) == key


def test_round_trip_by_usb_leaves_nothing_waiting(
    make_client: Callable[..., Client], server: InProcessServer, tmp_path: Path
) -> None:
    """Desktop export, server import, server feed export, desktop import: the changes
    that went out on the stick are answered by the feed bundle and no longer wait."""
    from sync.client.bundles import read_contents
    from sync.client.state import SERVER_KEY, set_state
    from sync.server.bundles import export_feed_bundle
    from sync.server.bundles import import_bundle as server_import

    a = make_client("a")
    pair = seed_pair(a)
    ids = _offline_edits(a, pair, 3)
    assert a.sync().complete  # the pair itself went online; the supporters wait
    a.transport.offline = True
    with a.db.engine.begin() as conn:
        set_state(conn, SERVER_KEY, server.public_key)
    more = _offline_edits(a, pair, 2)
    with a.db.engine.connect() as conn:
        from silon_desktop.storage.outbox import waiting_count

        assert waiting_count(conn) == 2
    stick = tmp_path / "keluar.silon"
    assert export_outbox(a.db, a.settings, a.folder, stick).count == 2
    server.register_device_key(a)
    out = server_import(server.app.state.server, stick.read_bytes(), None)
    assert [r["status"] for r in out["results"]] == ["applied", "applied"]
    state = server.app.state.server
    data, count, _cursor = export_feed_bundle(state, "32.14", 0)
    back = tmp_path / "masuk.silon"
    back.write_bytes(data)
    contents = read_contents(a.db, back)
    assert contents.kind == "feed" and contents.answers_for_me == 2
    assert contents.by_entity["supporter"] == len(ids) + len(more) and count == contents.count
    assert pair in contents.pairs
    result = import_bundle(a.db, back)
    assert result.answered == 2
    with a.db.engine.connect() as conn:
        assert waiting_count(conn) == 0
    assert status(a.db).pending == 0


def test_contents_of_an_outbox_bundle_name_the_device_pairs_and_kinds(
    make_client: Callable[..., Client], tmp_path: Path
) -> None:
    from sync.client.bundles import read_contents

    a = make_client("a")
    pair = seed_pair(a)
    _offline_edits(a, pair, 4)
    stick = tmp_path / "keluar.silon"
    exported = export_outbox(a.db, a.settings, a.folder, stick)
    with pytest.raises(BundleError, match="terenkripsi untuk server"):
        read_contents(a.db, stick)  # sealed to the server: its contents are the server's
    stick.write_bytes(inner_bundle(server_of(a), stick))  # the signed bundle inside
    contents = read_contents(a.db, stick)
    assert contents.kind == "outbox" and contents.device_id == a.settings.device_id
    assert contents.user == a.settings.username and contents.created_at
    assert contents.by_entity["supporter"] == 4 and contents.count == exported.count
    assert contents.pairs[pair]  # labelled: number and names of the pair


def test_a_gzip_bomb_bundle_is_refused_before_it_inflates(tmp_path: Path) -> None:
    """Issue #14: a 300 KB gzip bundle took 680 MB before it was refused."""
    import psutil

    bomb = gzip.compress(b'{"format": "silon-bundle-1", "pad": "' + b" " * (300 * 1024**2))
    assert len(bomb) < 400 * 1024
    rss_before = psutil.Process().memory_info().rss
    with pytest.raises(BundleError) as refused:
        decode_bundle(bomb)
    assert refused.value.code is ErrorCode.BUNDLE_INFLATES_TOO_FAR
    assert "jauh lebih besar dari wajar" in refused.value.message
    assert f"dari {len(bomb):,} byte" in refused.value.message
    assert psutil.Process().memory_info().rss - rss_before < 100 * 1024**2


def test_an_outbox_bundle_is_sealed_to_the_server_and_opened_only_there(
    make_client: Callable[..., Client], server: InProcessServer, tmp_path: Path
) -> None:
    """Issue #14: USB outbox bundles (199,999 names in a 12 MB file) were plain. Now the
    file on the stick is encrypted to the server's X25519 key: no name, NIK or even gzip
    header in it; the server opens it; a changed byte or another key cannot."""
    from sync.server.bundles import import_bundle as server_import
    from sync.server.errors import ApiError

    a = make_client("a")
    pair = seed_pair(a)
    _offline_edits(a, pair, 3)
    path = tmp_path / "kantor-a.silon"
    export_outbox(a.db, a.settings, a.folder, path)
    data = path.read_bytes()
    assert sealed.is_sealed(data) and b"\x1f\x8b" not in data[:64]
    inner = gzip.decompress(inner_bundle(server_of(a), path))
    assert b"Pendukung 1" in inner and b"Pendukung 1" not in data
    with pytest.raises(sealed.SealedError, match="penerima lain") as other:
        sealed.open_sealed(data, sealed.generate_key())
    assert other.value.code is ErrorCode.SEALED_OTHER_RECIPIENT
    changed = bytearray(data)
    changed[-20] ^= 0x01
    with pytest.raises(ApiError):
        server_import(server_of(a), bytes(changed), None)
    server.register_device_key(a)
    out = server_import(server_of(a), data, None)
    assert [r["status"] for r in out["results"]] == ["applied"] * 3


def test_no_export_before_the_server_key_is_known(
    make_client: Callable[..., Client], tmp_path: Path
) -> None:
    a = make_client("a")
    a.repo.create("election", {"name": "Uji", "kind": "bupati", "region_code": "32.14"}, "32.14")
    with pytest.raises(BundleError, match="Kunci enkripsi server belum dikenal") as refused:
        export_outbox(a.db, a.settings, a.folder, tmp_path / "x.silon")
    assert refused.value.code is ErrorCode.BUNDLE_NO_BOX_KEY
    assert status(a.db).pending == 1  # still waiting
    assert not (tmp_path / "x.silon").exists()


def test_the_device_box_key_comes_from_the_device_secret_and_opens_only_its_own() -> None:
    """Feed bundles sealed to a device (#14): the server derives the public half from
    the device's secret, the desktop the private half from the same secret."""
    import base64
    import os

    from sync import sealed

    secret, other = (base64.b64encode(os.urandom(32)).decode("ascii") for _ in range(2))
    mine = sealed.device_box_key(secret)
    assert sealed.private_bytes(sealed.device_box_key(secret)) == sealed.private_bytes(mine)
    stick = sealed.seal(b"feed bundle", sealed.public_b64(mine))
    assert sealed.recipient_of(stick) == sealed.key_id(sealed.public_b64(mine))
    assert sealed.open_sealed(stick, mine) == b"feed bundle"
    with pytest.raises(sealed.SealedError) as refused:
        sealed.open_sealed(stick, sealed.device_box_key(other))
    assert refused.value.detail == "recipient"
    assert sealed.recipient_of(b"not sealed") == ""


def test_a_file_too_large_or_unreadable_is_refused_naming_the_file(
    make_client: Callable[..., Client], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The wrong file picked (a huge one, or one that is gone): a coded refusal that
    names the file, nothing read into memory and nothing imported."""
    import sync.client.bundles as bundles

    a = make_client("a")
    big = tmp_path / "film.mp4"
    big.write_bytes(b"\0" * 4096)
    monkeypatch.setattr(bundles, "MAX_BUNDLE_BYTES", 1024)
    with pytest.raises(BundleError) as refused:
        import_bundle(a.db, big, trusted=trusted_signers(a.settings, a.folder))
    assert refused.value.code is ErrorCode.BUNDLE_FILE_TOO_LARGE
    assert refused.value.params == {"name": "film.mp4", "size": "4,096"}
    assert refused.value.message == (
        "Berkas film.mp4 terlalu besar untuk sebuah bundel (4,096 byte); bundel ditolak."
    )
    with pytest.raises(BundleError) as gone:
        import_bundle(a.db, tmp_path / "hilang.silon")
    assert gone.value.code is ErrorCode.BUNDLE_FILE_UNREADABLE
    assert gone.value.message == "Berkas bundel hilang.silon tidak dapat dibaca."
    assert status(a.db).pending == 0


def test_a_bundle_office_whose_supporter_moved_away_keeps_nothing_of_it(
    make_client: Callable[..., Client], server: InProcessServer, tmp_path: Path
) -> None:
    """An office verifying by USB: its edit of a province supporter is applied from the
    stick, then the province moves the supporter to another kab/kota. The feed bundle
    answers the office's edit (bare: status and version, none of the record) and
    brings the departure: the row is blanked, no conflict opens, nothing waits."""
    from sqlalchemy import text

    from silon_desktop.reports.recap import pair_recap
    from silon_desktop.storage.outbox import waiting_count
    from sync.client.state import SERVER_KEY, set_state
    from sync.protocol import Op
    from sync.server.bundles import export_feed_bundle
    from sync.server.bundles import import_bundle as server_import
    from sync.server.push import apply_batch
    from sync.server.roles import Actor, Role

    province = Actor("prov32", Role.PROVINCE, "32", "p-1")

    def push(*mutations: Mutation) -> None:
        done = apply_batch(
            server.engine, server.config, province, str(uuid.uuid4()), list(mutations)
        )
        assert {r.status.value for r in done} == {"applied"}, done

    def create(entity: str, changes: dict[str, Any]) -> Mutation:
        return Mutation(str(uuid.uuid4()), entity, str(uuid.uuid4()), "32", Op.UPSERT, 0, {
            k: (None, v) for k, v in changes.items()
        })  # fmt: skip

    election = create("election", {"name": "Pilgub", "kind": "gubernur", "region_code": "32"})
    pair = create("pair", {"election_id": election.record_id, "number": 1})
    person = {"nik": "3214015505900001", "name": "SITI RAHASIA", "address": "JL. KENANGA 7"}
    moved = create("supporter", {"pair_id": pair.record_id, **person, "kabkota_code": "32.14"})
    push(election, pair, moved)
    a = make_client("a")
    assert a.sync().complete
    a.transport.offline = True
    with a.db.engine.begin() as conn:
        set_state(conn, SERVER_KEY, server.public_key)
    a.repo.update("supporter", moved.record_id, {"rt": "007"})
    stick = tmp_path / "keluar.silon"
    assert export_outbox(a.db, a.settings, a.folder, stick).count == 1
    server.register_device_key(a)
    out = server_import(server.app.state.server, stick.read_bytes(), None)
    assert [r["status"] for r in out["results"]] == ["applied"]
    push(
        Mutation(
            str(uuid.uuid4()),
            "supporter",
            moved.record_id,
            "32",
            Op.UPSERT,
            2,
            {"kabkota_code": ("32.14", "32.15")},
        )  # fmt: skip
    )
    data, _count, _cursor = export_feed_bundle(server.app.state.server, "32.14", 0)
    opened = json.dumps(decode_bundle(data))
    assert "SITI RAHASIA" not in opened and "KENANGA" not in opened and "3214015505" not in opened
    assert moved.record_id in opened  # the departure and the bare answer
    back = tmp_path / "masuk.silon"
    back.write_bytes(data)
    assert import_bundle(a.db, back).answered == 1
    with a.db.engine.connect() as conn:
        assert waiting_count(conn) == 0
        row = conn.execute(
            text("SELECT deleted, nik, name, address FROM supporter WHERE id = :i"),
            {"i": moved.record_id},
        ).one()
        assert tuple(row) == (1, "", "", "")
        assert conn.execute(text("SELECT count(*) FROM conflict")).scalar_one() == 0
    standing = pair_recap(a.db.engine, pair.record_id).standing
    assert standing is not None and (standing.waiting, standing.conflicts) == (0, 0)


def test_a_usb_round_trip_that_leaves_nothing_waiting_is_the_last_complete_sync(
    make_client: Callable[..., Client], server: InProcessServer, tmp_path: Path
) -> None:
    """An office that works by USB only: its recap names the feed bundle's time as the
    last complete sync once the bundle answered everything it sent; not while an edit
    made after the export still waits."""
    from sqlalchemy import text

    from silon_desktop.reports.recap import pair_recap
    from sync.server.bundles import export_feed_bundle
    from sync.server.bundles import import_bundle as server_import

    a = make_client("a")
    pair = seed_pair(a)
    a.transport.offline = True
    logged_in_once(a, server, role="kabkota", scope="32.14")
    with a.db.engine.begin() as conn:
        conn.execute(text("DELETE FROM sync_state WHERE key = 'last_success_at'"))
    _offline_edits(a, pair, 2)
    stick = tmp_path / "keluar.silon"
    assert export_outbox(a.db, a.settings, a.folder, stick).count == 2
    a.repo.create("supporter", supporter_values(pair, 9), "32.14")  # made after the export
    server.register_device_key(a)
    server_import(server.app.state.server, stick.read_bytes(), None)
    state = server.app.state.server
    back = tmp_path / "masuk.silon"
    back.write_bytes(export_feed_bundle(state, "32.14", 0)[0])
    assert import_bundle(a.db, back, user=a.username).answered == 2
    standing = pair_recap(a.db.engine, pair).standing
    assert standing is not None and standing.waiting == 1 and standing.last_sync is None
    # The late edit goes on the next stick; the next feed bundle answers it.
    second = tmp_path / "keluar-2.silon"
    assert export_outbox(a.db, a.settings, a.folder, second).count == 1
    server_import(state, second.read_bytes(), None)
    made = decode_bundle(export_feed_bundle(state, "32.14", 0)[0])["created_at"]
    back.write_bytes(export_feed_bundle(state, "32.14", 0)[0])
    assert import_bundle(a.db, back, user=a.username).answered >= 1
    standing = pair_recap(a.db.engine, pair).standing
    assert standing is not None and standing.confirmed
    written = dt.datetime.fromisoformat(str(made)).astimezone(dt.UTC)
    assert standing.last_sync is not None
    assert abs(standing.last_sync - written) < dt.timedelta(seconds=5)


def test_a_feed_bundle_of_another_region_is_refused_and_the_next_sync_misses_nothing(
    make_client: Callable[..., Client], server: InProcessServer, tmp_path: Path
) -> None:
    """A feed bundle the server wrote for another kab/kota (``--scope 32.15``), taken
    to this 32.14 office: its cursor (a position in the server's one sequence) moved
    this office's cursor past the 32.14 changes a colleague had synced meanwhile, so
    the next online sync never brought them (their supporters missing from the recap),
    and another office's citizens landed here. Now it is refused, naming the file and
    both regions, and nothing changes."""
    from sync.credentials import store_offline_verifier
    from sync.protocol import Op
    from sync.server.bundles import export_feed_bundle
    from sync.server.push import apply_batch
    from sync.server.roles import Actor, Role
    from tests.unit.sync.harness import PASSWORD

    a, b = make_client("a"), make_client("b")
    pair = seed_pair(a)
    store_offline_verifier(
        a.db, a.username, PASSWORD, role="kabkota", scope="32.14", server_url="inproc://server"
    )  # as a's online login keeps it
    with a.db.engine.begin() as conn:
        from sync.client.state import SERVER_KEY, set_state

        set_state(conn, SERVER_KEY, server.public_key)
    assert b.sync().complete
    colleague = [b.repo.create("supporter", supporter_values(pair, i), "32.14") for i in range(3)]
    assert b.sync().complete
    other = Actor("op15", Role.KABKOTA, "32.15", "dev-15")

    def create(entity: str, changes: dict[str, Any]) -> Mutation:
        return Mutation(str(uuid.uuid4()), entity, str(uuid.uuid4()), "32.15", Op.UPSERT, 0, {
            k: (None, v) for k, v in changes.items()
        })  # fmt: skip

    election = create(
        "election", {"name": "Pilbup lain", "kind": "bupati", "region_code": "32.15", "year": 2024}
    )
    their_pair = create("pair", {"election_id": election.record_id, "number": 1})
    stranger = create(
        "supporter", {"pair_id": their_pair.record_id, "nik": "3215015505900001", "name": "LAIN"}
    )
    done = apply_batch(
        server.engine, server.config, other, str(uuid.uuid4()), [election, their_pair, stranger]
    )
    assert {r.status.value for r in done} == {"applied"}
    stick = tmp_path / "dari-server.silon"
    stick.write_bytes(export_feed_bundle(server.app.state.server, "32.15", 0)[0])
    before = dump(a.db)
    with pytest.raises(BundleError) as refused:
        import_bundle(a.db, stick, user=a.username)
    assert refused.value.code is ErrorCode.BUNDLE_OTHER_REGION
    assert "dari-server.silon" in refused.value.message
    assert "32.15" in refused.value.message and "32.14" in refused.value.message
    with pytest.raises(BundleError):
        read_contents(a.db, stick, user=a.username)  # refused before the Impor button
    with pytest.raises(BundleError):  # the command's way: the operator from its signers
        import_bundle(a.db, stick, trusted=trusted_signers(a.settings, a.folder))
    assert dump(a.db) == before
    assert a.sync().complete
    supporters = {rid for (e, rid) in a.records() if e == "supporter"}
    assert set(colleague) <= supporters and stranger.record_id not in supporters
    own = tmp_path / "wilayah-sendiri.silon"  # this region's bundle is still taken
    own.write_bytes(export_feed_bundle(server.app.state.server, "32.14", 0)[0])
    assert import_bundle(a.db, own, user=a.username).kind == "feed"


def _other_kabkota_supporter(server: InProcessServer, scope: str, nik: str) -> str:
    """A supporter of another kab/kota's election, pushed by that office; its id."""
    from sync.protocol import Op
    from sync.server.push import apply_batch
    from sync.server.roles import Actor, Role

    def create(entity: str, changes: dict[str, Any]) -> Mutation:
        return Mutation(str(uuid.uuid4()), entity, str(uuid.uuid4()), scope, Op.UPSERT, 0, {
            k: (None, v) for k, v in changes.items()
        })  # fmt: skip

    election = create(
        "election", {"name": "Pilbup lain", "kind": "bupati", "region_code": scope, "year": 2024}
    )
    pair = create("pair", {"election_id": election.record_id, "number": 1})
    supporter = create("supporter", {"pair_id": pair.record_id, "nik": nik, "name": "LAIN"})
    office = Actor(f"op{scope}", Role.KABKOTA, scope, f"dev-{scope}")
    done = apply_batch(
        server.engine, server.config, office, str(uuid.uuid4()), [election, pair, supporter]
    )
    assert {r.status.value for r in done} == {"applied"}
    return supporter.record_id


def test_a_province_computer_takes_a_kabkota_bundle_without_its_cursor(
    make_client: Callable[..., Client], server: InProcessServer, tmp_path: Path
) -> None:
    """A kab/kota's feed bundle holds records a province reads, but not all of them:
    its cursor (a position in the server's one sequence) would have carried the
    province's computer past another kab/kota's changes, which no later sync would
    then bring. The records are taken and the cursor stays; a province's own bundle
    (``--scope 32``: every kab/kota below it) moves it."""
    from sync.client.state import feed_start
    from sync.server.bundles import export_feed_bundle

    a, p = make_client("a"), make_client("c")
    pair = seed_pair(a)
    ours = _offline_edits(a, pair, 2)
    assert a.sync().complete
    theirs = _other_kabkota_supporter(server, "32.15", "3215015505900001")
    logged_in_once(p, server, role="province", scope="32")
    state = server_of(a)
    kabkota = tmp_path / "kab-32.14.silon"
    kabkota.write_bytes(export_feed_bundle(state, "32.14", 0)[0])
    taken = import_bundle(p.db, kabkota, user=p.username)
    assert taken.kind == "feed" and not taken.cursor_moved
    with p.db.engine.connect() as conn:
        assert feed_start(conn) in ("", "0")  # the next sync still starts at the beginning
    supporters = {rid for (e, rid) in p.records() if e == "supporter"}
    assert set(ours) <= supporters and theirs not in supporters
    province = tmp_path / "prov-32.silon"
    data, count, cursor = export_feed_bundle(state, "32", 0)
    assert decode_bundle(data)["scope"] == "32.*" and count == 4 + 3  # both elections
    province.write_bytes(data)
    assert read_contents(p.db, province, user=p.username).scope == "32"
    whole = import_bundle(p.db, province, user=p.username)
    assert whole.cursor_moved
    with p.db.engine.connect() as conn:
        assert feed_start(conn) == cursor
    assert {theirs, *ours} <= {rid for (e, rid) in p.records() if e == "supporter"}


def test_a_feed_bundle_for_an_account_never_seen_online_keeps_the_cursor(
    make_client: Callable[..., Client], server: InProcessServer, tmp_path: Path
) -> None:
    """Without the account's region (no online login here, or no operator named) the
    bundle's records are taken but its cursor is not: it may not be of all this
    computer reads. The next online sync brings everything from the start."""
    a, c = make_client("a"), make_client("c")
    pair = seed_pair(a)
    _offline_edits(a, pair, 3)
    assert a.sync().complete
    with c.db.engine.begin() as conn:
        from sync.client.state import SERVER_KEY, set_state

        set_state(conn, SERVER_KEY, server.public_key)
    result = import_bundle(c.db, feed_bundle(server, tmp_path / "feed.silon"))
    assert result.kind == "feed" and result.count == 5 and not result.cursor_moved
    assert c.records() == server.records()
    c.transport.offline = False
    report = c.sync()
    assert report.complete and report.pulled == 5  # from the start: nothing missed


def _feed_tampered(data: bytes) -> bytes:
    body = decode_bundle(data)
    body["page"]["entities"][0]["rows"][0][4] = "Pemilihan Palsu"
    return gzip.compress(json.dumps(body).encode())


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d[: len(d) // 2],  # copied halfway
        _feed_tampered,
        lambda d: b"PK\x03\x04" + d,  # a spreadsheet picked by mistake
        lambda d: d[:20] + bytes([d[20] ^ 0xFF]) + d[21:],
        "another server",
    ],
    ids=["truncated", "tampered", "not-a-bundle", "damaged", "another-server"],
)
def test_a_refused_feed_bundle_names_its_file_when_read_and_when_imported(
    make_client: Callable[..., Client], server: InProcessServer, tmp_path: Path, damage: Any
) -> None:
    """The operator picked one of several files on the stick: the refusal says which."""
    a, c = make_client("a"), make_client("c")
    seed_pair(a)
    logged_in_once(c, server, role="kabkota", scope="32.14")
    path = tmp_path / "kpu-3214-2026-12-07.silon"
    if damage == "another server":
        feed_bundle(server, path, key=signing.generate_private_key())
    else:
        feed_bundle(server, path)
        path.write_bytes(damage(path.read_bytes()))
    before = dump(c.db)
    for step in (read_contents, import_bundle):
        with pytest.raises(BundleError) as refused:
            step(c.db, path, user=c.username)
        assert path.name in refused.value.message, refused.value.message
    assert dump(c.db) == before
