"""`hms demo seed`: a realistic synthetic history, for demos and benchmarks.

    hms demo seed [--deviations N] [--seed S] [--years Y] [--until YYYY-MM-DD]

Writes the demo organisation and users (if missing), a few hundred more users, and Y
years of deviations, corrective actions, risk assessments and HR figures ending the
day before `--until` (default today), all through the use cases, then brings the read
models up to date. The same
seed, size, years and `--until` give the same history. Only an empty store, or one with
nothing but the demo organisation, is seeded; anything else is refused (exit 1) and
left as it was.
"""

from __future__ import annotations

import argparse
import time
from datetime import date
from urllib.parse import urlsplit

from demo.history import HistoryPlan, seed_history


def demo_seed(args: argparse.Namespace) -> int:
    """Seed the store named by HMS_DATABASE_URL, then run the projections."""
    from api.cli.services import services_for as _services

    services = _services(args)
    try:
        plan = HistoryPlan(
            deviations=args.deviations,
            seed=args.seed,
            years=args.years,
            until=args.until,
            batch_size=args.batch_size,
        )
        print(
            f"seeding {plan.deviations:,} deviations over {plan.years} years "
            f"(seed {plan.seed}) into {_store(services.settings.database_url)}",
            flush=True,
        )
        result = seed_history(services.app, plan, _progress(time.perf_counter()))
        print(
            f"seeded {result.first_day} – {result.until}: {result.deviations:,} deviations, "
            f"{result.actions:,} actions, {result.assessments} risk assessments, "
            f"{result.users} users, {result.hr_lines} HR lines; {result.events:,} events "
            f"in {result.seconds:.1f} s ({result.deviations / result.seconds:,.0f} "
            f"deviations/s, {result.events / result.seconds:,.0f} events/s)",
            flush=True,
        )
        if result.refused:  # a rule the story does not know yet: the steps did not happen
            refused = ", ".join(f"{step} ×{n}" for step, n in result.refused.items())
            print(f"steps the domain refused: {refused}", flush=True)
        _rebuild(services.runner)
    finally:
        services.close()
    return 0


def _progress(started: float):
    last = [started]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last[0] >= 5 or done >= total:
            last[0] = now
            print(f"  {done:,}/{total:,} deviations ({done / (now - started):,.0f}/s)", flush=True)

    return progress


def _rebuild(runner) -> None:
    """Bring the read models up to date by rebuilding them: for a bulk load this is
    faster than the live catch-up (bigger batches, several processes)."""
    started, head = time.perf_counter(), runner.head()
    runner.rebuild()
    seconds = time.perf_counter() - started
    print(
        f"read models up to date: {head:,} events rebuilt in {seconds:.1f} s "
        f"({head / max(seconds, 1e-9):,.0f} events/s)",
        flush=True,
    )


def _store(url: str) -> str:
    """The store without its password."""
    password = urlsplit(url).password
    return url.replace(f":{password}@", ":***@") if password else url


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add this module's commands to the `hms` parser."""
    demo = sub.add_parser("demo", help="demo data")
    actions = demo.add_subparsers(dest="action", required=True)
    seed = actions.add_parser(
        "seed", help="a realistic synthetic history (empty store, or only the demo organisation)"
    )
    seed.add_argument("--deviations", type=int, default=2000, help="how many (default 2000)")
    seed.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    seed.add_argument("--years", type=int, default=4, help="years of history (default 4)")
    seed.add_argument(
        "--until",
        type=date.fromisoformat,
        default=None,
        help="the history ends the day before (YYYY-MM-DD; default today)",
    )
    seed.add_argument(
        "--batch-size", type=int, default=5000, help="events per transaction (default 5000)"
    )
    seed.set_defaults(run=demo_seed)
