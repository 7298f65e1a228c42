"""Indonesian words (translatable) for the domain's codes, and the verification keys."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from silon_desktop.domain.codes import DocumentKind, FieldMethod, ReasonCode
from silon_desktop.domain.errors import CodedError
from silon_desktop.domain.labels import (
    DOCUMENT_LABELS_ID,
    FIELD_LABELS_ID,
    FIELD_METHOD_LABELS_ID,
    REASON_LABELS_ID,
    ROUND_LABELS_ID,
    WITHDRAWAL_REASON_LABELS_ID,
    round_label_id,
)
from silon_desktop.domain.rules import Round
from silon_desktop.domain.wording import say


def _t(text: str) -> str:
    return QCoreApplication.translate("labels", text)


def reason_label(code: str) -> str:
    """A short operator label for a reason code (the code itself when unknown).

    The words are the domain's one table (``domain.labels.REASON_LABELS_ID``, also
    printed in the PDFs, the XLSX lists and by the command line), translated here.
    """
    try:
        text = REASON_LABELS_ID[ReasonCode(code)]
    except (ValueError, KeyError):
        return _t(QT_TRANSLATE_NOOP("labels", "Alasan lain (%1)")).replace("%1", code)
    return _t(text)


def error_text(error: CodedError | None) -> str:
    """The words for a coded error from the one table (``domain.wording``), translated;
    the command line prints the same table's Indonesian."""
    if error is None:
        return ""
    return say(error.code, error.params, _t_errors)


def _t_errors(text: str) -> str:
    return QCoreApplication.translate("errors", text)


def yes_no(value: bool) -> str:
    return (
        _t(QT_TRANSLATE_NOOP("labels", "ya")) if value else _t(QT_TRANSLATE_NOOP("labels", "tidak"))
    )


def status_label(status: str) -> str:
    labels = {
        "MS": _t(QT_TRANSLATE_NOOP("labels", "MS (memenuhi syarat)")),
        "BMS": _t(QT_TRANSLATE_NOOP("labels", "BMS (belum memenuhi syarat)")),
        "TMS": _t(QT_TRANSLATE_NOOP("labels", "TMS (tidak memenuhi syarat)")),
        "": _t(QT_TRANSLATE_NOOP("labels", "Belum diverifikasi")),
        "-": _t(QT_TRANSLATE_NOOP("labels", "Belum diverifikasi")),
    }
    return labels.get(status, status)


def round_label(code: str) -> str:
    """The round a supporter row arrived in: the domain's one table
    (``ROUND_LABELS_ID``), translated here (an empty code is the submission)."""
    try:
        return _t(ROUND_LABELS_ID[Round(code or Round.SUBMISSION)])
    except ValueError:
        return round_label_id(code)


def method_label(method: str) -> str:
    """How a supporter was met: the domain's one table (``FIELD_METHOD_LABELS_ID``),
    translated here (the code itself when unknown)."""
    try:
        return _t(FIELD_METHOD_LABELS_ID[FieldMethod(method)])
    except ValueError:
        return method


def document_label(kind: str) -> str:
    """A requirement document: the domain's one table (``DOCUMENT_LABELS_ID``, also on
    the public pages), translated here (the code itself when unknown)."""
    try:
        return _t(DOCUMENT_LABELS_ID[DocumentKind(kind)])
    except ValueError:
        return kind


def sync_state_label(state: str) -> str:
    labels = {
        "local": _t(QT_TRANSLATE_NOOP("labels", "Tersimpan di komputer ini")),
        "pending": _t(QT_TRANSLATE_NOOP("labels", "Menunggu dikirim")),
        "sent": _t(QT_TRANSLATE_NOOP("labels", "Terkirim, menunggu jawaban server")),
        "acked": _t(QT_TRANSLATE_NOOP("labels", "Diterima server")),
        "conflict": _t(QT_TRANSLATE_NOOP("labels", "Konflik")),
        "rejected": _t(QT_TRANSLATE_NOOP("labels", "Ditolak server")),
    }
    return labels.get(state, state)


def refusal_label(code: str, field: str, op: str = "upsert") -> str:
    """Why the server refused an edit (a ``sync.protocol.RejectCode``, ``FORBIDDEN``
    for a 403), naming the field, as the history shows it after "Ditolak server".

    Every code has its own sentence; a delete's refusals by ``sync.server.rules``
    (``check_delete``) have theirs, naming the record: an election with live pairs
    (``BAD_VALUE`` on the delete's pseudo-field ``_deleted``), one KPU RI made
    (``READ_ONLY`` on ``kind``) or one with a field KPU RI set (``READ_ONLY`` on it).
    The generic words remain for a code a newer server may add.
    """
    if op == "delete" and code == "BAD_VALUE" and field == "_deleted":
        return _t(
            QT_TRANSLATE_NOOP(
                "labels",
                "pemilihan ini masih punya pasangan calon: hapus atau pindahkan "
                "pasangan calonnya dulu, lalu hapus pemilihannya",
            )
        )
    if op == "delete" and code == "READ_ONLY":
        if field == "kind":
            return _t(
                QT_TRANSLATE_NOOP(
                    "labels",
                    "pemilihan ini dibuat dan dikelola KPU RI: hanya KPU RI yang dapat "
                    "menghapusnya",
                )
            )
        return _t(
            QT_TRANSLATE_NOOP(
                "labels",
                "%1 pemilihan ini sudah diisi KPU RI: hanya KPU RI yang dapat menghapusnya",
            )
        ).replace("%1", field_label(field))
    specific = {
        ("BAD_VALUE", "entity"): QT_TRANSLATE_NOOP(
            "labels", "nomor data ini sudah dipakai data jenis lain di server"
        ),
        ("BAD_VALUE", "id"): QT_TRANSLATE_NOOP(
            "labels", "nomor perubahan ini sudah dipakai untuk data lain di server"
        ),
        ("BAD_VALUE", "scope"): QT_TRANSLATE_NOOP("labels", "kode wilayah data ini tidak sah"),
        ("BAD_VALUE", "op"): QT_TRANSLATE_NOOP(
            "labels", "hanya pendukung yang ditarik yang dapat dikembalikan"
        ),
        ("BAD_VERSION", "base_version"): QT_TRANSLATE_NOOP(
            "labels",
            "versi data di komputer ini tidak cocok dengan versi di server: "
            "sinkronkan dulu, lalu ulangi",
        ),
        ("SCOPE_MISMATCH", "scope"): QT_TRANSLATE_NOOP(
            "labels",
            "wilayah data ini berbeda dengan yang tercatat di server: wilayah data tidak "
            "dapat diubah",
        ),
        ("UNKNOWN_ENTITY", "entity"): QT_TRANSLATE_NOOP(
            "labels", "jenis data ini tidak dikenal server"
        ),
    }.get((code, field))
    if specific:
        return _t(specific)
    reasons = {
        "READ_ONLY": _t(QT_TRANSLATE_NOOP("labels", "diisi oleh KPU di atas akun ini")),
        "DEADLINE_PASSED": _t(QT_TRANSLATE_NOOP("labels", "tahapannya sudah ditutup")),
        "SCOPE_MISMATCH": _t(QT_TRANSLATE_NOOP("labels", "di luar wilayah akun ini")),
        "FORBIDDEN": _t(QT_TRANSLATE_NOOP("labels", "di luar wilayah atau hak akun ini")),
        "PARTY_TAKEN": _t(QT_TRANSLATE_NOOP("labels", "partai ini sudah mengusung pasangan lain")),
        "ROLE_TAKEN": _t(
            QT_TRANSLATE_NOOP("labels", "pasangan ini sudah punya calon dengan kedudukan ini")
        ),
        "CANDIDATE_TAKEN": _t(
            QT_TRANSLATE_NOOP("labels", "orang ini sudah dicalonkan dalam pasangan lain")
        ),
        "PARENT_MISSING": _t(QT_TRANSLATE_NOOP("labels", "data induknya tidak ada di server")),
        "UNKNOWN_FIELD": _t(QT_TRANSLATE_NOOP("labels", "isian ini tidak dikenal server")),
        "SERVER_OWNED": _t(QT_TRANSLATE_NOOP("labels", "isian ini hanya diisi oleh server")),
        "BAD_TYPE": _t(QT_TRANSLATE_NOOP("labels", "bentuk isiannya tidak sesuai")),
        "TOO_LONG": _t(QT_TRANSLATE_NOOP("labels", "isiannya terlalu panjang")),
        "BAD_CHARS": _t(QT_TRANSLATE_NOOP("labels", "isiannya memuat karakter yang tidak boleh")),
        "BAD_VALUE": _t(QT_TRANSLATE_NOOP("labels", "nilai isiannya tidak sah")),
    }
    reason = reasons.get(code) or _t(QT_TRANSLATE_NOOP("labels", "isian tidak diterima server"))
    return f"{reason} ({field_label(field)})" if field else reason


#: Verification keys: key text -> (status or None for "by the rule set", reason code or "").
#: One key for MS; one per reason; the rule set decides whether a reason is BMS or TMS.
VERIFY_KEYS: tuple[tuple[str, str], ...] = (
    ("M", ""),
    ("1", ""),
    ("2", "MISSING_FIELD"),
    ("3", "NO_ID_SCAN"),
    ("4", "NIK_MISMATCH"),
    ("5", "OUTSIDE_REGION"),
    ("6", "UNDERAGE"),
    ("7", "BANNED_OCCUPATION"),
    ("8", "NOT_IN_DPT"),
    ("9", "DUPLICATE_POTENTIAL"),
    ("0", "DECEASED"),
    ("F", "NOT_FOUND"),
    ("D", "DENIES_SUPPORT"),
)


def entity_label(entity: str) -> str:
    labels = {
        "election": _t(QT_TRANSLATE_NOOP("labels", "Pemilihan")),
        "pair": _t(QT_TRANSLATE_NOOP("labels", "Pasangan calon")),
        "candidate": _t(QT_TRANSLATE_NOOP("labels", "Calon")),
        "document": _t(QT_TRANSLATE_NOOP("labels", "Dokumen syarat")),
        "party": _t(QT_TRANSLATE_NOOP("labels", "Partai pengusung")),
        "supporter": _t(QT_TRANSLATE_NOOP("labels", "Pendukung")),
    }
    return labels.get(entity, entity)


def field_label(name: str) -> str:
    """A field's name beside it on screen: the domain's one table (``FIELD_LABELS_ID``,
    also in the sentences that name a field), translated here (the name itself when
    unknown; ``_deleted`` is the history's column of a removal)."""
    text = FIELD_LABELS_ID.get("deleted" if name == "_deleted" else name)
    return _t(text) if text else name


def withdrawal_reason_label(code: str) -> str:
    """Why a supporter was withdrawn, from the domain's one table, translated."""
    text = WITHDRAWAL_REASON_LABELS_ID.get(code)
    return _t(text) if text else code


def field_error_message(name: str, code: str, message_id: str = "", detail: str = "") -> str:
    """An Indonesian sentence (translatable) for a domain validation problem on a field."""
    messages = {
        "required": _t(QT_TRANSLATE_NOOP("labels", "Wajib diisi.")),
        "wrong_type": _t(QT_TRANSLATE_NOOP("labels", "Jenis isian salah.")),
        "too_long": _t(QT_TRANSLATE_NOOP("labels", "Terlalu panjang (paling banyak %1 karakter).")),
        "bad_character": _t(QT_TRANSLATE_NOOP("labels", "Berisi karakter yang tidak diizinkan.")),
        "not_allowed": _t(QT_TRANSLATE_NOOP("labels", "Nilai tidak diizinkan (pilihan: %1).")),
        "bad_region_code": _t(QT_TRANSLATE_NOOP("labels", "Kode wilayah tidak sah.")),
        "region_kind_mismatch": _t(
            QT_TRANSLATE_NOOP("labels", "Kode wilayah tidak sesuai dengan jenis pemilihan.")
        ),
        "region_holds_no_election": _t(
            QT_TRANSLATE_NOOP(
                "labels",
                "Kota dan kabupaten administrasi Jakarta tidak memilih wali kota atau bupati.",
            )
        ),
        "region_scope_mismatch": _t(
            QT_TRANSLATE_NOOP("labels", "Wilayah pemilihan harus wilayah data ini (%1).")
        ),
        "negative": _t(QT_TRANSLATE_NOOP("labels", "Tidak boleh negatif.")),
        "too_large": _t(QT_TRANSLATE_NOOP("labels", "Angka terlalu besar (paling besar %1).")),
        "out_of_range": _t(QT_TRANSLATE_NOOP("labels", "Di luar rentang yang wajar (%1).")),
        "too_many": _t(QT_TRANSLATE_NOOP("labels", "Terlalu banyak isian (paling banyak %1).")),
        "bad_reason": _t(QT_TRANSLATE_NOOP("labels", "Kode alasan tidak dikenal: %1.")),
        "bad_nik": _t(
            QT_TRANSLATE_NOOP(
                "labels", "NIK tidak sah: harus 16 angka dengan tanggal lahir yang benar."
            )
        ),
        "bad_nik_characters": _t(QT_TRANSLATE_NOOP("labels", "NIK hanya boleh berisi angka.")),
        "digits_only": _t(QT_TRANSLATE_NOOP("labels", "Hanya boleh berisi angka.")),
        "bad_filename": _t(QT_TRANSLATE_NOOP("labels", "Nama berkas tidak sah.")),
    }
    template = messages.get(message_id) or messages.get(code)
    if template is None:
        return (
            _t(QT_TRANSLATE_NOOP("labels", "Isian %1 tidak sah (%2)."))
            .replace("%1", field_label(name))
            .replace("%2", code)
        )
    return template.replace("%1", detail)
