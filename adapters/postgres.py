"""The event store's PostgreSQL factory, with the settings that keep an outage short."""

from __future__ import annotations

from typing import Any

from eventsourcing.postgres import PostgresFactory as _EventsourcingPostgresFactory


class PostgresFactory(_EventsourcingPostgresFactory):
    """eventsourcing's PostgreSQL factory, with what libpq offers and it does not pass on.

    eventsourcing 9.5 passes no connect timeout to libpq (its POSTGRES_CONNECT_TIMEOUT is
    the wait for a connection from the pool), no keepalives and no statement timeout, and
    its pool keeps trying to reconnect for five minutes with a doubling delay, so after
    an outage it could take a minute to notice the database is back. These settings are
    read from the same environment (so processes a rebuild spawns get them too):

    - HMS_PG_CONNECT_TIMEOUT: seconds to open a connection (libpq's minimum is 2);
    - HMS_PG_STATEMENT_TIMEOUT, HMS_PG_LOCK_TIMEOUT: seconds, 0 for none (long work);
    - TCP keepalives and a TCP user timeout, so a connection that died silently is
      noticed in seconds rather than the kernel's two hours; and keepalives on the
      server's side of each connection too, so that after a network partition the
      server ends the lost session (releasing the projections' advisory lock, which
      would otherwise keep every worker from leading until the server noticed).
    """

    HMS_PG_CONNECT_TIMEOUT = "HMS_PG_CONNECT_TIMEOUT"
    HMS_PG_STATEMENT_TIMEOUT = "HMS_PG_STATEMENT_TIMEOUT"
    HMS_PG_LOCK_TIMEOUT = "HMS_PG_LOCK_TIMEOUT"
    # A connection attempt is retried for this long (then the pool starts afresh on the
    # next request), so its delay between attempts stays below a few seconds.
    RECONNECT_TIMEOUT = 4.0
    KEEPALIVES = {
        "keepalives": 1,
        "keepalives_idle": 5,
        "keepalives_interval": 2,
        "keepalives_count": 3,
        "tcp_user_timeout": 10_000,  # ms that sent data may stay unacknowledged
    }

    SERVER_KEEPALIVES = {  # seconds; session settings any user may set
        "tcp_keepalives_idle": 5,
        "tcp_keepalives_interval": 2,
        "tcp_keepalives_count": 3,
    }

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        pool = self.datastore.pool
        pool.reconnect_timeout = self.RECONNECT_TIMEOUT
        options = [f"-c {name}={value}" for name, value in self.SERVER_KEEPALIVES.items()]
        for key, setting in (
            (self.HMS_PG_STATEMENT_TIMEOUT, "statement_timeout"),
            (self.HMS_PG_LOCK_TIMEOUT, "lock_timeout"),
        ):
            milliseconds = int(float(self.env.get(key) or "0") * 1000)
            if milliseconds:
                options.append(f"-c {setting}={milliseconds}")
        pool.kwargs.update(
            connect_timeout=max(2, round(float(self.env.get(self.HMS_PG_CONNECT_TIMEOUT) or 3))),
            **self.KEEPALIVES,
        )
        pool.kwargs["options"] = " ".join(options)
