"""Kab/kota codes retired by region splits, and the kecamatan codes they retire.

An NIK is never reissued: whoever was registered before a region was split
keeps the kecamatan code of first registration, although that code no longer
exists in today's Kemendagri table. Such an NIK is valid; the row passes the
region check with a note naming today's code instead of NIK_REGION.

The table is kab/kota level (one line per kab/kota that moved to a new
province); the kecamatan under it kept their two-digit part in the move
(Mimika Baru was 91.09.01 and is 94.04.01), so each kecamatan of today's
kab/kota gives one retired code.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RetiredKabkota:
    old: str  # "91.09"
    new: str  # "94.04"
    name: str
    change: str  # the law or decision that moved it


_PAPUA_2022 = "Pemekaran Papua 2022 (UU 14, 15, 16/2022)"
_PAPUA_BARAT_DAYA_2022 = "Pemekaran Papua Barat 2022 (UU 29/2022)"

#: Kab/kota codes retired by region splits: old code -> today's code.
RETIRED_KABKOTA: tuple[RetiredKabkota, ...] = (
    # Papua Selatan (93)
    RetiredKabkota("91.01", "93.01", "Kabupaten Merauke", _PAPUA_2022),
    RetiredKabkota("91.16", "93.02", "Kabupaten Boven Digoel", _PAPUA_2022),
    RetiredKabkota("91.17", "93.03", "Kabupaten Mappi", _PAPUA_2022),
    RetiredKabkota("91.18", "93.04", "Kabupaten Asmat", _PAPUA_2022),
    # Papua Tengah (94)
    RetiredKabkota("91.04", "94.01", "Kabupaten Nabire", _PAPUA_2022),
    RetiredKabkota("91.07", "94.02", "Kabupaten Puncak Jaya", _PAPUA_2022),
    RetiredKabkota("91.08", "94.03", "Kabupaten Paniai", _PAPUA_2022),
    RetiredKabkota("91.09", "94.04", "Kabupaten Mimika", _PAPUA_2022),
    RetiredKabkota("91.25", "94.05", "Kabupaten Puncak", _PAPUA_2022),
    RetiredKabkota("91.26", "94.06", "Kabupaten Dogiyai", _PAPUA_2022),
    RetiredKabkota("91.27", "94.07", "Kabupaten Intan Jaya", _PAPUA_2022),
    RetiredKabkota("91.28", "94.08", "Kabupaten Deiyai", _PAPUA_2022),
    # Papua Pegunungan (95)
    RetiredKabkota("91.02", "95.01", "Kabupaten Jayawijaya", _PAPUA_2022),
    RetiredKabkota("91.12", "95.02", "Kabupaten Pegunungan Bintang", _PAPUA_2022),
    RetiredKabkota("91.13", "95.03", "Kabupaten Yahukimo", _PAPUA_2022),
    RetiredKabkota("91.14", "95.04", "Kabupaten Tolikara", _PAPUA_2022),
    RetiredKabkota("91.21", "95.05", "Kabupaten Mamberamo Tengah", _PAPUA_2022),
    RetiredKabkota("91.22", "95.06", "Kabupaten Yalimo", _PAPUA_2022),
    RetiredKabkota("91.23", "95.07", "Kabupaten Lanny Jaya", _PAPUA_2022),
    RetiredKabkota("91.24", "95.08", "Kabupaten Nduga", _PAPUA_2022),
    # Papua Barat Daya (96)
    RetiredKabkota("92.01", "96.01", "Kabupaten Sorong", _PAPUA_BARAT_DAYA_2022),
    RetiredKabkota("92.04", "96.02", "Kabupaten Sorong Selatan", _PAPUA_BARAT_DAYA_2022),
    RetiredKabkota("92.05", "96.03", "Kabupaten Raja Ampat", _PAPUA_BARAT_DAYA_2022),
    RetiredKabkota("92.09", "96.04", "Kabupaten Tambrauw", _PAPUA_BARAT_DAYA_2022),
    RetiredKabkota("92.10", "96.05", "Kabupaten Maybrat", _PAPUA_BARAT_DAYA_2022),
    RetiredKabkota("92.71", "96.71", "Kota Sorong", _PAPUA_BARAT_DAYA_2022),
)

_lock = threading.Lock()
_retired: dict[str, str] | None = None


def retired_kecamatan_codes() -> Mapping[str, str]:
    """Retired kecamatan codes as six digits (``"910901"``) -> today's dotted
    code (``"94.04.01"``), from the shipped region table."""
    global _retired
    if _retired is None:
        with _lock:
            if _retired is None:
                _retired = build_retired(RETIRED_KABKOTA)
    return _retired


def build_retired(
    table: tuple[RetiredKabkota, ...], current: frozenset[str] | None = None
) -> dict[str, str]:
    """Old six-digit kecamatan code -> today's dotted code, for each kecamatan
    of today's kab/kota in ``table``; ``current``: today's six-digit codes
    (default: the shipped region table). A code still in use is never retired."""
    if current is None:
        from silon_desktop.domain.regions import default_table

        current = default_table().kecamatan_codes()
    by_new = {k.new.replace(".", ""): k.old.replace(".", "") for k in table}
    found: dict[str, str] = {}
    for code in current:
        old = by_new.get(code[:4])
        if old is not None and old + code[4:] not in current:
            found[old + code[4:]] = f"{code[:2]}.{code[2:4]}.{code[4:]}"
    return found


def successor_of(code6: str) -> str | None:
    """Today's dotted kecamatan code of a retired six-digit code, else None."""
    return retired_kecamatan_codes().get(code6)
