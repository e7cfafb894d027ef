"""Replaying the log into a rebuild's shadow tables, here or in several processes at once.

`replay` folds the log from its start to its head into the copies, in large batches
committed without waiting for the disk (a crash redoes the rebuild anyway).

A rebuild is Python work (decoding events and folding them), so one process keeps one
core busy. The read models don't depend on each other, so a rebuild splits them into
groups of about equal work and each group replays the log into its shadow tables in a
process of its own (`replay_in_parallel`); the rebuild then swaps them all in. On
PostgreSQL this nearly doubles a rebuild on two cores; on SQLite, where one writer at
a time holds the file, the groups overlap only in reading and decoding.

Processes are spawned, not forked: the parent may be a web server with threads and
open connections, none of which a child should inherit. A spawned child needs about a
second to import the product, so logs shorter than `PARALLEL_FROM` events are replayed
in-process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from adapters.db import Database, database_for
from adapters.outages import is_unavailable
from hms_core import clock
from projections import all_projections
from projections.base import Projection, Tables
from projections.runner.folding import Batch, locate
from projections.runner.log_reader import LogReader

PARALLEL_FROM = 50_000  # events
MAX_WORKERS = 4


def replay(
    db: Database,
    log: LogReader,
    chosen: Sequence[Projection],
    shadows: dict[str, Tables],
    batch_size: int,
) -> int:
    """Fold the log, from the start to its head, into the shadow tables; the position
    reached (the swap folds what came after)."""
    position = 0
    while True:
        head = log.head()
        batch = log.read(position, head, batch_size) if position < head else []
        if not batch:
            return position
        for p in chosen:
            _replay_batch(db, p, shadows[p.name], batch)
        position = batch[-1][0]


def _replay_batch(db: Database, p: Projection, t: Tables, batch: Batch) -> None:
    try:
        with db.transaction(durable=False) as cur:
            p.handle(cur, t, batch)
    except Exception as e:
        if is_unavailable(e):
            raise
        with db.reading() as cur:
            raise locate(cur, p, t, batch) from e


def worker_count(events: int) -> int:
    """How many processes a rebuild of this many events should use."""
    if events < PARALLEL_FROM:
        return 1
    return max(1, min(os.cpu_count() or 1, MAX_WORKERS))


def split(projections: Sequence[Projection], n: int) -> list[list[Projection]]:
    """At most `n` groups of about equal work, the heaviest read models spread first."""
    groups: list[list[Projection]] = [[] for _ in range(max(1, min(n, len(projections))))]
    loads = [0.0] * len(groups)
    for p in sorted(projections, key=lambda p: -p.rebuild_weight):
        lightest = loads.index(min(loads))
        groups[lightest].append(p)
        loads[lightest] += p.rebuild_weight
    return [g for g in groups if g]


@dataclass(frozen=True)
class ReplayJob:
    """What a child process needs to replay some read models: picklable values only."""

    app_class: type
    env: dict[str, str]
    timezone: str
    names: tuple[str, ...]
    shadows: dict[str, dict[str, str]]
    batch_size: int


def job_for(
    app: Any, group: Sequence[Projection], shadows: dict[str, Tables], batch_size: int
) -> ReplayJob:
    return ReplayJob(
        app_class=type(app),
        # The tables exist; a child creating them IF NOT EXISTS at the same moment as
        # another can fail on PostgreSQL's catalog.
        env={**app.env, "CREATE_TABLE": "no"},
        timezone=clock.timezone().key,
        names=tuple(p.name for p in group),
        shadows={p.name: dict(shadows[p.name]) for p in group},
        batch_size=batch_size,
    )


def run_job(job: ReplayJob) -> int:
    """In the child: open the store, replay the group, return the position reached."""
    clock.configure_timezone(job.timezone)
    app = job.app_class(env=job.env)
    db = database_for(app)
    try:
        chosen = [p for p in all_projections() if p.name in job.names]
        shadows = {n: Tables(t) for n, t in job.shadows.items()}
        return replay(db, LogReader(app), chosen, shadows, job.batch_size)
    finally:
        db.close()
        app.close()


def replay_in_parallel(
    db: Database,
    log: LogReader,
    groups: list[list[Projection]],
    shadows: dict[str, Tables],
    batch_size: int,
) -> dict[str, int]:
    """Replay the first group here and the others in child processes; each read model's
    position reached."""
    reached: dict[str, int] = {}
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=len(groups) - 1, mp_context=context) as pool:
        futures = [
            (g, pool.submit(run_job, job_for(log.app, g, shadows, batch_size))) for g in groups[1:]
        ]
        position = replay(db, log, groups[0], shadows, batch_size)
        reached.update((p.name, position) for p in groups[0])
        for group, future in futures:
            position = future.result()
            reached.update((p.name, position) for p in group)
    return reached
