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

#: Requirement documents, as the public pages and the printed lists name them.
DOCUMENT_LABELS_ID: dict[DocumentKind, str] = {
    DocumentKind.IJAZAH: "Ijazah",
    DocumentKind.SURAT_SEHAT: "Surat keterangan sehat",
    DocumentKind.SKCK: "SKCK",
    DocumentKind.LHKPN: "Tanda terima LHKPN",
    DocumentKind.NPWP: "NPWP",
    DocumentKind.SPT: "SPT pajak",
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

#: Field names of all entities, in Indonesian.
FIELD_LABELS_ID: dict[str, str] = {
    "id": "ID",
    "scope": "Wilayah data",
    "version": "Versi",
    "deleted": "Dihapus",
    "updated_at": "Diubah",
    "name": "Nama",
    "kind": "Jenis",
    "region_code": "Kode wilayah",
    "year": "Tahun",
    "dpt": "Jumlah DPT",
    "subregion_count": "Jumlah kecamatan/kabupaten/kota",
    "rule_set": "Aturan",
    "support_start": "Awal penyerahan dukungan",
    "support_end": "Akhir penyerahan dukungan",
    "vermin_end": "Akhir verifikasi administrasi",
    "correction_end": "Akhir perbaikan",
    "verfak_end": "Akhir verifikasi faktual",
    "registration_date": "Tanggal pendaftaran",
    "penetapan_date": "Tanggal penetapan",
    "election_id": "Pemilihan",
    "number": "Nomor",
    "route": "Jalur",
    "head_name": "Nama calon kepala daerah",
    "deputy_name": "Nama calon wakil",
    "status": "Status",
    "pair_id": "Bakal pasangan calon",
    "role": "Kedudukan",
    "nik": "NIK",
    "sex": "Jenis kelamin",
    "birth_place": "Tempat lahir",
    "birth_date": "Tanggal lahir",
    "address": "Alamat",
    "education": "Pendidikan",
    "occupation": "Pekerjaan",
    "marital_status": "Status perkawinan",
    "candidate_id": "Calon",
    "filename": "Nama berkas",
    "sha256": "Sidik berkas",
    "size": "Ukuran berkas",
    "note": "Catatan",
    "party_name": "Nama partai",
    "seats": "Jumlah kursi",
    "votes": "Jumlah suara sah",
    "rt": "RT",
    "rw": "RW",
    "desa_code": "Kelurahan/desa",
    "kecamatan_code": "Kecamatan",
    "kabkota_code": "Kabupaten/kota",
    "has_id_scan": "Ada pindaian KTP-el",
    "nik_from_number": "NIK dari sel angka",
    "check_status": "Status pemeriksaan otomatis",
    "round": "Tahap penyerahan",
    "official_threshold": "Syarat dukungan menurut keputusan KPU",
    "official_spread": "Syarat sebaran menurut keputusan KPU",
    "official_party_votes": "Syarat suara sah partai menurut keputusan KPU",
    "dprd_valid_votes": "Jumlah suara sah pemilu DPRD terakhir",
    "dprd_seats": "Jumlah kursi DPRD",
    "check_reasons": "Alasan pemeriksaan otomatis",
    "admin_status": "Status verifikasi administrasi",
    "admin_reasons": "Alasan verifikasi administrasi",
    "admin_by": "Pemeriksa administrasi",
    "admin_at": "Waktu verifikasi administrasi",
    "field_status": "Status verifikasi faktual",
    "field_reasons": "Alasan verifikasi faktual",
    "field_method": "Cara verifikasi faktual",
    "field_by": "Pemeriksa faktual",
    "field_at": "Waktu verifikasi faktual",
    "external_duplicate": "Ganda eksternal",
    "public_objection": "Ada tanggapan masyarakat",
    "withdrawn_reason": "Alasan penarikan",
    "withdrawn_note": "Catatan penarikan",
    "withdrawn_by": "Ditarik oleh",
    "withdrawn_at": "Waktu penarikan",
    "duplicate_of": "Ganda dari (data yang dipertahankan)",
    "effective_status": "Status",
    "effective_reasons": "Alasan",
}
