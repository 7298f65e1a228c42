"""The lessons of a Bimtek room, their answer key, and each trainee's score.

Every trainee's practice list carries planted rows, one lesson each (see
:data:`LESSONS`). The key (which row, which verdict and reason the trainee should
record) is stored on the training server itself, in its ``meta`` table, when the
practice data is seeded; :func:`score` compares it with the server's records as
they are now, so the trainer's page follows the room live as laptops sync.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import Engine, select
from sqlalchemy.engine import Connection

from sync.server.db import read_tx
from sync.server.schema import applied_batches, applied_mutations, conflicts, meta, records

KEY = "training_key"
#: Bundles imported through the trainer's page (the USB lesson counts only those).
BUNDLES_KEY = "training_bundles"


@dataclass(frozen=True, slots=True)
class Lesson:
    code: str
    title: str  # Indonesian, shown to the trainer
    hint: str  # what the trainee should record


LESSONS: tuple[Lesson, ...] = (
    Lesson("nik_angka", "NIK diketik sebagai angka", "3.21E+15: TMS NIK_FORMAT; digit hilang: BMS"),
    Lesson("ganda_identik", "Ganda identik", "salinan kedua: TMS DUPLICATE_IDENTICAL"),
    Lesson("ganda_potensi", "Potensi ganda", "NIK sama, nama beda: BMS DUPLICATE_POTENTIAL"),
    Lesson("ganda_eksternal", "Ganda dengan paslon lain", "BMS DUPLICATE_EXTERNAL"),
    Lesson("nik_format", "NIK rusak", "TMS NIK_FORMAT"),
    Lesson("nik_tanggal", "Tanggal lahir tidak cocok dengan NIK", "BMS NIK_MISMATCH"),
    Lesson("di_bawah_umur", "Di bawah 17 tahun dan belum kawin", "TMS UNDERAGE"),
    Lesson("luar_wilayah", "Di luar wilayah pemilihan", "TMS OUTSIDE_REGION"),
    Lesson("pekerjaan", "Pekerjaan terlarang", "BMS BANNED_OCCUPATION"),
    Lesson("kolom_kosong", "Kolom wajib kosong", "BMS MISSING_FIELD"),
    Lesson("menolak", "Menolak mendukung saat verfak", "verfak TMS DENIES_SUPPORT"),
    Lesson("konflik", "Konflik dengan rekan", "pilih nilai sesuai KTP"),
    Lesson("bundel", "Bundel USB pulang-pergi", "MS, dikirim lewat bundel"),
)
LESSON_CODES = tuple(lesson.code for lesson in LESSONS)


@dataclass(frozen=True, slots=True)
class Planted:
    """One planted row and what the trainee should make of it.

    ``check`` is ``admin`` (the vermin verdict), ``field`` (verfak), ``conflict``
    (``field_name`` must end as ``value``) or ``bundle`` (admin verdict carried by
    a USB bundle imported on the trainer's page).
    """

    trainee: str
    lesson: str
    record_id: str
    check: str
    status: str = ""
    reason: str = ""
    field_name: str = ""
    value: str = ""
    label: str = ""  # practice name shown on the trainer's page and the desk sheet

    def to_json(self) -> dict[str, str]:
        return {
            "trainee": self.trainee,
            "lesson": self.lesson,
            "record_id": self.record_id,
            "check": self.check,
            "status": self.status,
            "reason": self.reason,
            "field_name": self.field_name,
            "value": self.value,
            "label": self.label,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Planted:
        return cls(**{k: str(data.get(k) or "") for k in cls.__slots__})


@dataclass(slots=True)
class Mark:
    """How one trainee did on one lesson."""

    done: bool = False
    right: bool = False
    detail: str = ""


@dataclass(slots=True)
class TraineeScore:
    trainee: str
    marks: dict[str, Mark] = field(default_factory=dict)
    last_sync: float = 0.0

    @property
    def right(self) -> int:
        return sum(1 for m in self.marks.values() if m.done and m.right)

    @property
    def wrong(self) -> int:
        return sum(1 for m in self.marks.values() if m.done and not m.right)

    @property
    def open(self) -> int:
        return sum(1 for m in self.marks.values() if not m.done)


def store_key(conn: Connection, planted: Iterable[Planted]) -> None:
    data = orjson.dumps([p.to_json() for p in planted])
    conn.execute(meta.delete().where(meta.c.key == KEY))
    conn.execute(meta.insert().values(key=KEY, value=data))


def load_key(conn: Connection) -> list[Planted]:
    raw = conn.execute(select(meta.c.value).where(meta.c.key == KEY)).scalar_one_or_none()
    return [Planted.from_json(item) for item in orjson.loads(raw)] if raw else []


def imported_bundles(conn: Connection) -> set[str]:
    raw = conn.execute(select(meta.c.value).where(meta.c.key == BUNDLES_KEY)).scalar_one_or_none()
    return set(orjson.loads(raw)) if raw else set()


def remember_bundle(conn: Connection, bundle_id: str) -> None:
    known = imported_bundles(conn) | {bundle_id}
    conn.execute(meta.delete().where(meta.c.key == BUNDLES_KEY))
    conn.execute(meta.insert().values(key=BUNDLES_KEY, value=orjson.dumps(sorted(known))))


def score(engine: Engine, trainees: Iterable[str]) -> list[TraineeScore]:
    """Each trainee's marks against the key, from the server's records as they are now."""
    with read_tx(engine) as conn:
        key = load_key(conn)
        ids = {p.record_id for p in key}
        fields: dict[str, dict[str, Any]] = {}
        for rid, raw in conn.execute(
            select(records.c.id, records.c.fields).where(records.c.id.in_(ids))
        ):
            fields[rid] = orjson.loads(raw)
        fought = {
            (row.username, row.record_id)
            for row in conn.execute(
                select(conflicts.c.username, conflicts.c.record_id).where(
                    conflicts.c.record_id.in_(ids)
                )
            )
        }
        batches: dict[str, set[str]] = {}
        pushes = applied_mutations.join(
            applied_batches, applied_batches.c.id == applied_mutations.c.batch
        )
        for rid, batch in conn.execute(
            select(applied_mutations.c.record_id, applied_batches.c.batch_id)
            .select_from(pushes)
            .where(applied_mutations.c.record_id.in_(ids))
        ):
            batches.setdefault(rid, set()).add(batch)
        via_bundle = imported_bundles(conn)
        last: dict[str, float] = {}
        for user, at in conn.execute(
            select(applied_batches.c.username, applied_mutations.c.applied_at).select_from(pushes)
        ):
            last[user] = max(last.get(user, 0.0), float(at))
    out = []
    for trainee in trainees:
        mine = [p for p in key if p.trainee == trainee]
        result = TraineeScore(trainee, last_sync=last.get(trainee, 0.0))
        for code in LESSON_CODES:
            rows = [p for p in mine if p.lesson == code]
            if rows:
                result.marks[code] = _mark(rows, fields, fought, batches, via_bundle)
        out.append(result)
    return out


def _mark(
    rows: list[Planted],
    fields: dict[str, dict[str, Any]],
    fought: set[tuple[str, str]],
    batches: dict[str, set[str]],
    via_bundle: set[str],
) -> Mark:
    """A lesson is done when every planted row of it is, right when every one is."""
    marks = [_row_mark(p, fields.get(p.record_id, {}), fought, batches, via_bundle) for p in rows]
    if rows[0].check == "conflict":  # one of the two shared rows is this trainee's to settle
        met = [m for m in marks if m.done]
        return met[0] if met else Mark(detail=marks[0].detail)
    done = all(m.done for m in marks)
    return Mark(
        done=done,
        right=done and all(m.right for m in marks),
        detail="; ".join(m.detail for m in marks if m.detail),
    )


def _row_mark(
    p: Planted,
    values: dict[str, Any],
    fought: set[tuple[str, str]],
    batches: dict[str, set[str]],
    via_bundle: set[str],
) -> Mark:
    if p.check == "conflict":
        if (p.trainee, p.record_id) not in fought:
            return Mark(detail="belum mengalami konflik")
        final = str(values.get(p.field_name) or "")
        return Mark(True, final == p.value, f"{p.field_name} = {final or '-'}")
    prefix = "field" if p.check == "field" else "admin"
    status = str(values.get(f"{prefix}_status") or "")
    reasons = [str(r) for r in values.get(f"{prefix}_reasons") or []]
    if not status:
        return Mark(detail="belum diverifikasi")
    detail = f"{status} {','.join(reasons)}".strip()
    if p.check == "bundle" and not (batches.get(p.record_id, set()) & via_bundle):
        return Mark(detail=f"{detail}, belum lewat bundel")
    right = status == p.status and (not p.reason or p.reason in reasons)
    return Mark(True, right, detail)
