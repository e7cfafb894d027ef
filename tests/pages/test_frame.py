"""The frame around every page: the menu shows what each role may use and marks where one
is; 403, 404 and 500 in Norwegian, in the frame; the sign-in page; the front page's
lists with their true counts, links to the whole lists, and dates as dd.mm.åååå."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from api.limits import PER_USER
from hms_core import clock
from tests.helpers import LURA, action_body, report_body

MENU = re.compile(r'<nav aria-label="Hovedmeny".*?</nav>', re.S)
EVERYONE = ["Mine oppgaver", "Meld avvik", "Mine meldinger", "Tiltak", "Profil"]
MENUS = {
    "ansatt": EVERYONE,
    "leder": [*EVERYONE, "Avvik", "Risiko", "Statistikk"],
    "verneombud": [*EVERYONE, "Avvik", "Risiko", "Statistikk"],
    "hms": [*EVERYONE, "Avvik", "Risiko", "Statistikk", "Revisjon"],
    "admin": [*EVERYONE, "Admin"],
}
ORDER = [
    "Mine oppgaver",
    "Meld avvik",
    "Mine meldinger",
    "Avvik",
    "Tiltak",
    "Risiko",
    "Statistikk",
    "Revisjon",
    "Admin",
    "Profil",
]


def menu_of(html: str) -> list[tuple[str, str, bool]]:
    """(label, href, marked current) of each entry of the menu."""
    nav = MENU.search(html)[0]
    return [
        (label, href, bool(current))
        for href, current, label in re.findall(
            r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>', nav
        )
    ]


def _token(html: str) -> str:
    return re.search(r'name="_csrf_token" value="([^"]+)"', html)[1]


@pytest.mark.parametrize("role", list(MENUS))
def test_the_menu_shows_what_the_role_may_use(client_for, role):
    entries = menu_of(client_for(role).get("/mine").text)
    labels = [label for label, _, _ in entries]
    assert labels == [x for x in ORDER if x in MENUS[role]]
    assert [label for label, _, current in entries if current] == ["Mine meldinger"]


def test_the_current_page_is_the_longest_match(client_for):
    leder = client_for("leder")
    assert [x for x, _, current in menu_of(leder.get("/avvik/ny").text) if current] == [
        "Meld avvik"
    ]
    assert [x for x, _, current in menu_of(leder.get("/").text) if current] == ["Mine oppgaver"]


def test_a_missing_page_is_a_norwegian_404_in_the_frame(client_for):
    ansatt = client_for("ansatt")
    ansatt.get("/")  # a browser that has seen a page of ours has its CSRF cookie
    missing = ansatt.get("/finnes-ikke")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("text/html")
    assert "<h1>Fant ikke siden</h1>" in missing.text
    assert "Not Found" not in missing.text
    assert [x for x, _, _ in menu_of(missing.text)] == [x for x in ORDER if x in EVERYONE]
    # «Logg ut» works from it: the form carries this browser's CSRF token.
    out = ansatt.post("/logout", data={"_csrf_token": _token(missing.text)}, follow_redirects=False)
    assert out.status_code == 303
    assert ansatt.get("/api/v1/users/me").status_code == 401

    stranger = client_for().get("/finnes-ikke")
    assert stranger.status_code == 404
    assert "Hovedmeny" not in stranger.text
    assert 'href="/login"' in stranger.text


def test_a_refused_form_is_a_norwegian_403_in_the_frame(client_for):
    ansatt = client_for("ansatt")
    refused = ansatt.post("/avvik/ny", data={"title": "Uten CSRF"})
    assert refused.status_code == 403
    assert "<h1>Du har ikke tilgang</h1>" in refused.text
    assert "CSRF" not in refused.text
    assert "Logg ut" in refused.text
    assert "Mine meldinger" in refused.text


def test_a_fault_of_ours_is_a_norwegian_500_in_the_frame(client_for, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("api.pages.mine.my_reports", broken)
    page = client_for("leder").get("/mine")
    assert page.status_code == 500
    assert page.headers["content-type"].startswith("text/html")
    assert "<h1>Noe gikk galt</h1>" in page.text
    assert "a bug" not in page.text
    assert "Logg ut" in page.text
    assert "Hovedmeny" in page.text
    assert (
        client_for("leder")
        .get("/api/v1/nope")
        .headers["content-type"]
        .startswith("application/json")
    )


def test_sign_in_sends_a_signed_in_person_on(client_for):
    leder = client_for("leder")
    assert leder.get("/login", follow_redirects=False).headers["location"] == "/"
    assert leder.get("/login?next=/mine", follow_redirects=False).headers["location"] == "/mine"
    elsewhere = leder.get("/login?next=//example.com/x", follow_redirects=False)
    assert (elsewhere.status_code, elsewhere.headers["location"]) == (303, "/")


def _alert(html: str) -> str:
    return re.search(r'<p class="error" role="alert" id="login-error">([^<]*)</p>', html)[1]


def test_sign_in_says_why_without_telling_whether_the_user_exists(client_for):
    client = client_for()
    token = _token(client.get("/login").text)

    def submit(username: str, password: str):
        data = {"username": username, "password": password, "_csrf_token": token}
        return client.post("/login", data=data, follow_redirects=False)

    wrong, unknown = submit("leder", "feil"), submit("finnes-ikke", "feil")
    assert (wrong.status_code, unknown.status_code) == (400, 400)
    assert _alert(wrong.text) == _alert(unknown.text) == "Feil brukernavn eller passord."
    assert wrong.text.replace("leder", "X") == unknown.text.replace("finnes-ikke", "X")
    for _ in range(PER_USER.max_failures - 1):
        submit("leder", "feil")
    waiting = submit("leder", "demo")
    assert waiting.status_code == 429
    assert _alert(waiting.text).startswith("For mange feil forsøk. Vent ")
    assert "også et med riktig passord" in waiting.text


# --- the front page ---------------------------------------------------------------------


def _section(html: str, title: str) -> str:
    return re.search(rf"<section[^>]*>\s*<h2[^>]*>{re.escape(title)}.*?</section>", html, re.S)[0]


def test_an_owner_sees_all_open_actions_with_their_true_count(client_for):
    ansatt, leder = client_for("ansatt"), client_for("leder")
    me = ansatt.get("/api/v1/users/me").json()["id"]
    for days in range(12):  # most of them due long after the next seven days
        due = (clock.today() + timedelta(days=3 + 10 * days)).isoformat()
        body = action_body(me, title=f"Tiltak nummer {days}", due_date=due)
        assert leder.post("/api/v1/actions", json=body).status_code == 201
    mine = _section(ansatt.get("/").text, "Mine åpne tiltak")
    assert '<span class="count">(12)</span>' in mine
    assert len(re.findall(r'<li><a href="/tiltak/[0-9a-f-]{36}">', mine)) == 10
    assert f'href="/tiltak?owner_id={me}&amp;status=open"' in mine
    first_due = (clock.today() + timedelta(days=3)).strftime("%d.%m.%Y")
    assert f"Åpent · frist {first_due}" in mine
    assert not re.search(r"\d{4}-\d{2}-\d{2}", mine.replace(me, ""))  # no ISO dates


def test_a_leader_sees_how_many_wait_and_the_whole_list(client_for):
    ansatt, leder = client_for("ansatt"), client_for("leder")
    for n in range(12):
        assert (
            ansatt.post("/api/v1/deviations", json=report_body(title=f"Sak {n}")).status_code == 201
        )
    new = _section(leder.get("/").text, "Nye saker å ta")
    assert '<span class="count">(minst 10)</span>' in new
    assert f'href="/avvik?status=reported&amp;unit_id={LURA}&amp;include_subunits=true"' in new
    today = clock.local(clock.now()).strftime("%d.%m.%Y")
    assert f"Meldt {today}" in new
    assert "Meldt, meldt" not in new
