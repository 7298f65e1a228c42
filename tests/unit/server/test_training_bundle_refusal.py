"""The trainer's page refuses a wrong USB bundle in Indonesian (not the API's English)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest


class _Body:
    """What the route reads of a request: its body (the uploaded file)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    async def body(self) -> bytes:
        return self.data


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"PK\x03\x04 a spreadsheet", "bukan bundel sinkronisasi Silon"),
        (b"\x1f\x8b\x08\x00cut", "rusak atau terpotong"),
    ],
)
def test_a_wrong_file_on_the_trainer_page_is_refused_in_indonesian(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    from sync.server import training
    from sync.server.app import create_app
    from sync.server.config import ServerConfig
    from sync.server.db import database_url, migrate
    from sync.server.routes.training import bundle

    url = database_url(tmp_path / "latihan", None)
    migrate(url)
    state = create_app(ServerConfig(database_url=url, training=True)).state.server
    key = training.trainer_token(state.engine)
    answer = asyncio.run(bundle(_Body(content), state, key))  # type: ignore[arg-type]
    text = bytes(answer.body).decode()
    assert answer.status_code in (400, 422)
    assert reason in text and text.startswith("Berkas ini")
    assert "bundle" not in text.lower().replace("bundel", "")  # no English API sentence


def test_a_bundle_sealed_to_another_server_is_not_called_damaged(tmp_path: Path) -> None:
    """An office's USB bundle brought to the trainer's page (sealed to the real server),
    or a trainee's brought to the real server (sealed to the training one): the file is
    whole, but it was refused as "rusak atau terpotong ... Salin ulang berkasnya", so
    the operator copied it again and again; it now says which server can open it."""
    from sync import sealed
    from sync.server import training
    from sync.server.app import create_app
    from sync.server.config import ServerConfig
    from sync.server.db import database_url, migrate
    from sync.server.routes.training import bundle

    url = database_url(tmp_path / "latihan", None)
    migrate(url)
    state = create_app(ServerConfig(database_url=url, training=True)).state.server
    key = training.trainer_token(state.engine)
    elsewhere = sealed.seal(
        b"\x1f\x8b an office's bundle", sealed.public_b64(sealed.generate_key())
    )
    answer = asyncio.run(bundle(_Body(elsewhere), state, key))  # type: ignore[arg-type]
    text = bytes(answer.body).decode()
    assert answer.status_code == 400
    assert "rusak" not in text and "Salin ulang" not in text
    assert "server lain" in text and "server latihan" in text
