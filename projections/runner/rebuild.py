"""Rebuilding read models while their live tables serve: fresh copies, then a swap.

The whole log is replayed into copies of the tables (shadows); the live tables keep
serving, and keep being updated by the leader, until the swap, which happens in one
transaction holding the read model's tracking row. A rebuild that fails leaves the live
tables as they were, and no copies behind.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

from adapters.db import Cursor, Database
from adapters.outages import is_unavailable
from projections.base import Projection, Tables
from projections.runner import failures, replay, tables, tracking
from projections.runner.folding import locate
from projections.runner.log_reader import LogReader

logger = logging.getLogger("hms.projections")


def shadows_of(chosen: Sequence[Projection]) -> dict[str, Tables]:
    """Names for the copies of each read model's tables, unlike any before."""
    suffix = f"__rb{int(time.time() * 1000) % 10**9}"
    return {p.name: Tables({k: f"{v}{suffix}" for k, v in p.live.items()}) for p in chosen}


class Rebuild:
    """Replay the log into copies of some read models' tables, then swap them in."""

    def __init__(
        self,
        db: Database,
        log: LogReader,
        failed: failures.Failures,
        *,
        batch_size: int,
        replay_batch_size: int,
    ) -> None:
        self.db, self.log, self.failed = db, log, failed
        self.batch_size, self.replay_batch_size = batch_size, replay_batch_size

    def run(self, chosen: Sequence[Projection], workers: int | None) -> dict[str, int]:
        """Each read model's position reached; `workers` overrides how many processes
        replay the log (replay.worker_count)."""
        shadows = shadows_of(chosen)
        try:
            for p in chosen:
                with self.db.transaction() as cur:
                    tables.recreate(cur, self.db.dialect, p, shadows[p.name], indexes=False)
            reached = self._replay(chosen, shadows, workers or replay.worker_count(self.log.head()))
            return {p.name: self._swap(p, shadows[p.name], reached[p.name]) for p in chosen}
        except BaseException:
            self._drop(chosen, shadows)
            raise

    def _replay(
        self, chosen: Sequence[Projection], shadows: dict[str, Tables], workers: int
    ) -> dict[str, int]:
        groups = replay.split(chosen, workers)
        if len(groups) > 1:
            return replay.replay_in_parallel(
                self.db, self.log, groups, shadows, self.replay_batch_size
            )
        position = replay.replay(self.db, self.log, chosen, shadows, self.replay_batch_size)
        return dict.fromkeys((p.name for p in chosen), position)

    def _swap(self, projection: Projection, shadow: Tables, position: int) -> int:
        with self.db.transaction() as cur:
            # Holding the tracking row keeps the live runner out until the swap commits.
            tracking.hold(cur, projection.name)
            position = self._catch_up(cur, projection, shadow, position)
            tables.drop(cur, projection, projection.live)
            for name in projection.tables:
                cur.execute(f"ALTER TABLE {shadow[name]} RENAME TO {projection.live[name]}")
            tables.create_indexes(cur, self.db.dialect, projection, projection.live)
            tracking.replaced(cur, projection, position)
            failures.forget(cur, projection.name)
        self.failed.replaced(projection.name)
        return position

    def _catch_up(self, cur: Cursor, projection: Projection, shadow: Tables, position: int) -> int:
        """Events written since the replay's last batch go into the shadow first."""
        head = self.log.head()
        while position < head:
            batch = self.log.read(position, head, self.batch_size)
            if not batch:
                break
            cur.execute("SAVEPOINT hms_swap")
            try:
                projection.handle(cur, shadow, batch)
            except Exception as e:
                if is_unavailable(e):
                    raise
                cur.execute("ROLLBACK TO SAVEPOINT hms_swap")
                raise locate(cur, projection, shadow, batch) from e
            cur.execute("RELEASE SAVEPOINT hms_swap")
            position = batch[-1][0]
        return position

    def _drop(self, chosen: Sequence[Projection], shadows: dict[str, Tables]) -> None:
        try:
            with self.db.transaction() as cur:
                for p in chosen:
                    tables.drop(cur, p, shadows[p.name])
        except Exception:
            logger.exception("could not drop the shadow tables of a failed rebuild")
