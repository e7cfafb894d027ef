"""`hms worker` keeps the read models up from another process; SIGTERM stops it cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from api.bootstrap import build
from demo.directory import demo_directory
from tests.conftest import DEMO_HASH, SYSTEM
from tests.helpers import report_deviation


def test_a_separate_worker_process_projects_what_the_web_writes(settings):
    services = build(settings)
    services.app.import_directory(SYSTEM, demo_directory(DEMO_HASH))
    env = {**os.environ, "HMS_DATABASE_URL": settings.database_url}
    worker = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "worker"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        who = services.app.authenticate("ansatt", "demo")
        report_deviation(
            services.app, who, title="Meldt fra web", description="Skal vises i listen"
        )
        # This process never projects (it holds no lead); it only waits for the worker.
        assert services.runner.wait_for(services.app.max_position(), timeout=30)
        with services.db.reading() as cur:
            titles = [r["title"] for r in cur.execute("SELECT title FROM rm_deviations").fetchall()]
        assert titles == ["Meldt fra web"]
    finally:
        worker.send_signal(signal.SIGTERM)
        output = worker.communicate(timeout=30)[0].decode()
        services.close()
    assert worker.returncode == 0, output
