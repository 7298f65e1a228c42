"""NIK (Nomor Induk Kependudukan): parse, validate and build.

Layout ``PP KK CC DDMMYY NNNN``: province, kab/kota and kecamatan of first
registration, the birth date with 40 added to the day for women, and a sequence
from 0001. There is no check digit and no century: the century is the one that
puts the birth date closest before the reference date (ages 0-99).

The parser is on the import hot path (tens of thousands of rows a second), so it
avoids regular expressions and exceptions for valid input.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from silon_desktop.domain.codes import ReasonCode, Sex

#: Characters dropped around a NIK (spreadsheet quoting, stray spaces).
_EDGE_JUNK = " \t\r\n\u00a0'\"`\u2018\u2019\u201c\u201d"
#: Separators dropped inside a NIK ("3201 1402 0590 0001", "32.01.14.020590.0001").
_SEPARATORS = str.maketrans("", "", " .-\u00a0\t")
_DAYS_IN_MONTH = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_FORMAT_ONLY = (ReasonCode.NIK_FORMAT,)
_NO_REASONS: tuple[ReasonCode, ...] = ()
_FORMAT_AND_REGION = (ReasonCode.NIK_FORMAT, ReasonCode.NIK_REGION)
_REGION_ONLY = (ReasonCode.NIK_REGION,)


@dataclass(frozen=True, slots=True)
class NikResult:
    """What a NIK says, and what is wrong with it.

    ``reasons`` is empty for a good NIK; otherwise NIK_FORMAT and/or NIK_REGION.
    ``birth_date``, ``sex`` and ``sequence`` are None when the digits do not hold
    a valid value for them.
    """

    nik: str  # the text after cleaning: 16 digits when the format is right
    reasons: tuple[ReasonCode, ...]
    birth_date: dt.date | None
    sex: Sex | None
    sequence: int | None
    #: Today's kecamatan code (dotted) when digits 1-6 are a code retired by a
    #: region split (a valid NIK of first registration there), else None.
    successor: str | None = None

    @property
    def ok(self) -> bool:
        return not self.reasons

    @property
    def has_digits(self) -> bool:
        """Whether ``nik`` is 16 digits (the date or region may still be wrong)."""
        return len(self.nik) == 16 and self.nik.isascii() and self.nik.isdigit()

    @property
    def province_code(self) -> str:
        """``"32"``, or ``""`` when ``nik`` is not 16 digits."""
        return self.nik[:2] if self.has_digits else ""

    @property
    def kabkota_code(self) -> str:
        """``"32.01"``, or ``""``."""
        n = self.nik
        return f"{n[:2]}.{n[2:4]}" if self.has_digits else ""

    @property
    def kecamatan_code(self) -> str:
        """``"32.01.14"`` (region of first registration), or ``""``."""
        n = self.nik
        return f"{n[:2]}.{n[2:4]}.{n[4:6]}" if self.has_digits else ""


def clean_nik(text: str) -> str:
    """The NIK with quotes and spaces around, and separators inside, removed.

    A trailing ``.0`` (a number cell turned into text) is dropped too.
    """
    if text.isdigit() and text.isascii():
        return text  # nothing to remove (the common case)
    s = text.strip(_EDGE_JUNK)
    if s.endswith(".0") and s[:-2].isdigit():
        s = s[:-2]
    return s.translate(_SEPARATORS)


_kecamatan6: frozenset[str] | None = None


def _known_kecamatan() -> frozenset[str]:
    global _kecamatan6
    if _kecamatan6 is None:
        from silon_desktop.domain.regions import default_table

        _kecamatan6 = default_table().kecamatan_codes()
    return _kecamatan6


def parse_nik(
    text: str,
    *,
    reference_date: dt.date | None = None,
    kecamatan_codes: Collection[str] | None = None,
    retired_codes: Mapping[str, str] | None = None,
) -> NikResult:
    """Parse and check a NIK.

    Args:
        text: the NIK as typed or imported; spaces, dots, hyphens and quotes are
            tolerated.
        reference_date: the century is chosen so that the birth date falls on or
            before this date (default: today).
        kecamatan_codes: six-digit kecamatan codes to check digits 1-6 against
            (default: the shipped region table).
        retired_codes: six-digit kecamatan codes retired by region splits ->
            today's code (default: :mod:`silon_desktop.domain.retired_regions`);
            such a NIK is no NIK_REGION and carries ``successor``.

    Returns:
        The result; ``reasons`` holds NIK_FORMAT (not 16 digits, impossible date,
        sequence 0000) and/or NIK_REGION (digits 1-6 not a known kecamatan, now
        or before a region split).
    """
    return NikResult(*nik_facts(text, reference_date, kecamatan_codes, retired_codes))


#: :func:`nik_facts`: the cleaned text, reasons, birth date, sex, sequence, successor.
NikFacts = tuple[str, tuple[ReasonCode, ...], dt.date | None, Sex | None, int | None, str | None]


def nik_facts(
    text: str,
    reference_date: dt.date | None = None,
    kecamatan_codes: Collection[str] | None = None,
    retired_codes: Mapping[str, str] | None = None,
) -> NikFacts:
    """:func:`parse_nik`'s result as a plain tuple, in :class:`NikResult`'s field
    order: for a caller checking rows by the million (no object per NIK)."""
    s = text
    if len(s) != 16 or not (s.isdigit() and s.isascii()):
        s = clean_nik(text)
        if len(s) != 16 or not (s.isdigit() and s.isascii()):
            return s, _FORMAT_ONLY, None, None, None, None
    birth, sex = _birth_and_sex(s[6:12], reference_date or dt.date.today())
    sequence = int(s[12:16])
    bad_format = birth is None or sequence == 0
    known = kecamatan_codes if kecamatan_codes is not None else _kecamatan6 or _known_kecamatan()
    successor = None
    region = s[:6]
    if region in known:
        reasons = _FORMAT_ONLY if bad_format else _NO_REASONS
    else:
        retired = retired_codes if retired_codes is not None else _retired_codes()
        successor = retired.get(region)
        if successor is not None:
            reasons = _FORMAT_ONLY if bad_format else _NO_REASONS
        elif bad_format:
            reasons = _FORMAT_AND_REGION
        else:
            reasons = _REGION_ONLY
    return s, reasons, birth, sex, sequence or None, successor


def _retired_codes() -> Mapping[str, str]:
    from silon_desktop.domain.retired_regions import retired_kecamatan_codes

    return retired_kecamatan_codes()


#: reference date -> {DDMMYY digits: (birth date, sex)}: a list of 100,000
#: supporters has far fewer distinct birth dates than rows. Bounded: a few
#: reference dates (one per election) of at most 100,000 digits each (~15 MB).
_birth_memo: dict[dt.date, dict[str, tuple[dt.date | None, Sex | None]]] = {}
_BIRTH_MEMO_DATES = 4
_BIRTH_MEMO_LIMIT = 100_000
_NO_BIRTH: tuple[None, None] = (None, None)


def _birth_and_sex(digits: str, reference: dt.date) -> tuple[dt.date | None, Sex | None]:
    """Birth date and sex from the date digits (DDMMYY) of a NIK; both None
    when the digits are no date."""
    memo = _birth_memo.get(reference)
    if memo is None:
        if len(_birth_memo) >= _BIRTH_MEMO_DATES:
            _birth_memo.clear()
        memo = _birth_memo[reference] = {}
    found = memo.get(digits)
    if found is None:
        found = _read_birth(digits, reference)
        if len(memo) >= _BIRTH_MEMO_LIMIT:
            memo.clear()
        memo[digits] = found
    return found


def _read_birth(digits: str, reference: dt.date) -> tuple[dt.date | None, Sex | None]:
    day = int(digits[0:2])
    month = int(digits[2:4])
    sex = Sex.L
    if day > 40:
        day -= 40
        sex = Sex.P
    if 1 <= month <= 12 and 1 <= day <= _DAYS_IN_MONTH[month]:
        birth = _birth_date(int(digits[4:6]), month, day, reference)
        if birth is not None:
            return birth, sex
    return _NO_BIRTH


def _birth_date(yy: int, month: int, day: int, reference: dt.date) -> dt.date | None:
    """The latest birth date with these digits not after ``reference``."""
    year = 2000 + yy
    if (year, month, day) > (reference.year, reference.month, reference.day):
        year -= 100
    if month == 2 and day == 29 and not _is_leap(year):
        return None
    return dt.date(year, month, day)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def nik_mismatch(result: NikResult, birth_date: dt.date | None, sex: str | None) -> bool:
    """Whether a row's birth date or sex disagrees with its NIK.

    Only what both sides state is compared; the year is compared without its
    century, which the NIK does not encode.
    """
    return birth_sex_mismatch(result.birth_date, result.sex, birth_date, sex)


def birth_sex_mismatch(
    nik_birth: dt.date | None, nik_sex: Sex | None, birth_date: dt.date | None, sex: str | None
) -> bool:
    """:func:`nik_mismatch` from the NIK's birth date and sex (see :func:`nik_facts`)."""
    if nik_birth is not None and birth_date is not None:
        if (
            nik_birth.day != birth_date.day
            or nik_birth.month != birth_date.month
            or nik_birth.year % 100 != birth_date.year % 100
        ):
            return True
    if nik_sex is not None and sex in ("L", "P"):
        return nik_sex != sex
    return False


def build_nik(kecamatan_code: str, birth_date: dt.date, sex: Sex | str, sequence: int) -> str:
    """Compose a NIK from its parts (for tests and training data).

    Args:
        kecamatan_code: ``"32.01.14"`` or ``"320114"``.
        birth_date: the date of birth.
        sex: ``"L"`` or ``"P"`` (40 is added to the day for women).
        sequence: 1-9999.

    Raises:
        ValueError: a part cannot be encoded.
    """
    region = kecamatan_code.replace(".", "")
    if len(region) != 6 or not region.isdigit():
        raise ValueError(f"kecamatan code must have six digits: {kecamatan_code!r}")
    if not 1 <= sequence <= 9999:
        raise ValueError(f"sequence must be 1-9999: {sequence}")
    day = birth_date.day + (40 if Sex(sex) is Sex.P else 0)
    return f"{region}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{sequence:04d}"
