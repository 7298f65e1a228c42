"""Errors of the importers: a file that cannot be read at all.

A bad *row* is never an exception: it becomes a status and reason codes in the
report. Only a file that cannot be read as a table (missing, truncated, not a
spreadsheet, empty, no header) raises :class:`ImportFileError`.
"""

from __future__ import annotations

from pathlib import Path


class ImportFileError(Exception):
    """The file cannot be read as a supporter list.

    Attributes:
        path: the file.
        problem: a machine code: ``not_found``, ``unreadable``, ``truncated``,
            ``not_spreadsheet``, ``empty``, ``no_header`` (its detail: the missing
            fields, comma-separated), ``encrypted``, ``is_folder``.
        message: an Indonesian sentence naming the file and the problem.
    """

    _MESSAGES = {
        "not_found": "Berkas {name} tidak ditemukan.",
        "unreadable": "Berkas {name} tidak dapat dibaca: {detail}",
        "truncated": "Berkas {name} rusak atau terpotong (tidak lengkap): {detail}",
        "not_spreadsheet": "Berkas {name} bukan lembar kerja XLSX, XLS, ODS atau CSV.",
        "empty": "Berkas {name} tidak berisi baris data (kosong, atau hanya baris judul kolom).",
        "no_header": (
            "Berkas {name}: baris judul kolom tidak ditemukan (dicari kolom NIK, Nama, "
            "Tempat/Tanggal Lahir, Jenis Kelamin, Alamat, Desa/Kelurahan, Kecamatan)."
        ),
        "encrypted": "Berkas {name} dilindungi kata sandi; simpan ulang tanpa kata sandi.",
        "is_folder": "{name} adalah folder, bukan berkas; pilih berkas XLSX, XLS, ODS atau CSV.",
    }
    #: ``no_header`` with a detail: the header was found but lacks these fields.
    _MISSING_COLUMNS = (
        "Berkas {name}: baris judul ditemukan, tetapi kolom {detail} tidak ada. "
        "Tambahkan kolom itu (atau ubah judulnya, misalnya NIK dan NAMA) lalu coba lagi."
    )
    _FIELD_LABELS = {"nik": "NIK", "name": "NAMA"}

    def __init__(self, path: str | Path, problem: str, detail: str = "") -> None:
        self.path = Path(path)
        self.problem = problem
        self.detail = detail
        template = self._MESSAGES.get(problem, "Berkas {name} tidak dapat dibaca: {detail}")
        if problem == "no_header" and detail:
            template = self._MISSING_COLUMNS
            detail = " dan ".join(
                self._FIELD_LABELS.get(part.strip(), part.strip()) for part in detail.split(",")
            )
        self.message = template.format(name=self.path.name, detail=detail or problem)
        super().__init__(f"{self.path}: {self.message}")
