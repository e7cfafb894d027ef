"""`hms serve` (the web) and `hms worker` (projections and policies without the web)."""

from __future__ import annotations

import argparse
import logging
import os
import secrets

from api.cli.services import services_for

log = logging.getLogger("hms")

GRACEFUL_SHUTDOWN_SECONDS = 4


def serve(args: argparse.Namespace) -> int:
    """Web server; with --demo it seeds the demo organisation into an empty store."""
    import uvicorn

    if args.demo and not os.environ.get("HMS_SECRET_KEY"):
        # Every worker process must sign with the same key.
        os.environ["HMS_SECRET_KEY"] = secrets.token_urlsafe(32)
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
    services = services_for(args, long_running=False, demo=args.demo)
    if args.workers > 1:
        services.close()  # the store is ready (and seeded); each worker opens its own
        os.environ["HMS_DEMO"] = "1" if args.demo else "0"
        os.environ["HMS_NO_WORKER"] = "1" if args.no_worker else "0"
        uvicorn.run("api.app:app_from_env", factory=True, workers=args.workers, **options)
        return 0
    from api.app import create_app

    uvicorn.run(create_app(services, run_worker=not args.no_worker), **options)
    return 0


def worker(args: argparse.Namespace) -> int:
    """Projections (and scheduled policies) without the web, until interrupted."""
    import signal
    import threading

    # Not a long-running command: like the web, it gives up on the database within
    # seconds (and tries again), so it notices an outage and the database's return.
    services = services_for(args, long_running=False)
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


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add this module's commands to the `hms` parser."""
    s = sub.add_parser("serve", help="web server")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--demo", action="store_true", help="seed the demo into an empty store")
    s.add_argument("--workers", type=int, default=1)
    s.add_argument("--no-worker", action="store_true", help="no projections in this process")
    s.set_defaults(run=serve)
    w = sub.add_parser("worker", help="projections and policies only")
    w.set_defaults(run=worker)
