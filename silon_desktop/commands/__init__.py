"""Headless subcommands of ``silon-desktop`` (one module each, no Qt)."""

from __future__ import annotations

import argparse


def add_data_dir_argument(parser: argparse.ArgumentParser) -> None:
    """``--data-dir`` after the subcommand too (``silon-desktop import F --data-dir D``)."""
    parser.add_argument(
        "--data-dir",
        metavar="PATH",
        default=argparse.SUPPRESS,  # absent: keep the global --data-dir (or the default)
        help="the data folder holding the local database (same as the global option)",
    )
