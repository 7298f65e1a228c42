"""Translations: Indonesian is the source language of every tr() string; English is a choice.

``resources/i18n/silon_en.ts`` is compiled to ``silon_en.qm`` (and ``qtbase_id.ts``, the
Indonesian of Qt's own buttons and file dialog, to ``qtbase_id.qm``) with Qt's
``lrelease`` (shipped inside PySide6) at build time, and again at start-up when
the ``.qm`` is missing or older than the ``.ts`` (the ``.qm`` is not in git).
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from silon_desktop.domain.text import group_thousands
from silon_desktop.paths import resources_dir

log = logging.getLogger(__name__)

LANGUAGES = ("id", "en")
#: Thousands separator per language (Indonesian 1.234, English 1,234).
_THOUSANDS = {"id": ".", "en": ","}
_current = "id"


def i18n_dir() -> Path:
    return resources_dir() / "i18n"


def lrelease_command() -> list[str] | None:
    """How to run Qt's lrelease here: PySide6's bundled binary, else one on PATH."""
    import PySide6

    bundled = Path(PySide6.__file__).parent / (
        "lrelease.exe" if sys.platform == "win32" else "lrelease"
    )
    if bundled.exists():
        return [str(bundled)]
    beside = Path(sys.executable).parent / "pyside6-lrelease"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("pyside6-lrelease") or shutil.which("lrelease")
    return [found] if found else None


def compile_translations(folder: Path | None = None, force: bool = False) -> list[Path]:
    """Compile every stale ``.ts`` under ``folder`` to ``.qm``; returns the ``.qm`` files."""
    folder = folder or i18n_dir()
    out: list[Path] = []
    for ts in sorted(folder.glob("*.ts")):
        qm = ts.with_suffix(".qm")
        if force or not qm.exists() or qm.stat().st_mtime < ts.stat().st_mtime:
            command = lrelease_command()
            if command is None:
                log.warning("lrelease not found; %s stays uncompiled", ts.name)
                continue
            try:
                subprocess.run(
                    [*command, "-silent", str(ts), "-qm", str(qm)],
                    check=True,
                    capture_output=True,
                    timeout=60,
                )
            except (OSError, subprocess.SubprocessError) as error:
                log.warning("could not compile %s: %s", ts.name, error)
                continue
        if qm.exists():
            out.append(qm)
    return out


def install_translators(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Install the app's (and Qt's own) translators for ``language``; "id" needs none.

    The translators are returned; the caller keeps them alive.
    """
    global _current
    _current = language if language in LANGUAGES else "id"
    if language not in LANGUAGES or language == "id":
        # Qt's own words (Yes/No, Cancel, the file dialog): Qt's qtbase_id when a Qt build
        # ships one, else ours (resources/i18n/qtbase_id.ts; PySide6 has none).
        qt_id = QTranslator(app)
        path = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if qt_id.load(QLocale(QLocale.Language.Indonesian), "qtbase", "_", path):
            app.installTranslator(qt_id)
            return [qt_id]
        ours = _load(app, "qtbase_id")
        return [ours] if ours is not None else []
    translator = _load(app, f"silon_{language}")
    if translator is None:
        log.warning("translation silon_%s could not be loaded; staying in Indonesian", language)
        return []
    return [translator]


def _load(app: QCoreApplication, name: str) -> QTranslator | None:
    """Install ``resources/i18n/<name>.qm`` (compiled first when missing or stale)."""
    folder = i18n_dir()
    ts = folder / f"{name}.ts"
    qm = ts.with_suffix(".qm")
    if ts.exists() and (not qm.exists() or qm.stat().st_mtime < ts.stat().st_mtime):
        compile_translations(folder)
    translator = QTranslator(app)
    if not translator.load(str(qm)):
        log.warning("translation %s could not be loaded", qm.name)
        return None
    app.installTranslator(translator)
    return translator


def remove_translators(app: QCoreApplication, translators: list[QTranslator]) -> None:
    """Undo :func:`install_translators`: back to Indonesian."""
    global _current
    for translator in translators:
        app.removeTranslator(translator)
    _current = "id"


def format_count(value: int | None) -> str:
    """A count for the screen, grouped as the interface language writes it."""
    return group_thousands(value, _THOUSANDS[_current])
