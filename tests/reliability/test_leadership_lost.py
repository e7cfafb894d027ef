"""A projections lead lost without notice is given up, and taken again.

The lead is a PostgreSQL advisory lock (it goes with its connection when the database
restarts or the network drops it) or a lock file beside SQLite's (which protects
nothing once somebody deletes it: the next process creates a new file and locks that).
A process that went on believing it led would either stall the read models or lead
beside another; `Leadership.verify` (called by the runner after a database error)
notices and gives the lead up, so it can be taken again.
"""

from __future__ import annotations

import os

import psycopg

from adapters.leadership import Leadership


def leadership(services, tmp_path) -> Leadership:
    lock = str(tmp_path / "projections.lock") if services.db.dialect == "sqlite" else None
    return Leadership(services.db, lock, None)


def lose(services, leader: Leadership) -> None:
    """What an outage or a careless clean-up does to the lock, behind the leader's back."""
    if services.db.dialect == "sqlite":
        os.unlink(leader.lock_path)
        return
    with psycopg.connect(services.settings.database_url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (leader._conn.info.backend_pid,))


def test_a_lead_lost_without_notice_is_given_up_and_taken_again(services, tmp_path):
    first, second = leadership(services, tmp_path), leadership(services, tmp_path)
    try:
        assert first.acquire()
        assert first.verify()  # held: kept
        assert not second.acquire()  # one leader at a time

        lose(services, first)
        assert not first.verify()  # noticed, and given up
        assert not first.held
        assert second.acquire()  # another process can lead now
        assert not first.acquire()  # and still only one does
    finally:
        first.release()
        second.release()
