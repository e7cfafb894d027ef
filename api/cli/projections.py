"""`hms projections status` and `hms projections rebuild [NAME]`."""

from __future__ import annotations

import argparse
import sys

from api.cli.services import services_for
from projections.runner.errors import RebuildError


def status(args: argparse.Namespace) -> int:
    """Position and lag of each read model; a stopped one names the event and the error."""
    services = services_for(args)
    print(
        f"{'read model':<20} {'version':>7} {'position':>10} {'head':>10} {'lag':>8} {'lag s':>8}"
    )
    stopped = []
    for s in services.runner.status():
        print(
            f"{s.name:<20} {s.version:>7} {s.position:>10} {s.head:>10} "
            f"{s.lag_events:>8} {s.lag_seconds:>8.1f}"
        )
        if s.failure is not None:
            stopped.append(s.failure)
    for f in stopped:
        print(
            f"STOPPED {f.name}: cannot fold the event at position {f.position} "
            f"({f.event_type}): {f.error}, since {f.failed_at}"
        )
    services.close()
    return 1 if stopped else 0


def rebuild(args: argparse.Namespace) -> int:
    """Replay into fresh tables and swap them in: all read models, or the one named."""
    services = services_for(args)
    names = [args.name] if args.name else None
    if args.name and args.name not in services.runner.projections:
        print(f"unknown read model {args.name!r}; known: {', '.join(services.runner.projections)}")
        return 2
    try:
        for name, position in services.runner.rebuild(names).items():
            print(f"{name}: rebuilt up to position {position}")
    except RebuildError as e:
        print(f"rebuild failed, the live tables are unchanged: {e}", file=sys.stderr)
        return 1
    finally:
        services.close()
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add this module's commands to the `hms` parser."""
    pr = sub.add_parser("projections", help="read models")
    prs = pr.add_subparsers(dest="action", required=True)
    prs.add_parser("status", help="position and lag of each").set_defaults(run=status)
    rb = prs.add_parser("rebuild", help="replay into fresh tables and swap them in")
    rb.add_argument("name", nargs="?")
    rb.set_defaults(run=rebuild)
