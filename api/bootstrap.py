"""Wiring, in one place: which store, which read models, which scheduled policies."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.persistence import PersistenceError

from api.settings import ConfigurationError, Settings
from api.stores import create_store_table
from hms_core import clock
from hms_core.access import system_principal
from hms_core.application import HMSApplication
from hms_core.demo import DEMO_PASSWORD, demo_directory
from hms_core.passwords import hash_password
from hms_core.risk_matrix import RiskMatrix, RiskMatrixError, load_matrix
from projections import all_projections
from projections.db import Database, database_for
from projections.runner import ProjectionRunner

log = logging.getLogger("hms")


@dataclass
class Services:
    """What the entrypoints work with."""

    settings: Settings
    app: HMSApplication
    db: Database
    runner: ProjectionRunner
    background: list[Any] = field(default_factory=list)

    def start(self) -> None:
        """Run projections (and scheduled policies) in this process."""
        if self.runner not in self.background:
            self.runner.start()
            self.background.append(self.runner)

    def close(self) -> None:
        for part in reversed(self.background):
            part.stop()
        self.background.clear()
        self.db.close()
        self.app.close()


def build(settings: Settings, *, seed_demo: bool = False) -> Services:
    """Open the store, bring the read models' tables up to date, seed the demo if asked."""
    clock.configure_timezone(settings.timezone)
    lock_path = None
    if settings.sqlite_path is not None:
        settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = f"{settings.sqlite_path}.projections.lock"
    app = _open_store(settings)
    app.use_risk_matrix(_risk_matrix(settings))
    db = database_for(app)
    create_store_table(db)
    runner = ProjectionRunner(app, db, all_projections(), lock_path=lock_path)
    runner.setup()
    services = Services(settings=settings, app=app, db=db, runner=runner)
    if seed_demo:
        seed_demo_directory(app)
    return services


def _risk_matrix(settings: Settings) -> RiskMatrix:
    """The matrix from HMS_RISK_MATRIX, or the default one shipped with the product."""
    try:
        return load_matrix(settings.risk_matrix)
    except (RiskMatrixError, OSError) as e:
        raise ConfigurationError(f"HMS_RISK_MATRIX: {e}") from e


def _open_store(settings: Settings) -> HMSApplication:
    """The application; retried when another process is creating the same tables."""
    for attempt in range(5):
        try:
            return HMSApplication(env=settings.eventsourcing_env())
        except PersistenceError:
            if attempt == 4:
                raise
            log.warning("store not ready (tables being created elsewhere?); trying again")
            time.sleep(0.5 * (attempt + 1))
    raise AssertionError("unreachable")


def seed_demo_directory(app: HMSApplication) -> bool:
    """The demo tree and the five demo users, into an empty store only."""
    if app.has_organisation():
        return False
    app.import_directory(system_principal("demo"), demo_directory(hash_password(DEMO_PASSWORD)))
    log.info("seeded the demo organisation and users")
    return True
