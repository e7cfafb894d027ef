"""The services a command works with, built from the settings it runs with."""

from __future__ import annotations

import argparse

import msgspec

from api.bootstrap import Services, build
from api.settings import Settings


def settings_for(args: argparse.Namespace, *, long_running: bool = True) -> Settings:
    """The environment's settings (CONTRACT.md), as this command needs them.

    Only the web signs anything (sessions, forms), so only `hms serve` needs
    HMS_SECRET_KEY, and with `--demo` not even that. A long-running command (a rebuild,
    seeding, an import) may run for minutes: no web-sized statement timeout.
    """
    needs_key = args.command == "serve" and not args.demo
    settings = Settings.from_env(demo=not needs_key)
    return msgspec.structs.replace(settings, long_running=long_running)


def services_for(
    args: argparse.Namespace, *, long_running: bool = True, demo: bool = False
) -> Services:
    """The store, read models and use cases for this command; `demo` seeds the demo
    organisation and users into an empty store."""
    return build(settings_for(args, long_running=long_running), seed_demo=demo)
