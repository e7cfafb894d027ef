"""Another process holds the SQLite file's write lock: reads go on, writes get a 503
within a few seconds, and nothing is half-written.

SQLite lets one writer at a time hold the file; in WAL mode readers go on beside it. A
backup tool, a stuck script or an `sqlite3` shell left in a transaction can hold the
lock for minutes. The product must answer reads as usual, refuse writes quickly and
honestly (on the API and on the form), and carry on once the lock is released.
"""

from __future__ import annotations

import re
import signal
import sqlite3
from datetime import timedelta

from api.bootstrap import build
from api.settings import Settings
from hms_core import clock
from tests.helpers import LURA, dump, report_body
from tests.processes import serve, stop
from tests.reliability.outage import SECRET, env_for, expect, seed, signed_in, timed

WRITE_ANSWER_SECONDS = 6.0  # the 3 s lock wait, and a queue of writers behind it
READ_ANSWER_SECONDS = 1.0
READY_ANSWER_SECONDS = 2.0


def form_report(client, title: str):
    """The report form, filled in and posted with its CSRF token, as a browser would."""
    form = client.get("/avvik/ny")
    assert form.status_code == 200, form.text
    token = re.search(r'name="_csrf_token" value="([^"]+)"', form.text).group(1)
    when = (clock.now() - timedelta(hours=1)).astimezone(clock.timezone())
    fields = {
        "_csrf_token": token,
        "title": title,
        "description": "Meldt fra skjemaet",
        "occurred_at": when.strftime("%Y-%m-%dT%H:%M"),
        "unit_id": str(LURA),
        "category": "nestenulykke",
        "severity": "2",
    }
    return timed(client.post, "/avvik/ny", data=fields)


def test_reads_answer_writes_get_503_and_nothing_is_half_written(tmp_path):
    path = tmp_path / "hms.sqlite3"
    url = f"sqlite:///{path}"
    seed(url)
    web, base = serve([], env_for(url))
    kept: list[str] = []
    closing = []
    try:
        client = signed_in(base)
        closing.append(client)
        created = client.post("/api/v1/deviations", json=report_body(title="Før låsen"))
        assert created.status_code == 201, created.text
        kept.append("Før låsen")
        case_id = created.json()["id"]

        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # the write lock, held by another process
        try:
            for path_read in ("/api/v1/deviations", f"/api/v1/deviations/{case_id}", "/"):
                read, seconds = timed(client.get, path_read)
                expect(read, 200)
                assert seconds < READ_ANSWER_SECONDS, (path_read, seconds)
            ready, seconds = timed(client.get, "/readyz")
            expect(ready, 200)
            assert seconds < READY_ANSWER_SECONDS

            refused, seconds = timed(
                client.post, "/api/v1/deviations", json=report_body(title="Under låsen")
            )
            expect(refused, 503)
            assert seconds < WRITE_ANSWER_SECONDS, seconds
            assert refused.json()["status_code"] == 503
            assert refused.headers["retry-after"]

            page, seconds = form_report(client, "Skjema under låsen")
            expect(page, 503)
            assert seconds < WRITE_ANSWER_SECONDS, seconds
            assert page.headers["content-type"].startswith("text/html")
            assert "Databasen svarer ikke" in page.text
        finally:
            holder.execute("ROLLBACK")
            holder.close()

        after = client.post("/api/v1/deviations", json=report_body(title="Etter låsen"))
        assert after.status_code == 201, after.text
        kept.append("Etter låsen")
        page, _ = form_report(client, "Skjema etter låsen")
        expect(page, 303)  # filed, and sent on to the thank-you page
        kept.append("Skjema etter låsen")
        titles = [d["title"] for d in client.get("/api/v1/deviations").json()["items"]]
        assert titles[0] == "Skjema etter låsen"
    finally:
        for client in closing:
            client.close()
        output = stop(web, signal.SIGTERM, 10)
    assert "Traceback" not in output, output[-3000:]

    services = build(Settings(database_url=url, secret_key=SECRET))
    try:
        services.runner.catch_up()
        projected = dump(services.db)
        services.runner.rebuild()
        assert dump(services.db) == projected  # the read models agree with the log
        with services.db.reading() as cur:
            rows = cur.execute("SELECT title FROM rm_deviations").fetchall()
        assert {r["title"] for r in rows} == set(kept)  # the refused writes left nothing
    finally:
        services.close()
