"""Valid records of every entity, for the repository tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from silon_desktop.storage.repository import Repository

SCOPE = "32.14"


def make_tree(repo: Repository) -> dict[str, str]:
    """One record of each entity, linked; returns entity -> id."""
    ids: dict[str, str] = {}
    ids["election"] = repo.create("election", election_values(), SCOPE)
    ids["pair"] = repo.create("pair", pair_values(ids["election"]), SCOPE)
    ids["candidate"] = repo.create("candidate", candidate_values(ids["pair"]), SCOPE)
    ids["document"] = repo.create("document", document_values(ids["candidate"]), SCOPE)
    ids["party"] = repo.create("party", party_values(ids["pair"]), SCOPE)
    ids["supporter"] = repo.create("supporter", supporter_values(ids["pair"]), SCOPE)
    return ids


def election_values() -> dict[str, Any]:
    return {
        "name": "Pemilihan Bupati Purwakarta 2024",
        "kind": "bupati",
        "region_code": SCOPE,
        "year": 2024,
        "dpt": 733927,
        "subregion_count": 17,
        "rule_set": "pilkada-2024",
        "support_start": dt.date(2024, 5, 5),
        "support_end": dt.date(2024, 5, 9),
    }


def pair_values(election_id: str) -> dict[str, Any]:
    return {
        "election_id": election_id,
        "number": 1,
        "route": "perseorangan",
        "head_name": "Asep Sunandar",
        "deputy_name": "Ujang Koswara",
        "status": "draft",
    }


def candidate_values(pair_id: str) -> dict[str, Any]:
    return {
        "pair_id": pair_id,
        "role": "kepala",
        "nik": "3214010101700001",
        "name": "Asep Sunandar",
        "sex": "L",
        "birth_place": "Purwakarta",
        "birth_date": dt.date(1970, 1, 1),
        "address": "Jl. Veteran 1\nPurwakarta",
        "education": "S1",
        "occupation": "Wiraswasta",
        "marital_status": "S",
    }


def document_values(candidate_id: str) -> dict[str, Any]:
    return {
        "candidate_id": candidate_id,
        "kind": "ijazah",
        "filename": "ijazah.pdf",
        "sha256": "ab" * 32,
        "size": 120_000,
        "status": "ada",
        "note": "",
    }


def party_values(pair_id: str) -> dict[str, Any]:
    return {"pair_id": pair_id, "party_name": "Partai Contoh", "seats": 5, "votes": 40_000}


def supporter_values(pair_id: str) -> dict[str, Any]:
    return {
        "pair_id": pair_id,
        "nik": "3214014101900002",
        "name": "Siti Aminah",
        "birth_place": "Purwakarta",
        "birth_date": dt.date(1990, 1, 1),
        "sex": "P",
        "marital_status": "S",
        "occupation": "Petani",
        "address": "Kp. Cibening RT 1",
        "rt": "001",
        "rw": "002",
        "desa_code": "32.14.01.2001",
        "kecamatan_code": "32.14.01",
        "kabkota_code": "32.14",
        "has_id_scan": True,
        "nik_from_number": False,
        "check_status": "MS",
        "check_reasons": [],
        "admin_status": "",
        "admin_reasons": [],
        "admin_by": "",
        "admin_at": None,
        "field_status": "",
        "field_reasons": [],
        "field_method": "",
        "field_by": "",
        "field_at": None,
    }
