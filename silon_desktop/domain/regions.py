"""Kemendagri regions of all Indonesia, from the files shipped in ``resources/regions``.

Codes are dotted: ``"32"`` (provinsi), ``"32.14"`` (kabupaten/kota), ``"32.14.01"``
(kecamatan), ``"32.14.01.2001"`` (kelurahan/desa). Functions taking a code also
accept it without dots (``"3214"``, ``"321401"``).

The table loads on first use (provinces to kecamatan, a few milliseconds); the
83,762 kelurahan/desa load only when a desa-level lookup first needs them, so the
application starts without paying for them. Loading is thread-safe.
"""

from __future__ import annotations

import bisect
import gzip
import json
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from silon_desktop.domain.codes import RegionLevel
from silon_desktop.domain.text import fold

BASE_FILE = "wilayah.json.gz"
DESA_FILE = "desa.json.gz"

_DIGITS_TO_DOTTED = {2: (2,), 4: (2, 2), 6: (2, 2, 2), 10: (2, 2, 2, 4)}
_DOTTED = re.compile(r"\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?")
_PARENTHESIS = re.compile(r"\(([^)]*)\)")


class RegionDataError(RuntimeError):
    """The shipped region files are missing or damaged (an installation problem)."""


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str
    level: RegionLevel
    parent: str | None


@dataclass(frozen=True, slots=True)
class Match:
    """A region found by name: ``score`` 100 is an exact match after normalisation."""

    code: str
    name: str
    score: float


def normalize_code(code: str) -> str | None:
    """The dotted form of a region code, or None when it is not shaped like one.

    ``"3214"`` -> ``"32.14"``; ``" 32.14.01 "`` -> ``"32.14.01"``; ``"32.1"`` -> None.
    """
    c = code.strip()
    if "." in c:
        return c if _DOTTED.fullmatch(c) else None
    widths = _DIGITS_TO_DOTTED.get(len(c))
    if widths is None or not (c.isascii() and c.isdigit()):
        return None
    parts, pos = [], 0
    for width in widths:
        parts.append(c[pos : pos + width])
        pos += width
    return ".".join(parts)


def level_of(code: str) -> RegionLevel:
    """Level of a dotted code (its number of parts)."""
    return RegionLevel(code.count(".") + 1)


def parent_of(code: str) -> str | None:
    """The dotted code one level up, or None for a province."""
    cut = code.rfind(".")
    return code[:cut] if cut > 0 else None


def within(code: str, region: str) -> bool:
    """Whether dotted ``code`` is ``region`` itself or lies inside it."""
    return code == region or code.startswith(region + ".")


# Words spreadsheets put before a name, per level; stripped from both sides.
_PREFIXES: dict[RegionLevel, tuple[tuple[str, ...], ...]] = {
    RegionLevel.PROVINSI: (("PROVINSI",), ("PROV",)),
    # DI Yogyakarta: kapanewon (kemantren in the city); Papua: distrik.
    RegionLevel.KECAMATAN: (
        ("KECAMATAN",),
        ("KEC",),
        ("DISTRIK",),
        ("KAPANEWON",),
        ("KEMANTREN",),
    ),
    RegionLevel.DESA: (("KELURAHAN",), ("KEL",), ("DESA",), ("DS",)),
}
_KABKOTA_PREFIXES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("KABUPATEN", "ADMINISTRASI"), "KAB"),
    (("KABUPATEN", "ADM"), "KAB"),
    (("KAB", "ADM"), "KAB"),
    (("KABUPATEN",), "KAB"),
    (("KAB",), "KAB"),
    (("KOTA", "ADMINISTRASI"), "KOTA"),
    (("KOTA", "ADM"), "KOTA"),
    (("KOTA",), "KOTA"),
)
_ABBREVIATIONS = {"KEP": "KEPULAUAN", "GN": "GUNUNG"}
_ABBREVIATION_SET = frozenset(_ABBREVIATIONS)
_PREFIX_STARTS = frozenset(
    [p[0] for group in _PREFIXES.values() for p in group] + [p[0] for p, _ in _KABKOTA_PREFIXES]
)
#: Common short names of provinces (compact form -> code).
_PROVINCE_ALIASES = {
    "DKIJAKARTA": "31",
    "DKI": "31",
    "JAKARTA": "31",
    "DAERAHKHUSUSJAKARTA": "31",
    "DIYOGYAKARTA": "34",
    "DIY": "34",
    "YOGYAKARTA": "34",
    "BABEL": "19",
    "BANGKABELITUNG": "19",
    "KEPRI": "21",
    "NTB": "52",
    "NTT": "53",
    "NAD": "11",
    "NANGGROEACEHDARUSSALAM": "11",
    "SUMUT": "12",
    "SUMBAR": "13",
    "SUMSEL": "16",
    "JABAR": "32",
    "JATENG": "33",
    "JATIM": "35",
    "KALBAR": "61",
    "KALTENG": "62",
    "KALSEL": "63",
    "KALTIM": "64",
    "KALTARA": "65",
    "SULUT": "71",
    "SULTENG": "72",
    "SULSEL": "73",
    "SULTRA": "74",
    "SULBAR": "76",
    "MALUT": "82",
}


def name_key(name: str, level: RegionLevel | int) -> tuple[str, str]:
    """The normalised form of a region name at ``level`` and, for kabupaten/kota,
    the kind its prefix named (``"KAB"``, ``"KOTA"`` or ``""``).

    ``name_key("KAB. S A D U", 2)`` -> ``("SADU", "KAB")``.
    """
    words = fold(name).split()
    kind = ""
    if words and words[0] in _PREFIX_STARTS:
        if level == RegionLevel.KABKOTA:
            for prefix, prefix_kind in _KABKOTA_PREFIXES:
                if len(words) > len(prefix) and tuple(words[: len(prefix)]) == prefix:
                    words, kind = words[len(prefix) :], prefix_kind
                    break
        else:
            for prefix in _PREFIXES.get(RegionLevel(level), ()):
                if len(words) > len(prefix) and tuple(words[: len(prefix)]) == prefix:
                    words = words[len(prefix) :]
                    break
    if _ABBREVIATION_SET.isdisjoint(words):
        return " ".join(words), kind
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words), kind


@dataclass(slots=True)
class _LevelIndex:
    """Names of one level sorted by code, for prefix slices and fuzzy search."""

    codes: list[str]
    compacts: list[str]  # normalised name without spaces (one entry per key)
    keys: list[str]
    kinds: list[str]
    by_compact: dict[str, list[int]]


class RegionTable:
    """Lookups by code and by name over the shipped region files.

    Args:
        directory: folder holding ``wilayah.json.gz`` and ``desa.json.gz``;
            defaults to ``resources_dir() / "regions"``.
    """

    def __init__(self, directory: Path | None = None) -> None:
        self._directory = directory
        self._lock = threading.RLock()
        self._base: dict[str, str] | None = None
        self._desa: dict[str, str] | None = None
        self._kecamatan6: frozenset[str] | None = None
        self._children: dict[str, list[str]] | None = None
        self._desa_children: dict[str, list[str]] | None = None
        self._indexes: dict[RegionLevel, _LevelIndex] = {}
        self._slices: dict[tuple[RegionLevel, str], tuple[int, int]] = {}
        self._memo: dict[tuple[str, int, str | None, int, float], list[Match]] = {}

    # -- loading ---------------------------------------------------------------

    @property
    def directory(self) -> Path:
        if self._directory is None:
            from silon_desktop.paths import resources_dir

            self._directory = resources_dir() / "regions"
        return self._directory

    @property
    def desa_loaded(self) -> bool:
        """Whether the kelurahan/desa file has been loaded (it loads on demand)."""
        return self._desa is not None

    def _read(self, filename: str) -> dict[str, str]:
        path = self.directory / filename
        try:
            data = json.loads(gzip.decompress(path.read_bytes()))
        except (OSError, ValueError, EOFError) as exc:
            raise RegionDataError(f"cannot read region data {path}: {exc}") from exc
        if not isinstance(data, dict):
            raise RegionDataError(f"region data {path} is not a code -> name object")
        return {str(k): str(v) for k, v in sorted(data.items())}

    def _base_names(self) -> dict[str, str]:
        base = self._base
        if base is None:
            with self._lock:
                if self._base is None:
                    self._base = self._read(BASE_FILE)
                base = self._base
        return base

    def _desa_names(self) -> dict[str, str]:
        desa = self._desa
        if desa is None:
            with self._lock:
                if self._desa is None:
                    self._desa = self._read(DESA_FILE)
                desa = self._desa
        return desa

    def _names_for(self, level: RegionLevel) -> dict[str, str]:
        return self._desa_names() if level == RegionLevel.DESA else self._base_names()

    # -- by code ---------------------------------------------------------------

    def name(self, code: str) -> str | None:
        """Name of the region with this code, or None if unknown."""
        dotted = normalize_code(code)
        if dotted is None:
            return None
        return self._names_for(level_of(dotted)).get(dotted)

    def get(self, code: str) -> Region | None:
        """The region with this code (dotted or not), or None if unknown."""
        dotted = normalize_code(code)
        if dotted is None:
            return None
        name = self._names_for(level_of(dotted)).get(dotted)
        if name is None:
            return None
        return Region(dotted, name, level_of(dotted), parent_of(dotted))

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self.get(code) is not None

    def level(self, code: str) -> RegionLevel | None:
        region = self.get(code)
        return region.level if region else None

    def parent(self, code: str) -> Region | None:
        """The region one level up, or None for a province or an unknown code."""
        dotted = normalize_code(code)
        up = parent_of(dotted) if dotted else None
        return self.get(up) if up else None

    def children(self, code: str | None = None) -> list[Region]:
        """Direct children in code order; no code gives the 38 provinces."""
        parent = "" if code is None else normalize_code(code)
        if parent is None:
            return []
        if parent and level_of(parent) == RegionLevel.KECAMATAN:
            index, names = self._desa_child_index(), self._desa_names()
        else:
            index, names = self._child_index(), self._base_names()
        return [Region(c, names[c], level_of(c), parent or None) for c in index.get(parent, ())]

    def _child_index(self) -> dict[str, list[str]]:
        if self._children is None:
            with self._lock:
                if self._children is None:
                    self._children = _group_by_parent(self._base_names())
        return self._children

    def _desa_child_index(self) -> dict[str, list[str]]:
        if self._desa_children is None:
            with self._lock:
                if self._desa_children is None:
                    self._desa_children = _group_by_parent(self._desa_names())
        return self._desa_children

    def count(self, level: RegionLevel | int) -> int:
        """Number of regions at a level (level 4 loads the desa file)."""
        lvl = RegionLevel(level)
        if lvl == RegionLevel.DESA:
            return len(self._desa_names())
        return sum(1 for c in self._base_names() if c.count(".") + 1 == lvl)

    def counts(self) -> dict[RegionLevel, int]:
        """Regions per level: 38 / 514 / 7,285 / 83,762 for the 2025 decision."""
        return {lvl: self.count(lvl) for lvl in RegionLevel}

    # -- NIK support -------------------------------------------------------------

    def kecamatan_codes(self) -> frozenset[str]:
        """Every kecamatan code as six digits without dots (``"320114"``)."""
        codes = self._kecamatan6
        if codes is None:
            with self._lock:
                if self._kecamatan6 is None:
                    self._kecamatan6 = frozenset(
                        c.replace(".", "") for c in self._base_names() if len(c) == 8
                    )
                codes = self._kecamatan6
        return codes

    def is_kecamatan_code(self, code6: str) -> bool:
        """Whether six digits (NIK digits 1-6, no dots) are a known kecamatan."""
        return code6 in self.kecamatan_codes()

    def is_kecamatan(self, code: str) -> bool:
        """Whether a code (dotted or not) is a known kecamatan."""
        dotted = normalize_code(code)
        return dotted is not None and len(dotted) == 8 and dotted in self._base_names()

    # -- by name -----------------------------------------------------------------

    def match_name(
        self,
        name: str,
        level: RegionLevel | int,
        parent: str | None = None,
        *,
        limit: int = 5,
        cutoff: float = 80.0,
    ) -> list[Match]:
        """Regions at ``level`` whose name matches ``name``, best first.

        Case, punctuation, prefixes (``KAB.``, ``KOTA``, ``KEC.``, ``DESA``...),
        letters typed one by one (``S A D U``) and small misspellings
        (``SIANJUR MULA MULA`` for ``Sianjar Mula Mula``) are tolerated. Score
        100 is exact after normalisation, 98 equal but for spaces, lower is fuzzy
        (rapidfuzz ratio, at least ``cutoff``). ``parent`` (any ancestor code)
        limits the search to regions inside it.
        """
        lvl = RegionLevel(level)
        memo_key = (name, int(lvl), parent, limit, cutoff)
        cached = self._memo.get(memo_key)
        if cached is not None:
            return list(cached)
        result = self._match(name, lvl, parent, limit, cutoff)
        if len(self._memo) > 50_000:
            self._memo.clear()
        self._memo[memo_key] = result
        return list(result)

    def _match(
        self, name: str, level: RegionLevel, parent: str | None, limit: int, cutoff: float
    ) -> list[Match]:
        from rapidfuzz import fuzz, process  # deferred: not needed at start-up

        key, kind = name_key(name, level)
        compact = key.replace(" ", "")
        if not compact:
            return []
        index = self._index(level)
        lo, hi = self._slice(level, parent)
        if lo >= hi:
            return []
        scores: dict[str, float] = {}

        def offer(i: int, score: float) -> None:
            score = _kind_adjusted(score, kind, index.kinds[i])
            code = index.codes[i]
            if score > scores.get(code, -1.0):
                scores[code] = score

        alias = _PROVINCE_ALIASES.get(compact) if level == RegionLevel.PROVINSI else None
        for i in index.by_compact.get(compact, ()):
            if lo <= i < hi:
                offer(i, 100.0 if index.keys[i] == key else 98.0)
        for _choice, score, j in process.extract(
            compact,
            index.compacts[lo:hi],
            scorer=fuzz.ratio,
            score_cutoff=cutoff,
            limit=limit * 3,
        ):
            offer(lo + j, min(float(score), 97.0))
        names = self._names_for(level)
        found = [Match(code, names[code], round(s, 1)) for code, s in scores.items()]
        if alias is not None and (parent is None or within(alias, parent)):
            found = [m for m in found if m.code != alias]
            found.append(Match(alias, names[alias], 99.0))
        found.sort(key=lambda m: (-m.score, m.code))
        return found[:limit]

    def complete(
        self, text: str, level: RegionLevel | int, parent: str | None = None, *, limit: int = 20
    ) -> list[Region]:
        """Type-ahead: regions at ``level`` whose normalised name starts with
        ``text``, then those containing it, in code order within each group.
        Empty ``text`` lists the first regions inside ``parent``."""
        lvl = RegionLevel(level)
        key, _kind = name_key(text, lvl)
        if not key and not parent:
            return []
        index = self._index(lvl)
        lo, hi = self._slice(lvl, parent)
        starts: list[str] = []
        contains: list[str] = []
        for i in range(lo, hi):
            candidate = index.keys[i]
            if candidate.startswith(key):
                starts.append(index.codes[i])
            elif key in candidate:
                contains.append(index.codes[i])
        names = self._names_for(lvl)
        codes = list(dict.fromkeys(starts + contains))[:limit]
        return [Region(c, names[c], lvl, parent_of(c)) for c in codes]

    def path(self, code: str) -> str:
        """The region with its parents, nearest first: ``"Purwakarta, Kabupaten
        Purwakarta, Jawa Barat"``; ``""`` for an unknown code."""
        dotted = normalize_code(code)
        names: list[str] = []
        while dotted:
            name = self._names_for(level_of(dotted)).get(dotted)
            if name is None:
                return ""
            names.append(name)
            dotted = parent_of(dotted)
        return ", ".join(names)

    def load_indexes(self) -> None:
        """Read every level's names and build their name indexes now (a process
        about to match many names, before it settles its long-lived objects)."""
        self.kecamatan_codes()
        for level in RegionLevel:
            self._index(level)

    def _index(self, level: RegionLevel) -> _LevelIndex:
        index = self._indexes.get(level)
        if index is None:
            with self._lock:
                index = self._indexes.get(level)
                if index is None:
                    index = _build_index(self._names_for(level), level)
                    self._indexes[level] = index
        return index

    def _slice(self, level: RegionLevel, parent: str | None) -> tuple[int, int]:
        index = self._index(level)
        if not parent:
            return 0, len(index.codes)
        dotted = normalize_code(parent)
        if dotted is None or level_of(dotted) >= level:
            return 0, 0
        found = self._slices.get((level, dotted))
        if found is None:
            prefix = dotted + "."
            lo = bisect.bisect_left(index.codes, prefix)
            hi = bisect.bisect_left(index.codes, prefix + "\x7f")
            found = (lo, hi)
            self._slices[(level, dotted)] = found
        return found


def _group_by_parent(names: dict[str, str]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for code in names:
        groups.setdefault(parent_of(code) or "", []).append(code)
    return groups


def _name_variants(name: str) -> list[str]:
    """The name, and for ``"Misool (Misool Utara)"`` also ``"Misool"`` and ``"Misool Utara"``."""
    inner = _PARENTHESIS.findall(name)
    if not inner:
        return [name]
    return [name, _PARENTHESIS.sub(" ", name), *inner]


def _build_index(names: dict[str, str], level: RegionLevel) -> _LevelIndex:
    dots = int(level) - 1
    rows: list[tuple[str, str, str]] = []
    for code, name in names.items():
        if code.count(".") != dots:
            continue
        for variant in _name_variants(name):
            key, kind = name_key(variant, level)
            if key:
                rows.append((code, key, kind))
    rows.sort(key=lambda r: r[0])
    index = _LevelIndex([], [], [], [], {})
    for i, (code, key, kind) in enumerate(rows):
        compact = key.replace(" ", "")
        index.codes.append(code)
        index.keys.append(key)
        index.compacts.append(compact)
        index.kinds.append(kind)
        index.by_compact.setdefault(compact, []).append(i)
    return index


def _kind_adjusted(score: float, asked: str, actual: str) -> float:
    """Prefer the kind a kabupaten/kota name asked for; without one, the kabupaten."""
    if not actual:
        return score
    if asked:
        return score if asked == actual else score - 15.0
    return score - 2.0 if actual == "KOTA" else score


_default: RegionTable | None = None
_default_lock = threading.Lock()


def default_table() -> RegionTable:
    """The process-wide table over the shipped resources (created on first call)."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = RegionTable()
    return _default


def is_kecamatan_code(code6: str) -> bool:
    """Whether six digits (no dots) are a known kecamatan code: O(1) set lookup."""
    return code6 in default_table().kecamatan_codes()
