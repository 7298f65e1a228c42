"""Who writes what, by level: the share of a KPU kab/kota in its province's election.

For a governor election the province administers the pair, and each KPU
kab/kota works on the supporters who live in its area, only on those (DOMAIN.md,
Levels). The server holds every write to it (``sync.server.roles.Actor.can_write``
and the push's area checks); the desktop asks :func:`writable` before it saves,
so a write the server would refuse is never made, by hand or by an import.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

#: A supporter's place fields: a kab/kota's write of any is held to its kab/kota.
SUPPORTER_PLACES = ("kabkota_code", "kecamatan_code", "desa_code")


#: Roles that read and never write (``sync.server.roles.Role.BAWASLU``: the supervisor).
READ_ONLY_ROLES = frozenset({"bawaslu"})


def read_only(role: str) -> bool:
    """Whether an account of ``role`` writes nothing (Bawaslu; DOMAIN.md, Who uses Silon)."""
    return role in READ_ONLY_ROLES


def account_kabkota(session_scope: str) -> str:
    """The kab/kota a kab/kota account works for ("" for a province's, KPU RI's or
    nobody's): a recap of a governor pair is its share (``pair_recap(share=)``
    applies it to governor pairs only, as ``services.app.own_area`` does)."""
    return session_scope if session_scope.count(".") == 1 else ""


def writable(
    session_scope: str,
    entity: str,
    scope: str,
    fields: Mapping[str, Any],
    changed: Collection[str],
    role: str = "",
) -> bool:
    """Whether an account of ``session_scope`` writes a record of ``scope`` (``fields``:
    the record after the write, ``changed``: the fields it sets): its own scope, and
    for a kab/kota also the supporters of its province's governor election living in
    it, by kab/kota code, and by kecamatan and desa where the write sets a place
    (docs/PROTOCOL.md, Levels; ``sync.server.roles.Actor.can_write`` and the push's
    area checks). Every scope for an account of no region (KPU RI) or of none known yet;
    none for an account of a ``role`` that only reads (:func:`read_only`)."""
    if read_only(role):
        return False
    if not session_scope or scope == session_scope:
        return True
    own = account_kabkota(session_scope)
    if not own or entity != "supporter" or scope != own.split(".")[0]:
        return False
    if fields.get("kabkota_code") != own:
        return False
    if not any(name in changed for name in SUPPORTER_PLACES):
        return True
    return all(
        not fields.get(name) or str(fields[name]).startswith(own + ".")
        for name in ("kecamatan_code", "desa_code")
    )
