"""``silon-desktop import``: import a supporter list into the local database.

Validates like ``silon-desktop validate`` (the region, rule set and reference
date come from the pair's election) and stores every row that has a NIK with
its outbox mutation, in one transaction. Rows are ADDED: a further part of a
list too long for one sheet is imported the same way, and NIKs already in the
pair are classified as duplicates (identik or potensi) across the parts; no
stored supporter is overwritten (``--part`` says so explicitly and changes
nothing). Only ``--replace`` replaces rows: a corrected list replacing the
earlier import of its round; it prints what will change (new, changed,
withdrawn rows, with examples) and asks (``--yes`` does not ask); rows of that
round no longer in the file are withdrawn with the reason *diganti impor*, all
in one transaction. Prints the summary; ``--report OUT.json`` writes the rows.

Exit status: 0 imported; 2 the file could not be read, the pair is unknown,
the database refused (locked, disk full), ``--mapping`` is no mapping or
``--report`` cannot be written there; nothing was written then. 1: the rows
were stored but the report could not be written after all (its folder
vanished, the disk filled up), or a checking process failed or died (nothing
written). 130: stopped with Ctrl+C (nothing written).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from silon_desktop.commands import add_data_dir_argument, refused
from silon_desktop.domain.rules import Round


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="daftar pendukung (XLSX, XLS, ODS atau CSV)")
    parser.add_argument("--pair", required=True, metavar="ID", help="id bakal pasangan calon")
    parser.add_argument(
        "--report", metavar="OUT.json", help="tulis laporan per baris (JSON) ke berkas ini"
    )
    add_data_dir_argument(parser)
    parser.add_argument(
        "--assume-id-scans",
        action="store_true",
        help='anggap setiap baris sudah ada pindaian KTP-el (bila tidak: "Tanpa KTP-el / tanda tangan")',
    )
    parser.add_argument("--mapping", metavar="MAP.json", help="pakai pemetaan kolom yang disimpan")
    parser.add_argument(
        "--part",
        action="store_true",
        help="bagian lanjutan daftar pasangan ini (bawaan): barisnya ditambahkan, "
        "NIK yang sudah ada ditandai ganda identik / potensi ganda",
    )
    parser.add_argument(
        "--replace",
        action="store_true",
        help="daftar perbaikan yang menggantikan impor sebelumnya pada tahap yang sama: "
        "menampilkan apa yang akan berubah (baru, berubah, ditarik) lalu bertanya; baris "
        "yang tidak ada lagi di berkas ditarik",
    )
    parser.add_argument(
        "--yes",
        action="store_true",
        help="bersama --replace: tanpa bertanya, ganti sesudah pratinjau dicetak",
    )
    parser.add_argument(
        "--round",
        choices=[arrival.value for arrival in Round],
        default=None,
        help=(
            "tahap penyerahan daftar (bawaan: submission = penyerahan awal selama masanya "
            "berlangsung, sesudahnya tahap perbaikan yang berjalan; dengan --replace: "
            "submission)"
        ),
    )


def _confirm_replace(
    database: Any, args: argparse.Namespace, hints: Any, account_scope: str
) -> bool:
    """Print what the corrected list will change; ask unless ``--yes`` (No by default).

    Raises:
        ImportFileError, UnknownPair, StoreEnvironmentError: as the import would.
    """
    from silon_desktop.importers import replace
    from silon_desktop.importers.pipeline import ImportOptions
    from silon_desktop.importers.store import pair_context

    with database.engine.connect() as conn:
        ctx = pair_context(conn, args.pair)
    options = ImportOptions(
        ctx.region,
        ctx.reference_date,
        ctx.rule_set,
        hints=hints,
        assume_id_scan=args.assume_id_scans,
        account_scope=account_scope,
        pair_scope=ctx.scope,
    )
    plan = replace.preview(database, args.file, args.pair, options, round=args.round)
    print("\n".join(plan.lines()))
    if args.yes:
        return True
    if not sys.stdin.isatty():
        print("Tambahkan --yes untuk mengganti tanpa ditanya.", file=sys.stderr)
        return False
    answer = input("Ganti impor sebelumnya? [y/T] ").strip().lower()
    return answer in ("y", "ya")


def _round_now(database: Any, pair_id: str) -> str:
    """The round of a list imported with no ``--round``: the submission while it is
    open; after it, the correction round that is running, said (the server refuses
    submission rows then, and the import would be undone at the next sync).

    Raises:
        UnknownPair: no such pair.
    """
    from silon_desktop.domain.labels import round_label_id
    from silon_desktop.importers.store import default_round

    with database.engine.connect() as conn:
        arrival = default_round(conn, pair_id)
    if arrival != Round.SUBMISSION.value:
        print(
            f"Masa penyerahan dukungan sudah berakhir: daftar ini diserahkan pada tahap "
            f"{round_label_id(arrival)} (pilih tahap lain dengan --round)."
        )
    return arrival


def _user(app_paths: Any) -> str:
    from silon_desktop.config import Settings

    try:
        return Settings.load(app_paths.settings).username
    except (OSError, ValueError):
        return ""


def run(args: argparse.Namespace) -> int:
    from silon_desktop import paths
    from silon_desktop.commands.validate_cmd import checker_failed, output_problem, read_hints
    from silon_desktop.config import Settings
    from silon_desktop.domain.errors import CodedError, ErrorCode
    from silon_desktop.domain.levels import read_only
    from silon_desktop.domain.wording import personal_data_warning
    from silon_desktop.importers.errors import ImportFileError
    from silon_desktop.importers.parallel import ValidatorCrashed
    from silon_desktop.importers.pipeline import ImportCancelled
    from silon_desktop.importers.store import RoundNotInRules, UnknownPair, import_file
    from silon_desktop.services.access import AccessRefused, account_level, open_for_command
    from silon_desktop.storage.errors import StoreEnvironmentError

    # Checked before the database is touched: a report that cannot be written
    # after the import would leave the operator unsure what was stored.
    hints, problem = read_hints(args.mapping) if args.mapping else (None, None)
    problem = problem or output_problem(args.report)
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    app_paths = paths.resolve(getattr(args, "data_dir", None)).ensure()
    user = _user(app_paths)
    # The account's level at its last login here: a level that only reads stores
    # nothing, and a kab/kota stores only its share of a list, as in the wizard.
    role, account_scope = account_level(app_paths, user)
    if read_only(role):
        return refused(CodedError(ErrorCode.ACCOUNT_READ_ONLY))  # the server refuses all
    try:
        database = open_for_command(app_paths, Settings.load(app_paths.settings))
    except (StoreEnvironmentError, AccessRefused) as error:
        return refused(error)
    if args.replace and args.part:
        database.close()
        print("--replace dan --part tidak dapat dipakai bersama.", file=sys.stderr)
        return 2
    try:
        if args.round is None:  # a corrected list replaces the submission's unless named
            args.round = Round.SUBMISSION.value if args.replace else _round_now(database, args.pair)
        if args.replace and not _confirm_replace(database, args, hints, account_scope):
            print("Dibatalkan: tidak ada yang diubah.")
            return 0
        report = import_file(
            database,
            args.file,
            args.pair,
            hints=hints,
            assume_id_scan=args.assume_id_scans,
            round=args.round,
            replace=args.replace,
            user=user,
            account_scope=account_scope,
        )
    except (ImportFileError, UnknownPair, RoundNotInRules, StoreEnvironmentError) as error:
        return refused(error)
    except (ValueError, OSError) as error:
        print(f"{args.file}: {error}", file=sys.stderr)
        return 2
    except ValidatorCrashed as error:
        print(checker_failed(args.file, error, "Basis data tidak berubah."), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        # The import is one transaction: leaving it by this exception rolled it back.
        print(f"{args.file}: {ImportCancelled().message} (Ctrl+C)", file=sys.stderr)
        return 130
    finally:
        database.close()
    print("\n".join(report.summary_lines()))
    if args.report:
        try:
            report.write_json(args.report)
        except OSError as error:
            print(
                f"Data sudah disimpan, tetapi laporan {args.report} tidak dapat ditulis: "
                f"{error.strerror or error}",
                file=sys.stderr,
            )
            return 1
        print(personal_data_warning(str(args.report)))
    return 0
