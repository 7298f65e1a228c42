"""Importing a supporter list, as the import wizard needs it.

Reading the preview and the import itself are slow: the wizard runs them as jobs.
The import writes through ``importers.store`` (its own transactions); what it
changed is the pair's supporters and the outbox.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from silon_desktop.domain.errors import CodedError
from silon_desktop.domain.problem_list import ProblemList
from silon_desktop.importers.columns import (
    FIELDS,
    ColumnMapping,
    load_mapping,
    save_mapping,
)
from silon_desktop.importers.report import ImportReport, row_ranges
from silon_desktop.reports.templates import TEMPLATE_NAMES
from silon_desktop.services.changes import Changes
from silon_desktop.storage.db import Database, open_database

if TYPE_CHECKING:
    from silon_desktop.importers.replace import ReplacePreview

#: what a finished import changed
IMPORT_CHANGES = Changes.of("supporter")

DatabaseSource = str | Path | Database | Callable[[], Database]

__all__ = [
    "FIELDS",
    "IMPORT_CHANGES",
    "TEMPLATE_NAMES",
    "ColumnMapping",
    "ImportReport",
    "ImportService",
    "ProblemList",
    "load_mapping",
    "row_ranges",
    "save_mapping",
]


class ImportService:
    """Imports into one local database.

    Args:
        database: an open database, its file, or a factory of one (a file is opened
            by each import and closed after it).
        tmp_root: the data folder's ``tmp``, for the scratch files of what is
            written (default: ``tmp`` beside the database file).
        account_scope: the region of the logged-in account (its session scope);
            rows of a list it may not write are left out (``importers.store``).
    """

    def __init__(
        self,
        database: DatabaseSource,
        user: Callable[[], str] | None = None,
        *,
        tmp_root: Path | None = None,
        account_scope: Callable[[], str] | None = None,
        refusal: Callable[[], CodedError | None] | None = None,
        practice: Callable[[], bool] | None = None,
    ) -> None:
        self.database = database
        self._tmp_root = tmp_root
        #: who imports (recorded on rows a replacing import withdraws)
        self.user = user or (lambda: "")
        #: the region of the account importing: rows it may not write are not stored
        self.account_scope = account_scope or (lambda: "")
        #: why the logged-in account may store nothing (a level that only reads), or None
        self.refusal = refusal or (lambda: None)
        #: whether the data here is practice data (``Services.practice``: a training
        #: folder's, synced or not); None: the database's mark alone
        self.practice = practice

    def preview(
        self, path: str | Path, hints: dict[str, str] | None = None
    ) -> tuple[ColumnMapping, list[tuple[int, list[Any]]]]:
        """The detected mapping and the first data rows."""
        from silon_desktop.importers.pipeline import preview

        return preview(path, hints)

    def save_template(self, target: str | Path) -> Path:
        """An empty supporter list template (.xlsx or .csv, from the suffix)."""
        from silon_desktop.reports.templates import save_template

        return save_template(target)

    def import_file(
        self,
        path: str | Path,
        pair_id: str,
        mapping: ColumnMapping,
        *,
        progress: Callable[[int, int], None] | None = None,
        cancel: threading.Event | None = None,
        assume_id_scan: bool = False,
        round: str = "submission",  # noqa: A002 - the wire field's name
        replace: bool = False,
    ) -> ImportReport:
        """Validate and store the rows of ``path`` for ``pair_id`` (slow: a job);
        rows it adds arrived in ``round``. Rows are added (a further part of the
        list: NIKs already in the pair classified as duplicates); ``replace``: a
        corrected list replacing the earlier import of the round (rows updated by
        NIK, rows no longer in it withdrawn; see :meth:`preview_replace`).

        Raises:
            CodedError: the account's level writes nothing (``ACCOUNT_READ_ONLY``).
        """
        from silon_desktop.importers.store import import_file

        refused = self.refusal()
        if refused is not None:
            raise refused
        database, owned = self._open()
        try:
            return import_file(
                database,
                path,
                pair_id,
                mapping=mapping,
                progress=progress,
                cancel=cancel,
                assume_id_scan=assume_id_scan,
                round=round,
                replace=replace,
                user=self.user(),
                account_scope=self.account_scope(),
            )
        finally:
            if owned:
                database.close()

    def preview_replace(
        self,
        path: str | Path,
        pair_id: str,
        mapping: ColumnMapping,
        *,
        progress: Callable[[int, int], None] | None = None,
        cancel: threading.Event | None = None,
        assume_id_scan: bool = False,
        round: str = "submission",  # noqa: A002 - the wire field's name
    ) -> ReplacePreview:
        """What a corrected list would change (new, changed, withdrawn rows, with
        examples); writes nothing (slow: a job)."""
        from silon_desktop.importers import replace
        from silon_desktop.importers.pipeline import ImportOptions
        from silon_desktop.importers.store import pair_context

        database, owned = self._open()
        try:
            with database.engine.connect() as conn:
                ctx = pair_context(conn, pair_id)
            options = ImportOptions(
                ctx.region,
                ctx.reference_date,
                ctx.rule_set,
                mapping=mapping,
                assume_id_scan=assume_id_scan,
                account_scope=self.account_scope(),
                pair_scope=ctx.scope,
            )
            return replace.preview(
                database, path, pair_id, options, round=round, progress=progress, cancel=cancel
            )
        finally:
            if owned:
                database.close()

    def problem_list(self, report: ImportReport, pair_label: str = "") -> ProblemList:
        """The import's problems row by row, in plain Indonesian, for the pair's LO
        (marked LATIHAN while the data here is practice data)."""
        import dataclasses

        from silon_desktop.importers.problems import import_problems

        problems = import_problems(report, pair_label)
        return dataclasses.replace(problems, practice=self.practice_data())

    def practice_data(self) -> bool:
        """Whether the data here is practice data (LATIHAN on its files)."""
        from sync.client.training import is_practice

        if self.practice is not None:
            return self.practice()
        database, owned = self._open()
        try:
            return is_practice(database)
        finally:
            if owned:
                database.close()

    def write_problems_xlsx(self, problems: ProblemList, target: str | Path) -> Path:
        """Write a problem list as XLSX (a job for a long list).

        Raises:
            OSError: the file cannot be written there.
        """
        from silon_desktop.reports.problem_list import write_problems_xlsx

        return write_problems_xlsx(problems, target, tmp_root=self.tmp_root)

    @property
    def tmp_root(self) -> Path:
        """Where scratch files go: the data folder's ``tmp`` (beside the database file)."""
        if self._tmp_root is not None:
            return self._tmp_root
        source = self.database
        if isinstance(source, str | Path):
            return Path(source).parent / "tmp"
        database = source if isinstance(source, Database) else source()
        return Path(database.path).parent / "tmp"

    def _open(self) -> tuple[Database, bool]:
        """The database to import into, and whether this call opened it (and closes it)."""
        source = self.database
        if isinstance(source, Database):
            return source, False
        if isinstance(source, str | Path):
            return open_database(source), True
        return source(), False
