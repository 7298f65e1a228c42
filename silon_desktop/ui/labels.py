"""Indonesian words (translatable) for the domain's codes, and the verification keys."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def _t(text: str) -> str:
    return QCoreApplication.translate("labels", text)


def reason_label(code: str) -> str:
    """A short operator label for a reason code (the code itself when unknown)."""
    labels = {
        "NIK_FORMAT": _t("NIK tidak sesuai format"),
        "NIK_REGION": _t("Kode wilayah NIK tidak dikenal"),
        "NIK_MISMATCH": _t("Tgl lahir/jenis kelamin tidak sesuai NIK"),
        "NIK_PRECISION": _t("NIK dari sel angka (digit terakhir mungkin hilang)"),
        "MISSING_FIELD": _t("Data wajib kosong"),
        "UNDERAGE": _t("Belum berusia 17 tahun dan belum kawin"),
        "OUTSIDE_REGION": _t("Domisili di luar wilayah pemilihan"),
        "NOT_IN_DPT": _t("Tidak terdaftar di DPT"),
        "BANNED_OCCUPATION": _t("Pekerjaan dilarang (TNI/Polri/ASN/penyelenggara/perangkat desa)"),
        "NO_ID_SCAN": _t("Tanpa KTP-el / tanda tangan"),
        "DUPLICATE_IDENTICAL": _t("Ganda identik"),
        "DUPLICATE_POTENTIAL": _t("Potensi ganda"),
        "DUPLICATE_EXTERNAL": _t("Ganda eksternal (mendukung pasangan lain)"),
        "DECEASED": _t("Meninggal dunia"),
        "NOT_FOUND": _t("Tidak ditemui setelah tiga kali kunjungan"),
        "DENIES_SUPPORT": _t("Menyatakan tidak mendukung (BA.5-KWK)"),
    }
    return labels.get(code, code)


def status_label(status: str) -> str:
    labels = {
        "MS": _t("MS (memenuhi syarat)"),
        "BMS": _t("BMS (belum memenuhi syarat)"),
        "TMS": _t("TMS (tidak memenuhi syarat)"),
        "": _t("Belum diperiksa"),
        "-": _t("Belum diperiksa"),
    }
    return labels.get(status, status)


def method_label(method: str) -> str:
    labels = {
        "rumah": _t("Dikunjungi di rumah"),
        "lo": _t("Dikumpulkan oleh LO"),
        "kantor_pps": _t("Datang ke kantor PPS"),
        "video": _t("Panggilan video (menunjukkan KTP-el)"),
    }
    return labels.get(method, method)


def document_label(kind: str) -> str:
    labels = {
        "ijazah": _t("Ijazah (paling rendah SLTA)"),
        "surat_sehat": _t("Surat keterangan sehat"),
        "skck": _t("SKCK"),
        "lhkpn": _t("Tanda terima LHKPN"),
        "npwp": _t("NPWP dan laporan pajak"),
        "drh": _t("Daftar riwayat hidup"),
        "pernyataan": _t("Surat pernyataan"),
        "spt": _t("Laporan SPT pajak"),
        "ktp": _t("KTP-el"),
        "pas_foto": _t("Pas foto"),
        "pailit": _t("Surat keterangan tidak pailit"),
        "lainnya": _t("Lainnya"),
    }
    return labels.get(kind, kind)


def sync_state_label(state: str) -> str:
    labels = {
        "local": _t("Tersimpan di komputer ini"),
        "pending": _t("Menunggu dikirim"),
        "sent": _t("Terkirim, menunggu jawaban server"),
        "acked": _t("Diterima server"),
        "conflict": _t("Konflik"),
        "rejected": _t("Ditolak server"),
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


def field_label(name: str) -> str:
    labels = {
        "nik": _t("NIK"),
        "name": _t("Nama"),
        "birth_date": _t("Tanggal lahir"),
        "birth_place": _t("Tempat lahir"),
        "sex": _t("Jenis kelamin"),
        "address": _t("Alamat"),
        "head_name": _t("Nama calon kepala"),
        "deputy_name": _t("Nama calon wakil"),
        "party_name": _t("Nama partai"),
        "seats": _t("Kursi"),
        "votes": _t("Suara sah"),
        "dpt": _t("DPT"),
        "number": _t("Nomor urut"),
        "rt": _t("RT"),
        "rw": _t("RW"),
    }
    return labels.get(name, name)


def field_error_message(name: str, code: str, message_id: str = "", detail: str = "") -> str:
    """An Indonesian sentence (translatable) for a domain validation problem on a field."""
    messages = {
        "required": _t("Wajib diisi."),
        "wrong_type": _t("Jenis isian salah."),
        "too_long": _t("Terlalu panjang (paling banyak %1 karakter)."),
        "bad_character": _t("Berisi karakter yang tidak diizinkan."),
        "not_allowed": _t("Nilai tidak diizinkan (pilihan: %1)."),
        "bad_region_code": _t("Kode wilayah tidak sah."),
        "region_kind_mismatch": _t("Kode wilayah tidak sesuai dengan jenis pemilihan."),
        "negative": _t("Tidak boleh negatif."),
        "too_large": _t("Angka terlalu besar (paling besar %1)."),
        "out_of_range": _t("Di luar rentang yang wajar (%1)."),
        "too_many": _t("Terlalu banyak isian (paling banyak %1)."),
        "bad_reason": _t("Kode alasan tidak dikenal: %1."),
        "bad_nik": _t("NIK tidak sah: harus 16 angka dengan tanggal lahir yang benar."),
        "bad_nik_characters": _t("NIK hanya boleh berisi angka."),
        "digits_only": _t("Hanya boleh berisi angka."),
        "bad_filename": _t("Nama berkas tidak sah."),
    }
    template = messages.get(message_id) or messages.get(code)
    if template is None:
        return _t("Isian %1 tidak sah (%2).").replace("%1", field_label(name)).replace("%2", code)
    return template.replace("%1", detail)
