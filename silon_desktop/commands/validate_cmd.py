"""``silon-desktop validate``: check a supporter list without a database or a display.

Writes a JSON array with one object per data row (``row`` as the spreadsheet
numbers it, header = 1 counting from the top; ``nik`` as read; ``status`` MS,
BMS or TMS; ``codes`` the reason codes) and prints a summary.

Exit status: 0 the file could be read (whatever its rows hold); 2 it could not
(missing, truncated, not a spreadsheet, empty, no header), with a message
naming the file and the problem; 1 a checking process failed or died (a bug, or
the system killed it); 130 stopped with Ctrl+C. No report is written then.

``silon-desktop validate --template OUT.xlsx`` (or ``.csv``) saves an empty
B.1-KWK import template instead.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from silon_desktop.commands import refused

if TYPE_CHECKING:
    from silon_desktop.importers.pipeline import ImportOptions
    from silon_desktop.importers.report import ImportReport


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", nargs="?", help="daftar pendukung (XLSX, XLS, ODS atau CSV)")
    parser.add_argument("--region", help="kode wilayah pemilihan, misalnya 32.14 atau 32")
    parser.add_argument(
        "--reference-date",
        type=_date,
        help="tanggal acuan umur, YYYY-MM-DD (bawaan: hari ini)",
    )
    parser.add_argument(
        "--report", metavar="OUT.json", help="tulis laporan per baris (JSON) ke berkas ini"
    )
    parser.add_argument("--rule-set", help="id aturan (bawaan: yang berlaku)")
    parser.add_argument(
        "--assume-id-scans",
        action="store_true",
        help='anggap setiap baris sudah ada pindaian KTP-el (bila tidak: "Tanpa KTP-el / tanda tangan")',
    )
    parser.add_argument("--mapping", metavar="MAP.json", help="pakai pemetaan kolom yang disimpan")
    parser.add_argument(
        "--save-mapping", metavar="MAP.json", help="simpan pemetaan kolom yang dipakai"
    )
    parser.add_argument(
        "--template",
        metavar="OUT",
        help="simpan templat impor kosong (.xlsx atau .csv) lalu keluar",
    )


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"bukan tanggal YYYY-MM-DD yang ada: {text!r}") from exc


def run(args: argparse.Namespace) -> int:
    if args.template:
        return save_template_cmd(args.template)
    if not args.file or not args.region:
        print("validate: sebutkan BERKAS dan --region (atau --template KELUARAN).", file=sys.stderr)
        return 2
    from silon_desktop.importers.errors import ImportFileError
    from silon_desktop.importers.pipeline import ImportOptions, validate_file

    options = ImportOptions(
        region=args.region,
        reference_date=args.reference_date or dt.date.today(),
        rule_set=args.rule_set,
        assume_id_scan=args.assume_id_scans,
    )
    problem = election_problem(options) or output_problem(args.report, args.save_mapping)
    if problem is None and args.mapping:
        options.hints, problem = read_hints(args.mapping)
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    from silon_desktop.importers.parallel import ValidatorCrashed

    try:
        report = validate_file(args.file, options)
    except ImportFileError as error:
        return refused(error)
    except (ValueError, OSError) as error:
        print(f"{args.file}: {error}", file=sys.stderr)
        return 2
    except ValidatorCrashed as error:
        print(checker_failed(args.file, error, "Tidak ada laporan yang ditulis."), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            f"{args.file}: pemeriksaan dihentikan (Ctrl+C); tidak ada laporan yang ditulis.",
            file=sys.stderr,
        )
        return 130
    return _write_outputs(report, args.report, args.save_mapping)


def checker_failed(file: str, error: BaseException, outcome: str) -> str:
    """An Indonesian message for a checking process that failed or died (a bug, or the
    system killed it for memory): the file, what was kept, and the error's type and
    line only (:class:`~silon_desktop.importers.parallel.ValidatorCrashed` never
    carries a cell's value)."""
    return (
        f"{file}: pemeriksaan berhenti karena proses pemeriksa gagal ({error}). {outcome} "
        "Coba lagi; bila terulang, tutup program lain agar memori cukup, lalu laporkan "
        "pesan ini kepada admin."
    )


def _write_outputs(report: ImportReport, target: str | None, mapping_target: str | None) -> int:
    from silon_desktop.importers.columns import save_mapping

    try:
        if target:
            report.write_json(target)
        if mapping_target:
            save_mapping(report.mapping, mapping_target)
    except OSError as error:
        print(f"Berkas keluaran tidak dapat ditulis: {_os_reason(error)}", file=sys.stderr)
        return 2
    print("\n".join(report.summary_lines()))
    if target:
        from silon_desktop.domain.wording import personal_data_warning

        print(personal_data_warning(str(target)))
    return 0


def election_problem(options: ImportOptions) -> str | None:
    """An Indonesian message when the region or rule set cannot be used, else None."""
    from silon_desktop.domain.rules import UnknownRuleSetError
    from silon_desktop.importers.checks import RowChecker
    from silon_desktop.importers.places import PlaceMatcher

    try:
        RowChecker(options.region, options.reference_date, options.rule_set)
    except UnknownRuleSetError as error:
        return f"--rule-set {options.rule_set}: aturan tidak dikenal ({error})."
    except ValueError:
        return _region_message(options.region)
    try:
        PlaceMatcher(options.region)
    except ValueError:
        return _region_message(options.region)
    return None


def _region_message(region: str) -> str:
    return (
        f"--region {region!r}: bukan kode wilayah provinsi atau kabupaten/kota yang dikenal "
        "(contoh: 32.14 untuk kabupaten/kota, 32 untuk provinsi)."
    )


def output_problem(*targets: str | None) -> str | None:
    """An Indonesian message when an output file cannot be written there, else None.

    Checked before any work, so a long validation (or an import) is not done
    for nothing and nothing half-written is left behind.
    """
    for target in targets:
        if not target:
            continue
        path = Path(target)
        folder = path.parent if str(path.parent) else Path(".")
        if path.is_dir():
            return f"{target}: ini sebuah folder; sebutkan nama berkas keluaran."
        if not folder.is_dir():
            return f"{target}: folder {folder} tidak ada."
        if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
            return f"{target}: tidak ada izin menulis di sini."
    return None


def read_hints(path: str) -> tuple[dict[str, str] | None, str | None]:
    """The header hints of a saved mapping, or an Indonesian message naming the file."""
    from silon_desktop.importers.columns import load_mapping

    try:
        return load_mapping(path).header_hints(), None
    except FileNotFoundError:
        return None, f"Berkas pemetaan kolom {path} tidak ditemukan."
    except OSError as error:
        return None, f"Berkas pemetaan kolom {path} tidak dapat dibaca: {_os_reason(error)}"
    except (ValueError, TypeError, AttributeError):
        return None, (
            f"Berkas {path} bukan pemetaan kolom Silon (JSON yang disimpan dengan --save-mapping)."
        )


def _os_reason(error: OSError) -> str:
    name = error.filename if error.filename is not None else ""
    return f"{name} ({error.strerror or error})" if name else str(error.strerror or error)


def save_template_cmd(target: str) -> int:
    from silon_desktop.reports.templates import save_template

    problem = output_problem(target)
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    try:
        path = save_template(target)
    except (ValueError, OSError) as error:
        print(f"{target}: {error}", file=sys.stderr)
        return 2
    print(f"Templat disimpan: {path}")
    return 0
