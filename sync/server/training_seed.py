"""Practice data of a Bimtek room: one practice election per desk pair, one pair each.

Trainees sit in desk pairs ("meja"): ``latih01`` and ``latih02`` share meja 1,
and so on. Each meja gets its own real kab/kota (Jawa Barat first, then Banten
and DI Yogyakarta: the regions of :mod:`sync.server.training_dpt`) as the practice
region, with a DPT of that region's size (so the threshold the trainee computes
is the band the region's operators meet), and its election lives in its
own server scope: a laptop pulls and pushes its meja's election only, and no
other desk's import or bulk verdict can ever reach it. Inside the meja's
election each trainee owns one pair (paslon 1 or 2) with its own supporter list;
paslon 3 is a competitor both share, carrying the supporters that back two
pairs (ganda eksternal) and the two rows of the conflict exercise, where the
two colleagues must meet on purpose. Why a pair each in a shared election
rather than an election each: a KPU kab/kota office works exactly like this (one
election, several operators, several pairs), and two lessons (a duplicate with
another pair, a conflict with a colleague) only exist between pairs and people
of the same election.

Names match the sex in the NIK (Faker ``id_ID`` male and female first names),
and every address lies in a real kecamatan and desa of the meja's region.
Each trainee's list carries the planted rows of :mod:`sync.server.training_key`.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from silon_desktop.domain.nik import build_nik
from sync.protocol import Mutation, Op
from sync.server.training_dpt import (
    PRACTICE_REGIONS,
    neighbour,
    practice_dprd_valid_votes,
    practice_dpt,
)
from sync.server.training_key import Planted

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
#: The conflict exercise: the list says RT 070 (a typo), the KTP 007, the family card (KK) 008.
LIST_RT, KTP_RT, KK_RT = "070", "007", "008"

Kecamatan = list[tuple[str, list[str]]]


@dataclass(frozen=True, slots=True)
class Meja:
    """A desk pair: its number, practice region and trainees (one or two)."""

    number: int
    region: str
    region_name: str
    trainees: tuple[str, ...]


@dataclass(slots=True)
class Practice:
    """What the seed made: the mutations to apply and the answer key."""

    mutations: list[Mutation] = field(default_factory=list)
    key: list[Planted] = field(default_factory=list)
    pairs: dict[str, tuple[str, int]] = field(default_factory=dict)  # trainee -> (region, number)


def practice_regions(count: int) -> list[tuple[str, str]]:
    """``count`` real kab/kota (code, name) with kecamatan and desa, Jawa Barat first:
    those whose DPT :mod:`sync.server.training_dpt` knows, in its order."""
    from silon_desktop.domain.regions import default_table

    table = default_table()
    found: list[tuple[str, str]] = []
    for code in PRACTICE_REGIONS:
        region, kecamatan = table.get(code), table.children(code)
        if region is not None and kecamatan and table.children(kecamatan[0].code):
            found.append((region.code, region.name))
            if len(found) == count:
                return found
    raise ValueError(f"the region table has only {len(found)} kab/kota for {count} desk pairs")


def mejas(trainees: list[str]) -> list[Meja]:
    """Desk pairs in order: two trainees each (the last one alone when odd)."""
    groups = [tuple(trainees[i : i + 2]) for i in range(0, len(trainees), 2)]
    regions = practice_regions(len(groups))
    return [
        Meja(n + 1, code, name, group)
        for n, (group, (code, name)) in enumerate(zip(groups, regions, strict=True))
    ]


def _kecamatan(region: str) -> Kecamatan:
    from silon_desktop.domain.regions import default_table

    table = default_table()
    out = [(k.code, [d.code for d in table.children(k.code)]) for k in table.children(region)]
    return [(k, desa) for k, desa in out if desa]


class Seeder:
    """Builds every meja's election, pairs, candidates and supporters."""

    def __init__(self, today: dt.date, supporters: int, seed: int = 2024) -> None:
        from faker import Faker

        self.fake = Faker("id_ID")
        self.fake.seed_instance(seed)
        self.rng = random.Random(seed)
        self.today = today
        self.supporters = supporters
        # Ages are counted at the end of the support stage (support_end below).
        self.reference = today + dt.timedelta(days=30)
        self.out = Practice()
        self.seq = 0
        self.scope = ""
        self.check: Callable[[dict[str, Any]], dict[str, Any]] = lambda _v: {}

    # -- building blocks -------------------------------------------------------------

    def add(self, entity: str, values: dict[str, Any]) -> str:
        record_id = str(uuid.UUID(int=self.rng.getrandbits(128)))
        changes = {k: (None, v) for k, v in values.items()}
        self.out.mutations.append(
            Mutation(str(uuid.uuid4()), entity, record_id, self.scope, Op.UPSERT, 0, changes)
        )
        return record_id

    def person(self, kecamatan: Kecamatan, min_age: int, max_age: int = 80) -> dict[str, Any]:
        female = self.rng.random() < 0.5
        birth = self.today - dt.timedelta(days=self.rng.randint(min_age * 366, max_age * 365))
        kec, desa = self.rng.choice(kecamatan)
        self.seq += 1
        name = self.name(female)
        return {
            "nik": build_nik(kec, birth, "P" if female else "L", self.seq % 9999 + 1),
            "name": name.upper(),
            "birth_place": self.fake.city().upper(),
            "birth_date": birth.isoformat(),
            "sex": "P" if female else "L",
            "address": self.fake.street_address().upper(),
            "kecamatan": kec,
            "desa": self.rng.choice(desa),
        }

    def name(self, female: bool) -> str:
        """A first and a last name of the person's sex (no titles)."""
        if female:
            return f"{self.fake.first_name_female()} {self.fake.last_name_female()}"
        return f"{self.fake.first_name_male()} {self.fake.last_name_male()}"

    def supporter(self, pair: str, kecamatan: Kecamatan, **override: Any) -> dict[str, Any]:
        p = self.person(kecamatan, 17)
        values: dict[str, Any] = {
            "pair_id": pair,
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
            "kabkota_code": self.scope,
            "has_id_scan": True,
            "nik_from_number": False,
        }
        values.update(override)
        return values

    def put(self, values: dict[str, Any]) -> str:
        return self.add("supporter", {**values, **self.check(values)})

    # -- one meja ----------------------------------------------------------------------

    def build(self, meja: Meja) -> None:
        self.scope = meja.region
        self.check = checker(meja.region, self.reference)
        kecamatan = _kecamatan(meja.region)
        t = self.today
        kota = meja.region_name.upper().startswith("KOTA")
        election = self.add(
            "election",
            {
                "name": f"Latihan Meja {meja.number}: Pemilihan "
                + ("Wali Kota" if kota else "Bupati")
                + f" {meja.region_name}",
                "kind": "walikota" if kota else "bupati",
                "region_code": meja.region,
                "year": t.year,
                # The region's own size: the domain computes the threshold from it.
                "dpt": practice_dpt(meja.region),
                "dprd_valid_votes": practice_dprd_valid_votes(meja.region),
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
        own = [self.pair(election, n + 1, "perseorangan", kecamatan) for n in range(2)]
        rival = self.pair(election, 3, "perseorangan", kecamatan)
        party = self.pair(election, 4, "partai", kecamatan)
        # 12 % and 6 % of the region's DPRD votes: together above the highest tier (10 %).
        valid = practice_dprd_valid_votes(meja.region)
        for name, seats, share in (("PARTAI A", 12, 12), ("PARTAI B", 6, 6)):
            votes = valid * share // 100 // 100 * 100
            self.add(
                "party", {"pair_id": party, "party_name": name, "seats": seats, "votes": votes}
            )
        rival_rows = [
            self.supporter(rival, kecamatan) for _ in range(max(10, self.supporters // 10))
        ]
        for values in rival_rows:
            self.put(values)
        for seat, trainee in enumerate(meja.trainees):
            self.out.pairs[trainee] = (meja.region, seat + 1)
            self.trainee(trainee, own[seat], kecamatan, rival_rows[seat])
        if len(meja.trainees) == 2:
            self.conflict_rows(meja.trainees, rival, kecamatan)

    def pair(self, election: str, number: int, route: str, kecamatan: Kecamatan) -> str:
        head, deputy = self.person(kecamatan, 30, 65), self.person(kecamatan, 25, 60)
        pair = self.add(
            "pair",
            {
                "election_id": election,
                "number": number,
                "route": route,
                "head_name": head["name"],
                "deputy_name": deputy["name"],
                # Submitted, each one: the public pages show only pairs KPU has
                # received (figures.published), and the room's citizens' view (a
                # pair's page, the NIK check of a trainee's own list) needs them.
                # ``diajukan`` locks nothing a lesson writes, on the desktop or here.
                "status": "diajukan",
            },
        )
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
        return pair

    def trainee(
        self, trainee: str, pair: str, kecamatan: Kecamatan, external: dict[str, Any]
    ) -> None:
        """The trainee's own list: clean rows with the planted lessons among them."""
        planted = self.planted(trainee, pair, kecamatan, external)
        clean = max(0, self.supporters - len(planted))
        total = clean + len(planted)
        # Planted rows at random places, in their own order (a copy after its original).
        places = set(self.rng.sample(range(total), len(planted)))
        queue = iter(planted)
        rows: list[tuple[dict[str, Any], tuple[str, str, str, str] | None]] = [
            next(queue)
            if i in places
            else (self.supporter(pair, kecamatan, marital_status="S"), None)
            for i in range(total)
        ]
        for values, key in rows:
            record_id = self.put(values)
            if key is not None:
                lesson, check, status, reason = key
                self.out.key.append(
                    Planted(
                        trainee,
                        lesson,
                        record_id,
                        check,
                        status=status,
                        reason=reason,
                        label=str(values["name"]),
                    )
                )

    def planted(
        self, trainee: str, pair: str, kecamatan: Kecamatan, external: dict[str, Any]
    ) -> list[tuple[dict[str, Any], tuple[str, str, str, str]]]:
        """One row (or two) per lesson, each with (lesson, check, status, reason)."""

        def row(**override: Any) -> dict[str, Any]:
            return self.supporter(pair, kecamatan, marital_status="S", **override)

        out: list[tuple[dict[str, Any], tuple[str, str, str, str]]] = []
        # NIK typed as a number in a spreadsheet: 3.21E+15 keeps three digits; a
        # 16-digit number loses its last digit (it becomes 0).
        e15 = row()
        nik = str(e15["nik"])
        e15.update(nik=str(int(float(f"{nik[0]}.{nik[1:3]}E+15"))), nik_from_number=True)
        out.append((e15, ("nik_angka", "admin", "TMS", "NIK_FORMAT")))
        lost = row()
        lost.update(nik=lost["nik"][:15] + "0", nik_from_number=True)
        out.append((lost, ("nik_angka", "admin", "BMS", "NIK_PRECISION")))
        first = row()
        out.append((first, ("ganda_identik", "admin", "MS", "")))
        out.append((dict(first), ("ganda_identik", "admin", "TMS", "DUPLICATE_IDENTICAL")))
        one = row()
        other = dict(one, name=self._other_name(str(one["sex"])))
        out.append((one, ("ganda_potensi", "admin", "BMS", "DUPLICATE_POTENTIAL")))
        out.append((other, ("ganda_potensi", "admin", "BMS", "DUPLICATE_POTENTIAL")))
        twin = {k: v for k, v in external.items() if not k.startswith("check_")}
        twin["pair_id"] = pair
        out.append((twin, ("ganda_eksternal", "admin", "BMS", "DUPLICATE_EXTERNAL")))
        broken = row()
        broken["nik"] = broken["nik"][:6] + "00" + broken["nik"][8:]  # day 00
        out.append((broken, ("nik_format", "admin", "TMS", "NIK_FORMAT")))
        moved = row()
        birth = dt.date.fromisoformat(moved["birth_date"])
        day = 28 if (birth.month, birth.day) == (2, 29) else birth.day  # no 29 Feb a year before
        moved["birth_date"] = birth.replace(year=birth.year - 1, day=day).isoformat()
        out.append((moved, ("nik_tanggal", "admin", "BMS", "NIK_MISMATCH")))
        young = self.young(pair, kecamatan)
        out.append((young, ("di_bawah_umur", "admin", "TMS", "UNDERAGE")))
        out.append((self.outsider(pair), ("luar_wilayah", "admin", "TMS", "OUTSIDE_REGION")))
        banned = row(occupation=self.rng.choice(BANNED))
        out.append((banned, ("pekerjaan", "admin", "BMS", "BANNED_OCCUPATION")))
        out.append((row(address=""), ("kolom_kosong", "admin", "BMS", "MISSING_FIELD")))
        # Field verification visits supporters found MS in the administrative one.
        visited = row(admin_status="MS", admin_reasons=[])
        out.append((visited, ("menolak", "field", "TMS", "DENIES_SUPPORT")))
        out.append((row(), ("bundel", "bundle", "MS", "")))
        return out

    def _other_name(self, sex: str) -> str:
        return self.name(sex == "P").upper()

    def young(self, pair: str, kecamatan: Kecamatan) -> dict[str, Any]:
        values = self.supporter(pair, kecamatan, marital_status="B", occupation="PELAJAR/MAHASISWA")
        birth = self.reference - dt.timedelta(days=16 * 365 + 100)
        female = values["sex"] == "P"
        values["birth_date"] = birth.isoformat()
        values["nik"] = build_nik(
            values["kecamatan_code"], birth, "P" if female else "L", self.seq % 9999 + 1
        )
        return values

    def outsider(self, pair: str) -> dict[str, Any]:
        """A resident of a bordering kab/kota of the same province (its own NIK, desa
        and kecamatan): the supporter an LO collects just across the border."""
        next_door = neighbour(self.scope)
        elsewhere = _kecamatan(next_door)
        saved, self.scope = self.scope, next_door
        try:
            values = self.supporter(pair, elsewhere, marital_status="S")
        finally:
            self.scope = saved
        return values

    def conflict_rows(self, pair_of: tuple[str, ...], rival: str, kecamatan: Kecamatan) -> None:
        """Two shared rows of paslon 3: each colleague meets the other on one of them."""
        for trainee in pair_of:
            values = self.supporter(rival, kecamatan, rt=LIST_RT)
            record_id = self.put(values)
            for who in pair_of:
                self.out.key.append(
                    Planted(
                        who,
                        "konflik",
                        record_id,
                        "conflict",
                        field_name="rt",
                        value=KTP_RT,
                        label=f"{values['name']} (paslon 3, baris {trainee})",
                    )
                )


def checker(region: str, reference_date: dt.date) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """The automatic check a client makes at entry, so seeded rows arrive already checked."""
    from silon_desktop.domain.rules import rule_set_for
    from silon_desktop.domain.supporters import (
        SupporterInput,
        ValidationContext,
        validate_supporter,
    )

    ctx = ValidationContext(region, reference_date, rule_set_for("pilkada-2024"))

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


def build_practice(today: dt.date, trainees: list[str], supporters: int) -> Practice:
    seeder = Seeder(today, supporters)
    for meja in mejas(trainees):
        seeder.build(meja)
    return seeder.out


def chunks(items: list[Mutation], size: int = 1000) -> Iterator[list[Mutation]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
