"""Column mapping: which sheet, which header row, which column holds which field.

Headers are matched by name and their common variants ("NIK", "No. KTP",
"Nomor Induk Kependudukan"...), case, punctuation and spacing ignored. Real
B.1-KWK forms have title rows above the header, two-row headers under merged
cells ("ALAMAT" over "RT" and "RW") and a row numbering the columns (1, 2, 3...)
below it: all handled here. A mapping found once can be saved as JSON and
reused for the next file from the same team.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from silon_desktop.importers.errors import ImportFileError
from silon_desktop.importers.readers import MergedRange, Sheet, Workbook

#: Fields an import column can fill. ``birth_place_date`` ("Bandung, 17-08-1985")
#: and ``rt_rw`` ("003/005") are split into their two fields.
FIELDS: tuple[str, ...] = (
    "nik",
    "name",
    "birth_place",
    "birth_date",
    "birth_place_date",
    "sex",
    "marital_status",
    "occupation",
    "address",
    "rt",
    "rw",
    "rt_rw",
    "desa",
    "kecamatan",
    "kabkota",
)

#: Header variants per field, compared after :func:`header_key`.
VARIANTS: dict[str, tuple[str, ...]] = {
    "nik": (
        "nik",
        "noktp",
        "nomorktp",
        "nonik",
        "nomornik",
        "nikktp",
        "niknoktp",
        "nomorindukkependudukan",
        "noindukkependudukan",
        "nomorindukkependudukannik",
        "niknomorindukkependudukan",
        "ktp",
        "noktpel",
        "nomorktpel",
    ),
    "name": ("nama", "namalengkap", "namapendukung", "namasesuaiktp", "namalengkapsesuaiktp"),
    "birth_place": ("tempatlahir", "tmplahir", "tptlahir", "tmptlahir", "tempat"),
    "birth_date": (
        "tanggallahir",
        "tgllahir",
        "tgllhr",
        "tanggallhr",
        "tglahir",
        "tanggal",
        "tgl",
        "tglblnthnlahir",
        "tanggalbulantahunlahir",
    ),
    "birth_place_date": (
        "tempattanggallahir",
        "tempattgllahir",
        "tempatdantanggallahir",
        "tempattgllhr",
        "tmptgllahir",
        "tmptgllhr",
        "ttl",
    ),
    "sex": (
        "jk",
        "lp",
        "jeniskelamin",
        "kelamin",
        "jeniskelaminlp",
        "jklp",
        "sex",
        "gender",
    ),
    "marital_status": (
        "statusperkawinan",
        "statuskawin",
        "stskawin",
        "perkawinan",
        "statusperkawinanbsp",
        "kawin",
        "statusperkawinanbkp",
        "statusnikah",
    ),
    "occupation": ("pekerjaan", "pekerjaanjabatan", "jenispekerjaan", "kerja"),
    "address": (
        "alamat",
        "alamatlengkap",
        "jalan",
        "jalandusun",
        "alamatjalandusun",
        "dusun",
        "jalangangdusun",
        "alamatsesuaiktp",
    ),
    "rt": ("rt",),
    "rw": ("rw",),
    "rt_rw": ("rtrw",),
    "desa": (
        "desa",
        "kelurahan",
        "desakelurahan",
        "kelurahandesa",
        "keldesa",
        "desakel",
        "kel",
        "ds",
        "namadesa",
        "namakelurahan",
    ),
    # DI Yogyakarta: kapanewon (kemantren in the city); Papua: distrik.
    "kecamatan": (
        "kecamatan",
        "kec",
        "namakecamatan",
        "kapanewon",
        "kemantren",
        "distrik",
        "namakapanewon",
        "namakemantren",
        "namadistrik",
        "kapanewonkemantren",
        "kecamatankapanewon",
        "kecamatankapanewonkemantren",
        "kecamatandistrik",
        "keckapanewon",
    ),
    "kabkota": ("kabkota", "kabupatenkota", "kabupaten", "kota", "kab", "kotakab"),
}

_LOOKUP: dict[str, str] = {key: name for name, keys in VARIANTS.items() for key in keys}
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_BRACKETS = re.compile(r"\([^)]*\)")
_HEADER_SCAN_ROWS = 30
_MIN_HEADER_FIELDS = 3


def header_key(text: object) -> str:
    """A header cell reduced to lower-case letters and digits ("No. KTP" -> "noktp")."""
    if not isinstance(text, str):
        return ""
    return _NON_ALNUM.sub("", text.lower())


def field_for_header(text: object, extra: dict[str, str] | None = None) -> str | None:
    """The field a header names, or None. ``extra`` maps header keys of a saved mapping."""
    key = header_key(text)
    if not key:
        return None
    if extra and key in extra:
        return extra[key] or None
    if key in _LOOKUP:
        return _LOOKUP[key]
    for suffix in ("pendukung", "sesuaiktpel", "sesuaiktp", "ktpel", "ktp"):
        if key.endswith(suffix) and key[: -len(suffix)] in _LOOKUP:
            return _LOOKUP[key[: -len(suffix)]]
    if "(" in str(text):  # "TANGGAL LAHIR (DD-MM-YYYY)": the part outside brackets
        bare = header_key(_BRACKETS.sub(" ", str(text)))
        if bare and bare != key:
            return field_for_header(bare, extra)
    return None


@dataclass
class ColumnMapping:
    """Where the fields are in one sheet.

    Attributes:
        sheet: the sheet's name.
        header_rows: row numbers (1 = top of the sheet) of the header rows.
        first_data_row: the first row number holding data.
        columns: field -> column index (0 = first column of the sheet).
        labels: column index -> header text as shown in the file.
    """

    sheet: str
    header_rows: list[int]
    first_data_row: int
    columns: dict[str, int]
    labels: dict[int, str] = field(default_factory=dict)

    def missing(self, required: Iterable[str] = ("nik", "name")) -> list[str]:
        return [name for name in required if name not in self.columns]

    def to_json(self) -> str:
        """A reusable mapping: header text -> field, plus where this file had them."""
        by_header = {
            self.labels.get(index, ""): name
            for name, index in self.columns.items()
            if self.labels.get(index)
        }
        return json.dumps(
            {
                "version": 1,
                "sheet": self.sheet,
                "header_rows": self.header_rows,
                "first_data_row": self.first_data_row,
                "columns": self.columns,
                "headers": by_header,
            },
            ensure_ascii=False,
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str) -> ColumnMapping:
        """A mapping saved by :meth:`to_json`.

        Raises:
            ValueError: not a mapping file, or it names an unknown field.
        """
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("version") != 1:
            raise ValueError("not a Silon column mapping (version 1)")
        columns = {str(k): int(v) for k, v in dict(data.get("columns") or {}).items()}
        unknown = [name for name in columns if name not in FIELDS]
        if unknown:
            raise ValueError(f"unknown fields in mapping: {', '.join(unknown)}")
        labels = {
            index: header
            for header, name in data.get("headers", {}).items()
            for f, index in columns.items()
            if f == name
        }
        return cls(
            sheet=str(data.get("sheet", "")),
            header_rows=[int(r) for r in data.get("header_rows", [])],
            first_data_row=int(data.get("first_data_row", 2)),
            columns=columns,
            labels=labels,
        )

    def header_hints(self) -> dict[str, str]:
        """Header keys of this mapping -> field, to recognise the same headers elsewhere."""
        return {header_key(self.labels[i]): f for f, i in self.columns.items() if i in self.labels}


def load_mapping(path: str | Path) -> ColumnMapping:
    return ColumnMapping.from_json(Path(path).read_text(encoding="utf-8"))


def save_mapping(mapping: ColumnMapping, path: str | Path) -> None:
    from sync.privacy import write_private

    write_private(Path(path), mapping.to_json().encode("utf-8"))


def detect_mapping(
    workbook: Workbook, hints: dict[str, str] | None = None
) -> tuple[Sheet, ColumnMapping]:
    """The sheet whose header looks most like B.1-KWK, and its column mapping.

    Extra sheets (instructions, recaps, lists of kecamatan) score lower and are
    skipped, and a hidden sheet comes after every visible one. ``hints`` are header
    keys from a saved mapping.

    Raises:
        ImportFileError: ``empty`` when no sheet has any row, ``no_header`` when
            no sheet has a row naming at least NIK or Nama and two other fields.
    """
    best: tuple[tuple[bool, bool, int], Sheet, ColumnMapping] | None = None
    any_rows = False
    for name in workbook.sheet_names:
        sheet = workbook.sheet(name)
        top = _head(sheet.rows(), _HEADER_SCAN_ROWS)
        any_rows = any_rows or any(_non_empty(cells) for _, cells in top)
        mapping = mapping_from_rows(name, top, sheet.merged_ranges(), hints)
        if mapping is None:
            continue
        # A hidden sheet (an earlier version of the list, a lookup table) is read only
        # when no sheet the operator sees has a header; a blank form (its header and
        # no supporter under it) only when no sheet has one.
        score = (name not in workbook.hidden, _has_supporters(top, mapping), len(mapping.columns))
        if best is None or score > best[0]:
            best = (score, sheet, mapping)
    if best is None:
        raise ImportFileError(workbook.path, "no_header" if any_rows else "empty")
    return best[1], best[2]


def _has_supporters(top: Sequence[tuple[int, list[Any]]], mapping: ColumnMapping) -> bool:
    """Whether a row under the header has a NIK or a name (a blank form numbers its
    empty rows at most)."""
    wanted = [mapping.columns[name] for name in ("nik", "name") if name in mapping.columns]
    return any(
        col < len(cells) and str(cells[col]).strip()
        for number, cells in top
        if number >= mapping.first_data_row
        for col in wanted
    )


def mapping_from_rows(
    sheet_name: str,
    top: Sequence[tuple[int, list[Any]]],
    merged: Sequence[MergedRange] = (),
    hints: dict[str, str] | None = None,
) -> ColumnMapping | None:
    """Find the header row(s) in the first rows of a sheet, or None."""
    scored = [(len(_match_row(cells, hints)), i) for i, (_, cells) in enumerate(top)]
    score, index = max(scored, default=(0, -1))
    if score < _MIN_HEADER_FIELDS:
        return None
    number, cells = top[index]
    top_cells = _fill_merged(number, cells, merged)
    columns, labels = _match_row(top_cells, hints), _labels(top_cells)
    header_rows = [number]
    if not {"nik", "name"} & set(columns.values()):
        return None
    next_index = index + 1
    if next_index < len(top):
        sub_number, sub_cells = top[next_index]
        combined = _merge_subheader(top_cells, sub_cells, hints)
        if combined is not None:
            columns, labels = combined
            header_rows.append(sub_number)
            next_index += 1
    first_data = top[next_index][0] if next_index < len(top) else header_rows[-1] + 1
    if next_index < len(top) and _is_numbering_row(top[next_index][1]):
        first_data = top[next_index + 1][0] if next_index + 1 < len(top) else first_data + 1
    if len(header_rows) == 1:
        data = [cells for row, cells in top if row >= first_data]
        _split_merged_pairs(columns, number, merged, data)
    by_field: dict[str, int] = {}
    for col, name in sorted(columns.items()):
        by_field.setdefault(name, col)
    return ColumnMapping(sheet_name, header_rows, first_data, by_field, labels)


def _match_row(cells: Sequence[Any], hints: dict[str, str] | None) -> dict[int, str]:
    found: dict[int, str] = {}
    for col, cell in enumerate(cells):
        name = field_for_header(cell, hints)
        if name and name not in found.values():
            found[col] = name
    return found


def _labels(cells: Sequence[Any]) -> dict[int, str]:
    return {col: str(cell).strip() for col, cell in enumerate(cells) if str(cell).strip()}


def _fill_merged(number: int, cells: list[Any], merged: Sequence[MergedRange]) -> list[Any]:
    """Copy a merged header's text into every column it spans."""
    row0 = number - 1
    filled = list(cells)
    for top, left, bottom, right in merged:
        if top <= row0 <= bottom and left < len(filled):
            source = filled[left] if top == row0 else ""
            for col in range(left, min(right + 1, len(filled))):
                if not str(filled[col]).strip():
                    filled[col] = source
    return filled


#: Fields written in one column or in two: the two, in their order.
_PARTS = {"birth_place_date": ("birth_place", "birth_date"), "rt_rw": ("rt", "rw")}


def _split_merged_pairs(
    columns: dict[int, str], number: int, merged: Sequence[MergedRange], data: list[list[Any]]
) -> None:
    """A combined header ("TEMPAT/TANGGAL LAHIR", "RT/RW") merged over two columns,
    with no row of subheaders under it: the left column is the first part and the
    right one the second, when the data rows fill the right one (else the whole
    value is written in the left)."""
    row0 = number - 1
    for top, left, bottom, right in merged:
        parts = _PARTS.get(columns.get(left, ""))
        if not (top <= row0 <= bottom and right == left + 1 and parts) or right in columns:
            continue
        if set(parts) & set(columns.values()):
            continue
        if any(right < len(cells) and str(cells[right]).strip() for cells in data):
            columns[left], columns[right] = parts


def _merge_subheader(
    top: list[Any], sub: list[Any], hints: dict[str, str] | None
) -> tuple[dict[int, str], dict[int, str]] | None:
    """Columns of a two-row header, or None when the second row is data."""
    sub_fields = _match_row(sub, hints)
    if len(sub_fields) < 2 or any(_looks_like_data(cell) for cell in sub if str(cell).strip()):
        return None
    columns: dict[int, str] = {}
    labels: dict[int, str] = {}
    for col in range(max(len(top), len(sub))):
        parent = str(top[col]).strip() if col < len(top) else ""
        child = str(sub[col]).strip() if col < len(sub) else ""
        for candidate in (child, f"{parent} {child}", parent):
            name = field_for_header(candidate, hints)
            if name and name not in columns.values():
                columns[col] = name
                labels[col] = candidate.strip()
                break
    return columns, labels


def _looks_like_data(cell: Any) -> bool:
    text = str(cell).strip()
    return len(text) >= 10 and text.replace(" ", "").isdigit()


def _is_numbering_row(cells: Sequence[Any]) -> bool:
    """The row of column numbers printed under the header of official forms."""
    values = [str(c).strip().strip("()").removesuffix(".0") for c in cells if str(c).strip()]
    return len(values) >= 3 and all(v.isdigit() and int(v) < 100 for v in values)


def _head(rows: Iterator[tuple[int, list[Any]]], count: int) -> list[tuple[int, list[Any]]]:
    taken: list[tuple[int, list[Any]]] = []
    for item in rows:
        taken.append(item)
        if len(taken) >= count:
            break
    return taken


def _non_empty(cells: Sequence[Any]) -> bool:
    return any(str(cell).strip() for cell in cells)
