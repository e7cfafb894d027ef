"""/tiltak and /tiltak/{id} through the pages, on SQLite and on PostgreSQL: what each role
finds in the list and its filters, which forms each role is offered, that each form does
what it says, and what a person sees when the input is bad or someone else got there first.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from types import SimpleNamespace
from uuid import UUID, uuid4

import pytest
from litestar.testing import TestClient

from api.app import create_app
from hms_core import clock
from tests.helpers import IT, LURA, ROVIK, as_user, login, report_deviation


@pytest.fixture
def web(services):
    services.start()
    return create_app(services, run_worker=False, owns_services=False)


@pytest.fixture
def client_for(web) -> Callable[[str], TestClient]:
    def make(username: str) -> TestClient:
        client = TestClient(web)
        login(client, username)
        return client

    return make


@pytest.fixture
def who(app) -> SimpleNamespace:
    names = ("ansatt", "leder", "verneombud", "hms", "admin")
    return SimpleNamespace(**{n: as_user(app, n) for n in names})


def create(app, by, owner, *, title: str, unit=LURA, days: int = 14, **links) -> UUID:
    return app.create_action(
        by,
        title=title,
        owner_id=owner.user_id,
        due_date=clock.today() + timedelta(days=days),
        unit_id=unit,
        **links,
    )


def created_long_ago(app, by, owner, *, title: str, unit=LURA) -> UUID:
    """An action due ten days ago: planned a month ago with a deadline 20 days on."""
    with clock.frozen_at(clock.now() - timedelta(days=30)):
        return create(app, by, owner, title=title, unit=unit, days=20)


@pytest.fixture
def acts(app, services, who) -> SimpleNamespace:
    """A at Lura from a case (owner ansatt), B at Lura overdue (owner leder), C at Røvik
    overdue (owner hms), D at IT (owner admin), E at Lura done by ansatt."""
    case = report_deviation(app, who.ansatt).id
    a = create(app, who.leder, who.ansatt, title="Sklisikre matter", unit=None, deviation_id=case)
    b = created_long_ago(app, who.leder, who.leder, title="Nytt rekkverk")
    c = created_long_ago(app, who.hms, who.hms, title="Bedre lys i trappa", unit=ROVIK)
    d = create(app, who.hms, who.admin, title="Oppdater brannmur", unit=IT)
    e = create(app, who.leder, who.ansatt, title="Opplæring i løfteteknikk", days=3)
    app.complete_action(who.ansatt, e, what_was_done="Kurs holdt.")
    assert services.runner.wait_for(app.max_position(), timeout=10)
    return SimpleNamespace(case=case, a=a, b=b, c=c, d=d, e=e)


def _token(html: str) -> str:
    return re.search(r'name="_csrf_token" value="([^"]+)"', html).group(1)


def _version(html: str) -> str:
    return re.search(r'name="expected_version" value="(\d+)"', html).group(1)


def post_form(client: TestClient, action_id, command: str, **fields) -> object:
    """Post a form of the action's page as the browser would: its token and version."""
    html = client.get(f"/tiltak/{action_id}").text
    data = {"_csrf_token": _token(html), "expected_version": _version(html), **fields}
    return client.post(f"/tiltak/{action_id}/{command}", data=data, follow_redirects=False)


def titles(html: str) -> set[str]:
    return set(re.findall(r'<a href="/tiltak/[0-9a-f-]{36}">([^<]+)</a>', html))


ALL = {"Sklisikre matter", "Nytt rekkverk", "Bedre lys i trappa", "Oppdater brannmur"}
ALL |= {"Opplæring i løfteteknikk"}


# --- the list ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("ansatt", {"Sklisikre matter", "Opplæring i løfteteknikk"}),
        ("leder", {"Sklisikre matter", "Nytt rekkverk", "Opplæring i løfteteknikk"}),
        ("verneombud", ALL - {"Oppdater brannmur"}),
        ("hms", ALL),
        ("admin", {"Oppdater brannmur"}),
    ],
)
def test_each_role_lists_the_actions_it_may_see(client_for, acts, username, expected):
    response = client_for(username).get("/tiltak")
    assert response.status_code == 200
    assert titles(response.text) == expected


def test_a_row_names_origin_owner_due_date_and_overdue_in_words(client_for, acts):
    html = client_for("leder").get("/tiltak").text
    assert f'href="/avvik/{acts.case}"' in html
    row = re.search(r"<tr class=\"overdue\">(.*?)</tr>", html, re.S).group(1)
    assert "Nytt rekkverk" in row
    assert "Forfalt" in row
    assert "Leif Leder" in row
    due = clock.today() - timedelta(days=10)
    assert due.strftime("%d.%m.%Y") in row
    assert "Åpent" in row


def test_the_verneombud_filters_the_overdue_actions_of_the_area(client_for, acts):
    vo = client_for("verneombud")
    overdue = vo.get("/tiltak", params={"status": "overdue"})
    assert titles(overdue.text) == {"Nytt rekkverk", "Bedre lys i trappa"}
    rovik = vo.get("/tiltak", params={"status": "overdue", "unit_id": str(ROVIK)})
    assert titles(rovik.text) == {"Bedre lys i trappa"}
    assert f'<option value="{ROVIK}" selected>' in rovik.text


def test_the_status_owner_and_due_filters(client_for, acts, who):
    leder = client_for("leder")
    assert titles(leder.get("/tiltak?status=done").text) == {"Opplæring i løfteteknikk"}
    mine = leder.get("/tiltak", params={"owner_id": str(who.leder.user_id)})
    assert titles(mine.text) == {"Nytt rekkverk"}
    soon = leder.get("/tiltak?status=due_14").text
    assert titles(soon) == {"Sklisikre matter", "Nytt rekkverk"}
    assert titles(leder.get("/tiltak?status=due_soon").text) == set()
    assert titles(leder.get("/tiltak?status=verified").text) == set()


def test_bad_filters_come_back_with_400_and_the_values_kept(client_for, acts):
    response = client_for("hms").get(
        "/tiltak", params={"status": "rubbish", "owner_id": "nobody", "unit_id": str(uuid4())}
    )
    assert response.status_code == 400
    html = response.text
    assert "Velg en status fra listen." in html
    assert "Velg en person fra listen." in html
    assert "Velg en enhet fra listen." in html
    assert '<option value="rubbish" selected>' in html
    assert '<option value="nobody" selected>' in html
    assert 'aria-describedby="status-error"' in html


def test_paging_follows_the_cursor(client_for, app, services, who):
    for n in range(55):
        create(app, who.leder, who.ansatt, title=f"Tiltak {n:02d}", days=1 + n)
    assert services.runner.wait_for(app.max_position(), timeout=10)
    leder = client_for("leder")
    first = leder.get("/tiltak").text
    assert len(titles(first)) == 50
    next_url = re.search(r'href="(/tiltak\?cursor=[^"]+)" rel="next"', first).group(1)
    second = leder.get(next_url.replace("&amp;", "&"))
    # The earliest deadline first: the second page holds the last five.
    assert titles(second.text) == {f"Tiltak {n}" for n in range(50, 55)}
    assert leder.get("/tiltak?cursor=not-a-cursor").status_code == 400


# --- one action: which forms -------------------------------------------------------------


def forms_on(html: str) -> set[str]:
    return set(re.findall(r'action="/tiltak/[0-9a-f-]{36}/([a-z-]+)"', html))


@pytest.mark.parametrize(
    ("username", "which", "expected"),
    [
        ("ansatt", "a", {"complete", "comments"}),
        ("leder", "a", {"complete", "reschedule", "reassign", "cancel", "comments"}),
        ("verneombud", "c", {"comments"}),
        ("hms", "d", {"complete", "reschedule", "reassign", "cancel", "comments"}),
        ("leder", "e", {"verify", "comments"}),
        ("ansatt", "e", {"comments"}),
    ],
)
def test_each_role_is_offered_the_forms_it_may_use(client_for, acts, username, which, expected):
    response = client_for(username).get(f"/tiltak/{getattr(acts, which)}")
    assert response.status_code == 200
    assert forms_on(response.text) == expected


def test_the_page_shows_origin_history_and_names(client_for, acts):
    html = client_for("leder").get(f"/tiltak/{acts.e}").text
    assert "Opplæring i løfteteknikk" in html
    assert "Ada Ansatt" in html  # the owner, and who completed it in the history
    assert "Meldte tiltaket utført: Kurs holdt." in html
    assert "Opprettet med frist" in html
    assert "Leif Leder" in html
    case_page = client_for("leder").get(f"/tiltak/{acts.a}").text
    assert f'href="/avvik/{acts.case}"' in case_page


def test_who_may_not_read_an_action_gets_404_and_who_may_not_change_it_403(client_for, acts):
    ansatt = client_for("ansatt")
    assert ansatt.get(f"/tiltak/{acts.d}").status_code == 404
    assert ansatt.get(f"/tiltak/{uuid4()}").status_code == 404
    vo = client_for("verneombud")
    refused = post_form(vo, acts.c, "cancel", reason="Trengs ikke.")
    assert refused.status_code == 403
    assert "Bare lederen for enheten eller HMS" in refused.text
    assert "Åpent" in vo.get(f"/tiltak/{acts.c}").text
    assert post_form(vo, acts.c, "unknown").status_code == 404


# --- one action: each form ----------------------------------------------------------


def test_the_owner_completes_the_action(client_for, acts):
    ansatt = client_for("ansatt")
    done = post_form(ansatt, acts.a, "complete", what_was_done="Matter lagt ut ved alle dører.")
    assert done.status_code == 303
    assert done.headers["location"].startswith(f"/tiltak/{acts.a}?lagret=complete")
    html = ansatt.get(done.headers["location"]).text
    assert "Tiltaket er meldt utført." in html
    assert "Utført, venter på verifisering" in html
    assert "Matter lagt ut ved alle dører." in html


def test_the_leader_reschedules_reassigns_comments_and_cancels(client_for, acts, who):
    leder = client_for("leder")
    new_due = clock.today() + timedelta(days=40)
    moved = post_form(
        leder, acts.a, "reschedule", due_date=new_due.isoformat(), reason="Venter på levering."
    )
    assert moved.status_code == 303
    html = leder.get(f"/tiltak/{acts.a}").text
    assert new_due.strftime("%d.%m.%Y") in html
    assert "Venter på levering." in html
    given = post_form(
        leder, acts.a, "reassign", owner_id=str(who.leder.user_id), reason="Ada har ferie."
    )
    assert given.status_code == 303
    assert "Ga tiltaket til Leif Leder" in leder.get(f"/tiltak/{acts.a}").text
    noted = post_form(leder, acts.a, "comments", text="Husk å bestille nok.")
    assert noted.status_code == 303
    assert "Husk å bestille nok." in leder.get(f"/tiltak/{acts.a}").text
    dropped = post_form(leder, acts.a, "cancel", reason="Gulvet er byttet.")
    assert dropped.status_code == 303
    html = leder.get(f"/tiltak/{acts.a}").text
    assert "Avlyst" in html
    assert "Gulvet er byttet." in html
    assert forms_on(html) == {"comments"}


def test_verified_as_effective(client_for, acts):
    leder = client_for("leder")
    ok = post_form(leder, acts.e, "verify", effective="yes", note="Færre skader etter kurset.")
    assert ok.status_code == 303
    assert "Verifisert: virket" in leder.get(f"/tiltak/{acts.e}").text


def test_not_effective_creates_the_follow_up_in_the_same_form(client_for, acts, app, who):
    leder = client_for("leder")
    due = clock.today() + timedelta(days=21)
    response = post_form(
        leder,
        acts.e,
        "verify",
        effective="no",
        note="Fortsatt feil løfteteknikk.",
        follow_up_title="Veiledning på avdelingen",
        follow_up_owner_id=str(who.ansatt.user_id),
        follow_up_due_date=due.isoformat(),
    )
    assert response.status_code == 303
    first = app.action(acts.e)
    assert first.follow_up_id is not None
    follow_up = app.action(first.follow_up_id)
    assert (follow_up.title, follow_up.owner_id, follow_up.due_date) == (
        "Veiledning på avdelingen",
        who.ansatt.user_id,
        due,
    )
    html = leder.get(f"/tiltak/{acts.e}").text
    assert f'href="/tiltak/{first.follow_up_id}"' in html
    assert "Verifisert: virket ikke" in html


def test_not_effective_without_a_follow_up_offers_the_follow_up_form(client_for, acts, app, who):
    leder = client_for("leder")
    verified = post_form(leder, acts.e, "verify", effective="no", note="Virket ikke.")
    assert verified.status_code == 303
    html = leder.get(f"/tiltak/{acts.e}").text
    assert "mangler oppfølgingstiltak" in html
    assert "follow-up" in forms_on(html)
    due = clock.today() + timedelta(days=10)
    made = leder.post(
        f"/tiltak/{acts.e}/follow-up",
        data={
            "_csrf_token": _token(html),
            "title": "Ny runde med opplæring",
            "owner_id": str(who.ansatt.user_id),
            "due_date": due.isoformat(),
        },
        follow_redirects=False,
    )
    assert made.status_code == 303
    assert app.action(app.action(acts.e).follow_up_id).title == "Ny runde med opplæring"


# --- bad input and conflicts -------------------------------------------------------------


def test_an_empty_form_comes_back_with_400_and_norwegian_messages(client_for, acts):
    response = post_form(client_for("ansatt"), acts.a, "complete", what_was_done="")
    assert response.status_code == 400
    assert "«Hva ble gjort?» må fylles ut." in response.text
    assert 'aria-describedby="complete-what_was_done-error"' in response.text
    assert 'href="#complete-what_was_done"' in response.text


def test_every_bad_field_of_the_follow_up_is_named_and_every_value_kept(client_for, acts):
    response = post_form(
        client_for("leder"),
        acts.e,
        "verify",
        effective="no",
        note="",
        follow_up_title="Veiledning <på> avdelingen",
        follow_up_description="Hver tirsdag.",
    )
    assert response.status_code == 400
    html = response.text
    assert "«Vurdering» må fylles ut." in html
    assert 'id="verify-follow_up_owner_id-error">Velg en person.' in html
    assert 'id="verify-follow_up_due_date-error">Oppgi en dato.' in html
    assert 'value="Veiledning &lt;på&gt; avdelingen"' in html
    assert "Hver tirsdag.</textarea>" in html
    assert re.search(r'value="no"\s+checked', html)


def test_a_refusal_of_the_domain_is_shown_beside_its_field(client_for, acts):
    leder = client_for("leder")
    past = clock.today() - timedelta(days=1)
    response = post_form(
        leder, acts.a, "reschedule", due_date=past.isoformat(), reason="Feil dato."
    )
    assert response.status_code == 400
    assert 'id="reschedule-due_date-error">Fristen kan ikke være tilbake i tid.' in response.text
    assert "Feil dato.</textarea>" in response.text
    assert f'value="{past.isoformat()}"' in response.text


def test_a_stale_version_shows_the_action_as_it_is_and_keeps_the_text(client_for, acts, app, who):
    ansatt = client_for("ansatt")
    html = ansatt.get(f"/tiltak/{acts.a}").text
    # Meanwhile the leader moves the deadline.
    app.reschedule_action(
        who.leder,
        acts.a,
        due_date=clock.today() + timedelta(days=30),
        reason="Flyttet av leder.",
    )
    response = ansatt.post(
        f"/tiltak/{acts.a}/complete",
        data={
            "_csrf_token": _token(html),
            "expected_version": _version(html),
            "what_was_done": "Matter er lagt ut.",
        },
        follow_redirects=False,
    )
    assert response.status_code == 409
    assert "Noen andre har endret tiltaket" in response.text
    assert "Flyttet av leder." in response.text  # the action as it now is
    assert "Matter er lagt ut.</textarea>" in response.text
    assert _version(response.text) != _version(html)
    assert app.action(acts.a).status == "open"


def test_text_typed_into_a_form_that_no_longer_applies_is_kept(client_for, acts, app, who):
    leder = client_for("leder")
    html = leder.get(f"/tiltak/{acts.a}").text
    app.cancel_action(who.hms, acts.a, reason="Ikke nødvendig.")
    response = leder.post(
        f"/tiltak/{acts.a}/reschedule",
        data={
            "_csrf_token": _token(html),
            "expected_version": _version(html),
            "due_date": (clock.today() + timedelta(days=9)).isoformat(),
            "reason": "Leverandøren er sen.",
        },
        follow_redirects=False,
    )
    assert response.status_code == 409
    assert "Det du skrev (ikke lagret)" in response.text
    assert "Leverandøren er sen." in response.text


def test_a_form_post_without_its_csrf_token_is_refused(client_for, acts, app):
    ansatt = client_for("ansatt")
    version = _version(ansatt.get(f"/tiltak/{acts.a}").text)
    refused = ansatt.post(
        f"/tiltak/{acts.a}/complete",
        data={"expected_version": version, "what_was_done": "Uten token."},
        follow_redirects=False,
    )
    assert refused.status_code == 403
    assert app.action(acts.a).status == "open"
