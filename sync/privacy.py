"""Owner-only files and folders, and temporary files that never outlive their writer.

One rule for every program of the project (the desktop, its headless commands and
the server): what they write holds citizens' personal data or secrets, so no other
OS user may read it (UU PDP 27/2022 Art. 35-39).

- :func:`restrict_process` sets the process umask to ``077`` at program start, so
  every file and folder created afterwards (SQLite's database, WAL and journal
  files, logs, settings, exports, xlsxwriter's scratch files) is owner-only,
  whoever creates it.
- :func:`private_folder`, :func:`open_private` and :func:`make_private` state the
  mode explicitly where a file is made, for code running without that umask (a
  library caller, a test) and for files that existed before (:func:`tighten_tree`).
- Temporary files live in a folder inside the data folder (never the system's
  temp folder): :func:`scratch_folder` makes one per job, named by the writing
  process' id, and :func:`sweep_leftovers` removes, at the next start, whatever a
  killed process left there and every ``.partial`` file of a dead writer.

On Windows the POSIX modes mean little (the profile folder's ACL protects the data
folder); the calls are harmless there.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

log = logging.getLogger(__name__)

FILE_MODE = 0o600
FOLDER_MODE = 0o700
PRIVATE_UMASK = 0o077

#: ``<name>.<pid>.partial`` / ``.restoring``: a file being written by process ``pid``
_IN_PROGRESS = re.compile(r".*\.(\d+)\.(partial|restoring)")
_LEGACY_IN_PROGRESS = (".partial", ".restoring")
#: ``<pid>-<random>``: a scratch folder of process ``pid``
_SCRATCH = re.compile(r"(\d+)-.*")


def restrict_process() -> int:
    """Owner-only from now on for everything this process creates; returns the old umask."""
    return os.umask(PRIVATE_UMASK)


def make_private(path: Path) -> None:
    """``path`` readable by its owner only (0700 for a folder, 0600 for a file)."""
    if os.name != "posix":
        return
    with contextlib.suppress(FileNotFoundError):
        mode = FOLDER_MODE if path.is_dir() else FILE_MODE
        os.chmod(path, mode)


def private_folder(path: Path) -> Path:
    """``path`` (and missing parents) created 0700; an existing ``path`` made 0700."""
    path.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    make_private(path)
    return path


def open_private(path: Path, mode: str = "wb", **kwargs: Any) -> IO[Any]:
    """``open(path, mode)`` for writing, the file created (or truncated) 0600.

    The mode is set on the descriptor before a byte is written, whatever the umask.
    """
    if not any(flag in mode for flag in "wax"):
        raise ValueError(f"open_private writes; mode {mode!r} does not")
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0)
    if "x" in mode:
        flags |= os.O_EXCL
    elif "a" in mode:
        flags |= os.O_APPEND
    else:
        flags |= os.O_TRUNC
    if "+" in mode:
        flags = (flags & ~os.O_WRONLY) | os.O_RDWR
    fd = os.open(path, flags, FILE_MODE)
    try:
        if os.name == "posix":
            os.fchmod(fd, FILE_MODE)
        return os.fdopen(fd, mode, **kwargs)
    except BaseException:
        os.close(fd)
        raise


def write_private(path: Path, data: bytes) -> None:
    """``data`` into ``path`` atomically (a power cut leaves the old file or the new), 0600."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.partial")
    try:
        with open_private(tmp) as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def copy_private(source: Path, target: Path) -> Path:
    """A byte copy of ``source`` at ``target``, 0600 (``shutil.copy2`` would copy the
    source's mode, e.g. 0644 of a scan taken from a USB stick)."""
    with open(source, "rb") as src, open_private(target) as dst:
        shutil.copyfileobj(src, dst)
    return target


@contextlib.contextmanager
def written_whole(target: Path) -> Iterator[Path]:
    """A passing name beside ``target`` to write the file into (owner-only, created
    first, so a folder that cannot be written fails before the work), put in place
    with ``os.replace`` once the block ends, removed when it raises.

    An earlier file of that name stays as it was until the new one is complete: a
    report made again under the day's name on a disk that fills up halfway loses
    nothing, and never leaves a cut file behind.
    """
    partial = in_progress_name(target)
    try:
        open_private(partial).close()
        yield partial
        with open(partial, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def in_progress_name(final: Path, suffix: str = "partial") -> Path:
    """The name a writer gives ``final`` while writing it: ``<final>.<pid>.<suffix>``.

    The process id lets :func:`sweep_leftovers` tell a killed writer's left-over
    from a file another running process is still writing.
    """
    return final.with_name(f"{final.name}.{os.getpid()}.{suffix}")


def tighten_tree(root: Path) -> int:
    """Make every folder under ``root`` 0700 and every file 0600 (files written by an
    earlier version, or copied in by hand); returns how many were changed."""
    if os.name != "posix" or not root.is_dir():
        return 0
    changed = 0
    for folder, dirs, files in os.walk(root):
        for name in (folder, *(os.path.join(folder, d) for d in dirs)):
            changed += _chmod_if_open(name, FOLDER_MODE)
        for name in files:
            changed += _chmod_if_open(os.path.join(folder, name), FILE_MODE)
    return changed


def _chmod_if_open(name: str, wanted: int) -> int:
    try:
        info = os.lstat(name)
    except FileNotFoundError:
        return 0
    if stat.S_ISLNK(info.st_mode) or stat.S_IMODE(info.st_mode) & 0o077 == 0:
        return 0
    os.chmod(name, wanted)
    return 1


@contextlib.contextmanager
def scratch_folder(tmp_root: Path) -> Iterator[Path]:
    """A private scratch folder under ``tmp_root`` for one job, removed when the job ends
    (also when it fails); a killed process' folder goes at the next start."""
    private_folder(tmp_root)
    folder = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=tmp_root))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def sweep_leftovers(tmp_root: Path, *folders: Path) -> list[Path]:
    """Remove what killed processes left: scratch folders under ``tmp_root`` and
    ``.partial``/``.restoring`` files in ``folders`` whose writer is no longer running.

    Returns the removed paths (for the log; they hold no personal data in their names).
    """
    removed: list[Path] = []
    if tmp_root.is_dir():
        for entry in tmp_root.iterdir():
            match = _SCRATCH.fullmatch(entry.name)
            if match and _alive(int(match.group(1))):
                continue
            _remove(entry)
            removed.append(entry)
    for folder in folders:
        if not folder.is_dir():
            continue
        for entry in folder.iterdir():
            if not entry.is_file():
                continue
            match = _IN_PROGRESS.fullmatch(entry.name)
            if match is not None and _alive(int(match.group(1))):
                continue
            if match is None and not entry.name.endswith(_LEGACY_IN_PROGRESS):
                continue
            entry.unlink(missing_ok=True)
            removed.append(entry)
    if removed:
        log.info("removed %d left-over temporary file(s)", len(removed))
    return removed


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs (this process counts as running)."""
    if pid == os.getpid():
        return True
    import psutil

    return bool(psutil.pid_exists(pid))


def _remove(entry: Path) -> None:
    if entry.is_dir() and not entry.is_symlink():
        shutil.rmtree(entry, ignore_errors=True)
    else:
        entry.unlink(missing_ok=True)


# -- no personal data in logs ---------------------------------------------------------

#: a NIK: 16 digits standing alone
_NIK_RUN = re.compile(r"(?<!\d)\d{16}(?!\d)")
#: SQLAlchemy's dump of a failed statement's bound values (NIKs, names, birth dates),
#: up to the "(Background on this error ...)" line or the end of the text
_SQL_PARAMETERS = re.compile(r"\[parameters: .*?\](?=\s*\n\(Background|\s*$)", re.DOTALL)
HIDDEN_NIK = "<NIK disamarkan>"
HIDDEN_PARAMETERS = "[parameters: disamarkan]"


def redact(text: str) -> str:
    """``text`` without SQL parameter dumps and without anything shaped like a NIK.

    The engines already hide bound parameters (``hide_parameters=True``); this is
    the second line for text from elsewhere (a driver's message, a library's log).
    """
    text = _SQL_PARAMETERS.sub(HIDDEN_PARAMETERS, text)
    return _NIK_RUN.sub(HIDDEN_NIK, text)


class RedactingFormatter(logging.Formatter):
    """A log formatter whose lines (message and traceback) pass :func:`redact`."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def redact_log_handlers(logger: logging.Logger | None = None) -> None:
    """Give every handler of ``logger`` (default: the root) a redacting formatter
    with the same format string."""
    for handler in (logger or logging.getLogger()).handlers:
        current = handler.formatter
        fmt = current._fmt if current is not None else None
        datefmt = current.datefmt if current is not None else None
        handler.setFormatter(RedactingFormatter(fmt, datefmt))
