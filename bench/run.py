"""Run the benchmarks and print the figures (`make bench`).

    python -m bench.run [--store sqlite|postgres|both] [--deviations N] [--small N]
                        [--only seed,rebuild,queries,visibility] [--url URL] [--keep]

Per store: seed a scratch store with `--small` deviations and rebuild its read models,
then seed one with `--deviations` and rebuild, time the queries and the visibility of
new reports on it. Every measurement runs in a process of its own (peak RSS is its
own). Figures go to the screen and to bench/results/<timestamp>.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import sqlite3
import subprocess
import sys
import time
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.stores import PG_ADMIN_URL, database_size, scratch_store

RESULTS = Path(__file__).parent / "results"
TARGETS = {
    "rebuild_events_per_s": {"sqlite": 20_000, "postgres": 10_000},
    "visibility_p99_ms": 500,
    "query_p95_ms": 50,
}


def child(*argv: Any) -> dict[str, Any]:
    """Run one measurement in a fresh Python process; its JSON line."""
    command = [sys.executable, "-m", "bench.child", *map(str, argv)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"{' '.join(command[2:4])} failed ({done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


def say(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def bench_store(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    result: dict[str, Any] = {"rebuild": []}
    with ExitStack() as stack:
        if args.url:
            url = args.url
        else:
            if "rebuild" in args.only and args.small:
                small = stack.enter_context(scratch_store(kind, "small", keep=args.keep))
                say(f"{kind}: seeding {args.small:,} deviations")
                result["seed_small"] = child("seed", small, args.small, args.seed)
                say(f"{kind}: rebuilding every read model ({args.small:,} deviations)")
                result["rebuild"].append({"deviations": args.small, **child("rebuild", small)})
            url = stack.enter_context(scratch_store(kind, "large", keep=args.keep))
            say(f"{kind}: seeding {args.deviations:,} deviations")
            result["seed"] = child("seed", url, args.deviations, args.seed)
            result["store_bytes"] = database_size(url)
            if args.keep:
                say(f"{kind}: kept {url}")
        if "rebuild" in args.only:
            say(f"{kind}: rebuilding every read model")
            result["rebuild"].append({"deviations": args.deviations, **child("rebuild", url)})
        if "queries" in args.only:
            say(f"{kind}: timing queries")
            result["queries"] = child("queries", url, args.repeat)["queries"]
            say(f"{kind}: ANALYZE, and timing queries again")
            analyze(url)
            result["queries_analyzed"] = child("queries", url, args.repeat)["queries"]
        if "visibility" in args.only:
            say(f"{kind}: {args.rate}/s reports for {args.seconds} s, runner in a thread")
            result["visibility"] = child("visibility", url, args.seconds, args.rate)
    return result


def analyze(url: str) -> None:
    """Planner statistics for every table, as PostgreSQL's autovacuum gathers them in time
    (the runner leaves rebuilt tables without; SQLite has none unless asked)."""
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            conn.execute("ANALYZE")
        return
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE")


def code_versions() -> dict[str, str]:
    """Which code was measured: the read models change while others work on them."""
    root = Path(__file__).parent.parent
    files = [
        *sorted((root / "projections").rglob("*.py")),
        *sorted((root / "demo").rglob("*.py")),
        root / "hms_core" / "application.py",  # the batch mode the seeding saves through
    ]
    return {str(f.relative_to(root)): hashlib.sha1(f.read_bytes()).hexdigest()[:10] for f in files}


def machine() -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        int(line.split()[1]) // 1024 // 1024
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    info = {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": memory,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "load_average": os.getloadavg(),
    }
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3) as conn:
            info["postgres"] = conn.execute("SHOW server_version").fetchone()[0]
    except Exception as e:  # the figures for SQLite are still worth having
        info["postgres"] = f"unreachable: {e}"
    return info


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def print_table(report: dict[str, Any]) -> None:
    lines = []
    for kind, figures in report["stores"].items():
        lines.append(f"\n== {kind} ==")
        seeded = figures.get("seed")
        if seeded:
            lines.append(
                f"seed {seeded['deviations']:>9,} deviations  {seeded['events']:>10,} events  "
                f"{seeded['seconds']:>7.1f} s  {seeded['deviations_per_s']:>6,}/s deviations  "
                f"catch-up {seeded['catch_up_seconds']:.1f} s "
                f"({seeded['catch_up_events_per_s']:,} events/s)  "
                f"peak RSS {seeded['peak_rss_mb']:.0f} MB"
            )
        target = TARGETS["rebuild_events_per_s"][kind]
        for r in figures.get("rebuild", []):
            lines.append(
                f"rebuild {r['deviations']:>9,} deviations  {r['events']:>10,} events  "
                f"{r['seconds']:>7.1f} s  {r['events_per_s']:>7,} events/s "
                f"(target {target:,}: {verdict(r['events_per_s'] >= target)})  "
                f"RSS {r['rss_before_mb']:.0f} → peak {r['peak_rss_mb']:.0f} MB "
                f"(other processes: peak {r.get('children_peak_rss_mb', 0):.0f} MB)"
            )
        v = figures.get("visibility")
        if v:
            lines.append(
                f"visible in every read model: {v['reports']} reports at {v['rate_per_s']}/s  "
                f"p50 {v['p50_ms']} ms  p99 {v['p99_ms']} ms  max {v['max_ms']} ms "
                f"(target p99 < {TARGETS['visibility_p99_ms']}: "
                f"{verdict(v['p99_ms'] < TARGETS['visibility_p99_ms'])})"
            )
        for key, title in (("queries", "as left"), ("queries_analyzed", "after ANALYZE")):
            if not figures.get(key):
                continue
            lines.append(
                f"{'query (' + title + ')':<45} {'as':<11} {'rows':>5} {'p50 ms':>8} {'p95 ms':>8}"
            )
            for q in figures[key]:
                p95 = q["p95_ms"]
                mark = "" if p95 is None else verdict(p95 < TARGETS["query_p95_ms"])
                lines.append(
                    f"{q['query'][:45]:<45} {q['as']:<11} {q['rows']:>5} {q['p50_ms']:>8} "
                    f"{'' if p95 is None else p95:>8} {mark}"
                )
    print("\n".join(lines))


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    p.add_argument("--store", choices=("sqlite", "postgres", "both"), default="both")
    p.add_argument("--deviations", type=int, default=50_000, help="the large store (50,000)")
    p.add_argument("--small", type=int, default=None, help="the small store (a fifth)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--repeat", type=int, default=30, help="runs of each query (30)")
    p.add_argument("--seconds", type=float, default=30.0, help="visibility: how long (30)")
    p.add_argument("--rate", type=float, default=20.0, help="visibility: reports/s (20)")
    p.add_argument(
        "--only",
        type=lambda s: set(s.split(",")),
        default={"rebuild", "queries", "visibility"},
        help="rebuild,queries,visibility (all)",
    )
    p.add_argument("--url", help="benchmark this already seeded store instead")
    p.add_argument("--keep", action="store_true", help="keep the scratch stores")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.small is None:
        args.small = args.deviations // 5
    kinds = ("sqlite", "postgres") if args.store == "both" else (args.store,)
    if args.url:
        kinds = ("sqlite" if args.url.startswith("sqlite") else "postgres",)
    started = datetime.now().astimezone()
    report = {
        "started": started.isoformat(timespec="seconds"),
        "machine": machine(),
        "deviations": args.deviations,
        "small": args.small,
        "targets": TARGETS,
        "code": code_versions(),
        "stores": {},
    }
    for kind in kinds:
        clock = time.perf_counter()
        report["stores"][kind] = bench_store(kind, args)
        report["stores"][kind]["bench_seconds"] = round(time.perf_counter() - clock)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{started:%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
    print_table(report)
    print(f"\nfigures written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
