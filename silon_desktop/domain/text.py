"""Text normalisation shared by the tolerant matchers (region names, occupations)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

_APOSTROPHES = re.compile(r"['`\u2018\u2019\u02bc]")
_NON_ALNUM = re.compile(r"[^A-Z0-9]+")
_LONE_LETTER = re.compile(r"(?:^| )[A-Z](?: |$)")


def fold(text: str) -> str:
    """Upper-case ASCII words: accents dropped, apostrophes removed, other
    punctuation turned into single spaces, letters typed one by one joined.

    ``"Kab. S A D U"`` -> ``"KAB SADU"``; ``"Ma'rang"`` -> ``"MARANG"``;
    ``"Mula-Mula"`` -> ``"MULA MULA"``.
    """
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = _APOSTROPHES.sub("", text.upper())
    spaced = " ".join(_NON_ALNUM.sub(" ", text).split())
    if _LONE_LETTER.search(spaced) is None:
        return spaced
    return " ".join(join_spaced_letters(spaced.split()))


def join_spaced_letters(words: list[str]) -> list[str]:
    """Join runs of two or more single-letter words: ``S A D U`` -> ``SADU``."""
    out: list[str] = []
    run: list[str] = []
    for word in words:
        if len(word) == 1 and word.isalpha():
            run.append(word)
            continue
        _flush(run, out)
        out.append(word)
    _flush(run, out)
    return out


def _flush(run: list[str], out: list[str]) -> None:
    if len(run) > 1:
        out.append("".join(run))
    else:
        out.extend(run)
    run.clear()


#: Month names as official documents and the operator's messages write them.
MONTH_NAMES_ID = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def long_date_id(day: int, month: int, year: int) -> str:
    """``17 Agustus 2024``. The three numbers need not make a real date (a problem
    list names an impossible one: ``31 Februari 1980``)."""
    return f"{day} {MONTH_NAMES_ID[month - 1]} {year}"


def group_thousands(value: int | None, separator: str = ".") -> str:
    """A count with its thousands grouped (``1234567`` -> ``"1.234.567"``), "-" for
    nothing. Indonesian groups with "." (the default, used by official documents),
    English with ","."""
    return "-" if value is None else f"{value:,}".replace(",", separator)


#: Characters removed from text: C0/C1 controls, bidi embeddings/overrides/isolates,
#: zero-width characters and the BOM. Tabs and newlines become spaces first.
_STRIP = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]"
)
_SPACES = re.compile(r"\s+")


def clean_text(value: object, max_length: int | None = None) -> tuple[str, bool]:
    """A cell as one tidy line of text, and whether it had to be cut.

    Removes control and bidi-override characters (which can disguise a value on
    screen), normalises to NFC and collapses runs of white space. Whole-number
    floats print without ``.0`` (an RT typed as a number).

    Args:
        value: the cell.
        max_length: cut the text to this many characters (the column's size).
    """
    if type(value) is str and value.isascii() and value.isprintable() and "  " not in value:
        text = value.strip()  # the common case: plain ASCII text, nothing to clean
        if max_length is None or len(text) <= max_length:
            return text, False
        return text[:max_length].rstrip(), True
    if value is None:
        return "", False
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif isinstance(value, str):
        text = value
    elif isinstance(value, dt.datetime | dt.date):
        text = value.strftime("%d-%m-%Y")
    else:
        text = str(value)
    if not text.isascii() or not text.isprintable():
        text = unicodedata.normalize("NFC", _STRIP.sub("", text))
    text = _SPACES.sub(" ", text).strip()
    if max_length is not None and len(text) > max_length:
        return text[:max_length].rstrip(), True
    return text, False
