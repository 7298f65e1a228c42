"""Shared test set-up: a fresh local database holding one election and one pair.

The import, report, wizard and benchmark tests all start from the same two rows
(election ``e1`` and pair ``p1`` of Purwakarta, 32.14); they are seeded here
once. Arguments left out keep the model's defaults.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

from silon_desktop.storage.db import Database
from silon_desktop.storage.models import Election, Pair

ELECTION_ID = "e1"
PAIR_ID = "p1"
SCOPE = "32.14"
#: Purwakarta's DPT and kecamatan count (the figures the recap tests check against).
DPT = 733_927
SUBREGIONS = 17
#: Last day for supporters; the same date as ``tests.unit.importers.sheets.REFERENCE``.
SUPPORT_END = dt.date(2024, 5, 12)


def seed_election(
    db: Database,
    *,
    name: str = "",
    number: int | None = None,
    head_name: str = "",
    deputy_name: str = "",
    support_end: dt.date = SUPPORT_END,
) -> None:
    """Add the bupati election ``e1`` of 32.14 and its pair ``p1`` (plain rows, no outbox)."""
    with db.session() as session:
        session.add(
            Election(
                id=ELECTION_ID,
                scope=SCOPE,
                name=name,
                kind="bupati",
                region_code=SCOPE,
                dpt=DPT,
                subregion_count=SUBREGIONS,
                support_end=support_end,
            )
        )
        session.flush()
        session.add(
            Pair(
                id=PAIR_ID,
                scope=SCOPE,
                election_id=ELECTION_ID,
                number=number,
                head_name=head_name,
                deputy_name=deputy_name,
            )
        )


def verify_as_forecast(
    db: Database,
    pair_id: str = PAIR_ID,
    *,
    stage: str = "admin",
    by: str = "verifikator1",
    where: dict[str, str] | None = None,
) -> int:
    """A person gives every live supporter of the pair (matching ``where``) the
    verdict the automatic check forecast, through the repository as the
    application does; returns how many rows were verified."""
    from sqlalchemy import select

    from silon_desktop.storage.models import Supporter
    from silon_desktop.storage.repository import Repository

    with db.session(readonly=True) as session:
        query = select(Supporter).where(Supporter.pair_id == pair_id, Supporter.deleted.is_(False))
        for name, value in (where or {}).items():
            query = query.where(getattr(Supporter, name) == value)
        rows = [(s.id, s.check_status, list(s.check_reasons)) for s in session.scalars(query)]
    repo = Repository(db, device_id="dev-test", user=by)
    now = dt.datetime(2024, 6, 1, 10, 0)
    for record_id, status, reasons in rows:
        values = {
            f"{stage}_status": status,
            f"{stage}_reasons": reasons,
            f"{stage}_by": by,
            f"{stage}_at": now,
        }
        if stage == "field":
            values["field_method"] = "rumah"
        repo.update("supporter", record_id, values)
    return len(rows)


def open_data(folder: Path, password: str | None = None) -> Database:
    """A data folder's database as the program opens it: encrypted with the folder's
    data key once someone logged in there (the key from the last user's password,
    by default the test accounts' password), else a plain file."""
    from silon_desktop.config import Settings
    from silon_desktop.storage.db import open_database
    from silon_desktop.storage.keyfile import KeyFile

    if not KeyFile.exists(folder):
        return open_database(folder / "silon.db")
    if password is None:
        from tests.unit.sync.harness import PASSWORD

        password = PASSWORD
    username = Settings.load(folder / "settings.json").username
    key = KeyFile.load(folder).unwrap_password(username, password)
    assert key is not None, f"the password of {username} does not open {folder}"
    return open_database(folder / "silon.db", key=key)


#: The empty database :func:`new_database` copies (made once per test process).
_EMPTY: list[tempfile.TemporaryDirectory[str]] = []


def new_database(path: Path) -> Path:
    """Put an empty plain local database at the newest revision at ``path`` (which
    must not exist yet), as :func:`~silon_desktop.storage.db.open_database` makes one,
    with its commit marker; returns ``path``.

    It is a copy of one made once per test process: making the tables from the
    models took 0.1-0.3 s on the loaded 2-core machine in each of some hundreds of
    tests whose subject is not the creation, and a new file holds nothing but the
    head revision (the copy keeps its WAL mode and its owner-only file modes). The creation itself is tested by the tests that call
    ``open_database`` on a new path (tests/unit/storage/test_db.py and others)."""
    from silon_desktop.storage.db import open_database

    if not _EMPTY:
        _EMPTY.append(tempfile.TemporaryDirectory(prefix="silon-empty-db-"))
        open_database(Path(_EMPTY[0].name) / "silon.db").close()
    return copy_database(Path(_EMPTY[0].name) / "silon.db", path)


def copy_database(source: Path, path: Path) -> Path:
    """Put a copy of the closed plain local database ``source`` with its commit
    marker at ``path`` (which must not exist yet); returns ``path``.

    A database seeded once per module and copied per test gives each test the same
    rows, ids and rowids as seeding it again would, at the cost of a file copy: the
    seed's own checks run where the seed is the subject. ``source`` must have been
    closed (its WAL folded into the file)."""
    from silon_desktop.storage.integrity import marker_path

    if path.exists():
        raise FileExistsError(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, path)
    shutil.copy(marker_path(source), marker_path(path))
    return path
