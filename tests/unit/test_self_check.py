"""``silon-desktop --self-check``: the verdict a helpdesk relies on."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from silon_desktop import paths
from silon_desktop.commands import self_check
from sync.protocol import PROTOCOL_VERSION
from tests.tls import self_signed


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def offline_url() -> str:
    """A loopback address where nothing listens: connection refused at once."""
    return f"http://127.0.0.1:{_closed_port()}"


def _args(data_dir: Path, server: str, lang: str | None = None) -> argparse.Namespace:
    return argparse.Namespace(
        data_dir=str(data_dir), server=server, lang=lang, verbose=False, self_check=True
    )


def _run(capsys: pytest.CaptureFixture[str], *args: object, **kwargs: object) -> tuple[int, str]:
    code = self_check.run(_args(*args, **kwargs))  # type: ignore[arg-type]
    return code, capsys.readouterr().out


def _verdict(out: str) -> str:
    return out.strip().splitlines()[-1]


def test_fresh_data_dir_is_ready_and_an_unreachable_server_is_only_a_note(
    tmp_path: Path, offline_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "operator"
    code, out = _run(capsys, data, offline_url)
    assert code == 0, out
    assert _verdict(out).startswith("HASIL: SIAP"), out
    assert f"Server {offline_url} tidak terjangkau" in out
    assert "luring" in out
    assert "[PERHATIAN]" in out.split(offline_url)[0].splitlines()[-1]
    # nobody logged in here: no plain database is made, the migrations are proven aside
    assert not (data / "silon.db").exists()
    assert "Belum ada basis data" in out and "dibuat terenkripsi saat masuk pertama" in out
    assert list((data / "tmp").iterdir()) == []  # the scratch database is gone
    assert "83.762 kelurahan/desa" in out
    keyring_line = next(line for line in out.splitlines() if "(keyring)" in line)
    assert keyring_line.startswith("[OK]")  # the tests' in-memory backend counts as one


def test_no_keyring_is_a_warning_naming_the_backend(
    tmp_path: Path,
    offline_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sync import credentials

    monkeypatch.setattr(credentials, "keyring_available", lambda: False)
    monkeypatch.setattr(credentials, "keyring_backend_name", lambda: "fail Keyring")
    code, out = _run(capsys, tmp_path, offline_url, lang="en")
    assert code == 0, out
    assert "[WARNING] No keyring on this computer (fail Keyring)" in out


def test_an_older_plain_database_is_found_current_and_sound(
    tmp_path: Path, offline_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from silon_desktop.storage.db import open_database

    open_database(tmp_path / "silon.db").close()  # an older version's (plain) folder
    code, out = _run(capsys, tmp_path, offline_url, lang="en")
    assert code == 0, out
    assert "integrity check passed" in out
    assert _verdict(out).startswith("RESULT: READY"), out
    assert "is unreachable: the program works offline" in out


class _HealthHandler(BaseHTTPRequestHandler):
    payload: dict[str, object] = {}

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        body = json.dumps(self.payload).encode()
        self.send_response(200 if self.path == "/v1/health" else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def health_server() -> Iterator[tuple[str, type[_HealthHandler]]]:
    handler = type("Handler", (_HealthHandler,), {"payload": {}})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", handler
    server.shutdown()
    server.server_close()
    thread.join(5)


def _health(
    offset: timedelta = timedelta(0), protocol: int = PROTOCOL_VERSION
) -> dict[str, object]:
    now = datetime.now(UTC) + offset
    return {"status": "ok", "protocol": protocol, "server_time": now.isoformat(), "training": True}


def test_answering_training_server_is_reported(
    tmp_path: Path,
    health_server: tuple[str, type[_HealthHandler]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, handler = health_server
    handler.payload = _health()
    code, out = _run(capsys, tmp_path, url)
    assert code == 0, out
    assert f"Server {url} menjawab (protokol {PROTOCOL_VERSION}; server latihan)" in out
    assert _verdict(out) == "HASIL: SIAP. Silon Desktop dapat dipakai di komputer ini.", out


def test_clock_far_from_the_server_and_other_protocol_are_warnings(
    tmp_path: Path,
    health_server: tuple[str, type[_HealthHandler]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, handler = health_server
    handler.payload = _health(offset=timedelta(minutes=-30))
    code, out = _run(capsys, tmp_path, url)
    assert code == 0
    assert "Jam komputer berbeda 30 menit" in out
    handler.payload = _health(protocol=PROTOCOL_VERSION + 1)
    code, out = _run(capsys, tmp_path, url, lang="en")
    assert code == 0
    assert f"speaks protocol {PROTOCOL_VERSION + 1}" in out


def test_untrusted_certificate_then_the_ca_bundle_that_trusts_it(
    tmp_path: Path,
    health_server: tuple[str, type[_HealthHandler]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    from silon_desktop.config import Settings

    url, handler = health_server
    handler.payload = _health()
    cert_file, key_file = self_signed(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    https_url = f"https://127.0.0.1:{server.server_address[1]}"
    data = tmp_path / "data"
    try:
        code, out = _run(capsys, data, https_url)
        assert code == 0, out  # an untrusted server is a note: the program works offline
        assert f"Sertifikat server {https_url} tidak dipercaya" in out
        Settings(server_url=https_url, ca_bundle=str(cert_file)).save(data / "settings.json")
        code, out = _run(capsys, data, https_url)
        assert f"Server {https_url} menjawab" in out, out
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_unwritable_data_dir_fails_naming_the_folder(
    tmp_path: Path, offline_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    data = blocker / "data"
    code, out = _run(capsys, data, offline_url)
    assert code == 1
    verdict = _verdict(out)
    assert verdict.startswith("HASIL: TIDAK SIAP"), out
    assert f"Folder {data} tidak dapat dibuat atau ditulisi" in verdict


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes to read-only folders"
)
def test_read_only_data_dir_fails(
    tmp_path: Path, offline_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "readonly"
    data.mkdir()
    data.chmod(0o500)
    try:
        code, out = _run(capsys, data, offline_url, lang="en")
    finally:
        data.chmod(0o700)
    assert code == 1
    assert "cannot be created or written" in _verdict(out)


def test_corrupt_database_fails_and_points_to_the_backups(
    tmp_path: Path, offline_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "silon.db").write_bytes(b"this is not SQLite at all\x00" * 400)
    code, out = _run(capsys, tmp_path, offline_url)
    assert code == 1
    verdict = _verdict(out)
    assert "Berkas basis data" in verdict and "rusak" in verdict, out
    assert "silon-desktop backup" in verdict


def test_damaged_pages_inside_a_database_fail(
    tmp_path: Path, offline_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from silon_desktop.storage.db import open_database

    database = tmp_path / "silon.db"
    open_database(database).close()  # an older version's (plain) database
    raw = bytearray(database.read_bytes())
    page = 4096
    assert len(raw) > 3 * page
    raw[2 * page : 3 * page] = b"\xff" * page  # one table page overwritten
    database.write_bytes(bytes(raw))
    for suffix in ("-wal", "-shm"):
        (tmp_path / f"silon.db{suffix}").unlink(missing_ok=True)
    code, out = _run(capsys, tmp_path, offline_url, lang="en")
    assert code == 1, out
    assert "is damaged" in _verdict(out)


def test_older_database_is_backed_up_then_upgraded(
    tmp_path: Path, offline_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from alembic.script import ScriptDirectory

    from silon_desktop.storage import db

    script = ScriptDirectory.from_config(db.alembic_config())
    base, head = script.get_base(), script.get_current_head()
    if base == head:
        pytest.skip("one migration only: nothing to upgrade")
    engine = db.create_sqlite_engine(tmp_path / "silon.db")
    db.migrate(engine, str(base))
    engine.dispose()
    code, out = _run(capsys, tmp_path, offline_url, lang="en")
    assert code == 0, out
    assert f"upgraded from schema {base} to {head}" in out
    assert list((tmp_path / "backups").glob(f"silon-*-before-{head}.db"))


def test_missing_region_data_fails(
    tmp_path: Path,
    offline_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    empty = tmp_path / "resources"
    empty.mkdir()
    monkeypatch.setattr(paths, "resources_dir", lambda: empty)
    code, out = _run(capsys, tmp_path / "data", offline_url)
    assert code == 1
    assert "Data wilayah tidak ada atau rusak" in _verdict(out)


def test_damaged_translation_is_a_warning_not_a_failure(
    tmp_path: Path,
    offline_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    resources = tmp_path / "resources"
    shutil.copytree(paths.resources_dir() / "regions", resources / "regions")
    (resources / "i18n").mkdir()
    (resources / "i18n" / "silon_en.qm").write_bytes(b"not a qm file")
    monkeypatch.setattr(paths, "resources_dir", lambda: resources)
    code, out = _run(capsys, tmp_path / "data", offline_url)
    assert code == 0, out
    assert "Berkas terjemahan rusak: silon_en.qm" in out
    (resources / "i18n" / "silon_en.qm").write_bytes(self_check.QM_MAGIC + b"\x00" * 32)
    code, out = _run(capsys, tmp_path / "data", offline_url, lang="en")
    assert code == 0
    assert "Translations: Indonesian (built in), en" in out


def test_command_line_runs_it_without_a_display(tmp_path: Path, offline_url: str) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["QT_QPA_PLATFORM"] = "minimal"  # would matter only if Qt were (wrongly) loaded
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "silon_desktop", "--self-check"]
        + ["--data-dir", str(tmp_path), "--server", offline_url, "--lang", "en"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().splitlines()[-1].startswith("RESULT: READY")
    assert "PySide6" not in done.stderr  # -X importtime lists every module imported
