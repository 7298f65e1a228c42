"""A corrected list replacing an earlier import ("file perbaikan: ganti impor sebelumnya").

The corrected file is imported as usual (rows matched by NIK are updated, new
NIKs added) and, in the SAME transaction, every live supporter of the pair that
arrived in the same round and whose NIK is not in the file is withdrawn: a
tombstone with reason ``diganti_impor`` and its delete mutation, so the wrong
rows of the first import (an NIK read as ``3.21E+15``) do not stay beside the
corrected ones. Before that, :func:`preview` says what will change: new,
changed and withdrawn rows, with examples, writing nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, literal_column, select
from sqlalchemy.orm import Session

from silon_desktop.domain.rules import Round
from silon_desktop.domain.supporters import PERSON_FIELDS
from silon_desktop.importers.pipeline import ImportOptions, ProgressFn, ValidatedRow, validate_file
from silon_desktop.storage.bulk import of_round
from silon_desktop.storage.db import Database
from silon_desktop.storage.models import Supporter
from silon_desktop.storage.repository import Repository

_SUPPORTER: Table = Supporter.__table__  # type: ignore[assignment]
_ROWID: ColumnElement[int] = literal_column("supporter.rowid")
#: Examples of each kind shown in a preview.
EXAMPLES = 5


@dataclass(slots=True)
class ReplacePreview:
    """What a corrected list will change; examples are ``(NIK, name)``."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    new_examples: list[tuple[str, str]] = field(default_factory=list)
    changed_examples: list[tuple[str, str]] = field(default_factory=list)
    withdrawn_examples: list[tuple[str, str]] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The preview in Indonesian (the command line prints it)."""
        out = [
            f"Berkas perbaikan mengganti impor sebelumnya: {self.new} baru, "
            f"{self.changed} berubah, {self.unchanged} tetap, {self.withdrawn} ditarik "
            "(tidak ada di berkas perbaikan).",
        ]
        for title, examples in (
            ("Contoh baru", self.new_examples),
            ("Contoh berubah", self.changed_examples),
            ("Contoh ditarik", self.withdrawn_examples),
        ):
            if examples:
                out.append(f"{title}: " + "; ".join(f"{nik} {name}" for nik, name in examples))
        return out


def _compared(options: ImportOptions) -> tuple[str, ...]:
    """The fields the import updates on a matched row (``importers.store``): those
    tell a changed row from an unchanged one, as the import then counts them
    ("diperbarui"): the person, and the automatic check and its reasons too (a scan
    handed in, a place corrected)."""
    from silon_desktop.importers.store import IMPORT_FIELDS, INSERT_ONLY_FIELDS

    fields = (*IMPORT_FIELDS, "has_id_scan") if options.assume_id_scan else IMPORT_FIELDS
    return tuple(f for f in fields if f != "nik" and f not in INSERT_ONLY_FIELDS)


def _same(new: Any, old: Any) -> bool:
    if isinstance(new, list | tuple) or isinstance(old, list | tuple):
        return list(new or ()) == list(old or ())
    return (new or None) == (old or None)


def round_rows(
    conn: Connection, pair_id: str, arrival: str, compared: Sequence[str] = PERSON_FIELDS
) -> Sequence[Any]:
    """Live supporters of the pair that arrived in ``arrival`` (id, nik, name and the
    ``compared`` fields), in insertion order."""
    fields = dict.fromkeys(("name", *compared))
    columns = [_SUPPORTER.c.id, _SUPPORTER.c.nik, *(_SUPPORTER.c[f] for f in fields)]
    return conn.execute(
        select(*columns)
        .where(_SUPPORTER.c.pair_id == pair_id, _SUPPORTER.c.deleted.is_(False), of_round(arrival))
        .order_by(_ROWID)  # a file's n-th row of an NIK matches its n-th record
    ).all()


def preview(
    database: Database,
    path: str | Path,
    pair_id: str,
    options: ImportOptions,
    *,
    round: str = Round.SUBMISSION.value,  # noqa: A002 - the wire field's name
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
) -> ReplacePreview:
    """Compare the corrected file with the pair's rows of the round; writes nothing.

    Raises:
        ImportFileError: the file cannot be read.
        ImportCancelled: cancelled.
    """
    incoming: dict[str, list[Mapping[str, Any]]] = {}

    def collect(batch: Sequence[ValidatedRow]) -> None:
        for item in batch:
            nik = str(item.values.get("nik") or "")
            if nik:
                incoming.setdefault(nik, []).append(item.values)

    validate_file(path, options, on_batch=collect, progress=progress, cancel=cancel)
    with database.engine.connect() as conn:
        compared = _compared(options)
        stored = round_rows(conn, pair_id, Round(round).value, compared)
    out = ReplacePreview()
    matched: Counter[str] = Counter()
    for row in stored:
        nik = str(row.nik or "")
        rows_of_nik = incoming.get(nik, ())
        if matched[nik] >= len(rows_of_nik):
            out.withdrawn += 1
            _example(out.withdrawn_examples, nik, row.name)
            continue
        values = rows_of_nik[matched[nik]]
        matched[nik] += 1
        if not all(_same(values.get(f), getattr(row, f)) for f in compared if f in values):
            out.changed += 1
            _example(out.changed_examples, nik, str(values.get("name") or ""))
        else:
            out.unchanged += 1
    for nik, rows_of_nik in incoming.items():
        for values in rows_of_nik[matched[nik] :]:
            out.new += 1
            _example(out.new_examples, nik, str(values.get("name") or ""))
    return out


def _example(examples: list[tuple[str, str]], nik: str, name: Any) -> None:
    if len(examples) < EXAMPLES:
        examples.append((nik, str(name or "")))


def provenance(path: str | Path) -> str:
    """The withdrawal note naming the replacing file: its name, the start of its
    SHA-256 (the exact file, even if renamed) and the time of the import."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    name = Path(path).name[:300]
    return f"Diganti berkas perbaikan {name} (SHA-256 {digest.hexdigest()[:16]}), {when}"


def withdraw_missing(
    conn: Connection,
    database: Database,
    pair_id: str,
    arrival: str,
    kept_niks: Iterable[str],
    user: str,
    source: str = "",
) -> int:
    """Withdraw (``diganti_impor``) the pair's live rows of ``arrival`` the file no
    longer holds, in ``conn``'s transaction; returns how many. ``kept_niks`` holds each
    NIK of the file as often as the file does (a Counter or the NIKs themselves): the
    rows of an NIK beyond that count (a copy the corrected file left out) are withdrawn
    too, from the last, as the import matched a file's n-th row of an NIK with its
    n-th record. ``source``
    (:func:`provenance`) is the tombstones' note: which file replaced them. It
    travels with each tombstone to the server's audit log and every device."""
    kept = Counter(kept_niks)
    gone: list[str] = []
    for row in round_rows(conn, pair_id, arrival):
        nik = str(row.nik or "")
        if kept[nik] > 0:
            kept[nik] -= 1
        else:
            gone.append(str(row.id))
    if not gone:
        return 0
    values = {
        "withdrawn_reason": "diganti_impor",
        "withdrawn_note": source[:500],
        "withdrawn_by": user,
        "withdrawn_at": dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0),
    }
    repo = Repository(database, device_id="", user=user)
    with Session(bind=conn) as session:  # joins the import's transaction
        for record_id in gone:
            repo.delete_in(session, "supporter", record_id, values)
        session.flush()
    return len(gone)
