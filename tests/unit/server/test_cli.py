"""``silon-server``: errors of the environment end with a clear line, not a traceback."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest

from sync.server.cli import main


def test_a_missing_bundle_file_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere" / "bundle.json.gz"
    assert main(["bundle", "import", "--data-dir", str(tmp_path / "data"), str(missing)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("galat: ") and str(missing) in err


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"PK\x03\x04 a spreadsheet, not a bundle", "bukan bundel sinkronisasi Silon"),
        (b'{"format": "something-else"}', "bukan bundel perubahan dari Silon Desktop"),
        (b"\x1f\x8b\x08\x00cut", "rusak atau terpotong"),
    ],
)
def test_a_wrong_bundle_file_is_refused_in_indonesian_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, reason: str
) -> None:
    wrong = tmp_path / "daftar.xlsx"
    wrong.write_bytes(content)
    assert main(["bundle", "import", "--data-dir", str(tmp_path / "data"), str(wrong)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"Bundel {wrong} ditolak: ") and reason in err
    assert "not" not in err.split()  # none of the API's English sentence


def test_an_unreachable_database_is_said_plainly(capsys: pytest.CaptureFixture[str]) -> None:
    # Port 1 on loopback: the connection is refused at once.
    assert main(["init", "--database-url", "postgresql://nobody@127.0.0.1:1/none"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("galat: basis data tidak dapat dipakai: ")
    assert "Traceback" not in err


def test_a_database_server_that_never_answers_is_said_plainly(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A PostgreSQL address that takes the connection and then says nothing (a hung
    server, a firewall or proxy in between): the command ends with the same clear line
    after the connect timeout. It waited for an answer for ever."""
    from sync.server import db

    monkeypatch.setattr(db, "PG_CONNECT_TIMEOUT_S", 2)
    silent = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    done = threading.Event()

    def take() -> None:
        silent.settimeout(0.2)
        while not done.is_set():
            try:
                held.append(silent.accept()[0])
            except TimeoutError:
                continue

    taker = threading.Thread(target=take)
    taker.start()
    try:
        port = silent.getsockname()[1]
        assert main(["init", "--database-url", f"postgresql://nobody@127.0.0.1:{port}/none"]) == 2
    finally:
        done.set()
        taker.join()
        for conn in held:
            conn.close()
        silent.close()
    err = capsys.readouterr().err
    assert err.startswith("galat: basis data tidak dapat dipakai: ")
    assert "Traceback" not in err


def test_training_mode_is_refused_on_a_production_database(tmp_path: Path) -> None:
    from sync.server.accounts import add_user
    from sync.server.app import create_app
    from sync.server.config import ServerConfig
    from sync.server.db import database_url, migrate
    from sync.server.roles import Role

    url = database_url(tmp_path / "prod", None)
    migrate(url)
    app = create_app(ServerConfig(database_url=url))
    state = app.state.server
    add_user(state.engine, state.config, "admin", "op3214", "rahasia-3214", Role.KABKOTA, "32.14")
    # Trainers would read, write and manage every region of it.
    with pytest.raises(ValueError, match="training mode refused"):
        create_app(ServerConfig(database_url=url, training=True))


def test_training_mode_marks_an_empty_database_and_serves_it_again(tmp_path: Path) -> None:
    from sync.server.accounts import add_user
    from sync.server.app import create_app
    from sync.server.config import ServerConfig
    from sync.server.db import database_url, migrate
    from sync.server.roles import Role

    url = database_url(tmp_path / "training", None)
    migrate(url)
    state = create_app(ServerConfig(database_url=url, training=True)).state.server
    add_user(state.engine, state.config, "admin", "latih01", "bimtek2024", Role.KABKOTA, "32.14")
    assert create_app(ServerConfig(database_url=url, training=True)).state.server.config.training
