"""A small election for the public-page tests: two pairs, documents and supporters.

``seed_mutations()`` returns wire-ready :class:`sync.protocol.Mutation` objects
(push them with ``apply_batch`` in process, or as JSON to a real server).
Supporter NIKs, names and addresses are listed in ``Seed.supporters`` so tests
can assert none of them ever appears in a public response.
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from typing import Any

from sync.protocol import Mutation, Op

SCOPE = "32.14"
KECAMATAN = ("32.14.01", "32.14.02", "32.14.03")
#: A reason that gives each status under every rule set (the server refuses a
#: verdict whose status its reasons do not give: ``sync.server.rules.check_verdicts``).
REASON_FOR = {"": [], "MS": [], "BMS": ["MISSING_FIELD"], "TMS": ["UNDERAGE"]}
#: The same for a field verdict (which ends in MS or TMS).
FIELD_REASON_FOR = {"": [], "MS": [], "TMS": ["NOT_FOUND"]}


def verdict(status: str, stage: str = "admin") -> dict[str, Any]:
    """A person's verdict as the desktop writes it: the status with reasons that give it."""
    reasons = (FIELD_REASON_FOR if stage == "field" else REASON_FOR)[status]
    return {f"{stage}_status": status, f"{stage}_reasons": list(reasons)}


def _m(entity: str, changes: dict[str, Any], record_id: str | None = None) -> Mutation:
    return Mutation(
        str(uuid.uuid4()),
        entity,
        record_id or str(uuid.uuid4()),
        SCOPE,
        Op.UPSERT,
        0,
        {k: (None, v) for k, v in changes.items()},
    )


@dataclass
class Seed:
    election_id: str
    independent_id: str
    party_pair_id: str
    mutations: list[Mutation] = field(default_factory=list)
    #: (record_id, nik, birth_date, name, address, admin_status) per supporter
    supporters: list[tuple[str, str, str, str, str, str]] = field(default_factory=list)
    #: the candidates' NIKs (never in a public answer either)
    candidate_niks: list[str] = field(default_factory=list)


#: Candidates' NIK sequence numbers: one person stands in one pair of one Pilkada (the
#: server refuses a NIK in two: CANDIDATE_TAKEN), and several seeds of 2024 share a server.
_CANDIDATE_SEQUENCE = itertools.count(1)


def nik_of(i: int) -> str:
    return f"3214{(i % 3) + 1:02d}{(i % 28) + 1:02d}0{(i % 9) + 1}9{(i % 10)}{i:04d}"


def seed(n_supporters: int = 12) -> Seed:
    election_id, ind, par = (str(uuid.uuid4()) for _ in range(3))
    s = Seed(election_id, ind, par)
    s.mutations.append(
        _m(
            "election",
            {
                "name": "Pemilihan Bupati Purwakarta 2024",
                "kind": "bupati",
                "region_code": SCOPE,
                "year": 2024,
                "dpt": 733_927,
                "subregion_count": 17,
                "rule_set": "pilkada-2024",
                "support_start": "2024-05-05",
                "support_end": "2024-05-09",
                "vermin_end": "2024-05-29",
                "correction_end": "2024-06-30",
                "verfak_end": "2024-07-15",
                "registration_date": "2024-08-27",
                "penetapan_date": "2024-09-22",
            },
            election_id,
        )
    )
    for pid, number, route, head, deputy in (
        (ind, 1, "perseorangan", "ASEP SUNANDAR", "DEWI LESTARI"),
        (par, 2, "partai", "BUDI HARTONO", "SITI AMINAH"),
    ):
        s.mutations.append(
            _m(
                "pair",
                {
                    "election_id": election_id,
                    "number": number,
                    "route": route,
                    "head_name": head,
                    "deputy_name": deputy,
                    "status": "diajukan",
                },
                pid,
            )
        )
        for role, name in (("kepala", head), ("wakil", deputy)):
            nik = f"321401010170{next(_CANDIDATE_SEQUENCE) % 10_000 or 1:04d}"
            s.candidate_niks.append(nik)
            cid = str(uuid.uuid4())
            s.mutations.append(
                _m(
                    "candidate",
                    {
                        "pair_id": pid,
                        "role": role,
                        "nik": nik,
                        "name": name,
                        "address": "JL. CALON RAHASIA 9",
                        "birth_date": "1970-01-01",
                    },
                    cid,
                )
            )
            for kind in ("ijazah", "skck"):
                status = "sesuai" if pid == ind or kind == "ijazah" else "ada"
                s.mutations.append(
                    _m("document", {"candidate_id": cid, "kind": kind, "status": status})
                )
    # The party pair's coalition: one party (its figures are public).
    s.mutations.append(
        _m("party", {"pair_id": par, "party_name": "PARTAI CONTOH", "seats": 12, "votes": 123_456})
    )
    statuses = ("MS", "MS", "BMS", "TMS", "")
    for i in range(n_supporters):
        rid = str(uuid.uuid4())
        nik = nik_of(i)
        birth = f"19{80 + i % 20}-0{1 + i % 9}-{10 + i % 18}"
        name = f"WARGA PENDUKUNG {i:03d}"
        address = f"KAMPUNG SUKAMAJU NO {i}"
        status = statuses[i % len(statuses)]
        s.supporters.append((rid, nik, birth, name, address, status))
        s.mutations.append(
            _m(
                "supporter",
                {
                    "pair_id": ind,
                    "nik": nik,
                    "name": name,
                    "birth_place": "PURWAKARTA",
                    "birth_date": birth,
                    "sex": "L",
                    "address": address,
                    "kecamatan_code": KECAMATAN[i % 3],
                    "kabkota_code": SCOPE,
                    "check_status": "MS",
                    **verdict(status),
                },
                rid,
            )
        )
    return s
