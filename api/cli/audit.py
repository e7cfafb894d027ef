"""`hms audit verify` and `hms audit export`.

`verify` reads the whole event log in batches and checks what the rest of the product
takes for granted: every event decodes, positions increase, every record's versions
run 1, 2, 3 … in log order without gaps or repeats, and no record's time goes
backwards. It keeps one (version, time) per record, never the events, and stops at the
first bad position (exit 1). What it prints names records by id and events by type,
never their content.

`export` writes the audit trail (projections.audit.view: position, time, actor id, event
type, record, a summary without names or free text) to stdout as JSON lines or CSV,
a page at a time.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TextIO
from uuid import UUID

import msgspec

from adapters.db import Database
from api.cli.services import services_for
from hms_core import clock
from projections.audit.queries import audit_events
from projections.audit.view import COLUMNS
from projections.base import from_ts

BATCH = 1000


@dataclass
class LogCheck:
    """What `verify` found: how much it read, and the first problem if any."""

    events: int = 0
    records: int = 0
    last_position: int = 0
    bad_position: int | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.bad_position is None


def check_log(app: Any, batch_size: int = BATCH) -> LogCheck:
    """Read the log from the start, batch by batch, until the end or the first problem."""
    result = LogCheck()
    last: dict[UUID, tuple[int, datetime | None]] = {}

    def bad(position: int, problem: str) -> LogCheck:
        result.bad_position, result.problem = position, problem
        result.records = len(last)
        return result

    while True:
        batch = app.recorder.select_notifications(start=result.last_position + 1, limit=batch_size)
        if not batch:
            break
        for n in batch:
            if n.id <= result.last_position:
                return bad(n.id, f"comes after position {result.last_position}: out of order")
            result.last_position = n.id
            record = f"{n.topic.rsplit(':', 1)[-1]} {n.originator_id}"
            try:
                event = app.mapper.to_domain_event(n)
            except Exception as e:
                return bad(n.id, f"{record} version {n.originator_version} does not decode "
                                 f"({type(e).__name__})")  # fmt: skip
            version, moment = last.get(n.originator_id, (0, None))
            if n.originator_version != version + 1:
                what = "repeats" if n.originator_version <= version else "skips"
                return bad(
                    n.id,
                    f"{record} version {n.originator_version} follows version {version} "
                    f"({what} a version)",
                )
            timestamp = getattr(event, "timestamp", None)
            if moment is not None and timestamp is not None and timestamp < moment:
                return bad(
                    n.id,
                    f"{record} version {n.originator_version} is dated {timestamp.isoformat()}, "
                    f"before version {version} ({moment.isoformat()})",
                )
            last[n.originator_id] = (n.originator_version, timestamp or moment)
            result.events += 1
    result.records = len(last)
    return result


def verify(args: argparse.Namespace) -> int:
    """Check the store's integrity: exit 1 and the first bad position when it fails."""
    services = services_for(args)
    try:
        result = check_log(services.app)
    finally:
        services.close()
    if not result.ok:
        print(
            f"audit verify: FAILED at position {result.bad_position}: {result.problem} "
            f"({result.events} events before it were sound)",
            file=sys.stderr,
        )
        return 1
    print(
        f"audit verify: OK, {result.events} events of {result.records} records, "
        f"positions up to {result.last_position}"
    )
    return 0


def trail(db: Database, date_from: date | None, date_to: date | None) -> Iterator[dict]:
    """The audit trail in log order, a page at a time; times with the local offset."""
    cursor = None
    while True:
        page = audit_events(db, date_from=date_from, date_to=date_to, limit=BATCH, cursor=cursor)
        for row in page.items:
            yield {**row, "at": clock.local(from_ts(row["at"])).isoformat()}
        cursor = page.next_cursor
        if cursor is None:
            return


def write_trail(rows: Iterator[dict], fmt: str, out: TextIO) -> int:
    count = 0
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
            count += 1
        return count
    encoder = msgspec.json.Encoder()
    for row in rows:
        out.write(encoder.encode(row).decode() + "\n")
        count += 1
    return count


def export(args: argparse.Namespace) -> int:
    """The audit trail to stdout: JSON lines (default) or CSV."""
    services = services_for(args)
    try:
        services.runner.catch_up()  # the trail as far as the log goes
        count = write_trail(
            trail(services.db, args.date_from, args.date_to), args.format, sys.stdout
        )
    finally:
        services.close()
    print(f"audit export: {count} events", file=sys.stderr)
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add this module's commands to the `hms` parser."""
    audit = sub.add_parser("audit", help="the audit trail and the store's integrity")
    actions = audit.add_subparsers(dest="action", required=True)
    check = actions.add_parser("verify", help="check the event log (exit 1 at the first fault)")
    check.set_defaults(run=verify)
    out = actions.add_parser("export", help="write the audit trail to stdout")
    out.add_argument("--from", dest="date_from", type=date.fromisoformat, metavar="YYYY-MM-DD")
    out.add_argument("--to", dest="date_to", type=date.fromisoformat, metavar="YYYY-MM-DD")
    out.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    out.set_defaults(run=export)
