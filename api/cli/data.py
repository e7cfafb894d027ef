"""Commands that bring data in: `hms hr import` (`hms demo seed` lives in api.cli.demo)."""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

from api.cli.services import services_for
from hms_core.access import system_principal
from hms_core.hr.errors import HRImportRejectedError
from hms_core.hr.figures import HRLine

# Column names as HR exports spell them, English or Norwegian, any case.
HR_COLUMNS = {
    "unit": ("unit", "unit_id", "enhet", "enhetskode", "enhet_kode"),
    "period": ("period", "periode", "måned", "maned", "år", "ar"),
    "sick_leave_percent": (
        "sick_leave_percent",
        "sick_leave",
        "sykefravær",
        "sykefravaer",
        "sykefravær_prosent",
        "sykefravær %",
    ),
    "turnover_percent": ("turnover_percent", "turnover", "turnover %", "turnover_prosent"),
    "hours_worked": ("hours_worked", "hours", "timer", "arbeidstimer", "utførte_timer"),
    "fte": ("fte", "årsverk", "arsverk"),
}
REQUIRED = ("unit", "period", "sick_leave_percent", "turnover_percent")


class CSVFormatError(ValueError):
    """The file is not a table of HR figures at all (no header we know)."""


def read_hr_csv(path: Path) -> list[HRLine]:
    """Lines of a CSV file with a header row, `;` or `,` separated (as Excel writes it).

    Numbers may use a decimal comma (`12,5`); line numbers are the file's own, so a
    person can find each bad line in the spreadsheet.
    """
    text = path.read_text(encoding="utf-8-sig")  # Excel puts a byte-order mark first
    header = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if header.count(";") >= header.count(",") and ";" in header else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    names = [n.strip().lower() for n in next(reader, [])]
    columns = {}
    for field, aliases in HR_COLUMNS.items():
        found = [i for i, name in enumerate(names) if name in aliases]
        if found:
            columns[field] = found[0]
    missing = [f for f in REQUIRED if f not in columns]
    if missing:
        raise CSVFormatError(
            f"mangler kolonne: {', '.join(missing)} (første linje må være overskrifter)"
        )
    lines = []
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        values = {f: (cells[i] if i < len(cells) else "") for f, i in columns.items()}
        lines.append(HRLine(line=reader.line_num, **values))
    return lines


def hr_import(args: argparse.Namespace) -> int:
    """Sick leave % and turnover % per unit and period; all lines, or none if one is bad."""
    try:
        lines = read_hr_csv(Path(args.file))
    except CSVFormatError as e:
        print(f"{args.file}: {e}", file=sys.stderr)
        return 1
    services = services_for(args)
    try:
        result = services.app.import_hr_figures(system_principal("hr-import"), lines)
    except HRImportRejectedError as e:
        for problem in e.problems:
            print(f"{args.file}: {problem}", file=sys.stderr)
        print(f"{len(e.problems)} feil; ingenting er lagret.", file=sys.stderr)
        return 1
    finally:
        services.close()
    print(
        f"HR-tall: {result.lines} linjer lest; {result.recorded} nye, "
        f"{result.revised} erstattet, {result.unchanged} uendret"
    )
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add this module's commands to the `hms` parser."""
    hr = sub.add_parser("hr", help="figures from the HR system")
    actions = hr.add_subparsers(dest="action", required=True)
    command = actions.add_parser("import", help="sick leave and turnover from a CSV file")
    command.add_argument("file", help="CSV with a header: unit;period;sick_leave_percent;…")
    command.set_defaults(run=hr_import)
