"""Indonesian words (translatable) for the domain's codes, and the verification keys."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from silon_desktop.domain.codes import FieldMethod, ReasonCode
from silon_desktop.domain.errors import CodedError
from silon_desktop.domain.labels import (
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
    labels = {
        "ijazah": _t(QT_TRANSLATE_NOOP("labels", "Ijazah (paling rendah SLTA)")),
        "surat_sehat": _t(QT_TRANSLATE_NOOP("labels", "Surat keterangan sehat")),
        "skck": _t(QT_TRANSLATE_NOOP("labels", "SKCK")),
        "lhkpn": _t(QT_TRANSLATE_NOOP("labels", "Tanda terima LHKPN")),
        "npwp": _t(QT_TRANSLATE_NOOP("labels", "NPWP dan laporan pajak")),
        "drh": _t(QT_TRANSLATE_NOOP("labels", "Daftar riwayat hidup")),
        "pernyataan": _t(QT_TRANSLATE_NOOP("labels", "Surat pernyataan")),
        "spt": _t(QT_TRANSLATE_NOOP("labels", "Laporan SPT pajak")),
        "ktp": _t(QT_TRANSLATE_NOOP("labels", "KTP-el")),
        "pas_foto": _t(QT_TRANSLATE_NOOP("labels", "Pas foto")),
        "pailit": _t(QT_TRANSLATE_NOOP("labels", "Surat keterangan tidak pailit")),
        "lainnya": _t(QT_TRANSLATE_NOOP("labels", "Lainnya")),
    }
    return labels.get(kind, kind)


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
    labels = {
        "nik": _t(QT_TRANSLATE_NOOP("labels", "NIK")),
        "name": _t(QT_TRANSLATE_NOOP("labels", "Nama")),
        "birth_date": _t(QT_TRANSLATE_NOOP("labels", "Tanggal lahir")),
        "birth_place": _t(QT_TRANSLATE_NOOP("labels", "Tempat lahir")),
        "sex": _t(QT_TRANSLATE_NOOP("labels", "Jenis kelamin")),
        "address": _t(QT_TRANSLATE_NOOP("labels", "Alamat")),
        "head_name": _t(QT_TRANSLATE_NOOP("labels", "Nama calon kepala")),
        "deputy_name": _t(QT_TRANSLATE_NOOP("labels", "Nama calon wakil")),
        "party_name": _t(QT_TRANSLATE_NOOP("labels", "Nama partai")),
        "seats": _t(QT_TRANSLATE_NOOP("labels", "Kursi")),
        "votes": _t(QT_TRANSLATE_NOOP("labels", "Suara sah")),
        "dpt": _t(QT_TRANSLATE_NOOP("labels", "DPT")),
        "number": _t(QT_TRANSLATE_NOOP("labels", "Nomor urut")),
        "rt": _t(QT_TRANSLATE_NOOP("labels", "RT")),
        "rw": _t(QT_TRANSLATE_NOOP("labels", "RW")),
        "election_id": _t(QT_TRANSLATE_NOOP("labels", "Pemilihan")),
        "pair_id": _t(QT_TRANSLATE_NOOP("labels", "Pasangan")),
        "route": _t(QT_TRANSLATE_NOOP("labels", "Jalur")),
        "status": _t(QT_TRANSLATE_NOOP("labels", "Status")),
        "admin_status": _t(QT_TRANSLATE_NOOP("labels", "Status vermin")),
        "admin_reasons": _t(QT_TRANSLATE_NOOP("labels", "Alasan vermin")),
        "field_status": _t(QT_TRANSLATE_NOOP("labels", "Status verfak")),
        "field_reasons": _t(QT_TRANSLATE_NOOP("labels", "Alasan verfak")),
        "field_method": _t(QT_TRANSLATE_NOOP("labels", "Cara ditemui")),
        "desa_code": _t(QT_TRANSLATE_NOOP("labels", "Desa/Kelurahan")),
        "kecamatan_code": _t(QT_TRANSLATE_NOOP("labels", "Kecamatan")),
        "kind": _t(QT_TRANSLATE_NOOP("labels", "Jenis")),
        "region_code": _t(QT_TRANSLATE_NOOP("labels", "Wilayah")),
        "year": _t(QT_TRANSLATE_NOOP("labels", "Tahun")),
        "subregion_count": _t(QT_TRANSLATE_NOOP("labels", "Jumlah kecamatan/kab-kota")),
        "rule_set": _t(QT_TRANSLATE_NOOP("labels", "Aturan")),
        "support_start": _t(QT_TRANSLATE_NOOP("labels", "Awal penyerahan dukungan")),
        "support_end": _t(QT_TRANSLATE_NOOP("labels", "Batas penyerahan dukungan")),
        "vermin_end": _t(QT_TRANSLATE_NOOP("labels", "Akhir verifikasi administrasi")),
        "correction_end": _t(QT_TRANSLATE_NOOP("labels", "Akhir masa perbaikan")),
        "verfak_end": _t(QT_TRANSLATE_NOOP("labels", "Akhir verifikasi faktual")),
        "registration_date": _t(QT_TRANSLATE_NOOP("labels", "Tanggal pendaftaran")),
        "penetapan_date": _t(QT_TRANSLATE_NOOP("labels", "Tanggal penetapan")),
        "role": _t(QT_TRANSLATE_NOOP("labels", "Kedudukan")),
        "education": _t(QT_TRANSLATE_NOOP("labels", "Pendidikan terakhir")),
        "occupation": _t(QT_TRANSLATE_NOOP("labels", "Pekerjaan")),
        "marital_status": _t(QT_TRANSLATE_NOOP("labels", "Status perkawinan")),
        "candidate_id": _t(QT_TRANSLATE_NOOP("labels", "Calon")),
        "filename": _t(QT_TRANSLATE_NOOP("labels", "Berkas")),
        "sha256": _t(QT_TRANSLATE_NOOP("labels", "Sidik berkas (SHA-256)")),
        "size": _t(QT_TRANSLATE_NOOP("labels", "Ukuran berkas")),
        "note": _t(QT_TRANSLATE_NOOP("labels", "Catatan")),
        "kabkota_code": _t(QT_TRANSLATE_NOOP("labels", "Kab/Kota")),
        "has_id_scan": _t(QT_TRANSLATE_NOOP("labels", "Pindaian KTP-el")),
        "nik_from_number": _t(QT_TRANSLATE_NOOP("labels", "NIK dari sel angka")),
        "check_status": _t(QT_TRANSLATE_NOOP("labels", "Status pemeriksaan otomatis")),
        "round": _t(QT_TRANSLATE_NOOP("labels", "Tahap penyerahan")),
        "official_threshold": _t(QT_TRANSLATE_NOOP("labels", "Syarat dukungan (keputusan KPU)")),
        "official_spread": _t(QT_TRANSLATE_NOOP("labels", "Syarat sebaran (keputusan KPU)")),
        "official_party_votes": _t(
            QT_TRANSLATE_NOOP("labels", "Syarat suara sah partai (keputusan KPU)")
        ),
        "dprd_valid_votes": _t(QT_TRANSLATE_NOOP("labels", "Suara sah pemilu DPRD")),
        "dprd_seats": _t(QT_TRANSLATE_NOOP("labels", "Kursi DPRD")),
        "check_reasons": _t(QT_TRANSLATE_NOOP("labels", "Alasan pemeriksaan otomatis")),
        "admin_by": _t(QT_TRANSLATE_NOOP("labels", "Pemeriksa vermin")),
        "admin_at": _t(QT_TRANSLATE_NOOP("labels", "Waktu vermin")),
        "field_by": _t(QT_TRANSLATE_NOOP("labels", "Pemeriksa verfak")),
        "field_at": _t(QT_TRANSLATE_NOOP("labels", "Waktu verfak")),
        "external_duplicate": _t(QT_TRANSLATE_NOOP("labels", "Ganda eksternal")),
        "public_objection": _t(QT_TRANSLATE_NOOP("labels", "Ada tanggapan masyarakat")),
        "_deleted": _t(QT_TRANSLATE_NOOP("labels", "Dihapus")),
        "withdrawn_reason": _t(QT_TRANSLATE_NOOP("labels", "Alasan penarikan")),
        "withdrawn_note": _t(QT_TRANSLATE_NOOP("labels", "Catatan penarikan")),
        "withdrawn_by": _t(QT_TRANSLATE_NOOP("labels", "Ditarik oleh")),
        "withdrawn_at": _t(QT_TRANSLATE_NOOP("labels", "Waktu penarikan")),
        "duplicate_of": _t(QT_TRANSLATE_NOOP("labels", "Ganda dari")),
    }
    return labels.get(name, name)


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
