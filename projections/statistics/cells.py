"""Cells of the statistics read model: counters summed per batch, and its copy of the org tree."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from adapters.db import Cursor

# Which of category and severity a cube keeps; the others are blank ('' or 0).
CUBES = ("", "c", "s", "cs")


class Counts:
    """Counters keyed by some columns: a batch's changes summed, then added in one upsert."""

    def __init__(self, table: str, key: tuple[str, ...], counts: tuple[str, ...]) -> None:
        self.table, self.key, self.counts = table, key, counts
        self.deltas: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(counts))
        increments = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in counts)
        self.upsert = f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {increments}"

    def add(self, key: tuple, *deltas: int) -> None:
        self.deltas[key] = [a + b for a, b in zip(self.deltas[key], deltas, strict=True)]

    def flush(self, cur: Cursor) -> None:
        rows = [(*k, *d) for k, d in self.deltas.items() if any(d)]
        cur.insert_many(self.table, (*self.key, *self.counts), rows, self.upsert)
        # A cell that fell back to nothing is removed, so the table is the same however
        # the log was cut into batches (and a rebuild equals the incremental tables).
        emptied = [k for k, d in self.deltas.items() if any(x < 0 for x in d)]
        keys = " AND ".join(f"{c} = ?" for c in self.key)
        cur.executemany(f"DELETE FROM {self.table} WHERE {keys} AND {self.all_zero}", emptied)
        self.deltas.clear()

    @property
    def all_zero(self) -> str:
        return " AND ".join(f"{c} = 0" for c in self.counts)

    def move(self, cur: Cursor, unit: str, leaves: Iterable[str], joins: Iterable[str]) -> None:
        """A unit moved: its rollup leaves its old ancestors and joins its new ones."""
        self.flush(cur)
        columns = (*self.key, *self.counts)
        # The cube first, so the key's index finds the unit's rows.
        listed = ", ".join(f"'{cube}'" for cube in CUBES)
        cubes = f"cube IN ({listed}) AND " if "cube" in self.key else ""
        for target, sign in [(u, -1) for u in leaves] + [(u, 1) for u in joins]:
            values = [
                "?" if c == "unit_id" else f"{sign} * {c}" if c in self.counts else c
                for c in columns
            ]
            cur.execute(
                f"INSERT INTO {self.table} ({', '.join(columns)}) "
                f"SELECT {', '.join(values)} FROM {self.table} "
                f"WHERE {cubes}unit_id = ? {self.upsert}",
                (target, unit),
            )
        for target in leaves:
            cur.execute(
                f"DELETE FROM {self.table} WHERE {cubes}unit_id = ? AND {self.all_zero}",
                (target,),
            )


class OrgTree:
    """The projection's own copy of the org tree: whose rollups a case counts in."""

    def __init__(self, cur: Cursor, table: str) -> None:
        self.cur, self.table = cur, table
        rows = cur.execute(f"SELECT id, parent_id FROM {table}").fetchall()
        self.parent: dict[str, str | None] = {r["id"]: r["parent_id"] for r in rows}

    def ancestors(self, unit: str) -> list[str]:
        """The unit and every unit above it."""
        chain = [unit]
        while (parent := self.parent.get(chain[-1])) is not None and parent not in chain:
            chain.append(parent)
        return chain

    def place(self, unit: str, parent: str | None) -> None:
        self.parent[unit] = parent
        self.cur.execute(
            f"INSERT INTO {self.table} (id, parent_id) VALUES (?, ?) "
            "ON CONFLICT (id) DO UPDATE SET parent_id = excluded.parent_id",
            (unit, parent),
        )


def counters_ddl(name: str, key: tuple[str, ...], counts: tuple[str, ...], dialect: str) -> str:
    """A table of counters clustered by its key (SQLite), or covered by it (PostgreSQL)."""
    numbers = ("severity", "days", *counts)
    columns = [f"{c} {'INTEGER' if c in numbers else 'TEXT'} NOT NULL" for c in (*key, *counts)]
    include = f" INCLUDE ({', '.join(counts)})" if dialect == "postgres" else ""
    clustered = " WITHOUT ROWID" if dialect == "sqlite" else ""
    return (
        f"CREATE TABLE {{{name}}} ({', '.join(columns)}, "
        f"PRIMARY KEY ({', '.join(key)}){include}){clustered}"
    )
