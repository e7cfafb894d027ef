"""One measurement in a fresh process, so its peak memory is its own.

    python -m bench.child seed URL N SEED [UNTIL]
    python -m bench.child rebuild URL
    python -m bench.child visibility URL SECONDS RATE
    python -m bench.child queries URL REPEAT

Prints one line of JSON with the figures.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import date

from bench import measure, queries


def main(argv: list[str]) -> dict:
    what, url, *rest = argv
    if what == "seed":
        until = date.fromisoformat(rest[2]) if len(rest) > 2 else None
        return measure.seed(url, int(rest[0]), int(rest[1]), until)
    if what == "rebuild":
        return measure.rebuild(url)
    if what == "visibility":
        return measure.visibility(url, float(rest[0]), float(rest[1]))
    if what == "queries":
        return {"queries": queries.time_queries(url, int(rest[0]))}
    raise SystemExit(f"unknown measurement {what!r}")


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    print(json.dumps(main(sys.argv[1:])))
