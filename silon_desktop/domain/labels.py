"""Indonesian labels of domain codes, for headless reports and logs.

The UI has its own translated labels (Qt ``tr()``); these plain dicts serve the
command line, generated documents and server messages.
"""

from __future__ import annotations

from silon_desktop.domain.codes import (
    CandidateRole,
    DocumentKind,
    ElectionKind,
    FieldMethod,
    MaritalStatus,
    ReasonCode,
    Route,
    Sex,
    Status,
)
from silon_desktop.domain.rules import Round

#: The one wording of each reason code: on screen (translated, context "labels"), in the
#: PDFs, the XLSX lists and on the command line.
REASON_LABELS_ID: dict[ReasonCode, str] = {
    ReasonCode.NIK_FORMAT: "NIK tidak sesuai format",
    ReasonCode.NIK_REGION: "Kode wilayah NIK tidak dikenal",
    ReasonCode.NIK_MISMATCH: "Tgl lahir/jenis kelamin tidak sesuai NIK",
    ReasonCode.NIK_PRECISION: "NIK dari sel angka (digit terakhir mungkin hilang)",
    ReasonCode.MISSING_FIELD: "Data wajib kosong",
    ReasonCode.UNDERAGE: "Belum berusia 17 tahun dan belum kawin",
    ReasonCode.OUTSIDE_REGION: "Domisili di luar wilayah pemilihan",
    ReasonCode.NOT_IN_DPT: "Tidak terdaftar di DPT",
    ReasonCode.BANNED_OCCUPATION: "Pekerjaan dilarang (TNI/Polri/ASN/penyelenggara/perangkat desa)",
    ReasonCode.NO_ID_SCAN: "Tanpa KTP-el / tanda tangan",
    ReasonCode.DUPLICATE_IDENTICAL: "Ganda identik",
    ReasonCode.DUPLICATE_POTENTIAL: "Potensi ganda",
    ReasonCode.DUPLICATE_EXTERNAL: "Ganda eksternal (mendukung pasangan lain)",
    ReasonCode.DECEASED: "Meninggal dunia",
    ReasonCode.NOT_FOUND: "Tidak ditemui setelah tiga kali kunjungan",
    ReasonCode.DENIES_SUPPORT: "Menyatakan tidak mendukung (BA.5-KWK)",
}


def reason_label_id(code: str) -> str:
    """The Indonesian label of one reason code (from :data:`REASON_LABELS_ID`).

    An unknown code (a newer program's) is shown as "Alasan lain (CODE)" so it is at
    least marked as a reason rather than printed bare.
    """
    try:
        return REASON_LABELS_ID[ReasonCode(code)]
    except ValueError:
        return f"Alasan lain ({code})"


#: The one wording of the round a supporter row arrived in: on screen (translated,
#: context "labels": the import wizard, the question of "Tambah pendukung"), in the
#: XLSX lists' TAHAP column and on the public pages.
ROUND_LABELS_ID: dict[Round, str] = {
    Round.SUBMISSION: "Penyerahan dukungan",
    Round.CORRECTION_1: "Perbaikan I",
    Round.CORRECTION_2: "Perbaikan II",
}


def round_label_id(code: str) -> str:
    """The Indonesian label of a round (an empty code is the submission; an unknown
    one, a newer program's, is shown as it is)."""
    try:
        return ROUND_LABELS_ID[Round(code or Round.SUBMISSION)]
    except ValueError:
        return code


STATUS_LABELS_ID: dict[Status, str] = {
    Status.MS: "Memenuhi Syarat",
    Status.BMS: "Belum Memenuhi Syarat",
    Status.TMS: "Tidak Memenuhi Syarat",
}

ELECTION_KIND_LABELS_ID: dict[ElectionKind, str] = {
    ElectionKind.GUBERNUR: "Pemilihan Gubernur dan Wakil Gubernur",
    ElectionKind.BUPATI: "Pemilihan Bupati dan Wakil Bupati",
    ElectionKind.WALIKOTA: "Pemilihan Wali Kota dan Wakil Wali Kota",
}

ROUTE_LABELS_ID: dict[Route, str] = {
    Route.PARTAI: "Jalur partai politik",
    Route.PERSEORANGAN: "Jalur perseorangan",
}

SEX_LABELS_ID: dict[Sex, str] = {Sex.L: "Laki-laki", Sex.P: "Perempuan"}

MARITAL_LABELS_ID: dict[MaritalStatus, str] = {
    MaritalStatus.B: "Belum kawin",
    MaritalStatus.S: "Sudah kawin",
    MaritalStatus.P: "Pernah kawin",
}

#: How a supporter was met in field verification: on screen (translated, context
#: "labels") and in print.
FIELD_METHOD_LABELS_ID: dict[FieldMethod, str] = {
    FieldMethod.RUMAH: "Dikunjungi di rumah",
    FieldMethod.LO: "Dikumpulkan oleh LO",
    FieldMethod.KANTOR_PPS: "Datang ke kantor PPS",
    FieldMethod.VIDEO: "Panggilan video (menunjukkan KTP-el)",
}

ROLE_LABELS_ID: dict[CandidateRole, str] = {
    CandidateRole.KEPALA: "Calon kepala daerah",
    CandidateRole.WAKIL: "Calon wakil kepala daerah",
}

#: The one wording of each requirement document: on screen (translated, context
#: "labels"), on the public pages and in print.
DOCUMENT_LABELS_ID: dict[DocumentKind, str] = {
    DocumentKind.IJAZAH: "Ijazah (paling rendah SLTA)",
    DocumentKind.SURAT_SEHAT: "Surat keterangan sehat",
    DocumentKind.SKCK: "SKCK",
    DocumentKind.LHKPN: "Tanda terima LHKPN",
    DocumentKind.NPWP: "NPWP",
    DocumentKind.SPT: "Laporan SPT pajak",
    DocumentKind.DRH: "Daftar riwayat hidup",
    DocumentKind.PERNYATAAN: "Surat pernyataan",
    DocumentKind.KTP: "KTP-el",
    DocumentKind.PAS_FOTO: "Pas foto",
    DocumentKind.PAILIT: "Surat keterangan tidak pailit",
    DocumentKind.LAINNYA: "Lainnya",
}

#: Why a supporter was withdrawn (``withdrawn_reason``), in Indonesian.
WITHDRAWAL_REASON_LABELS_ID: dict[str, str] = {
    "ganda": "Ganda (digabung ke data lain)",
    "ditarik_pendukung": "Pendukung menarik dukungannya",
    "salah_input": "Salah input",
    "diganti_impor": "Diganti berkas perbaikan",
    "lainnya": "Lainnya",
}

#: The one wording of each field of an imported list (as the LO's form calls them): the
#: import wizard's column mapping (translated, context "ImportWizard") and the list of
#: problems of an import.
IMPORT_FIELD_LABELS_ID: dict[str, str] = {
    "nik": "NIK",
    "name": "Nama",
    "birth_place": "Tempat lahir",
    "birth_date": "Tanggal lahir",
    "birth_place_date": "Tempat, tanggal lahir",
    "sex": "Jenis kelamin",
    "marital_status": "Status perkawinan",
    "occupation": "Pekerjaan",
    "address": "Alamat",
    "rt": "RT",
    "rw": "RW",
    "rt_rw": "RT/RW",
    "desa": "Desa/Kelurahan",
    "kecamatan": "Kecamatan",
    "kabkota": "Kabupaten/Kota",
}

#: The one wording of each field of every entity: beside the field on screen (translated,
#: context "labels": ``ui.labels.field_label``) and in the sentences that name it (a
#: refused value, the command line).
FIELD_LABELS_ID: dict[str, str] = {
    "id": "ID",
    "scope": "Wilayah data",
    "version": "Versi",
    "deleted": "Dihapus",
    "updated_at": "Diubah",
    "name": "Nama",
    "kind": "Jenis",
    "region_code": "Wilayah",
    "year": "Tahun",
    "dpt": "DPT",
    "subregion_count": "Jumlah kecamatan/kab-kota",
    "rule_set": "Aturan",
    "support_start": "Awal penyerahan dukungan",
    "support_end": "Batas penyerahan dukungan",
    "vermin_end": "Akhir verifikasi administrasi",
    "correction_end": "Akhir masa perbaikan",
    "verfak_end": "Akhir verifikasi faktual",
    "registration_date": "Tanggal pendaftaran",
    "penetapan_date": "Tanggal penetapan",
    "election_id": "Pemilihan",
    "number": "Nomor urut",
    "route": "Jalur",
    "head_name": "Nama calon kepala",
    "deputy_name": "Nama calon wakil",
    "status": "Status",
    "pair_id": "Pasangan",
    "role": "Kedudukan",
    "nik": "NIK",
    "sex": "Jenis kelamin",
    "birth_place": "Tempat lahir",
    "birth_date": "Tanggal lahir",
    "address": "Alamat",
    "education": "Pendidikan terakhir",
    "occupation": "Pekerjaan",
    "marital_status": "Status perkawinan",
    "candidate_id": "Calon",
    "filename": "Berkas",
    "sha256": "Sidik berkas (SHA-256)",
    "size": "Ukuran berkas",
    "note": "Catatan",
    "party_name": "Nama partai",
    "seats": "Kursi",
    "votes": "Suara sah",
    "rt": "RT",
    "rw": "RW",
    "desa_code": "Desa/Kelurahan",
    "kecamatan_code": "Kecamatan",
    "kabkota_code": "Kab/Kota",
    "has_id_scan": "Pindaian KTP-el",
    "nik_from_number": "NIK dari sel angka",
    "check_status": "Status pemeriksaan otomatis",
    "round": "Tahap penyerahan",
    "official_threshold": "Syarat dukungan (keputusan KPU)",
    "official_spread": "Syarat sebaran (keputusan KPU)",
    "official_party_votes": "Syarat suara sah partai (keputusan KPU)",
    "dprd_valid_votes": "Suara sah pemilu DPRD",
    "dprd_seats": "Kursi DPRD",
    "made_by_kabkota": "Dibuat KPU kabupaten/kota",
    "check_reasons": "Alasan pemeriksaan otomatis",
    "admin_status": "Status vermin",
    "admin_reasons": "Alasan vermin",
    "admin_by": "Pemeriksa vermin",
    "admin_at": "Waktu vermin",
    "field_status": "Status verfak",
    "field_reasons": "Alasan verfak",
    "field_method": "Cara ditemui",
    "field_by": "Pemeriksa verfak",
    "field_at": "Waktu verfak",
    "external_duplicate": "Ganda eksternal",
    "public_objection": "Ada tanggapan masyarakat",
    "withdrawn_reason": "Alasan penarikan",
    "withdrawn_note": "Catatan penarikan",
    "withdrawn_by": "Ditarik oleh",
    "withdrawn_at": "Waktu penarikan",
    "duplicate_of": "Ganda dari",
    "effective_status": "Status",
    "effective_reasons": "Alasan",
}
