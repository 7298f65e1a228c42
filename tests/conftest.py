"""Shared fixtures: every test gets its own data folder and an in-memory keyring."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


class MemoryKeyring:
    """A keyring backend that keeps secrets in a dict, for tests only."""

    priority = 1

    def __init__(self) -> None:
        self.secrets: dict[tuple[str, str], str] = {}
        #: True: reads fail as a locked keyring's do (writes still go through)
        self.unreadable = False

    def get_password(self, service: str, username: str) -> str | None:
        if self.unreadable:
            import keyring.errors

            raise keyring.errors.KeyringLocked("Failed to unlock the collection!")
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


@pytest.fixture(autouse=True)
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    """Route keyring calls to memory so no test touches (or needs) a real keyring."""
    import keyring
    from keyring.backend import KeyringBackend

    store = MemoryKeyring()

    class _Backend(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def get_password(self, service: str, username: str) -> str | None:
            return store.get_password(service, username)

        def set_password(self, service: str, username: str, password: str) -> None:
            store.set_password(service, username, password)

        def delete_password(self, service: str, username: str) -> None:
            store.delete_password(service, username)

    previous = keyring.get_keyring()
    keyring.set_keyring(_Backend())
    yield store
    keyring.set_keyring(previous)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data folder, also exported as SILON_DATA_DIR for child processes."""
    folder = tmp_path / "silon-data"
    folder.mkdir()
    monkeypatch.setenv("SILON_DATA_DIR", str(folder))
    return folder


@pytest.fixture(autouse=True)
def cheap_key_derivation(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process tests wrap data keys with a cheap argon2id (1 pass, 8 MiB): the
    product's cost (storage/keyfile.py KDF) is measured by bench_encryption.py, and
    child processes (integration tests) keep it."""
    from silon_desktop.storage import keyfile

    monkeypatch.setattr(
        keyfile, "KDF", keyfile.Kdf(time_cost=1, memory_kib=8 * 1024, parallelism=1)
    )


@pytest.fixture(autouse=True, scope="session")
def cheap_password_hashes() -> Iterator[None]:
    """In-process tests hash account passwords with a cheap argon2id (1 pass, 8 MiB):
    the server's (argon2-cffi's default, 64 MiB, 3 passes, 4 lanes) cost 0.25 s a
    hash or check on a quiet 2-core machine, and the suite's in-process servers and
    desktop logins make a few hundred. The desktop's offline verifier (32 MiB, 2
    passes) likewise. What the tests check (right or wrong password, lock-outs,
    resets, the verifier kept locally) does not depend on the cost; child processes
    (integration tests) keep the product's hashers. Session-wide, so the accounts
    that session fixtures make (the sync tests' template server) are cheap too."""
    from argon2 import PasswordHasher

    from sync import credentials
    from sync.server import auth

    cheap = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(auth, "_hasher", cheap)
        patch.setattr(auth, "_DUMMY_HASH", cheap.hash("silon-dummy-password"))
        patch.setattr(credentials, "_hashers", [cheap])
        yield
