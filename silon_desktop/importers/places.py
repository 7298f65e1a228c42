"""Place names in words matched to Kemendagri codes inside the election's region.

Spreadsheets name kab/kota, kecamatan and desa in words, spelled however the
team spelled them. Each distinct spelling is matched once (the domain's tolerant
matcher) and remembered, so a 100,000-row file costs a few hundred lookups. Every
match, with its score, is kept for the report so the operator sees what "KEC.
PWK KOTA" was taken to mean.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice

from silon_desktop.domain.codes import RegionLevel
from silon_desktop.domain.regions import RegionTable, default_table, normalize_code

#: Longer texts are not place names (and fuzzy matching them would only cost time).
_MAX_NAME = 60
#: The score of a name equal but for its Kabupaten/Kota prefix or its spaces
#: (:meth:`RegionTable.match_name`): "BOGOR" is both Kabupaten and Kota Bogor.
_SAME_NAME = 98.0


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    """How one spelling was read: ``code`` is empty when nothing matched."""

    level: int
    text: str
    parent: str
    code: str
    name: str
    score: float


@dataclass(frozen=True, slots=True)
class Place:
    """The codes found for one row ("" where unknown), the names not found at all,
    and the names found in several places of the region with nothing on the row
    to tell which (a kecamatan name shared by two kabupaten of a province)."""

    kabkota_code: str
    kecamatan_code: str
    desa_code: str
    unmatched: tuple[str, ...] = ()
    ambiguous: tuple[str, ...] = ()


class PlaceMatcher:
    """Matches the place columns of rows to codes within ``region``.

    Args:
        region: the election's region code: a kab/kota (``"32.14"``) or a
            province (``"32"``).
        table: the region table (defaults to the shipped one).
    """

    def __init__(self, region: str, table: RegionTable | None = None) -> None:
        dotted = normalize_code(region)
        if dotted is None:
            raise ValueError(f"bukan kode wilayah: {region!r}")
        self.table = table or default_table()
        if self.table.get(dotted) is None:
            raise ValueError(f"kode wilayah tidak dikenal: {region!r}")
        self.region = dotted
        self._matches: dict[tuple[int, str, str], PlaceMatch] = {}
        self._places: dict[tuple[str, str, str], Place] = {}
        self._final: dict[tuple[int, str, str], PlaceMatch] = {}
        self.provincial = dotted.count(".") == 0

    @property
    def matches(self) -> list[PlaceMatch]:
        """Every distinct spelling seen so far (per parent area) and what it
        finally matched, after the fallbacks (empty code: found nowhere)."""
        return list(self._final.values())

    def matches_after(self, count: int) -> list[tuple[tuple[int, str, str], PlaceMatch]]:
        """The spellings first seen after the first ``count`` of :attr:`matches`, each
        with its key (spelling, level and parent area): a matcher of a worker process
        hands these on, and the caller keeps the first of each key in the file's order.
        A key's match never changes (the same spelling in the same area is matched
        the same way), so the first is the last."""
        return list(islice(self._final.items(), count, None))

    def place(self, kabkota: str, kecamatan: str, desa: str) -> Place:
        """Codes for the names of one row (empty names give empty codes)."""
        key = (kabkota, kecamatan, desa)
        found = self._places.get(key)
        if found is None:
            found = self._resolve(kabkota, kecamatan, desa)
            self._places[key] = found
        return found

    def _resolve(self, kabkota: str, kecamatan: str, desa: str) -> Place:
        """Match inside the election's region first; a name found only outside it
        gives that outside code (the domain then says OUTSIDE_REGION); a name
        found nowhere gives no code (MISSING_FIELD) and is listed as unmatched."""
        unmatched: list[str] = []
        ambiguous: list[str] = []
        kab_code = self.region if not self.provincial else ""
        if self.provincial and kabkota:
            kab_code = self._chain(RegionLevel.KABKOTA, kabkota, (self.region, None))
            if not kab_code:
                unmatched.append("kabkota")
            elif kecamatan:
                kab_code = self._kabkota_of_kecamatan(kabkota, kab_code, kecamatan)
        kec_code = ""
        elsewhere = False
        if kecamatan:
            parent = kab_code or self.region
            tied = self._tied(RegionLevel.KECAMATAN, kecamatan, parent)
            if len(tied) > 1:
                # The same name in several kab/kota of the province: the desa
                # may tell which; a guess would count the spread in the wrong place.
                kec_code = self._by_desa(kecamatan, parent, tied, desa)
                if not kec_code:
                    ambiguous.append("kecamatan")
            else:
                kec_code = self._chain(RegionLevel.KECAMATAN, kecamatan, (parent, None))
                if not kec_code:
                    unmatched.append("kecamatan")
                elif self._in_another_kabkota(kec_code, kab_code):
                    # A kecamatan of another kab/kota of the province than the one
                    # written is not guessed (the spread of a governor election counts
                    # by kab/kota): unmatched, as a desa of another kecamatan is.
                    self._final[(int(RegionLevel.KECAMATAN), kecamatan, parent)] = PlaceMatch(
                        int(RegionLevel.KECAMATAN), kecamatan, parent, "", "", 0.0
                    )
                    kec_code, elsewhere = "", True
                    unmatched.append("kecamatan")
        desa_code = ""
        if desa and elsewhere:
            unmatched.append("desa")  # not sought inside the kab/kota written
        elif desa and not ambiguous:
            # Inside the kecamatan written on the row; a desa of another kecamatan
            # is not guessed (the spread counts by kecamatan): it stays unmatched.
            parent = kec_code or kab_code or self.region
            tied = [] if kec_code else self._tied(RegionLevel.DESA, desa, parent)
            if len(tied) > 1:
                ambiguous.append("desa")  # a desa name found in several kecamatan
                self._ambiguous(tied, desa, "", parent)
            else:
                desa_code = self._chain(RegionLevel.DESA, desa, (parent,))
                if not desa_code:
                    unmatched.append("desa")
                elif not kec_code:
                    kec_code = desa_code[:8]
        if not kab_code and kec_code:
            kab_code = kec_code[:5]
        return Place(kab_code, kec_code, desa_code, tuple(unmatched), tuple(ambiguous))

    def _in_another_kabkota(self, kec_code: str, kab_code: str) -> bool:
        """Whether a kecamatan inside the province lies outside the row's kab/kota."""
        return (
            self.provincial
            and bool(kab_code)
            and kec_code.startswith(self.region + ".")
            and not kec_code.startswith(kab_code + ".")
        )

    def _kabkota_of_kecamatan(self, text: str, kab_code: str, kecamatan: str) -> str:
        """Of a kabupaten and a kota sharing the written name ("BOGOR": Kabupaten Bogor
        and Kota Bogor), the one holding the row's kecamatan; ``kab_code`` (the name's
        best match) when it holds it, when neither does, or when both do."""
        same = [
            m
            for m in self.table.match_name(text, RegionLevel.KABKOTA, self.region, limit=5)
            if m.score >= _SAME_NAME
        ]
        if len(same) < 2:
            return kab_code
        held: list[tuple[float, str, str]] = []
        for candidate in same:
            found = self._lookup(RegionLevel.KECAMATAN, kecamatan, candidate.code)
            if found.code:
                held.append((found.score, candidate.code, candidate.name))
        best = max((score for score, _, _ in held), default=None)
        winners = [(code, name) for score, code, name in held if score == best]
        if len(winners) != 1 or winners[0][0] == kab_code:
            return kab_code
        code, name = winners[0]
        shown = f"{text} (kecamatan {kecamatan})"
        self._final[(int(RegionLevel.KABKOTA), shown, self.region)] = PlaceMatch(
            int(RegionLevel.KABKOTA), shown, self.region, code, name, float(best or 0.0)
        )
        return code

    def _tied(self, level: RegionLevel, text: str, parent: str) -> list[PlaceMatch]:
        """The best matches of ``text`` inside ``parent`` when several share the
        best score (else one or none)."""
        if len(text) > _MAX_NAME or not any(ch.isalpha() for ch in text):
            return []
        found = self.table.match_name(text, level, parent, limit=5)
        best = [m for m in found if m.score == found[0].score]
        return [PlaceMatch(int(level), text, parent, m.code, m.name, m.score) for m in best]

    def _by_desa(self, text: str, parent: str, tied: list[PlaceMatch], desa: str) -> str:
        """Of kecamatan sharing a name, the one holding the row's desa ("" when
        the desa is in none or in several of them); the outcome is reported."""
        holding: list[tuple[float, PlaceMatch]] = []
        for candidate in tied if desa else []:
            found = self._lookup(RegionLevel.DESA, desa, candidate.code)
            if found.code:
                holding.append((found.score, candidate))
        best = max((score for score, _ in holding), default=None)
        winners = [candidate for score, candidate in holding if score == best]
        if len(winners) != 1:
            self._ambiguous(tied, text, desa, parent)
            return ""
        chosen = winners[0]
        shown = f"{text} (desa {desa})"
        self._final[(int(chosen.level), shown, parent)] = PlaceMatch(
            chosen.level, shown, parent, chosen.code, chosen.name, chosen.score
        )
        return chosen.code

    def _ambiguous(self, tied: list[PlaceMatch], text: str, desa: str, parent: str) -> None:
        """Report a name found in several places (``tied``: the candidates)."""
        level = tied[0].level
        names = " / ".join(f"{m.code} {m.name}" for m in tied)
        shown = f"{text} (desa {desa})" if desa else text
        self._final[(level, shown, parent)] = PlaceMatch(
            level, shown, parent, "", f"ambigu: {names}", 0.0
        )

    def _chain(self, level: RegionLevel, text: str, parents: tuple[str | None, ...]) -> str:
        """The first match under each parent in turn; the outcome is what the report shows."""
        found: PlaceMatch | None = None
        for parent in parents:
            found = self._lookup(level, text, parent)
            if found.code:
                break
        assert found is not None
        self._final[(int(level), text, parents[0] or "")] = found
        return found.code

    def _lookup(self, level: RegionLevel, text: str, parent: str | None) -> PlaceMatch:
        key = (int(level), text, parent or "")
        known = self._matches.get(key)
        if known is None:
            plausible = len(text) <= _MAX_NAME and any(ch.isalpha() for ch in text)
            candidates = self.table.match_name(text, level, parent, limit=1) if plausible else []
            best = candidates[0] if candidates else None
            known = PlaceMatch(
                int(level),
                text,
                parent or "",
                best.code if best else "",
                best.name if best else "",
                best.score if best else 0.0,
            )
            self._matches[key] = known
        return known
