"""Supporter (pendukung) rows: automatic checks, duplicates within a pair, and
the effective status that combines the automatic, administrative and field results.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Callable, Collection, Container, Iterable, Mapping
from dataclasses import dataclass, field, fields
from itertools import compress
from operator import attrgetter
from typing import Any
from zlib import adler32, crc32

from silon_desktop.domain.codes import REASON_ORDER, MaritalStatus, ReasonCode, Status
from silon_desktop.domain.nik import birth_sex_mismatch, clean_nik, nik_facts
from silon_desktop.domain.occupations import is_banned_occupation
from silon_desktop.domain.regions import normalize_code
from silon_desktop.domain.rules import RuleSet, rule_set_for

#: A supporter's person fields, in the order of the list's columns: what a corrected
#: file is compared on, what a merge may take from the other row, and (after the NIK)
#: what an import writes and an export shows.
PERSON_FIELDS = (
    "name",
    "birth_place",
    "birth_date",
    "sex",
    "marital_status",
    "occupation",
    "address",
    "rt",
    "rw",
    "desa_code",
    "kecamatan_code",
)


@dataclass(slots=True)
class SupporterInput:
    """The supporter fields of ``sync.protocol.SUPPORTER`` that the checks read."""

    nik: str = ""
    name: str = ""
    birth_place: str = ""
    birth_date: dt.date | None = None
    sex: str = ""
    marital_status: str = ""
    occupation: str = ""
    address: str = ""
    rt: str = ""
    rw: str = ""
    desa_code: str = ""
    kecamatan_code: str = ""
    kabkota_code: str = ""
    has_id_scan: bool = False
    nik_from_number: bool = False

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> SupporterInput:
        """Build from a record's fields (other keys ignored; None means empty)."""
        kwargs = {n: values[n] for n in _INPUT_FIELDS if values.get(n) is not None}
        return cls(**kwargs)


_INPUT_FIELDS = tuple(f.name for f in fields(SupporterInput))
_TEXT_FIELDS = frozenset(f.name for f in fields(SupporterInput) if f.type == "str")


def _tuple_getter(names: tuple[str, ...]) -> Callable[[SupporterInput], tuple[Any, ...]]:
    """A fast getter of several attributes as a tuple (attrgetter, always a tuple)."""
    if len(names) >= 2:
        return attrgetter(*names)
    if len(names) == 1:
        name = names[0]
        return lambda row: (getattr(row, name),)
    return lambda row: ()


@dataclass(frozen=True)
class ValidationContext:
    """What the checks need to know about the election.

    Args:
        region_code: the election's region: ``"32.14"`` (kab/kota) or ``"32"``
            (province, a governor election).
        reference_date: the date ages are counted at (and NIK centuries chosen by).
        rule_set: the election's rules.
        dpt: NIKs on the voter list; when given, others are NOT_IN_DPT.
        kecamatan_codes: six-digit kecamatan codes for the NIK region check
            (default: the shipped region table).
    """

    region_code: str
    reference_date: dt.date
    rule_set: RuleSet = field(default_factory=lambda: rule_set_for(None))
    dpt: Container[str] | None = None
    kecamatan_codes: Collection[str] | None = None
    _region: str = field(init=False, repr=False)
    _required: tuple[str, ...] = field(init=False, repr=False)
    _required_texts: Callable[[SupporterInput], tuple[Any, ...]] = field(init=False, repr=False)
    _required_others: Callable[[SupporterInput], tuple[Any, ...]] = field(init=False, repr=False)
    _adult_born_by: dt.date = field(init=False, repr=False)
    #: Memos of pure per-value work (an import repeats a few values a million times).
    _verdict_memo: dict[
        tuple[tuple[ReasonCode, ...], tuple[str, ...], tuple[str, ...]], Verdict
    ] = field(init=False, repr=False, compare=False, default_factory=dict)
    _outside_memo: dict[tuple[str, str, str], bool] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        region = normalize_code(self.region_code)
        if region is None or region.count(".") > 1:
            raise ValueError(
                f"election region must be a province or kab/kota code: {self.region_code!r}"
            )
        rules = self.rule_set
        required = rules.supporter_required_fields
        if region.count(".") == 0:
            required += rules.governor_required_fields
        object.__setattr__(self, "_region", region)
        unknown = set(required) - set(_INPUT_FIELDS)
        if unknown:
            raise ValueError(f"rule set {rules.id} requires unknown fields {sorted(unknown)}")
        texts = tuple(n for n in required if n in _TEXT_FIELDS)
        object.__setattr__(self, "_required", required)
        object.__setattr__(self, "_required_texts", _tuple_getter(texts))
        object.__setattr__(
            self, "_required_others", _tuple_getter(tuple(n for n in required if n not in texts))
        )
        object.__setattr__(
            self, "_adult_born_by", _years_before(self.reference_date, rules.supporter_min_age)
        )

    @classmethod
    def for_election(
        cls,
        election: Mapping[str, Any],
        *,
        reference_date: dt.date | None = None,
        dpt: Container[str] | None = None,
    ) -> ValidationContext:
        """The context of an election record (its fields as Python values).

        The reference date defaults to the election's ``support_end`` (the last
        day supporters are submitted), else today.

        Raises:
            ValueError: the election has no usable region code or an unknown rule set.
        """
        reference = reference_date or election.get("support_end") or dt.date.today()
        return cls(
            region_code=str(election.get("region_code") or ""),
            reference_date=reference,
            rule_set=rule_set_for(election.get("rule_set")),
            dpt=dpt,
        )

    @property
    def region(self) -> str:
        """The election's region code, dotted."""
        return self._region

    @property
    def required_fields(self) -> tuple[str, ...]:
        return self._required

    @property
    def adult_born_by(self) -> dt.date:
        """Whoever was born after this date is under the supporter minimum age."""
        return self._adult_born_by


@dataclass(frozen=True, slots=True)
class Verdict:
    """Status and reasons (canonical order) of one supporter row."""

    status: Status
    codes: tuple[ReasonCode, ...]
    missing_fields: tuple[str, ...] = ()
    #: Remarks that are no reason: ``retired_region:91.09.01>94.04.01`` (the NIK's
    #: kecamatan was retired by a region split; the NIK stays valid).
    notes: tuple[str, ...] = ()

    @property
    def reasons_text(self) -> str:
        """Reasons as stored in ``effective_reasons``: ``"NIK_FORMAT,NO_ID_SCAN"``."""
        return ",".join(self.codes)


def validate_supporter(row: SupporterInput, ctx: ValidationContext) -> Verdict:
    """Check one supporter row (duplicates aside: see :class:`DuplicateTracker`)."""
    codes: list[ReasonCode] = []
    nik_text, nik_reasons, nik_birth, nik_sex, _, successor = nik_facts(
        row.nik, ctx.reference_date, ctx.kecamatan_codes
    )
    if row.nik.strip():
        codes.extend(nik_reasons)
        if birth_sex_mismatch(nik_birth, nik_sex, row.birth_date, row.sex):
            codes.append(ReasonCode.NIK_MISMATCH)
        # Excel keeps 15 significant digits: a 16-digit NIK read from a number
        # cell ends in 0 after the loss, so a last digit other than 0 proves it intact
        # (not above 2**53, where a number cell holds only even whole numbers).
        if row.nik_from_number and _number_may_have_lost(nik_text):
            if nik_birth is not None and ReasonCode.NIK_FORMAT in nik_reasons:
                # Its only format fault is sequence 0000 (its date is whole): what the
                # loss leaves of 0001-0009, the commonest sequences. The lost digit is
                # the spreadsheet's fault, to be read again from the KTP (BMS), not
                # proof of a false NIK (TMS).
                codes.remove(ReasonCode.NIK_FORMAT)
            codes.append(ReasonCode.NIK_PRECISION)
    texts = ctx._required_texts(row)
    if all(texts) and not any(map(str.isspace, texts)) and None not in ctx._required_others(row):
        missing: tuple[str, ...] = ()
    else:
        missing = tuple(name for name in ctx.required_fields if _empty(getattr(row, name)))
    if missing:
        codes.append(ReasonCode.MISSING_FIELD)
    birth = row.birth_date or nik_birth
    if (
        birth is not None
        and birth > ctx._adult_born_by
        and (row.marital_status == MaritalStatus.B or not ctx.rule_set.married_may_support_underage)
    ):
        codes.append(ReasonCode.UNDERAGE)
    if _outside(row, ctx):
        codes.append(ReasonCode.OUTSIDE_REGION)
    if ctx.dpt is not None and nik_text not in ctx.dpt:
        codes.append(ReasonCode.NOT_IN_DPT)
    if row.occupation and is_banned_occupation(row.occupation):
        codes.append(ReasonCode.BANNED_OCCUPATION)
    if not row.has_id_scan:
        codes.append(ReasonCode.NO_ID_SCAN)
    notes: tuple[str, ...] = ()
    if successor is not None:  # only a NIK of 16 digits has one
        n = nik_text
        notes = (f"retired_region:{n[:2]}.{n[2:4]}.{n[4:6]}>{successor}",)
    return _verdict(ctx, tuple(codes), missing, notes)


def _verdict(
    ctx: ValidationContext,
    reasons: tuple[ReasonCode, ...],
    missing: tuple[str, ...],
    notes: tuple[str, ...] = (),
) -> Verdict:
    """The verdict of these reasons (one shared, immutable object per combination)."""
    key = (reasons, missing, notes)
    verdict = ctx._verdict_memo.get(key)
    if verdict is None:
        verdict = Verdict(ctx.rule_set.status_for(reasons), reasons, missing, notes)
        _remember(ctx._verdict_memo, key, verdict)
    return verdict


#: Above this a number cell (a double) holds only even whole numbers: a NIK of the
#: Papua provinces (91-96) read from one may have lost its last digit, whatever it is.
_EXACT_IN_A_NUMBER = 2**53


def _number_may_have_lost(nik: str) -> bool:
    """Whether a NIK read from a number cell may have lost its last digit."""
    return nik.endswith("0") or (nik.isascii() and nik.isdigit() and int(nik) > _EXACT_IN_A_NUMBER)


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _outside(row: SupporterInput, ctx: ValidationContext) -> bool:
    key = (row.desa_code, row.kecamatan_code, row.kabkota_code)
    found = ctx._outside_memo.get(key)
    if found is None:
        found = _outside_region(key, ctx.region)
        _remember(ctx._outside_memo, key, found)
    return found


def _outside_region(codes: tuple[str, str, str], region: str) -> bool:
    """Whether any of the (desa, kecamatan, kab/kota) codes lies outside ``region``."""
    prefix = region + "."
    for code in codes:
        if not code:
            continue
        if "." not in code:
            code = normalize_code(code) or code
        if code != region and not code.startswith(prefix):
            return True
    return False


#: Entries a memo keeps before it starts over (bounds memory on hostile input).
_MEMO_LIMIT = 10_000


def _remember(memo: dict[Any, Any], key: Any, value: Any) -> None:
    if len(memo) >= _MEMO_LIMIT:
        memo.clear()
    memo[key] = value


def _years_before(day: dt.date, years: int) -> dt.date:
    """The date ``years`` before ``day`` (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


# -- duplicates within a pair ---------------------------------------------------

_INDEX_BITS = 32
_INDEX_MASK = (1 << _INDEX_BITS) - 1
_PRINT_MASK = (1 << 48) - 1
#: NIK keys below this live in the tracker's arrays (every NIK of up to 17 digits);
#: any other key (text, longer digits) in a dict beside them.
_KEY_LIMIT = 1 << 64
_M64 = _KEY_LIMIT - 1
#: Fibonacci hashing: the top bits of the key times 2**64 over the golden ratio.
_GOLDEN = 0x9E3779B97F4A7C15
#: The arrays' slots when the tracker starts (a power of two), and how full they get
#: before they double (linear probing stays short below about two thirds).
_START_BITS = 10
_MAX_LOAD = 0.6
#: Most rows :meth:`DuplicateTracker.reserve` makes room for at once (Excel's
#: maximum sheet: a declared height beyond it is not trusted, the arrays grow).
_RESERVE_LIMIT = 1 << 20


class DuplicateTracker:
    """Classifies duplicate NIKs within one pair, one row at a time.

    A row repeating an earlier row's NIK, name, birth date and marital status is
    DUPLICATE_IDENTICAL (ganda identik: keep the first). When one NIK carries
    differing data, the first row of each distinct version is
    DUPLICATE_POTENTIAL (potensi ganda: an operator decides); further exact
    copies of a version stay DUPLICATE_IDENTICAL. So every row of a NIK seen
    more than once is flagged, except the first when all copies are identical.

    Memory: the first row of each distinct NIK is kept in three arrays (an open
    addressing table with linear probing: the NIK as a number, a 48-bit hash of
    the compared fields, the row index): 20 bytes a slot, at most 0.6 full, so
    about 35-70 bytes per distinct NIK (a dict of Python integers took about 135).
    A NIK that is no number of up to 17 digits goes to a dict beside them; NIKs
    with differing versions to a small map. Row indices must be below 2**32 and
    unique.
    """

    def __init__(self) -> None:
        self._count = 0  # NIKs in the arrays
        self._alloc(_START_BITS)
        self._other: dict[int | str, int] = {}  # nik -> fingerprint << 32 | first index
        self._versions: dict[int | str, dict[int, int]] = {}  # nik -> {fingerprint: index}
        self._flags: dict[int, ReasonCode] = {}

    def _alloc(self, bits: int) -> None:
        size = 1 << bits
        self._shift = 64 - bits
        self._mask = size - 1
        self._limit = int(size * _MAX_LOAD)
        self._keys = array("Q", bytes(8 * size))  # 0: an empty slot
        self._prints = array("Q", bytes(8 * size))
        self._indices = array("I", bytes(4 * size))

    def reserve(self, rows: int) -> None:
        """Make room for ``rows`` more distinct NIKs at once (rather than by doubling
        as they come); at most :data:`_RESERVE_LIMIT` are taken at their word."""
        wanted = self._count + min(max(rows, 0), _RESERVE_LIMIT)
        if wanted <= self._limit:
            return
        bits = self._mask.bit_length()
        while int((1 << bits) * _MAX_LOAD) < wanted:
            bits += 1
        self._rehash(bits)

    def _rehash(self, bits: int) -> None:
        keys, prints, indices = self._keys, self._prints, self._indices
        self._alloc(bits)
        new_keys, new_prints, new_indices = self._keys, self._prints, self._indices
        shift, mask = self._shift, self._mask
        for old in compress(range(len(keys)), keys):  # the used slots (skipped in C)
            key = keys[old]
            slot = ((key * _GOLDEN) & _M64) >> shift
            while new_keys[slot]:
                slot = (slot + 1) & mask
            new_keys[slot] = key
            new_prints[slot] = prints[old]
            new_indices[slot] = indices[old]

    def _slot(self, key: int) -> int:
        """The slot holding ``key``, or the empty slot where it would go."""
        keys = self._keys
        slot = ((key * _GOLDEN) & _M64) >> self._shift
        while True:
            found = keys[slot]
            if found == key or not found:
                return slot
            slot = (slot + 1) & self._mask

    def add(
        self, index: int, row: SupporterInput | Mapping[str, Any]
    ) -> list[tuple[int, ReasonCode]]:
        """Record a row; returns the rows whose flag this row set or changed
        (possibly earlier rows, which become DUPLICATE_POTENTIAL)."""
        if not 0 <= index <= _INDEX_MASK:
            raise ValueError(f"row index out of range: {index}")
        if row.__class__ is not SupporterInput and isinstance(row, Mapping):
            row = SupporterInput.from_mapping(row)
        key = _nik_key(row.nik)
        if key is None:
            return []
        return self._add(index, key, _fingerprint(row))

    def add_fields(
        self, index: int, nik: str, name: str, birth_date: Any, marital_status: str
    ) -> list[tuple[int, ReasonCode]]:
        """:meth:`add` of a row given by the four fields duplicates compare (rows read
        back from the database by the million: no input object is made)."""
        if not 0 <= index <= _INDEX_MASK:
            raise ValueError(f"row index out of range: {index}")
        key = _nik_key(nik)
        if key is None:
            return []
        return self._add(index, key, _print_of(name, birth_date, marital_status))

    def add_key(
        self, index: int, key: int | str | None, fingerprint: int
    ) -> list[tuple[int, ReasonCode]]:
        """:meth:`add` of a row given by its :func:`duplicate_key` (taken in another
        process). A tracker is fed either this way or by :meth:`add`/:meth:`add_fields`,
        never both: their fingerprints differ."""
        if not 0 <= index <= _INDEX_MASK:
            raise ValueError(f"row index out of range: {index}")
        if key is None:
            return []
        return self._add(index, key, fingerprint)

    def _add(self, index: int, key: int | str, fp: int) -> list[tuple[int, ReasonCode]]:
        if type(key) is int and key < _KEY_LIMIT:
            keys = self._keys
            slot = ((key * _GOLDEN) & _M64) >> self._shift
            while True:  # :meth:`_slot`, inline (once per row)
                found = keys[slot]
                if found == key or not found:
                    break
                slot = (slot + 1) & self._mask
            if not found:
                keys[slot] = key
                self._prints[slot] = fp
                self._indices[slot] = index
                self._count += 1
                if self._count > self._limit:
                    self._rehash(self._mask.bit_length() + 1)
                return []
            first_fp, first_index = self._prints[slot], self._indices[slot]
        else:
            packed = self._other.get(key)
            if packed is None:
                self._other[key] = fp << _INDEX_BITS | index
                return []
            first_fp, first_index = packed >> _INDEX_BITS, packed & _INDEX_MASK
        versions = self._versions.get(key)
        if versions is None:
            if fp == first_fp:
                return self._flag(index, ReasonCode.DUPLICATE_IDENTICAL)
            self._versions[key] = {first_fp: first_index, fp: index}
            return self._flag(first_index, ReasonCode.DUPLICATE_POTENTIAL) + self._flag(
                index, ReasonCode.DUPLICATE_POTENTIAL
            )
        if fp in versions:
            return self._flag(index, ReasonCode.DUPLICATE_IDENTICAL)
        versions[fp] = index
        return self._flag(index, ReasonCode.DUPLICATE_POTENTIAL)

    def _flag(self, index: int, code: ReasonCode) -> list[tuple[int, ReasonCode]]:
        self._flags[index] = code
        return [(index, code)]

    def code_for(self, index: int) -> ReasonCode | None:
        return self._flags.get(index)

    def first_index(self, nik: str) -> int | None:
        """The index of the first row seen with this NIK (None: not seen)."""
        key = _nik_key(nik)
        if key is None:
            return None
        if type(key) is int and key < _KEY_LIMIT:
            slot = self._slot(key)
            return self._indices[slot] if self._keys[slot] else None
        packed = self._other.get(key)
        return None if packed is None else packed & _INDEX_MASK

    def results(self) -> dict[int, ReasonCode]:
        """Every flagged row: index -> DUPLICATE_IDENTICAL or DUPLICATE_POTENTIAL."""
        return dict(self._flags)

    def __len__(self) -> int:
        """Distinct NIKs seen."""
        return self._count + len(self._other)


def _nik_key(nik: str) -> int | str | None:
    cleaned = clean_nik(nik)
    if not cleaned:
        return None
    if len(cleaned) <= 18 and cleaned.isascii() and cleaned.isdigit():
        # Leading zeros matter in a NIK: keep the length in the key.
        return int(cleaned) * 100 + len(cleaned)
    return cleaned.upper()


def _fingerprint(row: SupporterInput) -> int:
    return _print_of(row.name, row.birth_date, row.marital_status)


def duplicate_key(
    nik: str, name: str, birth_date: Any, marital_status: str
) -> tuple[int | str | None, int]:
    """A row's NIK as :class:`DuplicateTracker` keys it (None: no NIK) and a fingerprint
    of the fields it compares that is the same in every process, for
    :meth:`DuplicateTracker.add_key`.

    :func:`_print_of` takes Python's ``hash`` of text, which each process seeds
    differently; this one is a CRC-32 and 16 bits of an Adler-32 of the same
    fields (48 bits, as wide as the tracker keeps; the key and the fingerprint
    take about 1.5 us, the key and ``hash`` 1.05 us, with a BLAKE2b digest 2.7),
    so worker processes can take it for the process that tracks the rows. A date
    is compared as a date and anything else by its ``repr`` (a date and the text
    of a date differ, as with ``hash``).
    """
    words = " ".join(name.upper().split()) if name else ""
    if birth_date.__class__ is dt.date:
        born = _DATE_TEXT.get(birth_date)
        if born is None:
            born = birth_date.isoformat()
            if len(_DATE_TEXT) < _MEMO_LIMIT:
                _DATE_TEXT[birth_date] = born
    else:
        born = repr(birth_date)
    status = marital_status.strip().upper() if marital_status else ""
    data = f"{words}\x1f{born}\x1f{status}".encode("utf-8", "surrogatepass")
    if nik.isdigit() and nik.isascii() and len(nik) <= 18:
        key: int | str | None = int(nik) * 100 + len(nik)  # :func:`_nik_key`, inline
    else:
        key = _nik_key(nik)
    return key, crc32(data) << 16 | adler32(data) & 0xFFFF


#: Birth dates as :func:`duplicate_key` writes them (a list has a few thousand).
_DATE_TEXT: dict[dt.date, str] = {}


def _print_of(name: str, birth_date: Any, marital_status: str) -> int:
    words = " ".join((name or "").upper().split())
    return hash((words, birth_date, (marital_status or "").strip().upper())) & _PRINT_MASK


def classify_duplicates(
    rows: Iterable[SupporterInput | Mapping[str, Any]],
) -> dict[int, ReasonCode]:
    """Duplicate flags of rows by position; see :class:`DuplicateTracker`."""
    tracker = DuplicateTracker()
    for index, row in enumerate(rows):
        tracker.add(index, row)
    return tracker.results()


# -- effective status -------------------------------------------------------------


def field_verdict_counts(admin_status: str, field_status: str) -> bool:
    """Whether a row's field verdict is the one that counts.

    Field verification is for supporters MS in the administrative verification
    (DOMAIN.md; the server refuses a field verdict on any other row). A row whose
    administrative verdict is changed away from MS afterwards keeps its field
    verdict, unused: the administrative one counts again, and the field verdict
    counts again if the row returns to MS.
    """
    return bool(field_status) and admin_status == Status.MS.value


def counted_choices(
    admin_status: str, field_status: str, arrival: str, rule_set: RuleSet
) -> tuple[Status, ...]:
    """The verdicts the verdict that counts (:func:`field_verdict_counts`) may be: the
    field verification's, else those of the administrative verification of the row's
    round (``arrival``). A status counts as :meth:`RuleSet.status_within` these: the
    server's DUPLICATE_EXTERNAL flag, which the rule set makes BMS, is TMS on a row
    whose verdict offers no BMS (the berita acara, the dashboard and the public pages
    count it so; the stored ``effective_status`` stays as :func:`effective_status`
    gives it)."""
    if field_verdict_counts(admin_status, field_status):
        return rule_set.field_verdict_choices()
    return rule_set.verdict_choices(arrival)


def counted_status(
    status: str, admin_status: str, field_status: str, arrival: str, rule_set: RuleSet
) -> str:
    """A row's ``effective_status`` as it counts (:func:`counted_choices`): "" while
    nobody verified it."""
    if status not in _STATUSES:
        return status
    choices = counted_choices(admin_status, field_status, arrival, rule_set)
    return rule_set.status_within(Status(status), choices).value


def effective_status(
    check_status: str,
    check_reasons: Iterable[str],
    admin_status: str,
    admin_reasons: Iterable[str],
    field_status: str,
    field_reasons: Iterable[str],
    external_duplicate: bool,
    rule_set: RuleSet | None = None,
) -> tuple[Status | str, tuple[str, ...]]:
    """The status that counts: a person's verdict, field verification over
    administrative verification (:func:`field_verdict_counts`: only while the row
    is MS in the administrative verification).

    The automatic check (``check_status``/``check_reasons``) is a forecast, not a
    verification: it never gives a status. A row no person verified has status
    ``""`` ("belum diverifikasi") and the forecast's reasons, so the list still
    shows what the check found. A NIK supporting another pair adds
    DUPLICATE_EXTERNAL, and makes a verified row at least as bad as that reason.

    Returns:
        ``(status, reasons)``: status is ``""`` when no person has decided;
        reasons in canonical order (unknown codes, if any, last).
    """
    rules = rule_set or rule_set_for(None)
    del check_status  # the forecast's status is never the status that counts
    if field_verdict_counts(admin_status, field_status):
        status, reasons = field_status, field_reasons
    elif admin_status:
        status, reasons = admin_status, admin_reasons
    else:
        status, reasons = "", check_reasons
    codes = set(reasons)
    result: Status | str = Status(status) if status in _STATUSES else ""
    if external_duplicate:
        codes.add(ReasonCode.DUPLICATE_EXTERNAL)
        if result:
            extra = rules.status_of(ReasonCode.DUPLICATE_EXTERNAL)
            result = extra if extra.severity > Status(result).severity else result
    return result, sort_reasons(codes)


_STATUSES = frozenset(s.value for s in Status)


def sort_reasons(codes: Iterable[str]) -> tuple[str, ...]:
    """Unique reason codes in canonical order; unknown ones last, alphabetically."""
    unique = {str(c) for c in codes}
    return tuple(sorted(unique, key=lambda c: (REASON_ORDER.get(c, len(REASON_ORDER)), c)))


def join_reasons(codes: Iterable[str]) -> str:
    """Reasons as one text for the ``effective_reasons`` column."""
    return ",".join(sort_reasons(codes))


def split_reasons(text: str) -> tuple[str, ...]:
    return tuple(c for c in text.split(",") if c)
