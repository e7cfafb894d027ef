"""/avvik and /avvik/{id} as people use them, on SQLite and PostgreSQL: the list each role
sees and its filters, the case with the commands a person may take, each form doing what
it says, and what a person is told when the form is wrong or the case changed meanwhile."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from uuid import uuid4

from hms_core import clock
from tests.helpers import HELSE, IT, LURA, ROVIK, as_user, report_body, report_deviation

COMMANDS = ("acknowledge", "classify", "comment", "feedback", "transfer", "action", "close")


def _token(page: str) -> str:
    return re.search(r'name="_csrf_token" value="([^"]+)"', page).group(1)


def _version(page: str) -> str:
    return re.search(r'name="expected_version" value="(\d+)"', page).group(1)


def _report(client, **overrides) -> dict:
    response = client.post("/api/v1/deviations", json=report_body(**overrides))
    assert response.status_code == 201, response.text
    return response.json()


def _send(client, case_id: str, command: str, **fields: str | list[str]):
    """Fill in one form of the case page as it is now, and send it."""
    page = client.get(f"/avvik/{case_id}").text
    body = {"_csrf_token": _token(page), "expected_version": _version(page), **fields}
    return client.post(f"/avvik/{case_id}/{command}", data=body, follow_redirects=False)


def _offered(page: str, case_id: str) -> set[str]:
    return set(re.findall(rf'action="/avvik/{case_id}/(\w+)"', page))


def _text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", page))


# --- the list ----------------------------------------------------------------------------


def test_the_list_shows_each_role_the_cases_it_may_see(client_for):
    ansatt, leder, hms = client_for("ansatt"), client_for("leder"), client_for("hms")
    own = _report(ansatt, title="Glatt gulv på Lura")
    quality = _report(leder, title="Feil medisinliste", category="kvalitet")
    elsewhere = _report(
        hms, title="Knust skjerm på IT", unit_id=str(IT), category="materiell_skade"
    )
    seen = {
        "ansatt": {own["reference"]},
        "leder": {own["reference"], quality["reference"]},
        "verneombud": {own["reference"]},
        "hms": {own["reference"], quality["reference"], elsewhere["reference"]},
        "admin": set(),
    }
    every = {own["reference"], quality["reference"], elsewhere["reference"]}
    for user, expected in seen.items():
        page = client_for(user).get("/avvik")
        assert page.status_code == 200
        shown = {ref for ref in every if ref in page.text}
        assert shown == expected, user


def test_a_row_says_what_the_case_is_in_norwegian(client_for):
    leder = client_for("leder")
    case = _report(leder, title="Fall i trappa", category="personskade")
    page = _text(leder.get("/avvik").text)
    assert f'<a href="/avvik/{case["id"]}">{case["reference"]}</a>' in page
    today = clock.local(clock.now()).strftime("%d.%m.%Y")
    row = re.search(rf"{case['reference']}.*?</tr>", page).group(0)
    for cell in ("Fall i trappa", "Lura sykehjem", "Personskade", "Meldt", today):
        assert cell in row


def test_the_filters_narrow_the_list(client_for):
    hms = client_for("hms")
    lura = _report(hms, title="Glatt gulv ved kjøkkenet")
    rovik = _report(hms, title="Truende pårørende", unit_id=str(ROVIK), category="vold_og_trusler")
    it = _report(hms, title="Strømbrudd", unit_id=str(IT), category="farlig_forhold")
    _send(hms, rovik["id"], "acknowledge")

    def shown(**query: str) -> set[str]:
        page = hms.get("/avvik", params=query)
        assert page.status_code == 200, page.text
        return {c["reference"] for c in (lura, rovik, it) if c["reference"] in page.text}

    assert shown(unit_id=str(HELSE)) == set()
    assert shown(unit_id=str(HELSE), include_subunits="true") == {
        lura["reference"],
        rovik["reference"],
    }
    assert shown(unit_id=str(LURA)) == {lura["reference"]}
    assert shown(status="under_treatment") == {rovik["reference"]}
    assert shown(category="farlig_forhold") == {it["reference"]}
    assert shown(q="kjøkkenet") == {lura["reference"]}
    today = clock.today()
    assert shown(to=(today - timedelta(days=1)).isoformat()) == set()
    assert len(shown(**{"from": today.strftime("%d.%m.%Y")})) == 3
    # Every field of the GET form, empty ones too, as a browser sends them.
    assert len(shown(unit_id="", status="", category="", q="", to="", **{"from": ""})) == 3


def test_the_export_link_carries_the_filters(client_for):
    hms = client_for("hms")
    _report(hms, title="Glatt gulv")
    page = hms.get("/avvik", params={"category": "nestenulykke", "q": "glatt"}).text
    link = html.unescape(re.search(r'href="(/api/v1/deviations/export[^"]*)"', page).group(1))
    assert link == "/api/v1/deviations/export?category=nestenulykke&q=glatt"
    export = hms.get(link)
    assert export.status_code == 200
    assert "Glatt gulv" in export.text


def test_the_list_pages_with_the_query_cursor(client_for, monkeypatch):
    monkeypatch.setattr("api.pages.case_list.PAGE_SIZE", 2)
    hms = client_for("hms")
    refs = [_report(hms, title=f"Sak nummer {n}")["reference"] for n in range(3)]
    first = hms.get("/avvik", params={"category": "nestenulykke"}).text
    assert refs[2] in first
    assert refs[1] in first
    assert refs[0] not in first
    following = html.unescape(re.search(r'href="([^"]+)" rel="next"', first).group(1))
    assert "category=nestenulykke" in following
    second = hms.get(following).text
    assert refs[0] in second
    assert refs[2] not in second
    assert "Første side" in second
    assert 'rel="next"' not in second


def test_a_case_with_an_overdue_action_is_marked_in_words(client_for, services):
    leder = as_user(services.app, "leder")
    with clock.frozen_at(clock.now() - timedelta(days=30)):
        late = report_deviation(services.app, leder, title="Sak med gammelt tiltak")
        services.app.create_action(
            leder,
            title="Bytt lyspære",
            owner_id=leder.user_id,
            due_date=clock.today() + timedelta(days=7),
            deviation_id=late.id,
        )
    fine = report_deviation(services.app, leder, title="Sak uten tiltak")
    services.runner.catch_up()
    page = _text(client_for("leder").get("/avvik").text)
    late_row = re.search(rf"{late.reference}.*?</tr>", page).group(0)
    fine_row = re.search(rf"{fine.reference}.*?</tr>", page).group(0)
    assert "Har forfalte tiltak" in late_row
    assert "Har forfalte tiltak" not in fine_row


def test_bad_filters_come_back_with_the_values_kept_and_why(client_for):
    hms = client_for("hms")
    response = hms.get(
        "/avvik", params={"from": "31.02.2026", "status": "borte", "q": "glatt", "unit_id": "x"}
    )
    assert response.status_code == 400
    page = _text(response.text)
    assert "Oppgi datoen som dd.mm.åååå" in page
    assert "Velg en status fra listen." in page
    assert "Velg en enhet fra listen." in page
    assert 'value="31.02.2026"' in page
    assert 'value="glatt"' in page
    assert 'aria-describedby="from-error"' in page


# --- the case page -----------------------------------------------------------------------


def test_each_role_is_offered_the_commands_it_may_take(client_for):
    ansatt = client_for("ansatt")
    case = _report(ansatt)
    offered = {
        user: _offered(client_for(user).get(f"/avvik/{case['id']}").text, case["id"])
        for user in ("ansatt", "leder", "verneombud", "hms")
    }
    assert offered["ansatt"] == {"comment"}
    assert offered["verneombud"] == {"comment"}
    assert offered["leder"] == set(COMMANDS)
    assert offered["hms"] == set(COMMANDS)


def test_the_case_shows_what_was_reported_and_its_history(client_for):
    ansatt, leder = client_for("ansatt"), client_for("leder")
    case = _report(ansatt, title="Glatt gulv", description="Vann ved vaskerommet.")
    _send(leder, case["id"], "acknowledge")
    page = _text(leder.get(f"/avvik/{case['id']}").text)
    assert f"{case['reference']}</span> Glatt gulv" in page
    assert "Vann ved vaskerommet." in page
    assert "Ada Ansatt" in page
    assert "Leif Leder" in page
    assert "Tatt til behandling" in page
    assert "Under behandling" in page
    assert re.search(r"\d\d\.\d\d\.\d{4} kl\. \d\d:\d\d · Ada Ansatt", page)


def test_an_anonymous_reporter_is_named_anonym_in_the_history(client_for):
    _report(client_for("ansatt"), anonymous=True, title="Anonym melding")
    leder = client_for("leder")
    listed = leder.get("/avvik").text
    case_id = re.search(r'href="/avvik/([0-9a-f-]{36})"', listed).group(1)
    page = _text(leder.get(f"/avvik/{case_id}").text)
    assert "av Anonym" in page
    reported, history = page.split('id="klassifisering"')[0], page.split('id="historikk"')[1]
    assert "Ada Ansatt" not in reported
    assert "Ada Ansatt" not in history
    assert "· Anonym" in history


def test_a_case_is_handled_from_its_forms_to_the_end(client_for, services):
    leder, ansatt = client_for("leder"), client_for("ansatt")
    case = _report(ansatt)
    cid = case["id"]

    def sent(command: str, **fields):
        response = _send(leder, cid, command, **fields)
        assert response.status_code == 303, (command, response.text[-3000:])
        assert response.headers["location"].startswith(f"/avvik/{cid}")
        return _text(leder.get(f"/avvik/{cid}").text)

    assert "Under behandling" in sent("acknowledge")
    page = sent(
        "classify",
        category="farlig_forhold",
        severity="3",
        recurrence_probability="4",
        causes=["technical", "organisational"],
        cause_description="Lekkasje fra vaskemaskinen.",
    )
    assert "Teknisk, Organisatorisk" in page
    assert "Farlig forhold" in page
    assert "Lekkasje fra vaskemaskinen." in page
    page = sent("comment", text="Vaktmester er varslet.", visible_to_reporter="1")
    assert "Vaktmester er varslet." in page
    assert "synlig for den som meldte" in page
    page = sent("feedback", text="Takk, vi fikser lekkasjen.")
    assert "Takk, vi fikser lekkasjen." in page
    leader_id = as_user(services.app, "leder").user_id
    due = clock.today() + timedelta(days=10)
    page = sent("action", title="Reparer vaskemaskinen", owner_id=str(leader_id), due_date=str(due))
    assert "Reparer vaskemaskinen" in page
    assert re.search(r'href="/tiltak/[0-9a-f-]{36}"', page)
    assert due.strftime("%d.%m.%Y") in page
    page = sent(
        "close",
        conclusion="Lekkasjen er funnet.",
        open_actions_reason="Reparasjonen følges opp som tiltak.",
    )
    assert "Lukket" in page
    assert "Lekkasjen er funnet." in page
    assert _offered(leder.get(f"/avvik/{cid}").text, cid) == {"reopen"}
    page = sent("reopen", reason="Lekkasjen kom tilbake.")
    assert "Gjenåpnet" in page
    assert "Lekkasjen kom tilbake." in page
    # The reporter reads the feedback, not the handlers' internal view.
    reporter = _text(ansatt.get(f"/avvik/{cid}").text)
    assert "Takk, vi fikser lekkasjen." in reporter


def test_a_case_transferred_out_of_reach_leads_back_to_the_list(client_for):
    leder = client_for("leder")
    case = _report(client_for("ansatt"))
    response = _send(leder, case["id"], "transfer", to_unit_id=str(ROVIK), reason="Feil enhet.")
    assert response.status_code == 303
    assert response.headers["location"] == f"/avvik?overfort={case['id']}"
    page = _text(leder.get(response.headers["location"]).text)
    assert f"Saken {case['reference']} er overført til Rovik sykehjem." in page
    assert leder.get(f"/avvik/{case['id']}").status_code == 404
    hms = _text(client_for("hms").get(f"/avvik/{case['id']}").text)
    assert "Overført fra Lura sykehjem til Rovik sykehjem" in hms
    assert "Feil enhet." in hms


def test_closing_too_early_is_refused_with_the_reason_beside_the_field(client_for):
    leder = client_for("leder")
    case = _report(leder)
    early = _send(leder, case["id"], "close", conclusion="Ferdig.")
    assert early.status_code == 409
    assert "Registrer årsak (klassifiser saken) før den lukkes." in _text(early.text)
    assert "Ferdig." in early.text
    _send(
        leder,
        case["id"],
        "classify",
        category="nestenulykke",
        severity="2",
        recurrence_probability="2",
        causes="human",
    )
    refused = _send(leder, case["id"], "close", conclusion="Ferdig.")
    assert refused.status_code == 409
    page = _text(refused.text)
    assert "Opprett tiltak, eller begrunn hvorfor ingen tiltak trengs" in page
    assert 'id="close-no_action_reason-error"' in page
    closed = _send(
        leder, case["id"], "close", conclusion="Ferdig.", no_action_reason="Engangstilfelle."
    )
    assert closed.status_code == 303


def test_bad_input_comes_back_with_every_value_kept_and_norwegian_messages(client_for):
    leder = client_for("leder")
    case = _report(leder)
    response = _send(
        leder,
        case["id"],
        "classify",
        category="nestenulykke",
        severity="",
        recurrence_probability="9",
        cause_description="Noe jeg skrev om årsaken.",
    )
    assert response.status_code == 400
    page = _text(response.text)
    assert "Velg hvor alvorlig det var." in page
    assert "«Sannsynlighet for gjentakelse» må være høyst 5." in page
    assert "Velg minst én årsak." in page
    assert "Noe jeg skrev om årsaken." in page
    assert 'href="#classify-severity"' in page
    assert 'id="classify-severity"' in page
    assert 'aria-describedby="classify-causes-error"' in page
    assert "«causes»" not in page
    assert "«severity»" not in page


def test_the_domains_refusal_names_the_field_in_the_forms_words(client_for, services):
    leder = client_for("leder")
    case = _report(leder)
    owner = str(as_user(services.app, "leder").user_id)
    yesterday = (clock.today() - timedelta(days=1)).isoformat()
    response = _send(
        leder, case["id"], "action", title="Rydd lageret", owner_id=owner, due_date=yesterday
    )
    assert response.status_code == 400
    page = _text(response.text)
    assert "Fristen kan ikke være tilbake i tid." in page
    assert 'value="Rydd lageret"' in page
    assert f'value="{yesterday}"' in page
    empty = _text(_send(leder, case["id"], "comment", text="\x1b[31m").text)
    assert "«Tekst» inneholder tegn som ikke er tillatt" in empty


def test_a_stale_form_shows_the_case_as_it_is_now_and_keeps_the_text(client_for):
    leder, hms = client_for("leder"), client_for("hms")
    case = _report(client_for("ansatt"))
    stale = leder.get(f"/avvik/{case['id']}").text
    assert _send(hms, case["id"], "acknowledge").status_code == 303
    response = leder.post(
        f"/avvik/{case['id']}/comment",
        data={
            "_csrf_token": _token(stale),
            "expected_version": _version(stale),
            "text": "Det jeg skrev i mellomtiden.",
        },
    )
    assert response.status_code == 409
    page = _text(response.text)
    assert "Saken er endret av noen andre mens du skrev" in page
    assert "Det jeg skrev i mellomtiden." in page
    assert "Hanne HMS-rådgiver" in page
    assert "Under behandling" in page
    assert _version(response.text) != _version(stale)


def test_a_case_the_person_may_not_read_or_handle(client_for):
    leder = client_for("leder")
    case = _report(leder, title="Lederens egen sak")
    ansatt = client_for("ansatt")
    # Its existence is private: not found, as the API says (hms_core.access).
    assert ansatt.get(f"/avvik/{case['id']}").status_code == 404
    verneombud = client_for("verneombud")
    page = verneombud.get(f"/avvik/{case['id']}").text
    body = {"_csrf_token": _token(page), "expected_version": _version(page)}
    refused = verneombud.post(f"/avvik/{case['id']}/acknowledge", data=body)
    assert refused.status_code == 403
    assert "Bare lederen for enheten eller HMS kan behandle saken." in _text(refused.text)


def test_an_unknown_case_is_not_found(client_for):
    page = client_for("leder").get(f"/avvik/{uuid4()}")
    assert page.status_code == 404
    assert "Fant ikke avviket." in page.text


def test_an_unknown_command_is_not_found(client_for):
    leder = client_for("leder")
    case = _report(leder)
    page = leder.get(f"/avvik/{case['id']}").text
    body = {"_csrf_token": _token(page), "expected_version": _version(page)}
    assert leder.post(f"/avvik/{case['id']}/fly", data=body).status_code == 404


def test_a_command_without_its_csrf_token_is_refused_and_changes_nothing(client_for):
    leder = client_for("leder")
    case = _report(leder)
    page = leder.get(f"/avvik/{case['id']}").text
    refused = leder.post(
        f"/avvik/{case['id']}/acknowledge", data={"expected_version": _version(page)}
    )
    assert refused.status_code == 403
    assert "Status: <strong>Meldt</strong>" in leder.get(f"/avvik/{case['id']}").text
