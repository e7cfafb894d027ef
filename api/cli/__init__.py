"""The `hms` command line (CONTRACT.md)."""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import sys
from collections.abc import Sequence
from pathlib import Path

import msgspec

from adapters.db import is_unavailable
from api.bootstrap import DatabaseUnavailable, Services, build
from api.settings import ConfigurationError, Settings
from hms_core.access import system_principal
from hms_core.errors import DomainError
from projections.runner.runner import RebuildError

log = logging.getLogger("hms")


def _services(args: argparse.Namespace, *, demo: bool = False) -> Services:
    """The store for a command: it signs nothing (no key needed), and may run for minutes
    (rebuilds, seeding, imports), so no web-sized statement timeout."""
    settings = msgspec.structs.replace(Settings.from_env(demo=True), long_running=True)
    return build(settings, seed_demo=demo)


GRACEFUL_SHUTDOWN_SECONDS = 4


def serve(args: argparse.Namespace) -> int:
    """Web server; with --demo it seeds the demo organisation into an empty store."""
    import uvicorn

    if args.demo and not os.environ.get("HMS_SECRET_KEY"):
        # Every worker process must sign with the same key.
        os.environ["HMS_SECRET_KEY"] = secrets.token_urlsafe(32)
    settings = Settings.from_env(demo=args.demo)
    options = {
        "host": args.host,
        "port": args.port,
        "access_log": False,
        "log_level": "info",
        # On SIGTERM, requests still running get this long; then the store is closed.
        # Both together must fit in Docker's 10 s grace.
        "timeout_graceful_shutdown": GRACEFUL_SHUTDOWN_SECONDS,
        # uvicorn would believe X-Forwarded-For from 127.0.0.1 by default; the app
        # decides instead, from HMS_TRUSTED_PROXIES only (api.security.client_address).
        "proxy_headers": False,
    }
    if args.workers > 1:
        build(settings, seed_demo=args.demo).close()
        os.environ["HMS_DEMO"] = "1" if args.demo else "0"
        os.environ["HMS_NO_WORKER"] = "1" if args.no_worker else "0"
        uvicorn.run("api.app:app_from_env", factory=True, workers=args.workers, **options)
        return 0
    from api.app import create_app

    services = build(settings, seed_demo=args.demo)
    uvicorn.run(create_app(services, run_worker=not args.no_worker), **options)
    return 0


def worker(args: argparse.Namespace) -> int:
    """Projections (and scheduled policies) without the web, until interrupted."""
    import signal
    import threading

    # Not a long-running command: like the web, it gives up on the database within
    # seconds (and tries again), so it notices an outage and the database's return.
    services = build(Settings.from_env(demo=True))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    services.start()
    log.info("worker running; Ctrl-C to stop")
    try:
        while not stop.wait(1.0):
            pass
    except KeyboardInterrupt:
        pass
    services.close()
    return 0


def projections_status(args: argparse.Namespace) -> int:
    """Position and lag of each read model; a stopped one names the event and the error."""
    services = _services(args)
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


def projections_rebuild(args: argparse.Namespace) -> int:
    services = _services(args)
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


def org_import(args: argparse.Namespace) -> int:
    """Org units and users from a YAML file (the shape of hms_core.directory.org_import)."""
    import yaml

    from hms_core.directory.org_import import DirectoryDocument

    raw = yaml.safe_load(Path(args.file).read_text(encoding="utf-8")) or {}
    document = msgspec.convert(raw, DirectoryDocument)
    services = _services(args)
    result = services.app.import_directory(system_principal("org-import"), document)
    print(
        f"units: {result.units_added} added, {result.units_changed} changed; "
        f"users: {result.users_added} added, {result.users_changed} changed"
    )
    services.close()
    return 0


def tokens_create(args: argparse.Namespace) -> int:
    services = _services(args)
    user = services.app.find_user(args.username)
    if user is None:
        print(f"no user {args.username!r}", file=sys.stderr)
        services.close()
        return 1
    print(services.app.issue_token(system_principal("cli"), user_id=user.id))
    services.close()
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="hms", description="HMS deviation and risk management")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("serve", help="web server")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--demo", action="store_true", help="seed the demo into an empty store")
    s.add_argument("--workers", type=int, default=1)
    s.add_argument("--no-worker", action="store_true", help="no projections in this process")
    s.set_defaults(run=serve)

    w = sub.add_parser("worker", help="projections and policies only")
    w.set_defaults(run=worker)

    pr = sub.add_parser("projections", help="read models")
    prs = pr.add_subparsers(dest="action", required=True)
    prs.add_parser("status", help="position and lag of each").set_defaults(run=projections_status)
    rb = prs.add_parser("rebuild", help="replay into fresh tables and swap them in")
    rb.add_argument("name", nargs="?")
    rb.set_defaults(run=projections_rebuild)

    o = sub.add_parser("org", help="org tree and users")
    os_ = o.add_subparsers(dest="action", required=True)
    oi = os_.add_parser("import", help="from a YAML file")
    oi.add_argument("file")
    oi.set_defaults(run=org_import)

    t = sub.add_parser("tokens", help="API tokens")
    ts = t.add_subparsers(dest="action", required=True)
    tc = ts.add_parser("create", help="print a new API token for a user")
    tc.add_argument("username")
    tc.set_defaults(run=tokens_create)

    from api.cli import audit, data, demo

    data.add_commands(sub)
    demo.add_commands(sub)
    audit.add_commands(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except ConfigurationError as e:
        print(f"configuration: {e}", file=sys.stderr)
        return 2
    except DomainError as e:
        field = getattr(e, "field", None)
        print(f"refused: {e.detail}" + (f" ({field})" if field else ""), file=sys.stderr)
        return 1
    except (msgspec.ValidationError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except DatabaseUnavailable as e:
        print(f"error: {e}", file=sys.stderr)
        return 3
    except Exception as e:
        if not is_unavailable(e):
            raise
        # The database went away while the command ran: say so, without a stack.
        print(f"error: the database stopped answering ({type(e).__name__})", file=sys.stderr)
        return 3
