"""The `hms` command line (CONTRACT.md): the parser and `main`.

One module per group of commands, each adding its own to the parser: `serve` (serve,
worker), `projections`, `directory` (org import, tokens), `data` (hr import), `demo`
(demo seed), `audit` (verify, export). They build what they work with through
`api.cli.services.services_for`.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

import msgspec

from adapters.outages import is_unavailable
from api.bootstrap import DatabaseUnavailable
from api.cli import audit, data, demo, directory, projections, serve
from api.settings import ConfigurationError
from hms_core.errors import DomainError


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="hms", description="HMS deviation and risk management")
    sub = p.add_subparsers(dest="command", required=True)
    for commands in (serve, projections, directory, data, demo, audit):
        commands.add_commands(sub)
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
