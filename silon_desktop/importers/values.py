"""Cell values as typed by people: dates, sex, marital status, NIK cells, hostile text.

Every parser here is total: it returns ``None`` (or an empty string) for a value it
cannot read, never raises, so one bad cell never stops an import. The caller
turns ``None`` for a present cell into a reason code.
"""

from __future__ import annotations

import datetime as dt
import re

from silon_desktop.domain.nik import clean_nik
from silon_desktop.domain.text import clean_text, long_date_id

#: Excel's day zero (the 1900 leap-year bug makes it 30 Dec 1899 for serials > 60).
_EXCEL_EPOCH = dt.date(1899, 12, 30)
#: Serial numbers accepted as dates: 1900-01-01 .. 2099-12-31.
_SERIAL_MIN, _SERIAL_MAX = 1, 73050
#: Whole numbers read as a year typed alone ("1985"), not as the serial of a day in
#: 1905 (no supporter alive was born then): a date with neither day nor month.
_YEAR_ALONE_MIN, _YEAR_ALONE_MAX = 1900, 2099

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        ("januari", "jan", "january"),
        ("februari", "feb", "pebruari", "peb", "pebr", "febr", "february"),
        ("maret", "mar", "mrt", "march"),
        ("april", "apr"),
        ("mei", "may"),
        ("juni", "jun", "june"),
        ("juli", "jul", "july"),
        ("agustus", "agu", "agt", "ags", "agus", "aug", "agst", "august"),
        ("september", "sep", "sept"),
        ("oktober", "okt", "oct", "october"),
        ("november", "nov", "nop", "nopember"),
        ("desember", "des", "dec", "december"),
    ),
    start=1,
):
    for _name in _names:
        _MONTHS[_name] = _number

#: Days of the week (Monday = 0) a long date starts with: "Sabtu, 17 Agustus 1985" is
#: Excel's long date format in the Indonesian locale.
_WEEKDAYS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        ("senin", "monday"),
        ("selasa", "tuesday"),
        ("rabu", "wednesday"),
        ("kamis", "thursday"),
        ("jumat", "jum'at", "friday"),
        ("sabtu", "saturday"),
        ("minggu", "ahad", "sunday"),
    )
):
    for _name in _names:
        _WEEKDAYS[_name] = _number
#: A word and a comma or space before the digits of a date: its day of the week.
_WEEKDAY_FIRST = re.compile(r"^([a-z']+)\s*[,\s]\s*(?=\d)")

_NUMERIC_DATE = re.compile(r"^(\d{1,4})\s*[-/.\s]\s*(\d{1,2})\s*[-/.\s]\s*(\d{1,4})$")
_WORD_DATE = re.compile(r"^(\d{1,2})[-/.\s]*([a-z]+)\.?[-/.\s]*(\d{2,4})$")
_DAY_MONTH = re.compile(r"^(?:(\d{1,2})[-/.\s]?([a-z]+)|([a-z]+)[-/.\s]?(\d{1,2}))$")
#: A whole number of 13 to 18 digits grouped by thousands, as a number format shows it.
_THOUSANDS = re.compile(r"^\d{1,3}(?:([.,])\d{3})(?:\1\d{3}){3,4}$")
_COMPACT_DATE = re.compile(r"^(\d{2})(\d{2})(\d{4})$")
_DIGIT_RUNS = re.compile(r"\d+")
#: The time a spreadsheet writes after a day ("0:00", "00.00.00", "12:00:00 AM").
_TIME_AFTER = re.compile(r"(?<=\d)\s+\d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?:\s*[ap]m)?$")
#: "RT 03", "RW.05", "rt:3", "RT03": a neighbourhood's label and its number.
_NEIGHBOURHOOD = re.compile(r"(?<![a-z])(rt|rw)\s*[.:]?\s*(\d+)", re.IGNORECASE)

_SEX = {
    "L": "L",
    "LK": "L",
    "LAKI": "L",
    "LAKILAKI": "L",
    "PRIA": "L",
    "M": "L",
    "MALE": "L",
    "P": "P",
    "PR": "P",
    "PEREMPUAN": "P",
    "WANITA": "P",
    "W": "P",
    "F": "P",
    "FEMALE": "P",
}

_MARITAL = {
    "B": "B",
    "BK": "B",
    "BELUM": "B",
    "BELUMKAWIN": "B",
    "BELUMMENIKAH": "B",
    "LAJANG": "B",
    "TIDAKKAWIN": "B",
    "BELUMNIKAH": "B",
    "BLMKAWIN": "B",
    "BLMMENIKAH": "B",
    "BLMNIKAH": "B",
    "TK": "B",  # tidak kawin, beside K (kawin)
    "S": "S",
    "K": "S",
    "SK": "S",
    "SUDAH": "S",
    "KAWIN": "S",
    "MENIKAH": "S",
    "SUDAHKAWIN": "S",
    "SUDAHMENIKAH": "S",
    "NIKAH": "S",
    "SUDAHNIKAH": "S",
    "SDHKAWIN": "S",
    "SDHMENIKAH": "S",
    "SDHNIKAH": "S",
    # Dukcapil's statuses on the KTP-el and KK since 2019: registered or not, each
    # is married (or was): "belum" here is the registration, not the marriage.
    "KAWINTERCATAT": "S",
    "KAWINBELUMTERCATAT": "S",
    "KAWINTIDAKTERCATAT": "S",
    "P": "P",
    "PERNAH": "P",
    "PERNAHKAWIN": "P",
    "PERNAHMENIKAH": "P",
    "CERAI": "P",
    "CERAIHIDUP": "P",
    "CERAIMATI": "P",
    "CERAIHDP": "P",
    "CERAIMT": "P",
    "CH": "P",
    "CM": "P",
    "CERAIHIDUPTERCATAT": "P",
    "CERAIHIDUPBELUMTERCATAT": "P",
    "CERAIHIDUPTIDAKTERCATAT": "P",
    "CERAIMATITERCATAT": "P",
    "CERAIMATIBELUMTERCATAT": "P",
    "JANDA": "P",
    "DUDA": "P",
}

_LETTERS = re.compile(r"[^A-Z]")

Cell = object  # int | float | str | bool | date | datetime | time | timedelta | None


def nik_from_cell(value: object) -> tuple[str, bool]:
    """The NIK as text, and whether it came from a number cell.

    A NIK typed into a number cell keeps only 15 significant digits in Excel, so
    the last digit may already be wrong: the caller flags ``NIK_PRECISION``.
    Spaces, dots and dashes typed between the digit groups are removed, and a text
    formula around the digits (``="3214..."``, how a CSV keeps a NIK as text). Digits
    grouped by thousands ("3.214.012.001.620.000") are a number cell's, shown with a
    number format: flagged as from a number.
    """
    if value.__class__ is str and len(value) == 16 and value.isdigit() and value.isascii():
        return value, False  # the common case: sixteen digits typed as text
    if isinstance(value, bool) or value is None:
        return ("" if value is None else str(value)), False
    if isinstance(value, int):
        return str(value), True
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e17:
            return str(int(value)), True
        return repr(value), True
    text = clean_text(value, 64)[0]
    # ="3214..." : a CSV keeping the NIK as text for Excel, which shows the digits.
    formula = text.startswith("=") and text.endswith('"')
    if _THOUSANDS.match(text):  # "3.214.012.001.620.000": a number cell's display
        return text.replace(".", "").replace(",", ""), True
    compact = clean_nik(text[1:] if formula else text)  # quotes, separators, ".0" dropped
    return (compact if compact.isdigit() else text.removeprefix("'")), False


def reads_as_day(text: str) -> bool:
    """Whether a cell's text is a day as a spreadsheet writes one: a full date
    ("03/05/2024", "3 Mei 2024") or a day and a month without the year ("03-Mei",
    "3-May", "Mei-03"; Excel's format for a day typed without its year). Numbers alone
    or in pairs ("003", "003/005") are not."""
    value = clean_text(text, 64)[0].lower()
    if _NUMERIC_DATE.match(value) or _WORD_DATE.match(value):
        return _from_date_text(value, dt.date.today()) is not None
    match = _DAY_MONTH.match(value)
    if match is None:
        return False
    day = match.group(1) or match.group(4)
    return int(day) <= 31 and (match.group(2) or match.group(3)) in _MONTHS


def split_rt_rw(text: str) -> tuple[str, str]:
    """The RT and the RW of one cell holding both: ``"003/005"``, ``"RT 03/RW 05"``,
    ``"RT.03 RW.05"``, ``"RW 5 RT 3"``, ``"RT/RW 003/005"``, ``"003-005"``.

    Labelled numbers go to their label; else two numbers are the RT then the RW;
    else the text is cut at its "/" (the parts are read as typed, and flagged).
    """
    labelled = {label.lower(): number for label, number in _NEIGHBOURHOOD.findall(text)}
    if len(labelled) == 2:
        return labelled["rt"], labelled["rw"]
    numbers = _DIGIT_RUNS.findall(text)
    if len(numbers) == 2:
        return numbers[0], numbers[1]
    rt, _, rw = text.partition("/")
    return rt.strip(), rw.strip()


def unlabelled(text: str, label: str) -> str:
    """An RT or RW typed with its own label ("RT 3", "RW.005", "rt:3") without it."""
    match = _NEIGHBOURHOOD.fullmatch(text)
    return match.group(2) if match and match.group(1).lower() == label else text


def parse_sex(value: object) -> str | None:
    """``L`` or ``P`` from L/P and the usual words (laki-laki, pria, perempuan, wanita)."""
    text = clean_text(value)[0].upper()
    if not text:
        return None
    return _SEX.get(_LETTERS.sub("", text))


def parse_marital(value: object) -> str | None:
    """``B`` (belum kawin), ``S`` (sudah/kawin) or ``P`` (pernah/cerai) from codes or words."""
    text = clean_text(value)[0].upper()
    if not text:
        return None
    return _MARITAL.get(_LETTERS.sub("", text))


def parse_date(value: object, reference: dt.date | None = None) -> dt.date | None:
    """A birth date from any common form.

    Accepts date/datetime cells, Excel serial numbers, ``dd-mm-yyyy``,
    ``dd/mm/yyyy``, ``dd.mm.yyyy``, ``yyyy-mm-dd``, ``ddmmyyyy``, two-digit years
    (the century that does not put the date after ``reference``) and ``d Month
    yyyy`` in Indonesian or English (``17 Agustus 1985``, ``5-Jan-90``).
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float):
        return _from_serial(float(value))
    text = clean_text(value, 64)[0].lower().removeprefix("'")  # a text mark, as before a NIK
    if not text:
        return None
    return _from_text(text, reference or dt.date.today())


def date_at_end(text: str) -> tuple[str, str] | None:
    """A place then a date ending ``text``, split: ``"Bandung 17-08-1985"`` and
    ``"BANDUNG, 17 AGUSTUS 1985"`` -> the place and the date's text; None when no
    date ends it.

    The shortest ending of at most three words that reads as a date (or as a day
    that does not exist, "31-02-1985") is the date, so digits inside a place name
    stay in it ("SP 3 17-08-1985"); an ending that is only a number ("SP 2",
    "Kampung 12"), or whose last number is not a year of two or four digits
    ("Blok 1 2 3"), is part of the place, not a date.
    """
    words = text.split()
    for start in range(len(words) - 1, max(0, len(words) - 4), -1):
        place = " ".join(words[:start]).rstrip(",;/- ")
        date_text = " ".join(words[start:]).lstrip(",;/- ")
        if any(ch.isalpha() for ch in place) and _reads_as_date(date_text):
            return place, date_text
    return None


def _reads_as_date(text: str) -> bool:
    numbers = _DIGIT_RUNS.findall(text)
    if not numbers or len(numbers[-1]) not in (2, 4) or (text.isdigit() and len(text) != 8):
        return False  # a serial number or a number alone belongs to the place
    return parse_date(text) is not None or impossible_date(text) is not None


def impossible_date(value: object) -> str | None:
    """The day named when ``value`` is a well-formed date that does not exist
    ("31-02-1980" -> "31 Februari 1980"), else None.

    Lets a problem list say "the date does not exist" instead of "unreadable".
    """
    if not isinstance(value, str):
        return None
    text = clean_text(value, 64)[0].lower().removeprefix("'")
    match = _NUMERIC_DATE.match(text) or _COMPACT_DATE.match(text)
    if not match:
        return None
    a, b, c = match.groups()
    year, month, day = (int(a), int(b), int(c)) if len(a) == 4 else (int(c), int(b), int(a))
    if not 1 <= month <= 12 or not 1 <= day <= 31 or len(str(year)) not in (2, 4):
        return None
    if len(str(year)) == 2 or _make(year, month, day) is not None:
        return None
    return long_date_id(day, month, year)


def _from_serial(serial: float) -> dt.date | None:
    if not _SERIAL_MIN <= serial <= _SERIAL_MAX:
        return None
    if _YEAR_ALONE_MIN <= serial <= _YEAR_ALONE_MAX and serial.is_integer():
        return None
    return _EXCEL_EPOCH + dt.timedelta(days=int(serial))


def _from_text(text: str, reference: dt.date) -> dt.date | None:
    """A date from its text, after the day of the week it may start with, which must
    be the date's own."""
    match = _WEEKDAY_FIRST.match(text)
    if match is None:
        return _from_date_text(text, reference)
    weekday = _WEEKDAYS.get(match.group(1))
    date = _from_date_text(text[match.end() :], reference) if weekday is not None else None
    return date if date is not None and date.weekday() == weekday else None


def _from_date_text(text: str, reference: dt.date) -> dt.date | None:
    if "t" in text and text[:4].isdigit():
        text = text.split("t", 1)[0]  # ISO datetime as text
    elif " " in text and text[:4].isdigit() and ":" in text:
        text = text.split(" ", 1)[0]
    elif " " in text:
        text = _TIME_AFTER.sub("", text)  # "17/08/1985 0:00": a date-time cell as text
    match = _NUMERIC_DATE.match(text)
    if match:
        a, b, c = match.groups()
        if len(a) == 4:
            return _make(int(a), int(b), int(c))
        return _make(_year(c, reference, int(b), int(a)), int(b), int(a))
    match = _WORD_DATE.match(text)
    if match:
        day, month_name, year = match.groups()
        month = _MONTHS.get(month_name)
        return _make(_year(year, reference, month, int(day)), month, int(day)) if month else None
    match = _COMPACT_DATE.match(text)
    if match:
        day, month_text, year = match.groups()
        return _make(int(year), int(month_text), int(day))
    if text.replace(".", "", 1).isdigit():
        return _from_serial(float(text))
    return None


def _year(text: str, reference: dt.date, month: int, day: int) -> int:
    """The year as written; of two digits, the century that does not put the date
    (its month and day too) after ``reference``: "15-12-24" before 12 May 2024 is 1924."""
    year = int(text)
    if len(text) <= 2:
        year += 2000
        if (year, month, day) > (reference.year, reference.month, reference.day):
            year -= 100
    return year


def _make(year: int, month: int | None, day: int) -> dt.date | None:
    if month is None or not 1800 <= year <= 2200:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
