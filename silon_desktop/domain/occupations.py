"""Occupations that may not support a pair: TNI, Polri, ASN, election officials,
kepala desa and village officials. Retired people (pensiunan, purnawirawan) may.

Matching is tolerant of case, punctuation and letters typed one by one
(``"P.N.S"``, ``"T N I - AD"``); multi-word titles also match written together
(``"KEPALADESA"``). Results are cached: a list of a million supporters holds a
few thousand distinct occupation texts.
"""

from __future__ import annotations

from silon_desktop.domain.text import fold

_RETIRED = frozenset(
    {"PENSIUNAN", "PENSIUN", "PURNAWIRAWAN", "PURN", "PURNA", "PURNABAKTI", "MANTAN", "EKS", "EX"}
)
#: Whole words that name a banned occupation.
_BANNED_WORDS = frozenset(
    {
        # armed forces and police
        "TNI",
        "ABRI",
        "TENTARA",
        "PRAJURIT",
        "POLRI",
        "POLISI",
        "POLWAN",
        "KEPOLISIAN",
        "BRIMOB",
        "BHAYANGKARA",
        # civil servants (ASN: PNS and PPPK); lurah and camat are civil servants
        "ASN",
        "PNS",
        "PPPK",
        "LURAH",
        "CAMAT",
        # election bodies and their ad hoc committees
        "KPU",
        "KIP",
        "BAWASLU",
        "PANWASLU",
        "PANWASLIH",
        "PANWAS",
        "PANWASCAM",
        "PKD",
        "PPK",
        "PPS",
        "KPPS",
        "PANTARLIH",
        # village heads and officials
        "KADES",
        "SEKDES",
        "KADUS",
        "KAUR",
        "KEUCHIK",
        "GEUCHIK",
        "KUWU",
        "PERBEKEL",
    }
)
#: Multi-word titles, matched with or without the spaces.
_BANNED_PHRASES = tuple(
    p.replace(" ", "")
    for p in (
        "PEGAWAI NEGERI",
        "APARATUR SIPIL",
        "APARATUR SIPIL NEGARA",
        "ANGGOTA TNI",
        "ANGGOTA POLRI",
        "KOMISI PEMILIHAN UMUM",
        "KOMISI INDEPENDEN PEMILIHAN",
        "BADAN PENGAWAS PEMILU",
        "PENYELENGGARA PEMILU",
        "PENYELENGGARA PEMILIHAN",
        "PANITIA PEMILIHAN",
        "PANITIA PEMUNGUTAN SUARA",
        "PENGAWAS PEMILU",
        "PENGAWAS KELURAHAN",
        "PENGAWAS DESA",
        "PENGAWAS TPS",
        "KEPALA DESA",
        "KEPALA KAMPUNG",
        "KEPALA DUSUN",
        "KEPALA URUSAN",
        "KEPALA KELURAHAN",
        "WALI NAGARI",
        "PERANGKAT DESA",
        "PERANGKAT KELURAHAN",
        "APARAT DESA",
        "APARATUR DESA",
        "SEKRETARIS DESA",
    )
)

_cache: dict[str, bool] = {}


def is_banned_occupation(occupation: str) -> bool:
    """Whether the occupation text names a job whose holders may not support a pair."""
    found = _cache.get(occupation)
    if found is None:
        found = _classify(occupation)
        if len(_cache) > 100_000:
            _cache.clear()
        _cache[occupation] = found
    return found


def _classify(occupation: str) -> bool:
    words = fold(occupation).split()
    if not words:
        return False
    tokens = set(words)
    if tokens & _RETIRED:
        return False
    if tokens & _BANNED_WORDS:
        return True
    compact = "".join(words)
    return any(phrase in compact for phrase in _BANNED_PHRASES)
