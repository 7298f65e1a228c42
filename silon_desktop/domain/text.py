"""Text normalisation shared by the tolerant matchers (region names, occupations)."""

from __future__ import annotations

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


def group_thousands(value: int | None, separator: str = ".") -> str:
    """A count with its thousands grouped (``1234567`` -> ``"1.234.567"``), "-" for
    nothing. Indonesian groups with "." (the default, used by official documents),
    English with ","."""
    return "-" if value is None else f"{value:,}".replace(",", separator)
