"""The field lists of each entity's form (labels in Indonesian, through tr())."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from silon_desktop.ui.labels import document_label
from silon_desktop.ui.record_form import FieldDef


def _t(text: str) -> str:
    return QCoreApplication.translate("forms", text)


def election_fields() -> list[FieldDef]:
    kinds = (("bupati", _t("Bupati")), ("walikota", _t("Wali kota")), ("gubernur", _t("Gubernur")))
    return [
        FieldDef("name", _t("Nama pemilihan")),
        FieldDef("kind", _t("Jenis"), "choice", kinds),
        FieldDef("region_code", _t("Wilayah"), "region", region_level=2),
        FieldDef("year", _t("Tahun"), "int"),
        FieldDef("dpt", _t("Jumlah DPT"), "int"),
        FieldDef("subregion_count", _t("Jumlah kecamatan (kab/kota untuk gubernur)"), "int"),
        FieldDef("support_end", _t("Batas penyerahan dukungan"), "date"),
        FieldDef("penetapan_date", _t("Tanggal penetapan"), "date"),
    ]


def pair_fields() -> list[FieldDef]:
    routes = (("perseorangan", _t("Perseorangan")), ("partai", _t("Partai politik")))
    statuses = (
        ("draft", _t("Draf")),
        ("diajukan", _t("Diajukan")),
        ("ditetapkan", _t("Ditetapkan")),
        ("ditolak", _t("Ditolak")),
    )
    return [
        FieldDef("number", _t("Nomor urut"), "int"),
        FieldDef("route", _t("Jalur"), "choice", routes),
        FieldDef("head_name", _t("Nama bakal calon kepala")),
        FieldDef("deputy_name", _t("Nama bakal calon wakil")),
        FieldDef("status", _t("Status"), "choice", statuses),
    ]


def candidate_fields() -> list[FieldDef]:
    roles = (("kepala", _t("Calon kepala daerah")), ("wakil", _t("Calon wakil")))
    sexes = (("", ""), ("L", _t("Laki-laki")), ("P", _t("Perempuan")))
    marital = (("", ""), ("B", _t("Belum kawin")), ("S", _t("Kawin")), ("P", _t("Pernah kawin")))
    return [
        FieldDef("role", _t("Kedudukan"), "choice", roles),
        FieldDef("nik", _t("NIK"), "nik"),
        FieldDef("name", _t("Nama lengkap")),
        FieldDef("sex", _t("Jenis kelamin"), "choice", sexes),
        FieldDef("birth_place", _t("Tempat lahir")),
        FieldDef("birth_date", _t("Tanggal lahir"), "date"),
        FieldDef("address", _t("Alamat")),
        FieldDef("education", _t("Pendidikan terakhir")),
        FieldDef("occupation", _t("Pekerjaan")),
        FieldDef("marital_status", _t("Status perkawinan"), "choice", marital),
    ]


def supporter_fields() -> list[FieldDef]:
    sexes = (("", ""), ("L", _t("Laki-laki")), ("P", _t("Perempuan")))
    marital = (("", ""), ("B", _t("Belum kawin")), ("S", _t("Kawin")), ("P", _t("Pernah kawin")))
    return [
        FieldDef("nik", _t("NIK"), "nik"),
        FieldDef("name", _t("Nama")),
        FieldDef("birth_place", _t("Tempat lahir")),
        FieldDef("birth_date", _t("Tanggal lahir"), "date"),
        FieldDef("sex", _t("Jenis kelamin"), "choice", sexes),
        FieldDef("marital_status", _t("Status perkawinan"), "choice", marital),
        FieldDef("occupation", _t("Pekerjaan")),
        FieldDef("address", _t("Alamat")),
        FieldDef("rt", _t("RT")),
        FieldDef("rw", _t("RW")),
        FieldDef("desa_code", _t("Desa/Kelurahan"), "region", region_level=4),
    ]


def party_fields() -> list[FieldDef]:
    return [
        FieldDef("party_name", _t("Nama partai")),
        FieldDef("seats", _t("Jumlah kursi DPRD"), "int"),
        FieldDef("votes", _t("Suara sah"), "int"),
    ]


DOCUMENT_KINDS = ("ijazah", "surat_sehat", "skck", "lhkpn", "npwp", "spt", "drh", "pernyataan")


def document_fields() -> list[FieldDef]:
    kinds = tuple((k, document_label(k)) for k in DOCUMENT_KINDS)
    statuses = (
        ("belum", _t("Belum diserahkan")),
        ("ada", _t("Diserahkan, belum diperiksa")),
        ("sesuai", _t("Sesuai")),
        ("tidak_sesuai", _t("Tidak sesuai")),
    )
    return [
        FieldDef("kind", _t("Jenis dokumen"), "choice", kinds),
        FieldDef("status", _t("Status"), "choice", statuses),
        FieldDef("note", _t("Catatan")),
    ]
