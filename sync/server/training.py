"""A training tenant: a loopback server with a seeded practice election.

``silon-server training --port P [--data-dir D] [--trainees N]`` seeds (once) a
bupati election of a real kab/kota, three pairs (two independent, one by
parties), their candidates and parties, a few thousand supporters with realistic
Indonesian names (Faker ``id_ID``) and NIKs that match region, birth date and
sex, some deliberately flawed for practice, and accounts ``latih01``..``latihNN``
plus ``pelatih`` (trainer). Restarting keeps the data; ``training reset`` wipes it.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from sync.protocol import Mutation, Op
from sync.server.db import SQLITE_NAME, database_url, migrate, read_tx, write_tx
from sync.server.roles import Actor, Role
from sync.server.schema import meta, records, users

log = logging.getLogger(__name__)

REGION = "32.14"  # Kabupaten Purwakarta (published threshold case in DOMAIN.md)
PASSWORD = "bimtek2024"
TRAINER = "pelatih"
SEEDED_KEY = "training_seeded"
#: Marks a database as a training tenant (set when it is first served in training mode).
TENANT_KEY = "training_tenant"
BANNED = ("TNI", "POLRI", "PNS", "KEPALA DESA")
OCCUPATIONS = (
    "PETANI/PEKEBUN",
    "WIRASWASTA",
    "KARYAWAN SWASTA",
    "MENGURUS RUMAH TANGGA",
    "PELAJAR/MAHASISWA",
    "BURUH HARIAN LEPAS",
    "PEDAGANG",
    "GURU",
    "NELAYAN/PERIKANAN",
    "SOPIR",
    "PENSIUNAN",
)


def default_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("silon-server-training", "KPU"))


def trainee_names(count: int) -> list[str]:
    return [f"latih{i:02d}" for i in range(1, count + 1)]


def _region_info() -> tuple[str, list[tuple[str, list[str]]]]:
    """Name of the kab/kota and its kecamatan with their desa codes."""
    from silon_desktop.domain.regions import default_table

    table = default_table()
    region = table.get(REGION)
    name = region.name if region is not None else "PURWAKARTA"
    kecamatan = [(k.code, [d.code for d in table.children(k.code)]) for k in table.children(REGION)]
    return name, [(k, desa) for k, desa in kecamatan if desa]


def _nik(kec: str, birth: dt.date, female: bool, seq: int) -> str:
    day = birth.day + (40 if female else 0)
    return f"{kec.replace('.', '')}{day:02d}{birth.month:02d}{birth.year % 100:02d}{seq:04d}"


class _Seed:
    def __init__(self, today: dt.date, supporters: int) -> None:
        from faker import Faker

        self.fake = Faker("id_ID")
        self.fake.seed_instance(2024)
        self.rng = random.Random(2024)
        self.today = today
        self.supporters = supporters
        # Ages are counted at the end of the support stage (support_end below).
        self.check = _checker(today + dt.timedelta(days=30))
        self.mutations: list[Mutation] = []
        self.seq = 0

    def add(self, entity: str, values: dict[str, Any]) -> str:
        record_id = str(uuid.UUID(int=self.rng.getrandbits(128)))
        changes = {k: (None, v) for k, v in values.items()}
        self.mutations.append(
            Mutation(str(uuid.uuid4()), entity, record_id, REGION, Op.UPSERT, 0, changes)
        )
        return record_id

    def person(self, kecamatan: list[tuple[str, list[str]]], min_age: int) -> dict[str, Any]:
        female = self.rng.random() < 0.5
        age_days = self.rng.randint(min_age * 366, 80 * 365)
        birth = self.today - dt.timedelta(days=age_days)
        kec, desa = self.rng.choice(kecamatan)
        self.seq += 1
        name = self.fake.name_female() if female else self.fake.name_male()
        return {
            "nik": _nik(kec, birth, female, self.seq % 9999 + 1),
            "name": name.upper(),
            "birth_place": self.fake.city().upper(),
            "birth_date": birth.isoformat(),
            "sex": "P" if female else "L",
            "address": self.fake.street_address().upper(),
            "kecamatan": kec,
            "desa": self.rng.choice(desa),
        }

    def build(self, region_name: str, kecamatan: list[tuple[str, list[str]]]) -> None:
        t = self.today
        election = self.add(
            "election",
            {
                "name": f"Latihan Pemilihan Bupati dan Wakil Bupati {region_name.title()}",
                "kind": "bupati",
                "region_code": REGION,
                "year": t.year,
                "dpt": 733_927,
                "subregion_count": len(kecamatan),
                "rule_set": "pilkada-2024",
                "support_start": (t - dt.timedelta(days=30)).isoformat(),
                "support_end": (t + dt.timedelta(days=30)).isoformat(),
                "vermin_end": (t + dt.timedelta(days=45)).isoformat(),
                "correction_end": (t + dt.timedelta(days=60)).isoformat(),
                "verfak_end": (t + dt.timedelta(days=75)).isoformat(),
                "registration_date": (t + dt.timedelta(days=90)).isoformat(),
                "penetapan_date": (t + dt.timedelta(days=120)).isoformat(),
            },
        )
        pairs = []
        for number, route in ((1, "perseorangan"), (2, "partai"), (3, "perseorangan")):
            head, deputy = self.person(kecamatan, 30), self.person(kecamatan, 25)
            pair = self.add(
                "pair",
                {
                    "election_id": election,
                    "number": number,
                    "route": route,
                    "head_name": head["name"],
                    "deputy_name": deputy["name"],
                    "status": "draft",
                },
            )
            pairs.append(pair)
            for role, p in (("kepala", head), ("wakil", deputy)):
                self.add(
                    "candidate",
                    {
                        "pair_id": pair,
                        "role": role,
                        "nik": p["nik"],
                        "name": p["name"],
                        "sex": p["sex"],
                        "birth_place": p["birth_place"],
                        "birth_date": p["birth_date"],
                        "address": p["address"],
                        "education": self.rng.choice(["S1", "S2", "SMA"]),
                        "occupation": "WIRASWASTA",
                        "marital_status": "S",
                    },
                )
        for party, seats, votes in (("PARTAI A", 12, 180_000), ("PARTAI B", 6, 95_000)):
            self.add(
                "party", {"pair_id": pairs[1], "party_name": party, "seats": seats, "votes": votes}
            )
        main_rows = self._supporters(pairs[0], kecamatan, self.supporters)
        small = max(20, self.supporters // 20)
        self._supporters(pairs[2], kecamatan, small, reuse=main_rows[: max(3, small // 10)])

    def _supporters(
        self,
        pair: str,
        kecamatan: list[tuple[str, list[str]]],
        count: int,
        reuse: list[dict[str, Any]] | None = None,
    ) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for i in range(count):
            if reuse and i < len(reuse):
                values = dict(reuse[i])  # the same person backing two pairs (ganda eksternal)
            else:
                values = self._supporter_values(kecamatan)
            values["pair_id"] = pair
            rows.append(values)
            self.add("supporter", {**values, **self.check(values)})
        return rows

    def _supporter_values(self, kecamatan: list[tuple[str, list[str]]]) -> dict[str, Any]:
        p = self.person(kecamatan, 17)
        flaw = self.rng.random()
        values: dict[str, Any] = {
            "nik": p["nik"],
            "name": p["name"],
            "birth_place": p["birth_place"],
            "birth_date": p["birth_date"],
            "sex": p["sex"],
            "marital_status": self.rng.choice(["B", "S", "S", "S", "P"]),
            "occupation": self.rng.choice(OCCUPATIONS),
            "address": p["address"],
            "rt": f"{self.rng.randint(1, 15):03d}",
            "rw": f"{self.rng.randint(1, 9):03d}",
            "desa_code": p["desa"],
            "kecamatan_code": p["kecamatan"],
            "kabkota_code": REGION,
            "has_id_scan": True,
            "nik_from_number": False,
        }
        # Practice material: a few per cent of rows carry one typical flaw each.
        if flaw < 0.02:
            values["sex"] = "L" if values["sex"] == "P" else "P"  # NIK_MISMATCH
        elif flaw < 0.03:
            values["nik"] = values["nik"][:15] + "0"  # NIK_PRECISION
            values["nik_from_number"] = True
        elif flaw < 0.04:
            values["occupation"] = self.rng.choice(BANNED)  # BANNED_OCCUPATION
        elif flaw < 0.05:
            values["has_id_scan"] = False  # NO_ID_SCAN
        elif flaw < 0.06:
            values["nik"] = values["nik"][:6] + "000000" + values["nik"][12:]  # NIK_FORMAT
        elif flaw < 0.07:
            values["rt"] = ""  # MISSING_FIELD
        return values


def _checker(reference_date: dt.date) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """The automatic check a client makes at entry, so seeded rows arrive already checked."""
    from silon_desktop.domain.rules import rule_set_for
    from silon_desktop.domain.supporters import (
        SupporterInput,
        ValidationContext,
        validate_supporter,
    )

    ctx = ValidationContext(REGION, reference_date, rule_set_for("pilkada-2024"))

    def check(values: dict[str, Any]) -> dict[str, Any]:
        birth = dt.date.fromisoformat(values["birth_date"]) if values["birth_date"] else None
        verdict = validate_supporter(
            SupporterInput.from_mapping({**values, "birth_date": birth}), ctx
        )
        return {
            "check_status": str(verdict.status),
            "check_reasons": [str(code) for code in verdict.codes],
        }

    return check


def claim_tenant(engine: Engine) -> None:
    """Allow training mode only on a training database (marked here when still empty).

    Training mode lets trainer accounts read, write and manage everything, and
    ``training`` seeds kab/kota accounts with a published password: on a
    production database (one holding accounts or records but no mark) that
    would open every region, so it is refused.

    Raises:
        ValueError: the database is not a training tenant.
    """
    with write_tx(engine) as conn:
        marks = select(meta.c.key).where(meta.c.key.in_((TENANT_KEY, SEEDED_KEY)))
        if conn.execute(marks).first():  # seeded by an older version: training too
            return
        used = (
            conn.execute(select(users.c.username).limit(1)).first()
            or conn.execute(select(records.c.id).limit(1)).first()
        )
        if used:
            raise ValueError(
                "training mode refused: this database holds accounts or records and is "
                "not a training database (use an empty --data-dir for training)"
            )
        conn.execute(meta.insert().values(key=TENANT_KEY, value=b"1"))


def _chunks(items: list[Mutation], size: int = 1000) -> Iterator[list[Mutation]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def seed(state: Any, trainees: int, supporters: int) -> bool:
    """Seed the practice data and accounts once; True when it seeded now."""
    from sync.server.accounts import add_user
    from sync.server.push import apply_batch

    engine, config = state.engine, state.config
    with read_tx(engine) as conn:
        known = {r[0] for r in conn.execute(select(users.c.username))}
        seeded = conn.execute(select(meta.c.key).where(meta.c.key == SEEDED_KEY)).first()
    for name in trainee_names(trainees):
        if name not in known:
            add_user(engine, config, "admin", name, PASSWORD, Role.KABKOTA, REGION)
    if TRAINER not in known:
        add_user(engine, config, "admin", TRAINER, PASSWORD, Role.TRAINER, "")
    if seeded is not None:
        return False
    region_name, kecamatan = _region_info()
    builder = _Seed(config.clock.today_wib(), supporters)
    builder.build(region_name, kecamatan)
    actor = Actor("admin", Role.KPU_RI, "", "training-seed", True)
    for i, chunk in enumerate(_chunks(builder.mutations)):
        apply_batch(engine, config, actor, f"training-seed-{i}", chunk)
    with write_tx(engine) as conn:
        conn.execute(meta.insert().values(key=SEEDED_KEY, value=b"1"))
    return True


def serve(
    data_dir: Path, port: int, trainees: int, supporters: int, say: Callable[[str], None]
) -> int:
    """Seed if needed and serve on 127.0.0.1 only (a training room's own laptop)."""
    import uvicorn

    from sync.server.app import create_app, tune_gc
    from sync.server.config import ServerConfig

    url = database_url(data_dir, None)
    migrate(url)
    app = create_app(ServerConfig(database_url=url, training=True))
    fresh = seed(app.state.server, trainees, supporters)
    tune_gc()
    names = trainee_names(trainees)
    say(f"Server latihan: http://127.0.0.1:{port}  (data: {data_dir})")
    say("Data latihan baru dibuat." if fresh else "Data latihan yang ada dipakai lagi.")
    say(f"Akun peserta: {names[0]} .. {names[-1]}  kata sandi: {PASSWORD}")
    say(f"Akun pelatih: {TRAINER}  kata sandi: {PASSWORD}")
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    return 0


def reset(data_dir: Path, say: Callable[[str], None]) -> int:
    """Wipe the training tenant (its database); the next start seeds afresh."""
    removed = 0
    for suffix in ("", "-wal", "-shm"):
        path = data_dir / (SQLITE_NAME + suffix)
        if path.exists():
            path.unlink()
            removed += 1
    say(f"Data latihan di {data_dir} dihapus." if removed else f"Tidak ada data di {data_dir}.")
    return 0
