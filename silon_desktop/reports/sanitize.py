"""Cell text safe to hand to a spreadsheet program.

Supporter lists come from outside: a name like ``=cmd|' /C calc'!A0`` or
``@SUM(...)`` is a formula waiting to run when someone opens the export (or a
CSV saved from it). Every text cell an export writes goes through
:func:`safe_cell`: control and bidi-override characters are removed and a text
starting with a formula trigger gets a leading apostrophe (OWASP's advice), so
it shows as the text it is and never runs.
"""

from __future__ import annotations

from silon_desktop.domain.text import clean_text

#: First characters that make Excel, LibreOffice or Google Sheets read a formula
#: (including the full-width forms some keyboards type).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
#: Excel's limit of characters in one cell.
MAX_CELL = 32_767


def safe_cell(value: object) -> str:
    """``value`` as neutral text for a spreadsheet cell."""
    text = clean_text(value, MAX_CELL - 1)[0]
    if text.startswith(FORMULA_TRIGGERS) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    """A plain signed number ("-5") is harmless and stays as it is."""
    try:
        float(text)
    except ValueError:
        return False
    return True
