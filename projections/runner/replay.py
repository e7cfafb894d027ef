"""Replaying the log into read models in several processes at once (rebuilds).

A rebuild is Python work (decoding events and folding them), so one process keeps one
core busy. The read models don't depend on each other, so `ProjectionRunner.rebuild`
splits them into groups of about equal work and each group replays the log into its
shadow tables in a process of its own; the runner then swaps them all in. On
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

from hms_core import clock
from projections.base import Projection, Tables

PARALLEL_FROM = 50_000  # events
MAX_WORKERS = 4


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


def job_for(runner: Any, group: Sequence[Projection], shadows: dict[str, Tables]) -> ReplayJob:
    return ReplayJob(
        app_class=type(runner.app),
        # The tables exist; a child creating them IF NOT EXISTS at the same moment as
        # another can fail on PostgreSQL's catalog.
        env={**runner.app.env, "CREATE_TABLE": "no"},
        timezone=clock.timezone().key,
        names=tuple(p.name for p in group),
        shadows={p.name: dict(shadows[p.name]) for p in group},
        batch_size=runner.rebuild_batch_size,
    )


def run_job(job: ReplayJob) -> int:
    """In the child: open the store, replay the group, return the position reached."""
    from adapters.db import database_for
    from projections import all_projections
    from projections.runner.runner import ProjectionRunner

    clock.configure_timezone(job.timezone)
    app = job.app_class(env=job.env)
    db = database_for(app)
    try:
        chosen = [p for p in all_projections() if p.name in job.names]
        runner = ProjectionRunner(app, db, chosen, rebuild_batch_size=job.batch_size)
        return runner.replay(chosen, {n: Tables(t) for n, t in job.shadows.items()})
    finally:
        db.close()
        app.close()


def replay_in_parallel(
    runner: Any, groups: list[list[Projection]], shadows: dict[str, Tables]
) -> dict[str, int]:
    """Replay the first group here and the others in child processes; each read model's
    position reached."""
    reached: dict[str, int] = {}
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=len(groups) - 1, mp_context=context) as pool:
        futures = [(g, pool.submit(run_job, job_for(runner, g, shadows))) for g in groups[1:]]
        position = runner.replay(groups[0], shadows)
        reached.update((p.name, position) for p in groups[0])
        for group, future in futures:
            position = future.result()
            reached.update((p.name, position) for p in group)
    return reached
