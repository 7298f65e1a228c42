"""Errors of the importers: a file that cannot be read at all.

A bad *row* is never an exception: it becomes a status and reason codes in the
report. Only a file that cannot be read as a table (missing, truncated, not a
spreadsheet, empty, no header) raises :class:`ImportFileError`.
"""

from __future__ import annotations

import re
from pathlib import Path

from silon_desktop.domain.errors import CodedError, ErrorCode

#: A quoted passage of a library's message, to its closing quote or the message's end.
_QUOTED = re.compile(r"""(['"])(?:(?!\1).)*(?:\1|$)""", re.DOTALL)
#: A library's message is kept to this many characters.
_LIBRARY_DETAIL_MAX = 200


class ImportFileError(CodedError):
    """The file cannot be read as a supporter list.

    Attributes:
        path: the file.
        problem: a machine code: ``not_found``, ``unreadable``, ``truncated``,
            ``not_spreadsheet``, ``empty``, ``no_header`` (its detail: the missing
            fields, comma-separated), ``encrypted``, ``is_folder``, ``too_large`` (a declared or inflated size
            no supporter list has; see :mod:`silon_desktop.importers.limits`),
            ``unclosed_quote`` (a CSV quote left open; its detail: the line it opens on).
        code: the :class:`ErrorCode` of ``problem`` (params ``name``, ``detail``,
            ``columns``); the words come from ``domain.wording``.
    """

    _CODES = {
        "not_found": ErrorCode.IMPORT_NOT_FOUND,
        "unreadable": ErrorCode.IMPORT_UNREADABLE,
        "truncated": ErrorCode.IMPORT_TRUNCATED,
        "not_spreadsheet": ErrorCode.IMPORT_NOT_SPREADSHEET,
        "empty": ErrorCode.IMPORT_EMPTY,
        "no_header": ErrorCode.IMPORT_NO_HEADER,
        "encrypted": ErrorCode.IMPORT_ENCRYPTED,
        "is_folder": ErrorCode.IMPORT_IS_FOLDER,
        "too_large": ErrorCode.IMPORT_TOO_LARGE,
        "unclosed_quote": ErrorCode.IMPORT_UNCLOSED_QUOTE,
    }

    def __init__(self, path: str | Path, problem: str, detail: str = "") -> None:
        self.path = Path(path)
        self.problem = problem
        self.detail = detail
        if problem == "no_header" and detail:
            super().__init__(ErrorCode.IMPORT_MISSING_COLUMNS, name=self.path.name, columns=detail)
        else:
            code = self._CODES.get(problem, ErrorCode.IMPORT_UNREADABLE)
            super().__init__(code, name=self.path.name, detail=detail or problem)

    @classmethod
    def from_library(cls, path: str | Path, problem: str, exc: BaseException) -> ImportFileError:
        """The error of a file a reading library refused, with the library's message
        for the helpdesk but nothing it quotes: python-calamine quotes a refused
        cell's text (``Unsupported cell error value '<the cell>'``), which may be a
        citizen's name, address or birth date, and the message reaches the operator's
        log and the diagnostics they copy (which mask NIKs only)."""
        detail = _QUOTED.sub("'…'", str(exc))[:_LIBRARY_DETAIL_MAX]
        return cls(path, problem, detail)

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"
