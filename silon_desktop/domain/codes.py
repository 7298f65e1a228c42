"""The vocabulary of the domain as enums: stable codes, no words.

The values are what is stored and sent on the wire. Words for operators come from
the UI's translations (or :mod:`silon_desktop.domain.labels` for headless reports).
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class ReasonCode(StrEnum):
    """Why a supporter is BMS or TMS (DOMAIN.md, "Verification of supporters").

    The member order is the canonical order in which reasons are listed.
    """

    NIK_FORMAT = "NIK_FORMAT"
    NIK_REGION = "NIK_REGION"
    NIK_MISMATCH = "NIK_MISMATCH"
    NIK_PRECISION = "NIK_PRECISION"
    MISSING_FIELD = "MISSING_FIELD"
    UNDERAGE = "UNDERAGE"
    OUTSIDE_REGION = "OUTSIDE_REGION"
    NOT_IN_DPT = "NOT_IN_DPT"
    BANNED_OCCUPATION = "BANNED_OCCUPATION"
    NO_ID_SCAN = "NO_ID_SCAN"
    DUPLICATE_IDENTICAL = "DUPLICATE_IDENTICAL"
    DUPLICATE_POTENTIAL = "DUPLICATE_POTENTIAL"
    DUPLICATE_EXTERNAL = "DUPLICATE_EXTERNAL"
    DECEASED = "DECEASED"
    NOT_FOUND = "NOT_FOUND"
    DENIES_SUPPORT = "DENIES_SUPPORT"


#: Position of each reason in the canonical order, for sorting.
REASON_ORDER: dict[str, int] = {code.value: i for i, code in enumerate(ReasonCode)}


class Status(StrEnum):
    """Verification status of a supporter."""

    MS = "MS"  # memenuhi syarat: counts
    BMS = "BMS"  # belum memenuhi syarat: fixable in the correction round
    TMS = "TMS"  # tidak memenuhi syarat: final

    @property
    def severity(self) -> int:
        """0 for MS, 1 for BMS, 2 for TMS: the worst status wins."""
        return _SEVERITY[self]


_SEVERITY = {Status.MS: 0, Status.BMS: 1, Status.TMS: 2}


class ElectionKind(StrEnum):
    GUBERNUR = "gubernur"
    BUPATI = "bupati"
    WALIKOTA = "walikota"

    @property
    def is_provincial(self) -> bool:
        return self is ElectionKind.GUBERNUR


class Route(StrEnum):
    """How a pair is nominated."""

    PARTAI = "partai"  # jalur partai politik
    PERSEORANGAN = "perseorangan"  # independent


class PairStatus(StrEnum):
    DRAFT = "draft"
    DIAJUKAN = "diajukan"  # submitted
    DITETAPKAN = "ditetapkan"  # confirmed (penetapan)
    DITOLAK = "ditolak"  # rejected

    @property
    def submitted(self) -> bool:
        """Whether KPU has received the pair's nomination: every status but ``draft``
        (a pair its team still prepares). Only a submitted pair is public; KPU's
        decisions on it (penetapan, rejection) are public too."""
        return self is not PairStatus.DRAFT


class Sex(StrEnum):
    L = "L"  # laki-laki
    P = "P"  # perempuan


class MaritalStatus(StrEnum):
    B = "B"  # belum kawin (never married)
    S = "S"  # sudah kawin (married)
    P = "P"  # pernah kawin (divorced or widowed)


class FieldMethod(StrEnum):
    """How a supporter was met in field verification (verifikasi faktual)."""

    RUMAH = "rumah"  # visited at home
    LO = "lo"  # gathered by the pair's liaison officer
    KANTOR_PPS = "kantor_pps"  # came to the PPS office
    VIDEO = "video"  # video call showing the ID card


class CandidateRole(StrEnum):
    KEPALA = "kepala"  # head: calon gubernur / bupati / walikota
    WAKIL = "wakil"  # deputy


class DocumentKind(StrEnum):
    """Requirement documents of a candidate (syarat calon)."""

    IJAZAH = "ijazah"  # diploma, at least upper secondary
    SURAT_SEHAT = "surat_sehat"  # health certificate
    SKCK = "skck"  # police certificate
    LHKPN = "lhkpn"  # asset declaration receipt
    NPWP = "npwp"  # tax number
    SPT = "spt"  # tax reports
    DRH = "drh"  # CV (daftar riwayat hidup)
    PERNYATAAN = "pernyataan"  # signed statements
    KTP = "ktp"  # e-ID card
    PAS_FOTO = "pas_foto"  # photograph
    PAILIT = "pailit"  # court certificate of no bankruptcy
    LAINNYA = "lainnya"  # anything else


#: What every candidate hands in (syarat calon, PKPU 8/2024): the public page shows
#: each as complete or not, and the desktop's document form offers each (``lainnya``,
#: anything else, is offered too but never required).
REQUIRED_DOCUMENTS: tuple[DocumentKind, ...] = tuple(
    kind for kind in DocumentKind if kind is not DocumentKind.LAINNYA
)


class DocumentStatus(StrEnum):
    BELUM = "belum"  # not submitted
    ADA = "ada"  # submitted, not yet checked
    SESUAI = "sesuai"  # checked and valid
    TIDAK_SESUAI = "tidak_sesuai"  # checked, not valid


class RegionLevel(IntEnum):
    """Kemendagri levels; the value is the number of code parts."""

    PROVINSI = 1
    KABKOTA = 2
    KECAMATAN = 3
    DESA = 4
