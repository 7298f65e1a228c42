"""The public figures as plain data: what the pages, JSON and CSV show.

Everything here reads the ``public_*`` tables (and region names) only; no
supporter row is ever read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.engine import Connection

from silon_desktop.domain import rules
from silon_desktop.domain.codes import REQUIRED_DOCUMENTS, DocumentKind
from silon_desktop.domain.labels import DOCUMENT_LABELS_ID
from silon_desktop.domain.regions import default_table, normalize_code
from silon_desktop.domain.requirement import Requirement, spread_area
from silon_desktop.domain.requirement import requirement as domain_requirement
from sync.server.public.figures import COUNTS, ROUNDS, objection_counts
from sync.server.schema import public_figures, public_records, records, regions

#: Documents every candidate must hand in: the domain's kinds but ``lainnya`` (optional).
STAGE_FIELDS = (
    "vermin_end",
    "correction_end",
    "verfak_end",
    "registration_date",
    "penetapan_date",
)


@dataclass(slots=True)
class Structure:
    """Elections, pairs, candidates (role), documents and parties: public fields only."""

    elections: dict[str, dict[str, Any]] = field(default_factory=dict)
    pairs: dict[str, dict[str, Any]] = field(default_factory=dict)
    candidates: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: In the order they last changed on the server (the feed sequence): the last of a
    #: candidate's documents of one kind is its newest copy (:func:`pair_documents`).
    documents: list[dict[str, Any]] = field(default_factory=list)
    parties: list[dict[str, Any]] = field(default_factory=list)


def load_structure(conn: Connection) -> Structure:
    """The public records, each list in the order its records last changed (the feed
    sequence of ``records``; a public copy never outlives its record)."""
    out = Structure()
    for rid, entity, text in conn.execute(
        select(public_records.c.id, public_records.c.entity, public_records.c.fields)
        .outerjoin(records, records.c.id == public_records.c.id)
        .order_by(records.c.seq, public_records.c.id)
    ):
        fields = orjson.loads(text)
        fields["id"] = rid
        if entity == "election":
            out.elections[rid] = fields
        elif entity == "pair":
            out.pairs[rid] = fields
        elif entity == "candidate":
            out.candidates[rid] = fields
        elif entity == "document":
            out.documents.append(fields)
        elif entity == "party":
            out.parties.append(fields)
    return out


def public_fields(conn: Connection, entity: str, record_id: str) -> dict[str, Any] | None:
    """The public fields of one record of ``entity`` (None: the pages show no such record)."""
    text = conn.execute(
        select(public_records.c.fields).where(
            public_records.c.id == record_id, public_records.c.entity == entity
        )
    ).scalar_one_or_none()
    return None if text is None else dict(orjson.loads(text))


Figures = dict[str, dict[str, dict[str, dict[str, int]]]]  # pair -> round -> subregion -> counts


def load_figures(conn: Connection) -> Figures:
    out: Figures = {}
    for r in conn.execute(select(public_figures)).mappings():
        cell = {n: int(r[n]) for n in COUNTS}
        out.setdefault(r["pair_id"], {}).setdefault(r["round"], {})[r["subregion"]] = cell
    return out


def region_names(conn: Connection, codes: set[str]) -> dict[str, str]:
    """The names of region ``codes``: the server's own table (an administrator's
    ``silon-server region add``, which may rename), else the Kemendagri table the
    desktop ships and names its recap by (codes neither knows are left out)."""
    wanted = sorted(c for c in codes if c)
    names: dict[str, str] = {}
    for start in range(0, len(wanted), 500):
        rows = conn.execute(
            select(regions.c.code, regions.c.name).where(
                regions.c.code.in_(wanted[start : start + 500])
            )
        )
        names.update({str(c): str(n) for c, n in rows})
    shipped = default_table()
    for code in wanted:
        if code not in names and (name := shipped.name(code)):
            names[code] = name
    return names


def _zero() -> dict[str, int]:
    return dict.fromkeys(COUNTS, 0)


def _add(into: dict[str, int], cell: dict[str, int]) -> None:
    for n in COUNTS:
        into[n] += cell.get(n, 0)


def rule_set_of(election: dict[str, Any]) -> rules.RuleSet | None:
    """The rule set of ``election``; None for one of a newer program."""
    try:
        return rules.rule_set_for(str(election.get("rule_set") or "") or None)
    except ValueError:
        return None


def requirement(election: dict[str, Any]) -> Requirement:
    """The published threshold and spread of ``election``: the desktop recap's own
    decision (:func:`silon_desktop.domain.requirement.requirement`); under a rule set
    or an election kind this server does not know, nothing is computed and the KPU
    decree's figures, where entered, are still published."""
    rule_set = rule_set_of(election)
    try:
        return domain_requirement(rule_set, election)
    except (ValueError, KeyError, TypeError):  # a kind the rule set does not know
        return domain_requirement(None, election)


def by_kabkota(election: dict[str, Any]) -> bool:
    return str(election.get("kind") or "") == "gubernur"


def _group_code(code: str, kabkota: bool) -> str:
    return ".".join(code.split(".")[:2]) if kabkota else code


def is_area(code: str, kabkota: bool, region_code: str | None = None) -> bool:
    """Whether a group code names an area the spread counts: a kab/kota (``32.14``)
    or a kecamatan (``32.14.01``) of the election's region (``region_code``, where
    known: :func:`~silon_desktop.domain.requirement.spread_area`, as the desktop's
    recap counts); a supporter without one (``""``, or only a kab/kota in a
    kecamatan-level election), or living outside the region, is no area. The code
    counts as stored, as the recap the operator signs reads it: one not written
    dotted (``321401``, a client's input the server keeps) is no area there, so it
    is none here either (read as ``32.14.01`` it was one kecamatan too many)."""
    if not code or normalize_code(code) != code or code.count(".") != (1 if kabkota else 2):
        return False
    region = normalize_code(region_code) if region_code else None
    return spread_area(code, region)


def pair_support(
    election: dict[str, Any], rounds: dict[str, dict[str, dict[str, int]]]
) -> dict[str, Any]:
    """Per round and in total: counts per sub-region, against the threshold and spread."""
    kabkota = by_kabkota(election)
    req = requirement(election)
    threshold, spread = req.threshold, req.spread
    out_rounds = []
    total = _zero()
    total_by_sub: dict[str, dict[str, int]] = {}
    for rnd in sorted(rounds, key=lambda r: ROUNDS.index(r) if r in ROUNDS else len(ROUNDS)):
        subs: dict[str, dict[str, int]] = {}
        sums = _zero()
        for code, cell in rounds[rnd].items():
            group = _group_code(code, kabkota)
            _add(subs.setdefault(group, _zero()), cell)
            _add(total_by_sub.setdefault(group, _zero()), cell)
            _add(sums, cell)
        _add(total, sums)
        out_rounds.append({"round": rnd, "totals": sums, "subregions": dict(sorted(subs.items()))})
    region = str(election.get("region_code") or "")
    spread_have = sum(
        1 for code, c in total_by_sub.items() if c["ms"] > 0 and is_area(code, kabkota, region)
    )
    return {
        "rounds": out_rounds,
        "totals": total,
        "subregions": dict(sorted(total_by_sub.items())),
        "threshold": threshold,
        "threshold_source": req.threshold_source,
        "spread_required": spread,
        "spread_source": req.spread_source,
        "spread_have": spread_have,
        # None: not known yet (no DPT or sub-region count, no decree figure).
        "threshold_met": None if threshold is None else total["ms"] >= threshold,
        "spread_met": None if spread is None else spread_have >= spread,
        "by_kabkota": kabkota,
    }


def _roles(structure: Structure, pair_id: str) -> dict[str, list[str]]:
    """The ids of a pair's candidates per role, sorted."""
    out: dict[str, list[str]] = {}
    for cid, c in sorted(structure.candidates.items()):
        if c.get("pair_id") == pair_id:
            out.setdefault(str(c.get("role") or ""), []).append(cid)
    return out


def roles_held_twice(structure: Structure, pair_id: str) -> list[str]:
    """The roles (``kepala``, ``wakil``) more than one candidate of a pair holds: the
    pair's data is inconsistent (stored before the server refused a second one)."""
    return [role for role, ids in _roles(structure, pair_id).items() if len(ids) > 1]


def pair_documents(structure: Structure, pair_id: str) -> list[dict[str, Any]]:
    """Per required document: the status of each head and each deputy candidate (a
    list: normally one each, every one shown where a role is held twice) and whether
    it is complete (one candidate per role, both "sesuai"; never while a role is
    held twice).

    Of a candidate's documents of one kind the one changed last counts (the newest
    copy, or the last verdict): an older copy found "sesuai" never hides a newer one
    found "tidak sesuai" (``structure.documents`` is in that order)."""
    roles = _roles(structure, pair_id)
    status: dict[tuple[str, str], str] = {}
    for d in structure.documents:
        cid = str(d.get("candidate_id") or "")
        if structure.candidates.get(cid, {}).get("pair_id") == pair_id:
            status[(cid, str(d.get("kind") or ""))] = str(d.get("status") or "belum")
    heads, deputies = roles.get("kepala", [""]), roles.get("wakil", [""])
    out = []
    for kind in (k.value for k in REQUIRED_DOCUMENTS):
        head = [status.get((cid, kind), "belum") for cid in heads]
        deputy = [status.get((cid, kind), "belum") for cid in deputies]
        out.append(
            {
                "kind": kind,
                "label": DOCUMENT_LABELS_ID[DocumentKind(kind)],
                "head": head,
                "deputy": deputy,
                "complete": head == ["sesuai"] and deputy == ["sesuai"],
            }
        )
    return out


def stages(election: dict[str, Any]) -> list[tuple[str, str, str]]:
    """``(string key, start date, end date)`` of each stage with a date."""
    out = []
    if election.get("support_start") or election.get("support_end"):
        out.append(
            (
                "support_period",
                str(election.get("support_start") or ""),
                str(election.get("support_end") or ""),
            )
        )
    for name in STAGE_FIELDS:
        if election.get(name):
            out.append((name, "", str(election[name])))
    return out


def open_data(
    structure: Structure, figures: Figures, objections: dict[str, tuple[int, int]]
) -> list[dict[str, Any]]:
    """Every election with its pairs and figures (the JSON open data's ``elections``)."""
    out = []
    for eid, e in sorted(structure.elections.items(), key=lambda kv: str(kv[1].get("name"))):
        req = requirement(e)
        pairs = []
        for pid, p in sorted(
            ((k, v) for k, v in structure.pairs.items() if v.get("election_id") == eid),
            key=lambda kv: int(kv[1].get("number") or 0),
        ):
            support = pair_support(e, figures.get(pid, {}))
            opened, resolved = objections.get(pid, (0, 0))
            pairs.append(
                {
                    "id": pid,
                    "number": p.get("number"),
                    "route": p.get("route"),
                    "status": p.get("status"),
                    "head_name": p.get("head_name"),
                    "deputy_name": p.get("deputy_name"),
                    "documents": {d["kind"]: d["complete"] for d in pair_documents(structure, pid)},
                    "roles_held_twice": roles_held_twice(structure, pid),
                    "objections": {"open": opened, "resolved": resolved},
                    "support": {
                        "totals": support["totals"],
                        "threshold_met": support["threshold_met"],
                        "spread_have": support["spread_have"],
                        "spread_met": support["spread_met"],
                        "rounds": [
                            {
                                "round": r["round"],
                                "totals": r["totals"],
                                "subregions": [
                                    {"code": code, **cell} for code, cell in r["subregions"].items()
                                ],
                            }
                            for r in support["rounds"]
                        ],
                    },
                }
            )
        out.append(
            {
                "id": eid,
                "name": e.get("name"),
                "kind": e.get("kind"),
                "region_code": e.get("region_code"),
                "year": e.get("year"),
                "dpt": e.get("dpt"),
                "subregion_count": e.get("subregion_count"),
                "subregions": req.subregions,
                "subregion_level": "kabkota" if by_kabkota(e) else "kecamatan",
                "rule_set": e.get("rule_set"),
                "threshold": req.threshold,
                "threshold_source": req.threshold_source,
                "threshold_computed": req.computed_threshold,
                "spread_required": req.spread,
                "spread_source": req.spread_source,
                "spread_required_computed": req.computed_spread,
                "stages": {
                    name: e.get(name) for name in ("support_start", "support_end", *STAGE_FIELDS)
                },
                "pairs": pairs,
            }
        )
    return out


def load_all(conn: Connection) -> tuple[Structure, Figures, dict[str, tuple[int, int]]]:
    return load_structure(conn), load_figures(conn), objection_counts(conn)
