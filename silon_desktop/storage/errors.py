"""Errors of the local store.

Two kinds, kept apart as STYLE.md asks:

- :class:`ValidationError`: the operator's input is refused (a field is named,
  with a machine code and an Indonesian message); nothing was written.
- :class:`StoreEnvironmentError` and its subclasses: the machine's environment
  is in the way (database locked by another program, disk full, damaged file).
  The UI shows :attr:`StoreEnvironmentError.message` and carries on.

Anything else raised from the store is a bug and is logged with its traceback.
"""

from __future__ import annotations

import errno
import sqlite3

from sqlalchemy import exc as sa_exc

#: Indonesian messages for validation codes the store itself produces. Codes from
#: the domain (``domain.records``) fall back to a generic message naming the field.
_MESSAGES_ID: dict[str, str] = {
    "unknown_entity": "Jenis data '{field}' tidak dikenal.",
    "unknown_field": "Kolom '{field}' tidak dikenal.",
    "read_only": "Kolom '{field}' tidak boleh diubah dari aplikasi ini.",
    "wrong_type": "Isi kolom '{field}' tidak sesuai jenisnya.",
    "too_long": "Isi kolom '{field}' terlalu panjang.",
    "control_chars": "Isi kolom '{field}' mengandung karakter yang tidak diperbolehkan.",
    "invalid_date": "Tanggal pada kolom '{field}' tidak valid.",
    "invalid_value": "Isi kolom '{field}' tidak valid.",
    "required": "Kolom '{field}' wajib diisi.",
    "not_found": "Data yang dimaksud ({field}) tidak ditemukan.",
    "deleted": "Data yang dimaksud ({field}) sudah dihapus.",
    "exists": "Data dengan id ini ({field}) sudah ada.",
    "no_parent": "Data induk pada kolom '{field}' tidak ditemukan.",
    "scope_mismatch": "Wilayah data tidak sama dengan wilayah data induknya.",
    "out_of_range": "Angka pada kolom '{field}' di luar batas.",
}


def message_for(field: str, code: str) -> str:
    """The Indonesian message for a validation ``code`` on ``field`` (named by its label)."""
    from silon_desktop.domain.labels import FIELD_LABELS_ID

    template = _MESSAGES_ID.get(code, "Isi kolom '{field}' tidak valid ({code}).")
    return template.format(field=FIELD_LABELS_ID.get(field, field), code=code)


class StorageError(Exception):
    """Base of every error the local store raises on purpose."""


class ValidationError(StorageError):
    """A value was refused; the database is unchanged.

    Attributes:
        field: the field (column) at fault, as named on the wire.
        code: a machine code (e.g. ``wrong_type``, ``too_long`` or a domain code).
        message: a sentence for the operator, Indonesian by default.
    """

    def __init__(self, field: str, code: str, message: str = "") -> None:
        self.field = field
        self.code = code
        self.message = message or message_for(field, code)
        super().__init__(f"{field}: {code}: {self.message}")


class StoreEnvironmentError(StorageError):
    """The environment, not the program, is at fault; tell the operator, not a bug."""

    default_message = "Basis data lokal tidak dapat digunakan."

    def __init__(self, message: str = "", detail: str = "") -> None:
        self.message = message or self.default_message
        self.detail = detail
        super().__init__(f"{self.message} ({detail})" if detail else self.message)


class DatabaseLocked(StoreEnvironmentError):
    default_message = (
        "Basis data sedang dipakai oleh proses lain. Tutup aplikasi Silon lain lalu coba lagi."
    )


class DiskFull(StoreEnvironmentError):
    default_message = "Ruang disk penuh. Kosongkan ruang disk lalu coba lagi; data belum disimpan."


class CorruptDatabase(StoreEnvironmentError):
    default_message = (
        "Berkas basis data rusak. Pulihkan dari cadangan (menu Cadangan atau "
        "'silon-desktop backup --restore')."
    )


class StorageUnavailable(StoreEnvironmentError):
    default_message = (
        "Berkas basis data tidak dapat dibaca atau ditulisi. Periksa izin folder dan "
        "apakah disk (atau flashdisk) masih terpasang."
    )


def environment_error(error: BaseException) -> StoreEnvironmentError | None:
    """The environment error behind a driver exception, or None when it is a bug.

    Args:
        error: a ``sqlite3`` or SQLAlchemy exception.
    """
    original = error.orig if isinstance(error, sa_exc.DBAPIError) else error
    if not isinstance(original, sqlite3.Error):
        return None
    text = str(original).lower()
    if "locked" in text or "busy" in text:
        return DatabaseLocked(detail=str(original))
    if "disk is full" in text or "database or disk is full" in text:
        return DiskFull(detail=str(original))
    if "malformed" in text or "not a database" in text:
        return CorruptDatabase(detail=str(original))
    if any(w in text for w in ("readonly", "read-only", "unable to open", "disk i/o error")):
        return StorageUnavailable(detail=str(original))
    return None


def filesystem_error(error: OSError) -> StoreEnvironmentError:
    """A file-system error around the database (its folder, a backup) for the operator.

    Only for the store's own file operations: an ``OSError`` raised by a caller's
    code inside a session is not converted.
    """
    if error.errno == errno.ENOSPC:
        return DiskFull(detail=str(error))
    return StorageUnavailable(detail=str(error))


class RecordNotFound(StorageError, LookupError):
    """No such record (or it is a tombstone, when ``deleted`` is True)."""

    def __init__(self, entity: str, record_id: str, *, deleted: bool = False) -> None:
        self.entity = entity
        self.record_id = record_id
        self.deleted = deleted
        self.message = "Data sudah dihapus." if deleted else "Data tidak ditemukan."
        super().__init__(f"{entity} {record_id}: {'deleted' if deleted else 'not found'}")
