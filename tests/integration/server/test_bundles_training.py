"""USB bundles through the push path (HTTP and CLI), and the training server."""

from __future__ import annotations

import uuid
from pathlib import Path

from sync import signing
from sync.bundle import encode_outbox_bundle
from sync.protocol import Mutation, decode_feed_page
from tests.integration.server.conftest import PASSWORD, World, mutation


def _bundle(
    world: World, key: signing.Ed25519PrivateKey, device: str, n: int = 3
) -> tuple[bytes, list[dict]]:
    _e, pairs = world.elections["32.14"]
    wire = [
        mutation("supporter", {"pair_id": pairs[0], "nik": f"32140155059{i:05d}"}) for i in range(n)
    ]
    data = encode_outbox_bundle(
        key,
        str(uuid.uuid4()),
        device,
        "op3214",
        [Mutation.from_wire(m) for m in wire],
        "2024-08-01T10:00:00Z",
    )
    return data, wire


def test_signed_bundle_applies_once_over_http_and_by_cli(world: World, tmp_path: Path) -> None:
    key = signing.generate_private_key()
    device = "usb-laptop"
    world.server.login("op3214", PASSWORD, device_id=device, public_key=signing.public_key_b64(key))
    data, wire = _bundle(world, key, device)
    op = world.client("op3214")
    r = world.server.request(
        "POST", "/v1/bundles", op.token, data=data, headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 200, r.text
    assert [x["status"] for x in r.json()["results"]] == ["applied"] * 3
    public = world.server.request("GET", "/v1/server-key").json()["public_key"]
    assert signing.verify(public, r.json()["receipt"]["body"], r.json()["receipt"]["signature"])
    # The same file again by the admin command: stored results, nothing twice.
    path = tmp_path / "bundle.json.gz"
    path.write_bytes(data)
    out = world.server.cli("bundle", "import", str(path))
    assert "3 diterapkan" in out.stdout
    for m in wire:
        assert op.get(f"/v1/records/supporter/{m['record_id']}").json()["version"] == 1


def test_tampered_or_unregistered_bundles_are_refused(world: World) -> None:
    key = signing.generate_private_key()
    device = "usb-other"
    data, _wire = _bundle(world, key, device)
    op = world.client("op3214")
    r = world.server.request("POST", "/v1/bundles", op.token, data=data)
    assert r.status_code == 422 and r.json()["error"] == "unknown_device"
    world.server.login("op3214", PASSWORD, device_id=device, public_key=signing.public_key_b64(key))
    import gzip
    import json

    body = json.loads(gzip.decompress(data))
    body["mutations"][0]["changes"]["nik"][1] = "3214019999990001"
    r = world.server.request(
        "POST", "/v1/bundles", op.token, data=gzip.compress(json.dumps(body).encode())
    )
    assert r.status_code == 422 and r.json()["error"] == "bad_signature"
    assert (
        world.server.request(
            "POST", "/v1/bundles", op.token, data=data[: len(data) // 2]
        ).status_code
        == 400
    )


def test_feed_bundle_export_is_signed_by_the_server_key(world: World, tmp_path: Path) -> None:
    from sync.bundle import FEED_FORMAT, decode_bundle

    out = tmp_path / "feed.json.gz"
    done = world.server.cli("bundle", "export", "--scope", "32.15", "--output", str(out))
    assert "data wilayah 32.15" in done.stdout
    key = world.server.request("GET", "/v1/server-key").json()["public_key"]
    body = decode_bundle(out.read_bytes(), expected_format=FEED_FORMAT, trusted_key=key)
    page = decode_feed_page(body["page"])
    # 32.15's own scope, and of its province's (a governor election another test of the
    # session's world may have made) only what 32.15 reads: no supporter living elsewhere.
    assert page.records and {r.scope for r in page.records} <= {"32.15", "32"}
    assert "32.15" in {r.scope for r in page.records}
    assert all(
        r.fields.get("kabkota_code") == "32.15"
        for r in page.records
        if r.scope == "32" and r.entity == "supporter"
    )
    assert {r.id for r in page.records} >= {world.elections["32.15"][0]}
