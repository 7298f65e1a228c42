"""The field lists of each entity's form (labels in Indonesian, through tr())."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from silon_desktop.domain.codes import DocumentKind
from silon_desktop.ui.labels import document_label
from silon_desktop.ui.record_form import FieldDef


def _t(text: str) -> str:
    return QCoreApplication.translate("forms", text)


def election_fields() -> list[FieldDef]:
    kinds = (
        ("bupati", _t(QT_TRANSLATE_NOOP("forms", "Bupati"))),
        ("walikota", _t(QT_TRANSLATE_NOOP("forms", "Wali kota"))),
        ("gubernur", _t(QT_TRANSLATE_NOOP("forms", "Gubernur"))),
    )
    return [
        FieldDef("name", _t(QT_TRANSLATE_NOOP("forms", "Nama pemilihan"))),
        FieldDef("kind", _t(QT_TRANSLATE_NOOP("forms", "Jenis")), "choice", kinds),
        FieldDef(
            "region_code", _t(QT_TRANSLATE_NOOP("forms", "Wilayah")), "region", region_level=2
        ),
        FieldDef("year", _t(QT_TRANSLATE_NOOP("forms", "Tahun")), "int"),
        FieldDef("dpt", _t(QT_TRANSLATE_NOOP("forms", "Jumlah DPT")), "int"),
        FieldDef(
            "subregion_count",
            _t(QT_TRANSLATE_NOOP("forms", "Jumlah kecamatan (kab/kota untuk gubernur)")),
            "int",
        ),
        FieldDef(
            "support_end", _t(QT_TRANSLATE_NOOP("forms", "Batas penyerahan dukungan")), "date"
        ),
        FieldDef("penetapan_date", _t(QT_TRANSLATE_NOOP("forms", "Tanggal penetapan")), "date"),
        FieldDef(
            "official_threshold",
            _t(QT_TRANSLATE_NOOP("forms", "Syarat dukungan menurut keputusan KPU")),
            "int",
        ),
        FieldDef(
            "official_spread",
            _t(QT_TRANSLATE_NOOP("forms", "Syarat sebaran menurut keputusan KPU")),
            "int",
        ),
        FieldDef(
            "official_party_votes",
            _t(QT_TRANSLATE_NOOP("forms", "Syarat suara sah partai menurut keputusan KPU")),
            "int",
        ),
        FieldDef(
            "dprd_valid_votes",
            _t(QT_TRANSLATE_NOOP("forms", "Jumlah suara sah pemilu DPRD terakhir")),
            "int",
        ),
        FieldDef(
            "dprd_seats",
            _t(QT_TRANSLATE_NOOP("forms", "Jumlah kursi DPRD")),
            "int",
        ),
    ]


def pair_fields() -> list[FieldDef]:
    routes = (
        ("perseorangan", _t(QT_TRANSLATE_NOOP("forms", "Perseorangan"))),
        ("partai", _t(QT_TRANSLATE_NOOP("forms", "Partai politik"))),
    )
    statuses = (
        ("draft", _t(QT_TRANSLATE_NOOP("forms", "Draf"))),
        ("diajukan", _t(QT_TRANSLATE_NOOP("forms", "Diajukan"))),
        ("ditetapkan", _t(QT_TRANSLATE_NOOP("forms", "Ditetapkan"))),
        ("ditolak", _t(QT_TRANSLATE_NOOP("forms", "Ditolak"))),
    )
    return [
        FieldDef("number", _t(QT_TRANSLATE_NOOP("forms", "Nomor urut")), "int"),
        FieldDef("route", _t(QT_TRANSLATE_NOOP("forms", "Jalur")), "choice", routes),
        FieldDef("head_name", _t(QT_TRANSLATE_NOOP("forms", "Nama bakal calon kepala"))),
        FieldDef("deputy_name", _t(QT_TRANSLATE_NOOP("forms", "Nama bakal calon wakil"))),
        FieldDef("status", _t(QT_TRANSLATE_NOOP("forms", "Status")), "choice", statuses),
    ]


def _sex_choices() -> tuple[tuple[str, str], ...]:
    return (
        ("", ""),
        ("L", _t(QT_TRANSLATE_NOOP("forms", "Laki-laki"))),
        ("P", _t(QT_TRANSLATE_NOOP("forms", "Perempuan"))),
    )


def _marital_choices() -> tuple[tuple[str, str], ...]:
    return (
        ("", ""),
        ("B", _t(QT_TRANSLATE_NOOP("forms", "Belum kawin"))),
        ("S", _t(QT_TRANSLATE_NOOP("forms", "Kawin"))),
        ("P", _t(QT_TRANSLATE_NOOP("forms", "Pernah kawin"))),
    )


def candidate_fields() -> list[FieldDef]:
    roles = (
        ("kepala", _t(QT_TRANSLATE_NOOP("forms", "Calon kepala daerah"))),
        ("wakil", _t(QT_TRANSLATE_NOOP("forms", "Calon wakil"))),
    )
    sexes, marital = _sex_choices(), _marital_choices()
    return [
        FieldDef("role", _t(QT_TRANSLATE_NOOP("forms", "Kedudukan")), "choice", roles),
        FieldDef("nik", _t(QT_TRANSLATE_NOOP("forms", "NIK")), "nik"),
        FieldDef("name", _t(QT_TRANSLATE_NOOP("forms", "Nama lengkap"))),
        FieldDef("sex", _t(QT_TRANSLATE_NOOP("forms", "Jenis kelamin")), "choice", sexes),
        FieldDef("birth_place", _t(QT_TRANSLATE_NOOP("forms", "Tempat lahir"))),
        FieldDef("birth_date", _t(QT_TRANSLATE_NOOP("forms", "Tanggal lahir")), "date"),
        FieldDef("address", _t(QT_TRANSLATE_NOOP("forms", "Alamat"))),
        FieldDef("education", _t(QT_TRANSLATE_NOOP("forms", "Pendidikan terakhir"))),
        FieldDef("occupation", _t(QT_TRANSLATE_NOOP("forms", "Pekerjaan"))),
        FieldDef(
            "marital_status", _t(QT_TRANSLATE_NOOP("forms", "Status perkawinan")), "choice", marital
        ),
    ]


def supporter_fields() -> list[FieldDef]:
    sexes, marital = _sex_choices(), _marital_choices()
    return [
        FieldDef("nik", _t(QT_TRANSLATE_NOOP("forms", "NIK")), "nik"),
        FieldDef("name", _t(QT_TRANSLATE_NOOP("forms", "Nama"))),
        FieldDef("birth_place", _t(QT_TRANSLATE_NOOP("forms", "Tempat lahir"))),
        FieldDef("birth_date", _t(QT_TRANSLATE_NOOP("forms", "Tanggal lahir")), "date"),
        FieldDef("sex", _t(QT_TRANSLATE_NOOP("forms", "Jenis kelamin")), "choice", sexes),
        FieldDef(
            "marital_status", _t(QT_TRANSLATE_NOOP("forms", "Status perkawinan")), "choice", marital
        ),
        FieldDef("occupation", _t(QT_TRANSLATE_NOOP("forms", "Pekerjaan"))),
        FieldDef("address", _t(QT_TRANSLATE_NOOP("forms", "Alamat"))),
        FieldDef("rt", _t(QT_TRANSLATE_NOOP("forms", "RT"))),
        FieldDef("rw", _t(QT_TRANSLATE_NOOP("forms", "RW"))),
        FieldDef(
            "desa_code", _t(QT_TRANSLATE_NOOP("forms", "Desa/Kelurahan")), "region", region_level=4
        ),
        FieldDef(
            "has_id_scan",
            _t(QT_TRANSLATE_NOOP("forms", "KTP-el/pernyataan")),
            "choice",
            (
                (True, _t(QT_TRANSLATE_NOOP("forms", "Ada"))),
                (False, _t(QT_TRANSLATE_NOOP("forms", "Tidak ada"))),
            ),
        ),
    ]


def party_fields() -> list[FieldDef]:
    return [
        FieldDef("party_name", _t(QT_TRANSLATE_NOOP("forms", "Nama partai"))),
        FieldDef("seats", _t(QT_TRANSLATE_NOOP("forms", "Jumlah kursi DPRD")), "int"),
        FieldDef("votes", _t(QT_TRANSLATE_NOOP("forms", "Suara sah")), "int"),
    ]


#: Every requirement document the public page asks for, then anything else.
DOCUMENT_KINDS = tuple(kind.value for kind in DocumentKind)


def document_fields() -> list[FieldDef]:
    kinds = tuple((k, document_label(k)) for k in DOCUMENT_KINDS)
    statuses = (
        ("belum", _t(QT_TRANSLATE_NOOP("forms", "Belum diserahkan"))),
        ("ada", _t(QT_TRANSLATE_NOOP("forms", "Diserahkan, belum diperiksa"))),
        ("sesuai", _t(QT_TRANSLATE_NOOP("forms", "Sesuai"))),
        ("tidak_sesuai", _t(QT_TRANSLATE_NOOP("forms", "Tidak sesuai"))),
    )
    return [
        FieldDef("kind", _t(QT_TRANSLATE_NOOP("forms", "Jenis dokumen")), "choice", kinds),
        FieldDef("status", _t(QT_TRANSLATE_NOOP("forms", "Status")), "choice", statuses),
        FieldDef("note", _t(QT_TRANSLATE_NOOP("forms", "Catatan"))),
    ]
