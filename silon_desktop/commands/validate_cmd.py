"""``silon-desktop validate``: check a supporter list without a database or a display.

Writes a JSON array with one object per data row (``row`` as the spreadsheet
numbers it, header = 1 counting from the top; ``nik`` as read; ``status`` MS,
BMS or TMS; ``codes`` the reason codes) and prints a summary.

Exit status: 0 the file could be read (whatever its rows hold); 2 it could not
(missing, truncated, not a spreadsheet, empty, no header), with a message
naming the file and the problem.

``silon-desktop validate --template OUT.xlsx`` (or ``.csv``) saves an empty
B.1-KWK import template instead.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", nargs="?", help="the supporter list (XLSX, XLS, ODS or CSV)")
    parser.add_argument("--region", help="region code of the election, e.g. 32.14 or 32")
    parser.add_argument(
        "--reference-date",
        type=_date,
        help="date ages are counted at, YYYY-MM-DD (default: today)",
    )
    parser.add_argument("--report", metavar="OUT.json", help="write the row report here")
    parser.add_argument("--rule-set", help="rule set id (default: the current one)")
    parser.add_argument(
        "--assume-id-scans",
        action="store_true",
        help="count every row as having its ID card scan (else each is NO_ID_SCAN)",
    )
    parser.add_argument("--mapping", metavar="MAP.json", help="use a saved column mapping")
    parser.add_argument("--save-mapping", metavar="MAP.json", help="save the column mapping used")
    parser.add_argument(
        "--template", metavar="OUT", help="save an empty import template (.xlsx or .csv) and exit"
    )


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from exc


def run(args: argparse.Namespace) -> int:
    if args.template:
        return save_template_cmd(args.template)
    if not args.file or not args.region:
        print("validate: FILE and --region are needed (or --template OUT).", file=sys.stderr)
        return 2
    from silon_desktop.importers.columns import load_mapping, save_mapping
    from silon_desktop.importers.errors import ImportFileError
    from silon_desktop.importers.pipeline import ImportOptions, validate_file

    options = ImportOptions(
        region=args.region,
        reference_date=args.reference_date or dt.date.today(),
        rule_set=args.rule_set,
        assume_id_scan=args.assume_id_scans,
    )
    try:
        if args.mapping:
            options.hints = load_mapping(args.mapping).header_hints()
        report = validate_file(args.file, options)
    except ImportFileError as error:
        print(error.message, file=sys.stderr)
        return 2
    except (ValueError, OSError) as error:
        print(f"{args.file}: {error}", file=sys.stderr)
        return 2
    if args.report:
        report.write_json(args.report)
    if args.save_mapping:
        save_mapping(report.mapping, args.save_mapping)
    print("\n".join(report.summary_lines()))
    return 0


def save_template_cmd(target: str) -> int:
    from silon_desktop.reports.templates import save_template

    try:
        path = save_template(target)
    except (ValueError, OSError) as error:
        print(f"{target}: {error}", file=sys.stderr)
        return 2
    print(f"Templat disimpan: {path}")
    return 0
