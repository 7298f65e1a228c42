"""Headless subcommands of ``silon-desktop`` (one module each, no Qt)."""

from __future__ import annotations

import argparse
import sys

from silon_desktop.domain.errors import CodedError


def add_data_dir_argument(parser: argparse.ArgumentParser) -> None:
    """``--data-dir`` after the subcommand too (``silon-desktop import F --data-dir D``)."""
    parser.add_argument(
        "--data-dir",
        metavar="PATH",
        default=argparse.SUPPRESS,  # absent: keep the global --data-dir (or the default)
        help="the data folder holding the local database (same as the global option)",
    )


def refused(error: CodedError, exit_code: int = 2, prefix: str = "") -> int:
    """Print a coded error's words on stderr (the one table's Indonesian, the words the
    UI shows translated) and return ``exit_code``."""
    print(f"{prefix}{error.message}", file=sys.stderr)
    return exit_code
