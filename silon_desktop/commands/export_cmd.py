"""``silon-desktop export``: a pair's supporter list and recap as Excel files.

``--b11 OUT.xlsx`` writes every supporter with status and reasons (Model
B.1.1-KWK); ``--b2 OUT.xlsx`` the counts and spread by kecamatan and desa (Model
B.2-KWK). The PDF reports (recap, berita acara) are made in the application,
*Data* menu: they are drawn with Qt.

Before anything is counted the whole database passes ``PRAGMA integrity_check``;
a damaged file is refused (exit 2, nothing written): an export never carries
the partial counts a damaged file would give.

Exit status: 0 written; 2 nothing asked, an output cannot be written there
(checked before any work), the pair is unknown or the database refused.
"""

from __future__ import annotations

import argparse
import sys

from silon_desktop.commands import add_data_dir_argument, open_existing, refused


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--pair", required=True, metavar="ID", help="id bakal pasangan calon")
    parser.add_argument("--b11", metavar="OUT.xlsx", help="tulis daftar pendukung B.1.1-KWK")
    parser.add_argument("--b2", metavar="OUT.xlsx", help="tulis rekapitulasi B.2-KWK")
    add_data_dir_argument(parser)


def run(args: argparse.Namespace) -> int:
    from silon_desktop import paths
    from silon_desktop.commands.validate_cmd import output_problem
    from silon_desktop.config import Settings
    from silon_desktop.domain.levels import account_kabkota
    from silon_desktop.domain.text import group_thousands
    from silon_desktop.domain.wording import personal_data_warning
    from silon_desktop.importers.store import UnknownPair
    from silon_desktop.reports.recap import PairNotFound, pair_recap
    from silon_desktop.reports.xlsx_export import export_b2, export_b11
    from silon_desktop.services.access import account_level
    from silon_desktop.storage.errors import StoreEnvironmentError
    from silon_desktop.storage.integrity import require_intact

    if not args.b11 and not args.b2:
        print("Sebutkan --b11 OUT.xlsx dan/atau --b2 OUT.xlsx.", file=sys.stderr)
        return 2
    problem = output_problem(args.b11, args.b2)
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    app_paths = paths.resolve(getattr(args, "data_dir", None))
    database = open_existing(app_paths)
    if isinstance(database, int):
        return database
    try:
        require_intact(app_paths.database, database.key)  # never partial counts if damaged
    except StoreEnvironmentError as error:
        database.close()
        print(f"Ekspor ditolak, tidak ada berkas yang ditulis. {error.message}", file=sys.stderr)
        return 2
    try:
        # A training mode folder's data is practice data before it knows its server too.
        practice = app_paths.practice
        if args.b2:
            # A kab/kota account's B.2 of its province's governor pair is its share, as
            # the window's (Services.recap): the account's level at its last login.
            _role, scope = account_level(app_paths, Settings.load(app_paths.settings).username)
            recap = pair_recap(database.engine, args.pair, share=account_kabkota(scope))
            recap.practice = recap.practice or practice
            export_b2(recap, args.b2)
            print(f"Rekap B.2-KWK disimpan: {args.b2}")
        if args.b11:
            count = export_b11(
                database.engine, args.pair, args.b11, tmp_root=app_paths.tmp, practice=practice
            )
            print(f"Daftar B.1.1-KWK disimpan: {args.b11} ({group_thousands(count)} pendukung)")
            print(personal_data_warning(str(args.b11)))
    except PairNotFound:
        return refused(UnknownPair(args.pair))
    except StoreEnvironmentError as error:
        return refused(error)
    except OSError as error:
        print(f"Berkas tidak dapat disimpan: {error}", file=sys.stderr)
        return 2
    finally:
        database.close()
    return 0
