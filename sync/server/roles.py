"""Roles and scopes: who may read and write which records.

A scope is the region code of a record's election ("32" province, "32.14"
kab/kota). An account is bound to a region ("" for the whole country).

Levels: a governor election (scope "32") is administered by the province; its
election, pairs, candidates and documents are read by every KPU kab/kota of the
province, and its supporters are read and verified by the KPU kab/kota they
live in (their ``kabkota_code``: the record's *area*). The province reads and
writes all of them. A kab/kota's Bawaslu, which supervises that KPU's work and
never writes, reads what it reads (:attr:`Actor.reads_by_area`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from sync.snapshot import scope_label

#: The version of the read rules below (what each account reads). Bump it whenever
#: an account comes to read records it did not: a desktop whose feed cursor was
#: moved under other rules pulls again from the beginning (:attr:`Actor.read_rules`,
#: docs/PROTOCOL.md), or it would never receive the records now readable behind its
#: cursor. History: none (absent) before; "1": a kab/kota's Bawaslu reads what its
#: KPU kab/kota reads.
READ_RULES = "1"


class Role(StrEnum):
    KPU_RI = "kpu_ri"  # national: reads and writes everything, manages every account
    PROVINCE = "province"  # reads its province and its kab/kota; writes province scope
    KABKOTA = "kabkota"  # reads and writes its own kab/kota only
    BAWASLU = "bawaslu"  # reads its region (or all) as its KPU does, never writes
    TRAINER = "trainer"  # its region (everything without one), only on a training server


SCOPE_RE = re.compile(r"^\d{2}(\.\d{2})?$")
REGION_RE = re.compile(r"^(\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?)?$")


def valid_region_for(role: Role, region: str) -> bool:
    """Whether an account of ``role`` may be bound to ``region``."""
    if role is Role.KPU_RI:
        return region == ""
    if role is Role.PROVINCE:
        return bool(re.fullmatch(r"\d{2}", region))
    if role is Role.KABKOTA:
        return bool(re.fullmatch(r"\d{2}\.\d{2}", region))
    if role is Role.TRAINER:
        return region == "" or bool(SCOPE_RE.fullmatch(region))
    return region == "" or bool(SCOPE_RE.fullmatch(region))


#: The area of a supporter of a governor election without a kab/kota of the
#: province: only the province (and KPU RI) reads it.
NO_AREA = "-"


def area_of(entity: str, scope: str, fields: dict[str, object]) -> str:
    """The kab/kota a record of a province scope belongs to ("" for every other record)."""
    if entity != "supporter" or "." in scope:
        return ""
    code = fields.get("kabkota_code")
    if isinstance(code, str) and len(code) == 5 and code.startswith(scope + "."):
        return code
    return NO_AREA


def _within(scope: str, region: str) -> bool:
    return region == "" or scope == region or scope.startswith(region + ".")


@dataclass(frozen=True, slots=True)
class Actor:
    """The authenticated caller of one request."""

    username: str
    role: Role
    region: str
    device_id: str
    training_server: bool = False

    @property
    def province(self) -> str:
        """The province code of the account's region ("" for national accounts)."""
        return self.region.split(".")[0]

    @property
    def reads_by_area(self) -> bool:
        """Whether the caller reads as a kab/kota: its own scope, and of its province's
        scope the records of no area and those of its own area (:func:`area_of`).

        A KPU kab/kota, and a Bawaslu of a kab/kota: it supervises the verification
        that KPU does, of the supporters of a governor election living there too."""
        return self.role is Role.KABKOTA or (self.role is Role.BAWASLU and "." in self.region)

    def can_read(self, scope: str, area: str = "") -> bool:
        """Whether the caller reads a record of ``scope`` (``area``: see :func:`area_of`)."""
        if self.role is Role.TRAINER:
            return self.training_server and _within(scope, self.region)
        if self.role is Role.KPU_RI:
            return True
        if self.reads_by_area:
            if scope == self.region:
                return True
            return scope == self.province and area in ("", self.region)
        return _within(scope, self.region)

    def can_write(self, scope: str, entity: str = "", area: str | None = None) -> bool:
        """Whether the caller writes a record of ``entity`` in ``scope``.

        A kab/kota account writes its own scope, and the supporters of its
        province's governor election that live in it (``area`` None: not known
        yet, checked again once the stored record and the new values are).
        """
        if self.role is Role.TRAINER:
            return self.training_server and _within(scope, self.region)
        if self.role is Role.KPU_RI:
            return True
        if self.role is Role.KABKOTA:
            if scope == self.region:
                return True
            return (
                entity == "supporter"
                and scope == self.province
                and (area is None or area == self.region)
            )
        if self.role is Role.PROVINCE:
            return scope == self.region
        return False

    @property
    def reads_everything(self) -> bool:
        return self.role is Role.KPU_RI or (self.trains and not self.region)

    @property
    def trains(self) -> bool:
        """A trainer on a training server: it reaches its region there (every desk of the
        room without one: ``pelatih``), as a province or KPU RI does; elsewhere nothing."""
        return self.role is Role.TRAINER and self.training_server

    @property
    def read_rules(self) -> str:
        """What the account reads and by which rules, as announced to its desktops
        (``read_rules`` of the login answer and of every feed page): the version
        :data:`READ_RULES` and its read scope's label (:func:`sync.snapshot.scope_label`).
        A desktop whose cursor was moved under another value pulls again from the
        beginning: the rules widened, or the account was moved to a wider reach (a
        narrower one is refused at its desktop's login)."""
        return f"{READ_RULES} {scope_label(self.read_prefix())}"

    def read_prefix(self) -> tuple[str, bool] | None:
        """``(region, exact)`` to filter readable scopes, or None for everything."""
        if self.reads_everything:
            return None
        if self.role is Role.TRAINER and not self.training_server:
            return ("\x00", True)  # nothing: trainers read only on a training server
        return (self.region, self.role is Role.KABKOTA)

    def can_manage(self, role: Role, region: str) -> bool:
        """Whether this caller may create or change an account of ``role`` in ``region``."""
        if self.role is Role.KPU_RI:
            return True
        if self.trains:
            return role is Role.KABKOTA and _within(region, self.region)
        if self.role is Role.PROVINCE:
            return role is Role.KABKOTA and region.startswith(self.region + ".")
        return False
