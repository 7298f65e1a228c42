"""Indonesian words for the command lines' help and errors (``silon-desktop``, ``silon-server``).

``argparse`` prints its own words ("usage:", "options", "the following arguments are
required") through ``gettext``; Python ships no Indonesian catalogue, so
:func:`install` puts this small table in its place. The help text of each option is
written in Indonesian where the option is defined.
"""

from __future__ import annotations

import argparse

#: argparse's own words (Python 3.11) -> Indonesian
ARGPARSE_ID: dict[str, str] = {
    "usage: ": "cara pakai: ",
    "positional arguments": "argumen",
    "options": "pilihan",
    "show this help message and exit": "tampilkan bantuan ini lalu keluar",
    "show program's version number and exit": "tampilkan nomor versi lalu keluar",
    "%(prog)s: error: %(message)s\n": "%(prog)s: kesalahan: %(message)s\n",
    "the following arguments are required: %s": "argumen berikut wajib diisi: %s",
    "unrecognized arguments: %s": "argumen tidak dikenal: %s",
    "argument %(argument_name)s: %(message)s": "argumen %(argument_name)s: %(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "pilihan tidak dikenal: %(value)r (pilih salah satu: %(choices)s)"
    ),
    "invalid %(type)s value: %(value)r": "nilai %(type)s tidak sah: %(value)r",
    "expected one argument": "perlu satu nilai",
    "expected at least one argument": "perlu paling sedikit satu nilai",
    "expected at most one argument": "paling banyak satu nilai",
    "not allowed with argument %s": "tidak boleh bersama argumen %s",
    "one of the arguments %s is required": "salah satu argumen %s wajib diisi",
    "ambiguous option: %(option)s could match %(matches)s": (
        "pilihan %(option)s ambigu: bisa berarti %(matches)s"
    ),
    "can't open '%(filename)s': %(error)s": "'%(filename)s' tidak dapat dibuka: %(error)s",
    "ignored explicit argument %r": "argumen %r diabaikan",
}


def _indonesian(text: str) -> str:
    return ARGPARSE_ID.get(text, text)


def install() -> None:
    """argparse's own words in Indonesian (its module-level ``_``, read at each call)."""
    argparse._ = _indonesian  # type: ignore[attr-defined]
