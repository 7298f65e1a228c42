"""Indonesian default texts for record validation errors, for headless use
(command line, logs, server answers). The UI translates ``message_id`` itself.
"""

from __future__ import annotations

from silon_desktop.domain.labels import FIELD_LABELS_ID
from silon_desktop.domain.records import FieldError

#: message_id -> text; ``{detail}`` is replaced by ``FieldError.detail``.
MESSAGES_ID: dict[str, str] = {
    "unknown_entity": "Jenis data tidak dikenal: {detail}.",
    "unknown_field": "Kolom ini tidak dikenal.",
    "required": "Wajib diisi (tidak boleh kosong/null).",
    "wrong_type": "Jenis isian salah (seharusnya {detail}).",
    "too_long": "Terlalu panjang (paling banyak {detail} karakter).",
    "bad_character": "Berisi karakter kendali atau tak terlihat yang tidak diizinkan ({detail}).",
    "not_allowed": "Nilai tidak diizinkan (pilihan: {detail}).",
    "bad_region_code": "Kode wilayah tidak sah (contoh bentuk: {detail}).",
    "region_kind_mismatch": "Kode wilayah tidak sesuai dengan jenis pemilihan ({detail}).",
    "region_holds_no_election": (
        "Kota dan kabupaten administrasi Jakarta tidak memilih wali kota atau bupati; "
        "di Jakarta hanya ada pemilihan gubernur (wilayah 31)."
    ),
    "stage_order": "Tidak boleh sebelum {detail}: tahapan pemilihan berurutan.",
    "region_scope_mismatch": "Wilayah pemilihan harus wilayah data ini ({detail}).",
    "negative": "Tidak boleh negatif.",
    "too_large": "Angka terlalu besar (paling besar {detail}).",
    "out_of_range": "Di luar rentang yang wajar ({detail}).",
    "too_many": "Terlalu banyak isian (paling banyak {detail}).",
    "bad_reason": "Kode alasan tidak dikenal: {detail}.",
    "bad_nik": "NIK tidak sah: harus 16 angka dengan tanggal lahir yang benar.",
    "bad_nik_characters": "NIK hanya boleh berisi angka (dan spasi, titik atau tanda hubung).",
    "bad_id": "Pengenal (ID) tidak sah.",
    "digits_only": "Hanya boleh berisi angka.",
    "bad_hash": "Sidik berkas (SHA-256) tidak sah: harus 64 karakter heksadesimal.",
    "bad_filename": 'Nama berkas tidak sah (tidak boleh memuat folder atau karakter / \\ : * ? " < > |).',
}

#: Type names used in ``wrong_type`` details, in Indonesian.
TYPE_NAMES_ID: dict[str, str] = {
    "text": "teks",
    "integer": "bilangan bulat",
    "boolean": "ya/tidak",
    "date": "tanggal",
    "datetime": "tanggal dan jam",
    "list": "daftar teks",
}


def message(error: FieldError) -> str:
    """The Indonesian text of one error, without the field name."""
    template = MESSAGES_ID.get(error.message_id, "Isian tidak sah ({detail}).")
    detail = (
        TYPE_NAMES_ID.get(error.detail, error.detail)
        if error.code == "wrong_type"
        else error.detail
    )
    return template.replace("{detail}", detail)


def describe(error: FieldError) -> str:
    """``"<field label>: <text>"`` for a log line or a command-line report."""
    label = FIELD_LABELS_ID.get(error.field, error.field) or "Data"
    return f"{label}: {message(error)}"
