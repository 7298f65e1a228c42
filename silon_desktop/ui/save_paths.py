"""Where save dialogs open and what they propose: the operator's Documents folder
and a name that says what the file is, for which pair (or office) and when.

One helper for every export (reports, problem lists, bundles), so a file an
operator hands to the pair's LO or carries on a stick is easy to find and to tell
apart from last week's.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths

from silon_desktop.ui.practice_mark import PREFIX

#: kind -> (name stem, extension)
_KINDS: dict[str, tuple[str, str]] = {
    "recap": ("rekapitulasi-dukungan", "pdf"),
    "berita_acara": ("berita-acara", "pdf"),
    "b11": ("B.1.1-KWK", "xlsx"),
    "b2": ("B.2-KWK", "xlsx"),
    "problems_xlsx": ("daftar-masalah-impor", "xlsx"),
    "problems_pdf": ("daftar-masalah-impor", "pdf"),
    "verification_xlsx": ("hasil-verifikasi", "xlsx"),
    "verification_pdf": ("hasil-verifikasi", "pdf"),
    "bundle": ("bundel-perubahan", "silon"),
    "import_json": ("laporan-impor", "json"),
}


def documents_folder() -> Path:
    """The operator's Documents folder (Qt's DocumentsLocation), else the home folder."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    folder = Path(found) if found else Path.home()
    return folder if folder.is_dir() else Path.home()


def slug(text: str, limit: int = 40) -> str:
    """``text`` as a file-name part: ASCII letters, digits and dashes."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9.]+", "-", plain).strip("-.")
    return cleaned[:limit].rstrip("-.")


def pair_part(pair: Mapping[str, Any] | None) -> str:
    """ "paslon-2-budi-santoso" for a pair record (number and head's name), "" for none."""
    if not pair:
        return ""
    number = pair.get("number")
    head = str(pair.get("head_name") or "")
    parts = ["paslon", str(number) if number else "", head.lower()]
    return slug("-".join(p for p in parts if p), 50)


def default_save_path(
    kind: str,
    pair: Mapping[str, Any] | None = None,
    *,
    who: str = "",
    extra: str = "",
    folder: Path | None = None,
    when: dt.datetime | None = None,
    practice: bool = False,
) -> Path:
    """The file a save dialog proposes: Documents / "<kind>-<pair or office>-<date>.<ext>",
    "LATIHAN-..." for practice data (a sealed bundle cannot say so inside, and a file
    on a stick or in a shared folder is told apart by its name first).

    Args:
        kind: one of the known kinds (``recap``, ``b11``, ``problems_xlsx``, ``bundle``...).
        pair: the pair the file is about (its number and head's name go in the name).
        who: the office or user, for files that are not about one pair (bundles).
        extra: one more part (a verification stage, the imported file's name).
        folder: where instead of Documents (tests).
        when: the date (and, for bundles, the time) in the name; now by default.
        practice: the data is practice data (``Services.practice``).
    """
    stem, ext = _KINDS[kind]
    moment = when or dt.datetime.now()
    stamp = moment.strftime("%Y-%m-%d-%H%M" if kind == "bundle" else "%Y-%m-%d")
    mark = PREFIX if practice else ""
    parts = [mark, stem, pair_part(pair), slug(who, 30), slug(extra, 40), stamp]
    name = "-".join(p for p in parts if p)
    return (folder or documents_folder()) / f"{name}.{ext}"


def personal_data_box(parent: Any, title: str, text: str) -> Any:
    """The warning (OK / Batal) shown before a file with citizens' personal data is
    saved (B.1.1-KWK, the verification results for the LO, a USB bundle)."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(
        QMessageBox.Icon.Warning,
        title,
        text,
        QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.setObjectName("personalDataWarning")
    return box
