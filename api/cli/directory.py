"""`hms org import FILE` (org units and users) and `hms tokens create USERNAME`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import msgspec

from api.cli.services import services_for
from hms_core.access import system_principal


def org_import(args: argparse.Namespace) -> int:
    """Org units and users from a YAML file (the shape of hms_core.directory.org_import)."""
    import yaml

    from hms_core.directory.org_import import DirectoryDocument

    raw = yaml.safe_load(Path(args.file).read_text(encoding="utf-8")) or {}
    document = msgspec.convert(raw, DirectoryDocument)
    services = services_for(args)
    result = services.app.import_directory(system_principal("org-import"), document)
    print(
        f"units: {result.units_added} added, {result.units_changed} changed; "
        f"users: {result.users_added} added, {result.users_changed} changed"
    )
    services.close()
    return 0


def tokens_create(args: argparse.Namespace) -> int:
    """Print a new API token for the user."""
    services = services_for(args)
    user = services.app.find_user(args.username)
    if user is None:
        print(f"no user {args.username!r}", file=sys.stderr)
        services.close()
        return 1
    print(services.app.issue_token(system_principal("cli"), user_id=user.id))
    services.close()
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add this module's commands to the `hms` parser."""
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
