"""The report form: every problem at once, in the form's words; one report per form, sent
on (303) to a result page that a reload does not file again; an anonymous report's code
shown once, never in a URL, and nothing of it left in the store afterwards."""

from __future__ import annotations

import re
from datetime import timedelta

from hms_core import clock
from tests.helpers import LURA

FORM = {
    "title": "Glatt ved inngangen",
    "description": "Is på trappa foran hovedinngangen.",
    "unit_id": str(LURA),
    "category": "nestenulykke",
    "severity": "2",
}


def _form(client) -> dict[str, str]:
    """The hidden fields of a freshly shown form: its CSRF token and its key."""
    html = client.get("/avvik/ny").text
    return {
        "_csrf_token": re.search(r'name="_csrf_token" value="([^"]+)"', html)[1],
        "idempotency_key": re.search(r'name="idempotency_key" value="([^"]+)"', html)[1],
    }


def _when() -> str:
    return (
        (clock.now() - timedelta(hours=1)).astimezone(clock.timezone()).strftime("%Y-%m-%dT%H:%M")
    )


def _count(services, title: str) -> int:
    services.runner.catch_up()
    with services.db.reading() as cur:
        return cur.execute(
            "SELECT COUNT(*) AS n FROM rm_deviations WHERE title = ?", (title,)
        ).fetchone()["n"]


def _report_form_rows(services) -> int:
    with services.db.reading() as cur:
        return cur.execute(
            "SELECT COUNT(*) AS n FROM web_store WHERE namespace = 'hms_report_forms'"
        ).fetchone()["n"]


def test_a_report_redirects_to_its_result_and_a_reload_files_nothing(client_for, services):
    ansatt = client_for("ansatt")
    fields = {**_form(ansatt), **FORM, "occurred_at": _when()}
    sent = ansatt.post("/avvik/ny", data=fields, follow_redirects=False)
    assert sent.status_code == 303
    assert sent.headers["location"] == "/avvik/ny/takk"
    assert fields["idempotency_key"] not in sent.headers["location"]

    result = ansatt.get("/avvik/ny/takk")
    assert result.status_code == 200
    reference = re.search(r'id="reference">([^<]+)<', result.text)[1]
    assert 'href="/mine"' in result.text  # the named reporter follows it there
    again = ansatt.get("/avvik/ny/takk")  # the reload
    assert re.search(r'id="reference">([^<]+)<', again.text)[1] == reference
    assert _count(services, FORM["title"]) == 1


def test_the_same_form_sent_twice_files_one_report_and_shows_the_same_result(client_for, services):
    ansatt = client_for("ansatt")
    fields = {**_form(ansatt), **FORM, "title": "Dobbelttrykk", "occurred_at": _when()}
    first = ansatt.post("/avvik/ny", data=fields, follow_redirects=False)
    second = ansatt.post("/avvik/ny", data=fields, follow_redirects=False)
    assert (first.status_code, second.status_code) == (303, 303)
    shown = ansatt.get("/avvik/ny/takk").text
    assert "AVV-" in re.search(r'id="reference">([^<]+)<', shown)[1]
    assert _count(services, "Dobbelttrykk") == 1

    another = {**_form(ansatt), **FORM, "title": "Dobbelttrykk", "occurred_at": _when()}
    assert ansatt.post("/avvik/ny", data=another, follow_redirects=False).status_code == 303
    assert _count(services, "Dobbelttrykk") == 2  # a new form is a new report


def test_an_anonymous_code_is_shown_once_in_no_url_and_left_nowhere(client_for, services, web):
    ansatt = client_for("ansatt")
    fields = {**_form(ansatt), **FORM, "title": "Anonymt dobbelt", "anonymous": "1"}
    fields["occurred_at"] = _when()
    first = ansatt.post("/avvik/ny", data=fields, follow_redirects=False)
    second = ansatt.post("/avvik/ny", data=fields, follow_redirects=False)  # a double tap
    assert (first.status_code, second.status_code) == (303, 303)
    assert _report_form_rows(services) == 1

    shown = ansatt.get("/avvik/ny/takk")
    code = re.search(r'id="receipt-code">([^<]+)<', shown.text)[1]
    assert shown.headers["cache-control"] == "no-store"
    assert code not in shown.text.replace(f'id="receipt-code">{code}<', "")  # not in a link
    for response in (first, second, shown):
        assert code not in response.headers.get("location", "")
    assert _count(services, "Anonymt dobbelt") == 1
    stranger = client_for()
    assert stranger.get(f"/api/v1/receipts/{code}").json()["title"] == "Anonymt dobbelt"

    # Shown once: a reload shows no code, and the store keeps nothing of the report.
    reload = ansatt.get("/avvik/ny/takk")
    assert reload.status_code == 200
    assert code not in reload.text
    assert "receipt-code" not in reload.text
    assert _report_form_rows(services) == 0


def test_an_empty_form_shows_every_problem_at_once_in_norwegian(client_for, services):
    ansatt = client_for("ansatt")
    before = services.app.max_position()
    response = ansatt.post("/avvik/ny", data={**_form(ansatt), "occurred_at": _when()})
    assert response.status_code == 400
    summary = re.search(r'<div class="error-summary".*?</div>', response.text, re.S)[0]
    linked = re.findall(r'<a href="#([a-z_]+)">([^<]+)</a>', summary)
    assert [field for field, _ in linked] == [
        "title",
        "description",
        "unit_id",
        "category",
        "severity",
    ]
    messages = dict(linked)
    assert messages["title"] == "Feltet «Hva skjedde?» må fylles ut."
    assert messages["description"] == "Feltet «Beskriv hendelsen» må fylles ut."
    assert "«title»" not in response.text
    assert "«description»" not in response.text
    # Every link of the summary has its target, the severity field's too.
    for field, _ in linked:
        assert f'id="{field}"' in response.text, field
        assert f'aria-describedby="{field}-error"' in response.text, field
    assert services.app.max_position() == before


def test_the_domains_problems_and_the_forms_come_together_and_typed_values_stay(client_for):
    ansatt = client_for("ansatt")
    fields = {
        **_form(ansatt),
        **FORM,
        "title": "x" * 151,
        "location": "Linje én\nlinje to",
        "category": "",
        "occurred_at": _when(),
        "immediate_action": "Strødde sand.",
    }
    response = ansatt.post("/avvik/ny", data=fields)
    assert response.status_code == 400
    errors = dict(re.findall(r'<p class="error" id="([a-z_]+)-error">([^<]+)</p>', response.text))
    assert set(errors) == {"title", "location", "category"}
    assert errors["title"] == "Feltet «Hva skjedde?» kan ha høyst 150 tegn."
    assert "«Sted»" in errors["location"]
    assert errors["category"] == "Velg hva slags avvik det er."
    assert 'value="' + "x" * 151 + '"' in response.text
    assert "Strødde sand." in response.text
    assert f'value="{fields["idempotency_key"]}"' in response.text  # the same form, kept
