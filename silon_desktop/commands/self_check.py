"""``silon-desktop --self-check``: can this PC run Silon Desktop? What the helpdesk asks for.

Checks, in order: the data folder (created if missing, writable, free disk
space), the local database (opened or created, migrated to the newest schema,
``PRAGMA integrity_check`` (indexes included), committed changes not lost),
whether the last backup failed, the region reference data, the translations (``.qm``
files checked by their header, without Qt: no display is needed), the keyring,
and whether the configured server answers ``/v1/health``.

Each check ends OK, WARN (the program works, with a limitation) or FAIL (it
cannot work). An unreachable server is a WARN: the program works offline. The
verdict is printed in Indonesian (``--lang en``: English); the exit status is 0
when the program can work and 1 when a check failed, the reasons named.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from sync.protocol import HEALTH_PATH

#: Below this much free space the database cannot be trusted to grow (FAIL).
MIN_FREE_BYTES = 200 * 1024 * 1024
#: Below this much free space backups will soon fail (WARN).
LOW_FREE_BYTES = 1024 * 1024 * 1024
#: How long the server probe may take, in seconds (connect and read each).
SERVER_TIMEOUT_S = 3.0
#: How long the keyring may take to answer (a locked desktop keyring can hang).
KEYRING_TIMEOUT_S = 5.0
#: Clock difference with the server that deserves a warning (deadlines use the server clock).
CLOCK_SKEW_WARN_S = 300.0
#: Header of every compiled Qt translation file (QTranslator's magic number).
QM_MAGIC = bytes.fromhex("3cb86418caef9c95cd211cbf60a1bddd")
#: The Kemendagri region counts DOMAIN.md names; fewer means a damaged file.
EXPECTED_REGIONS = (38, 514, 7285, 83762)


class Level(StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "fail"


@dataclass(slots=True)
class Check:
    """One line of the report.

    Attributes:
        name: stable key of the check (``data_dir``, ``database``...).
        level: OK, WARN or FAIL.
        message: what the operator reads, in the chosen language.
        detail: technical detail for the helpdesk (exception text, paths).
    """

    name: str
    level: Level
    message: str
    detail: str = ""


@dataclass(slots=True)
class Context:
    """What the checks share: language, folders, settings."""

    lang: str
    data_dir: Path
    logs_dir: Path
    database: Path
    backups: Path
    server_url: str
    ca_bundle: str
    settings_language: str
    checks: list[Check] = field(default_factory=list)

    def t(self, key: str, /, **values: Any) -> str:
        return text(self.lang, key, **values)

    def add(self, name: str, level: Level, key: str, detail: str = "", /, **values: Any) -> Check:
        check = Check(name, level, self.t(key, **values), detail)
        self.checks.append(check)
        return check

    def failed(self, name: str) -> bool:
        return any(c.name == name and c.level is Level.FAIL for c in self.checks)


# ------------------------------------------------------------------ messages
_TEXT: dict[str, tuple[str, str]] = {
    "title": (
        "Pemeriksaan Silon Desktop {version} ({mode}; {system}; Python {python})",
        "Silon Desktop {version} self-check ({mode}; {system}; Python {python})",
    ),
    "mode_frozen": ("program terpasang", "installed program"),
    "mode_source": ("dari kode sumber", "from source"),
    "data_folder": ("Folder data: {path}", "Data folder: {path}"),
    "level_ok": ("OK", "OK"),
    "level_warn": ("PERHATIAN", "WARNING"),
    "level_fail": ("GAGAL", "FAILED"),
    "dir_ok": ("Folder data dan folder log dapat ditulisi", "Data and log folders are writable"),
    "dir_fail": (
        "Folder {path} tidak dapat dibuat atau ditulisi. Periksa izin folder, "
        "atau pilih folder lain dengan --data-dir",
        "Folder {path} cannot be created or written. Check its permissions, "
        "or choose another folder with --data-dir",
    ),
    "disk_ok": ("Ruang disk kosong: {free}", "Free disk space: {free}"),
    "disk_low": (
        "Ruang disk tinggal {free}; kosongkan ruang agar cadangan tetap dapat dibuat",
        "Only {free} of disk space left; free some space so backups keep working",
    ),
    "disk_fail": (
        "Ruang disk tinggal {free}; data tidak dapat disimpan dengan aman. Kosongkan ruang disk",
        "Only {free} of disk space left; data cannot be saved safely. Free some disk space",
    ),
    "db_ok": (
        "Basis data {path}: skema {revision} (terbaru), pemeriksaan integritas lulus",
        "Database {path}: schema {revision} (newest), integrity check passed",
    ),
    "db_created": (
        "Basis data baru dibuat di {path} (skema {revision})",
        "New database created at {path} (schema {revision})",
    ),
    "db_upgraded": (
        "Basis data {path} diperbarui dari skema {old} ke {revision}; cadangan sebelumnya "
        "ada di {backups}",
        "Database {path} upgraded from schema {old} to {revision}; a backup made before "
        "is in {backups}",
    ),
    "db_none": (
        "Belum ada basis data di {path}: dibuat terenkripsi saat masuk pertama (skema "
        "{revision} dapat dibuat)",
        "No database at {path} yet: it is made encrypted at the first login (schema "
        "{revision} can be made)",
    ),
    "db_encrypted": (
        "Basis data {path} terenkripsi; isinya diperiksa setelah masuk (atau dengan "
        "SILON_PASSWORD)",
        "Database {path} is encrypted; its content is checked after a login (or with "
        "SILON_PASSWORD)",
    ),
    "db_corrupt": (
        "Berkas basis data {path} rusak. Pulihkan dari cadangan: silon-desktop backup "
        "--list, lalu silon-desktop backup --restore NAMA",
        "The database file {path} is damaged. Restore a backup: silon-desktop backup "
        "--list, then silon-desktop backup --restore NAME",
    ),
    "db_lost": (
        "Perubahan terakhir hilang: sedikitnya {count} perubahan yang sudah disimpan tidak ada "
        "lagi di basis data {path} (berkas -wal hilang?). Pulihkan dari cadangan: "
        "silon-desktop backup --list, lalu silon-desktop backup --restore NAMA",
        "Latest changes lost: at least {count} saved changes are no longer in the database "
        "{path} (-wal file lost?). Restore a backup: silon-desktop backup --list, then "
        "silon-desktop backup --restore NAME",
    ),
    "backup_ok": (
        "Cadangan terakhir: {name}",
        "Latest backup: {name}",
    ),
    "backup_none": (
        "Belum ada cadangan; cadangan otomatis dibuat saat program dibuka dan ditutup",
        "No backup yet; automatic backups are made when the program opens and closes",
    ),
    "backup_failed": (
        "Cadangan terakhir gagal ({at} UTC): {message} Buat cadangan dengan silon-desktop backup",
        "The last backup failed ({at} UTC): {message} Make one with silon-desktop backup",
    ),
    "db_too_new": (
        "Basis data {path} dibuat oleh versi Silon Desktop yang lebih baru; perbarui program",
        "The database {path} was written by a newer Silon Desktop; update the program",
    ),
    "db_locked": (
        "Basis data {path} sedang dikunci oleh program lain; tutup Silon Desktop lain lalu ulangi",
        "The database {path} is locked by another program; close other Silon Desktop windows and retry",
    ),
    "db_unusable": (
        "Basis data {path} tidak dapat dibuka atau ditulisi",
        "The database {path} cannot be opened or written",
    ),
    "db_skipped": (
        "Basis data tidak diperiksa: folder data tidak dapat dipakai",
        "Database not checked: the data folder is unusable",
    ),
    "db_missing_module": (
        "Modul basis data tidak ada dalam program ini; pasang ulang program",
        "The database module is missing from this program; reinstall it",
    ),
    "regions_ok": (
        "Data wilayah: {prov} provinsi, {kab} kabupaten/kota, {kec} kecamatan, {desa} kelurahan/desa",
        "Region data: {prov} provinces, {kab} regencies/cities, {kec} districts, {desa} villages",
    ),
    "regions_partial": (
        "Data wilayah tidak lengkap: {prov} provinsi, {kab} kabupaten/kota, {kec} kecamatan, "
        "{desa} kelurahan/desa",
        "Region data incomplete: {prov} provinces, {kab} regencies/cities, {kec} districts, "
        "{desa} villages",
    ),
    "regions_fail": (
        "Data wilayah tidak ada atau rusak di {path}; pasang ulang program",
        "Region data missing or damaged in {path}; reinstall the program",
    ),
    "i18n_ok": (
        "Terjemahan: Indonesia (bawaan){others}",
        "Translations: Indonesian (built in){others}",
    ),
    "i18n_bad": (
        "Berkas terjemahan rusak: {files}; tampilan memakai bahasa Indonesia",
        "Damaged translation files: {files}; the interface falls back to Indonesian",
    ),
    "i18n_uncompiled": (
        "Terjemahan {langs} belum dikompilasi (.ts tanpa .qm); tampilan memakai bahasa Indonesia",
        "Translations {langs} are not compiled (.ts without .qm); the interface uses Indonesian",
    ),
    "i18n_missing_en": (
        "Bahasa yang dipilih ({lang}) tidak tersedia; tampilan memakai bahasa Indonesia",
        "The chosen language ({lang}) is not available; the interface uses Indonesian",
    ),
    "keyring_ok": (
        "Penyimpanan kata sandi (keyring): {backend}",
        "Password store (keyring): {backend}",
    ),
    "keyring_none": (
        "Tidak ada keyring di komputer ini ({backend}): token tidak disimpan, kata sandi "
        "ditanyakan setiap kali program dibuka",
        "No keyring on this computer ({backend}): the token is not kept and the password is "
        "asked at every start",
    ),
    "keyring_slow": (
        "Keyring tidak menjawab dalam {seconds} detik; kata sandi mungkin ditanyakan setiap kali",
        "The keyring did not answer within {seconds} s; the password may be asked every time",
    ),
    "keyring_missing_module": (
        "Modul kredensial tidak ada dalam program ini; pasang ulang program",
        "The credentials module is missing from this program; reinstall it",
    ),
    "server_ok": (
        "Server {url} menjawab (protokol {protocol}{training})",
        "Server {url} answers (protocol {protocol}{training})",
    ),
    "server_training": ("; server latihan", "; training server"),
    "server_offline": (
        "Server {url} tidak terjangkau: program tetap bekerja luring, sinkronisasi "
        "menunggu sampai server terjangkau",
        "Server {url} is unreachable: the program works offline; sync waits until "
        "the server can be reached",
    ),
    "server_tls": (
        "Sertifikat server {url} tidak dipercaya; atur berkas CA (ca_bundle) di pengaturan. "
        "Program tetap bekerja luring",
        "The certificate of server {url} is not trusted; set the CA bundle (ca_bundle) in the "
        "settings. The program works offline",
    ),
    "server_ca_missing": (
        "Berkas CA {path} di pengaturan tidak ditemukan",
        "The CA bundle {path} named in the settings does not exist",
    ),
    "server_odd": (
        "Alamat {url} menjawab, tetapi bukan server Silon yang dikenal; periksa alamat server",
        "Address {url} answers, but not as a known Silon server; check the server address",
    ),
    "server_protocol": (
        "Server {url} memakai protokol {theirs}, program ini {ours}; perbarui program",
        "Server {url} speaks protocol {theirs}, this program {ours}; update the program",
    ),
    "server_clock": (
        "Jam komputer berbeda {minutes} menit dari jam server; batas waktu tahapan "
        "mengikuti jam server",
        "This computer's clock is {minutes} minutes off the server's; stage deadlines "
        "follow the server clock",
    ),
    "verdict_ok": (
        "HASIL: SIAP. Silon Desktop dapat dipakai di komputer ini.",
        "RESULT: READY. Silon Desktop can work on this computer.",
    ),
    "verdict_ok_warn": (
        "HASIL: SIAP, dengan {count} catatan di atas.",
        "RESULT: READY, with {count} note(s) above.",
    ),
    "verdict_fail": (
        "HASIL: TIDAK SIAP. Silon Desktop tidak dapat bekerja: {reasons}",
        "RESULT: NOT READY. Silon Desktop cannot work: {reasons}",
    ),
}


def text(lang: str, key: str, /, **values: Any) -> str:
    """The message ``key`` in ``lang`` (``"id"`` or ``"en"``) with its values filled in."""
    indonesian, english = _TEXT[key]
    return (english if lang == "en" else indonesian).format(**values)


def _size(n_bytes: int) -> str:
    value = float(n_bytes)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            return f"{value:.1f} {unit}" if unit != "B" else f"{int(value)} B"
        value /= 1024
    return f"{n_bytes} B"


# ---------------------------------------------------------------- the checks
def check_folders(ctx: Context) -> None:
    """The data and log folders exist (created if needed) and take a synced write."""
    for folder in (ctx.data_dir, ctx.logs_dir):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            probe = folder / f".silon-write-test-{uuid.uuid4().hex}"
            fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(fd, b"silon")
                os.fsync(fd)
            finally:
                os.close(fd)
            probe.unlink()
        except OSError as error:
            ctx.add("data_dir", Level.FAIL, "dir_fail", str(error), path=folder)
            return
    ctx.add("data_dir", Level.OK, "dir_ok", str(ctx.data_dir))


def check_disk(ctx: Context) -> None:
    """Free space on the disk holding the data folder."""
    if ctx.failed("data_dir"):
        return
    free = shutil.disk_usage(ctx.data_dir).free
    if free < MIN_FREE_BYTES:
        ctx.add("disk", Level.FAIL, "disk_fail", f"{free} bytes free", free=_size(free))
    elif free < LOW_FREE_BYTES:
        ctx.add("disk", Level.WARN, "disk_low", f"{free} bytes free", free=_size(free))
    else:
        ctx.add("disk", Level.OK, "disk_ok", f"{free} bytes free", free=_size(free))


def check_database(ctx: Context) -> None:
    """Open the database (with its key where it is encrypted), migrate it to the head,
    run the full integrity check. A folder never logged in gets no database."""
    if ctx.failed("data_dir"):
        ctx.add("database", Level.FAIL, "db_skipped")
        return
    try:
        from silon_desktop.storage import db as storage_db
        from silon_desktop.storage import errors as storage_errors
    except ImportError as error:
        ctx.add("database", Level.FAIL, "db_missing_module", repr(error))
        return
    from silon_desktop.storage import integrity

    path = ctx.database
    existed = path.exists() and path.stat().st_size > 0
    data_key, locked = _data_key(ctx)
    if locked:
        ctx.add("database", Level.OK, "db_encrypted", "", path=path)
        return
    if data_key is None and not existed:
        _check_schema_without_database(ctx, storage_db, storage_errors)
        return
    try:
        lost = integrity.lost_changes(path, data_key) if existed else None
        old = _revision_before(storage_db, path, data_key) if existed else None
        # an older file is backed up before it is upgraded, as at the program's start
        database = storage_db.open_database(path, backups=ctx.backups, key=data_key)
        try:
            revision = database.schema_revision()
            # the full check: index damage (which makes every backup fail) too
            problems = integrity.check(path, full=True, key=data_key).problems
        finally:
            database.close()
    except Exception as error:  # noqa: BLE001 (sorted into environment problems or re-raised)
        problem = _store_problem(storage_errors, error)
        key = _DB_PROBLEM_KEYS.get(type(problem).__name__, "db_unusable")
        ctx.add("database", Level.FAIL, key, str(problem), path=path)
        return
    if problems:
        ctx.add("database", Level.FAIL, "db_corrupt", "; ".join(problems[:5]), path=path)
    elif lost is not None:
        detail = f"marker {lost.expected}, database {lost.found}"
        ctx.add("database", Level.FAIL, "db_lost", detail, path=path, count=lost.missing)
    elif not existed:
        ctx.add("database", Level.OK, "db_created", "", path=path, revision=revision)
    elif old not in (None, revision):
        ctx.add(
            "database",
            Level.OK,
            "db_upgraded",
            "",
            path=path,
            old=old,
            revision=revision,
            backups=ctx.backups,
        )
    else:
        ctx.add("database", Level.OK, "db_ok", "", path=path, revision=revision)


def _check_schema_without_database(ctx: Context, storage_db: Any, storage_errors: Any) -> None:
    """A folder where nobody has logged in: no plain database is made (the first
    login makes it, encrypted). The migrations are still proven by building an
    empty scratch database in the folder's own temporary folder, then removing it."""
    import uuid

    from sync.privacy import private_folder

    scratch_dir = private_folder(ctx.data_dir / "tmp")
    scratch = scratch_dir / f"self-check-{uuid.uuid4().hex}.db"
    try:
        database = storage_db.open_database(scratch)
        try:
            revision = database.schema_revision()
        finally:
            database.close()
    except Exception as error:  # noqa: BLE001 (sorted into environment problems or re-raised)
        problem = _store_problem(storage_errors, error)
        key = _DB_PROBLEM_KEYS.get(type(problem).__name__, "db_unusable")
        ctx.add("database", Level.FAIL, key, str(problem), path=ctx.database)
        return
    finally:
        for leftover in scratch_dir.glob(scratch.name + "*"):
            leftover.unlink(missing_ok=True)
    ctx.add("database", Level.OK, "db_none", "", path=ctx.database, revision=revision)


_DB_PROBLEM_KEYS = {
    "SchemaTooNew": "db_too_new",
    "CorruptDatabase": "db_corrupt",
    "DatabaseLocked": "db_locked",
}


def _store_problem(storage_errors: Any, error: Exception) -> Exception:
    """The environment problem behind ``error`` (store errors, OS errors); else re-raise."""
    if isinstance(error, storage_errors.StoreEnvironmentError | OSError):
        return error
    problem: Exception | None = storage_errors.environment_error(error)
    if problem is None:
        raise error
    return problem


def _data_key(ctx: Context) -> tuple[bytes | None, bool]:
    """The encrypted folder's data key from the keyring or ``SILON_PASSWORD`` (never
    asked): (key, False); (None, True) when it cannot be had; (None, False): plain."""
    from silon_desktop import paths
    from silon_desktop.config import Settings
    from silon_desktop.services.access import AccessRefused, command_key

    app_paths = paths.AppPaths(data=ctx.data_dir, logs=ctx.logs_dir)
    try:
        key = command_key(app_paths, Settings.load(app_paths.settings), ask=False)
    except AccessRefused:
        return None, True
    return key, False


def _revision_before(storage_db: Any, path: Path, key: bytes | None = None) -> str | None:
    """The schema revision of an existing file, read without migrating it."""
    database = storage_db.open_database(path, migrate=False, key=key)
    try:
        revision = database.schema_revision()
        return str(revision) if revision else None
    finally:
        database.engine.dispose()


def check_backups(ctx: Context) -> None:
    """Whether the last backup failed (automatic or not): a FAIL until one succeeds."""
    from silon_desktop.storage import backup

    failure = backup.last_failure(ctx.database)
    if failure is not None:
        at = failure.at.strftime("%Y-%m-%d %H:%M")
        ctx.add(
            "backups", Level.FAIL, "backup_failed", failure.code, at=at, message=failure.message
        )
        return
    newest = next(iter(backup.list_backups(ctx.backups)), None)
    if newest is None:
        ctx.add("backups", Level.OK, "backup_none", str(ctx.backups))
    else:
        ctx.add("backups", Level.OK, "backup_ok", str(newest.path), name=newest.path.name)


def check_regions(ctx: Context) -> None:
    """Load every level of the region table (the desa level too)."""
    from silon_desktop import runtime

    folder = runtime.resource("regions")
    try:
        from silon_desktop.domain.codes import RegionLevel
        from silon_desktop.domain.regions import RegionTable

        counts = RegionTable(folder).counts()
        found = tuple(counts.get(level, 0) for level in RegionLevel)
    except Exception as error:  # noqa: BLE001 (any failure here means unusable region data)
        ctx.add("regions", Level.FAIL, "regions_fail", repr(error), path=folder)
        return
    sep = "," if ctx.lang == "en" else "."
    shown = (f"{n:,}".replace(",", sep) for n in found)
    values = dict(zip(("prov", "kab", "kec", "desa"), shown, strict=True))
    if any(n == 0 for n in found):
        ctx.add("regions", Level.FAIL, "regions_fail", f"counts {found}", path=folder)
    elif any(n < expected for n, expected in zip(found, EXPECTED_REGIONS, strict=True)):
        ctx.add("regions", Level.WARN, "regions_partial", f"counts {found}", **values)
    else:
        ctx.add("regions", Level.OK, "regions_ok", str(folder), **values)


def _qm_valid(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            header = handle.read(len(QM_MAGIC) + 1)
    except OSError:
        return False
    return header.startswith(QM_MAGIC) and len(header) > len(QM_MAGIC)


def _language_of(path: Path) -> str:
    """``silon_en.qm`` -> ``en``; ``en.qm`` -> ``en``."""
    return path.stem.rsplit("_", 1)[-1].lower()


def check_translations(ctx: Context) -> None:
    """Compiled translations present and sound, checked by file (no Qt needed)."""
    from silon_desktop import runtime

    folder = runtime.resource("i18n")
    compiled = sorted(folder.glob("*.qm")) if folder.is_dir() else []
    sources = sorted(folder.glob("*.ts")) if folder.is_dir() else []
    bad = [p.name for p in compiled if not _qm_valid(p)]
    good = sorted({_language_of(p) for p in compiled if _qm_valid(p)})
    uncompiled = sorted({_language_of(p) for p in sources} - set(good))
    if bad:
        ctx.add("translations", Level.WARN, "i18n_bad", str(folder), files=", ".join(bad))
    if uncompiled and runtime.frozen():
        ctx.add(
            "translations", Level.WARN, "i18n_uncompiled", str(folder), langs=", ".join(uncompiled)
        )
    wanted = ctx.settings_language
    if wanted not in ("", "id") and wanted not in good:
        ctx.add("translations", Level.WARN, "i18n_missing_en", str(folder), lang=wanted)
    others = "".join(f", {lang}" for lang in good if lang != "id")
    if not any(c.name == "translations" for c in ctx.checks):
        ctx.add("translations", Level.OK, "i18n_ok", str(folder), others=others)


def _with_timeout(function: Callable[[], Any], seconds: float) -> tuple[bool, Any]:
    """Run ``function`` in a daemon thread; (finished, result or exception)."""
    outcome: list[Any] = []

    def target() -> None:
        try:
            outcome.append(function())
        except Exception as error:  # noqa: BLE001 (reported to the caller)
            outcome.append(error)

    worker = threading.Thread(target=target, name="self-check", daemon=True)
    worker.start()
    worker.join(seconds)
    return (bool(outcome), outcome[0] if outcome else None)


def check_keyring(ctx: Context) -> None:
    """Which keyring holds the token (through sync.credentials, the keyring's only user)."""
    try:
        from sync import credentials
    except ImportError as error:
        ctx.add("keyring", Level.WARN, "keyring_missing_module", repr(error))
        return

    def probe() -> tuple[bool, str]:
        describe = getattr(credentials, "keyring_backend_name", None)
        name = str(describe()) if callable(describe) else ""
        return bool(credentials.keyring_available()), name

    finished, result = _with_timeout(probe, KEYRING_TIMEOUT_S)
    if not finished:
        ctx.add("keyring", Level.WARN, "keyring_slow", "", seconds=int(KEYRING_TIMEOUT_S))
    elif isinstance(result, Exception):
        ctx.add("keyring", Level.WARN, "keyring_none", repr(result), backend=type(result).__name__)
    elif not result[0]:
        ctx.add("keyring", Level.WARN, "keyring_none", result[1], backend=result[1] or "-")
    else:
        backend = result[1] or ("available" if ctx.lang == "en" else "tersedia")
        ctx.add("keyring", Level.OK, "keyring_ok", result[1], backend=backend)


def check_server(ctx: Context) -> None:
    """``GET /v1/health`` once, short timeouts; unreachable is a note, never a failure."""
    url = ctx.server_url.rstrip("/")
    if ctx.ca_bundle and not Path(ctx.ca_bundle).is_file():
        ctx.add("server", Level.WARN, "server_ca_missing", "", path=ctx.ca_bundle)
    try:
        from sync import transport
        from sync.protocol import PROTOCOL_VERSION
    except ImportError as error:
        ctx.add("server", Level.WARN, "server_offline", repr(error), url=url)
        return
    client = transport.HttpTransport(
        base_url=url,
        ca_bundle=ctx.ca_bundle if Path(ctx.ca_bundle or "/nonexistent").is_file() else "",
        connect_timeout_s=SERVER_TIMEOUT_S,
        read_timeout_s=SERVER_TIMEOUT_S,
        retry=transport.RetryPolicy(attempts=1, max_total_s=2 * SERVER_TIMEOUT_S),
    )
    try:
        answer = client.call("GET", HEALTH_PATH, auth=False)
    except transport.TransportError as error:
        detail = str(error)
        tls = isinstance(error, getattr(transport, "TlsFailed", ())) or "CERTIFICATE" in detail
        key = "server_tls" if tls else "server_offline"
        ctx.add("server", Level.WARN, key, detail.strip(), url=url)
        return
    except Exception as error:  # noqa: BLE001 (an odd answer is reported, not a crash)
        ctx.add("server", Level.WARN, "server_odd", repr(error), url=url)
        return
    finally:
        client.close()
    _judge_health(ctx, url, answer, PROTOCOL_VERSION)


def _judge_health(ctx: Context, url: str, answer: Any, ours: int) -> None:
    if not isinstance(answer, dict) or answer.get("status") != "ok":
        ctx.add("server", Level.WARN, "server_odd", repr(answer)[:200], url=url)
        return
    theirs = answer.get("protocol")
    if theirs != ours:
        ctx.add("server", Level.WARN, "server_protocol", "", url=url, theirs=theirs, ours=ours)
        return
    training = ctx.t("server_training") if answer.get("training") else ""
    ctx.add("server", Level.OK, "server_ok", "", url=url, protocol=theirs, training=training)
    skew = _clock_skew_s(answer.get("server_time"))
    if skew is not None and abs(skew) > CLOCK_SKEW_WARN_S:
        ctx.add("clock", Level.WARN, "server_clock", f"{skew:.0f} s", minutes=round(skew / 60))


def _clock_skew_s(server_time: Any) -> float | None:
    from datetime import UTC, datetime

    if not isinstance(server_time, str):
        return None
    try:
        parsed = datetime.fromisoformat(server_time.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return (datetime.now(UTC) - parsed).total_seconds()


CHECKS: tuple[Callable[[Context], None], ...] = (
    check_folders,
    check_disk,
    check_database,
    check_backups,
    check_regions,
    check_translations,
    check_keyring,
    check_server,
)


# ------------------------------------------------------------------- running
def make_context(args: argparse.Namespace) -> Context:
    """Folders and settings as the application would use them (``--data-dir``, ``--server``)."""
    from silon_desktop import paths
    from silon_desktop.config import Settings

    app_paths = paths.resolve(getattr(args, "data_dir", None))
    settings = Settings.load(app_paths.settings)
    lang = getattr(args, "lang", None) or settings.language or "id"
    return Context(
        lang="en" if lang == "en" else "id",
        data_dir=app_paths.data,
        logs_dir=app_paths.logs,
        database=app_paths.database,
        backups=app_paths.backups,
        server_url=getattr(args, "server", None) or settings.server_url,
        ca_bundle=settings.ca_bundle,
        settings_language=getattr(args, "lang", None) or settings.language,
    )


def run_checks(ctx: Context) -> list[Check]:
    """Every check in order; a bug in one check is reported as its failure, not a crash."""
    for check in CHECKS:
        try:
            check(ctx)
        except Exception as error:  # noqa: BLE001 (the helpdesk needs the rest of the report)
            name = check.__name__.removeprefix("check_")
            ctx.checks.append(Check(name, Level.FAIL, f"{name}: {error!r}", repr(error)))
    return ctx.checks


def verdict(ctx: Context) -> tuple[int, str]:
    """Exit status and the closing sentence."""
    failed = [c for c in ctx.checks if c.level is Level.FAIL]
    if failed:
        return 1, ctx.t("verdict_fail", reasons="; ".join(c.message for c in failed))
    warnings = [c for c in ctx.checks if c.level is Level.WARN]
    if warnings:
        return 0, ctx.t("verdict_ok_warn", count=len(warnings))
    return 0, ctx.t("verdict_ok")


def report(ctx: Context, verbose: bool = False) -> str:
    """The report as printed: header, one line per check, the verdict."""
    from silon_desktop import __version__, runtime

    mode = ctx.t("mode_frozen" if runtime.frozen() else "mode_source")
    lines = [
        ctx.t(
            "title",
            version=__version__,
            mode=mode,
            system=f"{platform.system()} {platform.release()}",
            python=platform.python_version(),
        ),
        ctx.t("data_folder", path=ctx.data_dir),
        "",
    ]
    width = max(len(ctx.t(f"level_{level.value}")) for level in Level) + 2
    for check in ctx.checks:
        tag = f"[{ctx.t(f'level_{check.level.value}')}]".ljust(width)
        lines.append(f"{tag} {check.message}")
        if verbose and check.detail:
            lines.append(f"{'':{width + 1}}{check.detail}")
    lines += ["", verdict(ctx)[1]]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Run every check, print the report, return 0 when the program can work."""
    started = time.monotonic()
    ctx = make_context(args)
    run_checks(ctx)
    code, _ = verdict(ctx)
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if callable(reconfigure):  # a path with letters the console's code page lacks
        reconfigure(errors="replace")
    print(report(ctx, verbose=bool(getattr(args, "verbose", False))))
    if getattr(args, "verbose", False):
        print(f"({time.monotonic() - started:.2f} s)")
    sys.stdout.flush()
    return code
