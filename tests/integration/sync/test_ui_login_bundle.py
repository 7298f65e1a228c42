"""A machine logged in through the application's login (not the command) can file by USB."""

from __future__ import annotations

from pathlib import Path

from silon_desktop import paths
from silon_desktop.config import Settings
from silon_desktop.services import Services
from silon_desktop.storage.db import open_database
from sync.client.bundles import export_outbox
from sync.client.state import SERVER_KEY, get_state
from tests.fixtures import open_data
from tests.integration.server_process import ServerProcess
from tests.integration.sync.conftest import add_user, live, server_feed
from tests.integration.sync.test_commands import _edits, cli
from tests.unit.sync.harness import PASSWORD


def test_app_login_registers_the_device_key_so_a_usb_bundle_is_accepted(
    server: ServerProcess, region: str, fast_dir: Path
) -> None:
    user = f"app{region.replace('.', '')}"
    add_user(server, user, region)
    data = fast_dir / "kantor-app"
    app_paths = paths.resolve(data).ensure()
    settings = Settings(server_url=server.url)
    db = open_database(app_paths.database)
    try:
        result = Services(app_paths, settings, db).login(user, PASSWORD)
        assert result.ok and result.online, result
        with db.engine.connect() as conn:
            assert get_state(conn, SERVER_KEY), "the server key is kept for offline checks"
    finally:
        db.close()
    settings.save(app_paths.settings)
    ids = _edits(data, region, 3)
    stick = fast_dir / "app.silon"
    # Exported in this process: the device key lives in the same (test) keyring as at login.
    db = open_database(app_paths.database)
    try:
        assert export_outbox(db, settings, app_paths.data, stick).count == 5
    finally:
        db.close()
    imported = server.cli("bundle", "import", str(stick), check=False)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    feed = server_feed(server, server.login(user, PASSWORD, device_id="checker"))
    assert {k[1] for k in live(feed) if k[0] == "supporter"} == set(ids)


def test_server_feed_bundle_brings_changes_to_an_offline_office(
    server: ServerProcess, region: str, fast_dir: Path
) -> None:
    """The reverse trip: `silon-server bundle export` on a USB stick, imported offline."""
    online, offline = f"on{region.replace('.', '')}", f"off{region.replace('.', '')}"
    add_user(server, online, region)
    add_user(server, offline, region)
    connected, remote = fast_dir / "kantor-daring", fast_dir / "kantor-luring"
    assert cli(connected, "--server", server.url, "login", "--user", online).returncode == 0
    assert cli(remote, "--server", server.url, "login", "--user", offline).returncode == 0
    ids = _edits(connected, region, 4)
    assert cli(connected, "sync").returncode == 0
    stick = fast_dir / "feed.silon"
    server.cli("bundle", "export", "--scope", region, "--output", str(stick))
    # The remote office has no connection now: the stick is its only way in.
    done = cli(remote, "--server", "http://127.0.0.1:9", "bundle", "import", str(stick))
    assert done.returncode == 0, done.stdout + done.stderr
    db = open_data(remote)
    try:
        with db.engine.connect() as conn:
            got = {r[0] for r in conn.exec_driver_sql("SELECT id FROM supporter WHERE deleted = 0")}
    finally:
        db.close()
    assert got == set(ids)


def test_a_feed_bundle_sealed_to_one_device_opens_there_only(
    server: ServerProcess, region: str, fast_dir: Path
) -> None:
    """Issue #14: `silon-server bundle export --user U --device D` seals the stick to
    that desktop (a key derived from the secret its logins received): no NIK on the
    stick, the named office imports it offline, another office cannot open it."""
    from sync import sealed

    online, offline = f"so{region.replace('.', '')}", f"sf{region.replace('.', '')}"
    add_user(server, online, region)
    add_user(server, offline, region)
    connected, remote = fast_dir / "kantor-daring-s", fast_dir / "kantor-luring-s"
    assert cli(connected, "--server", server.url, "login", "--user", online).returncode == 0
    assert cli(remote, "--server", server.url, "login", "--user", offline).returncode == 0
    ids = _edits(connected, region, 4)
    assert cli(connected, "sync").returncode == 0
    db = open_data(connected)
    try:
        with db.engine.connect() as conn:
            niks = [r[0] for r in conn.exec_driver_sql("SELECT nik FROM supporter")]
    finally:
        db.close()
    device = Settings.load(remote / "settings.json").device_id
    shown = cli(remote, "status")
    assert f"Perangkat ini              : {device} ({offline})" in shown.stdout

    stick = fast_dir / "feed-tersegel.silon"
    made = server.cli(
        "bundle", "export", "--scope", region, "--user", offline, "--device", device,
        "--output", str(stick),
    )  # fmt: skip
    assert f"terenkripsi untuk perangkat {device}" in made.stdout
    content = stick.read_bytes()
    assert sealed.is_sealed(content)
    assert niks and not any(nik.encode() in content for nik in niks)

    done = cli(remote, "--server", "http://127.0.0.1:9", "bundle", "import", str(stick))
    assert done.returncode == 0, done.stdout + done.stderr
    db = open_data(remote)
    try:
        with db.engine.connect() as conn:
            got = {r[0] for r in conn.exec_driver_sql("SELECT id FROM supporter WHERE deleted = 0")}
    finally:
        db.close()
    assert got == set(ids)

    refused = cli(connected, "bundle", "import", str(stick))  # another desktop
    assert refused.returncode == 2 and "penerima lain" in refused.stderr
    wrong = server.cli(
        "bundle", "export", "--scope", region, "--user", online, "--device", device,
        "--output", str(fast_dir / "salah.silon"), check=False,
    )  # fmt: skip
    assert wrong.returncode != 0 and "belum pernah masuk" in wrong.stdout + wrong.stderr
