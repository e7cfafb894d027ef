"""/mine: my reports with their status and the feedback given to me, never an anonymous
one. /profil: my name and e-mail, and a change of my own password."""

from __future__ import annotations

import re

from tests.helpers import login, report_body


def _token(html: str) -> str:
    return re.search(r'name="_csrf_token" value="([^"]+)"', html)[1]


def test_my_reports_show_status_and_feedback_and_no_anonymous_one(client_for):
    ansatt, leder = client_for("ansatt"), client_for("leder")
    answered = ansatt.post("/api/v1/deviations", json=report_body(title="Glatt trapp")).json()
    waiting = ansatt.post("/api/v1/deviations", json=report_body(title="Løs list")).json()
    hidden = ansatt.post(
        "/api/v1/deviations", json=report_body(title="Anonym sak", anonymous=True)
    ).json()
    leder.post("/api/v1/deviations", json=report_body(title="Lederens egen"))
    url = f"/api/v1/deviations/{answered['id']}"
    assert leder.post(f"{url}/acknowledge", json={}).status_code == 200
    assert (
        leder.post(f"{url}/feedback", json={"text": "Vi strør trappa hver morgen."}).status_code
        == 201
    )
    internal = {"text": "Intern merknad.", "visible_to_reporter": False}
    assert leder.post(f"{url}/comments", json=internal).status_code == 201

    page = ansatt.get("/mine")
    assert page.status_code == 200
    items = re.findall(r"<li>\s*<h2>.*?</li>\s*(?=<li>\s*<h2>|</ul>)", page.text, re.S)
    assert [re.search(r"</a> ([^<]+)</h2>", i)[1] for i in items] == ["Løs list", "Glatt trapp"]
    assert f'href="/avvik/{waiting["id"]}"' in items[0]
    assert "Status: <strong>Meldt</strong>" in items[0]
    assert "Ingen svar ennå." in items[0]
    assert "Status: <strong>Under behandling</strong>" in items[1]
    assert "Vi strør trappa hver morgen." in items[1]
    assert "Intern merknad." not in page.text
    assert "Anonym sak" not in page.text
    assert hidden["reference"] not in page.text
    assert "Lederens egen" not in page.text


def test_the_profile_shows_me_and_changes_my_password(client_for):
    ansatt = client_for("ansatt")
    page = ansatt.get("/profil")
    assert page.status_code == 200
    assert '<dd id="profile-name">Ada Ansatt</dd>' in page.text
    assert '<dd id="profile-email">ansatt@sandnes.example</dd>' in page.text
    token = _token(page.text)

    def change(current: str, new: str, again: str):
        data = {
            "_csrf_token": token,
            "current_password": current,
            "new_password": new,
            "new_password_again": again,
        }
        return ansatt.post("/profil", data=data, follow_redirects=False)

    every = change("", "kort", "annet")
    assert every.status_code == 400
    errors = dict(re.findall(r'<p class="error" id="([a-z_]+)-error">([^<]+)</p>', every.text))
    assert set(errors) == {"current_password", "new_password", "new_password_again"}
    assert errors["new_password"] == "Passordet må ha minst 8 tegn."
    assert "kort" not in every.text  # passwords are not written back into the page

    wrong = change("feil", "et langt nytt passord", "et langt nytt passord")
    assert wrong.status_code == 400
    assert "Passordet du har nå, stemmer ikke." in wrong.text

    done = change("demo", "et langt nytt passord", "et langt nytt passord")
    assert (done.status_code, done.headers["location"]) == (303, "/profil?endret=passord")
    assert "Passordet er endret." in ansatt.get("/profil?endret=passord").text

    fresh = client_for()
    assert (
        fresh.post(
            "/api/v1/auth/login", json={"username": "ansatt", "password": "demo"}
        ).status_code
        == 401
    )
    login(fresh, "ansatt", "et langt nytt passord")
