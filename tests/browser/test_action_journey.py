"""In a real browser, on both stores: the owner completes an action, the leader verifies
it as not effective and plans the follow-up in the same form, and the verneombud finds
the overdue actions of the area and comments on one."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from api.app import create_app
from hms_core import clock
from tests.browser.fixtures import phone_page, serving, sign_in
from tests.helpers import IT, LURA, ROVIK, as_user, report_deviation

pytestmark = pytest.mark.browser


@pytest.fixture
def site(services) -> Iterator[tuple[str, object]]:
    """The product serving the test's store (SQLite or PostgreSQL), read models running."""
    services.start()
    with serving(create_app(services, run_worker=False, owns_services=False)) as base:
        yield base, services


def _settled(services) -> None:
    assert services.runner.wait_for(services.app.max_position(), timeout=10)


def test_the_owner_completes_and_the_leader_plans_the_follow_up(site, browser):
    base, services = site
    app = services.app
    leder, ansatt = as_user(app, "leder"), as_user(app, "ansatt")
    case = report_deviation(app, ansatt).id
    app.create_action(
        leder,
        title="Sklisikre matter ved vaskerommet",
        owner_id=ansatt.user_id,
        due_date=clock.today() + timedelta(days=14),
        deviation_id=case,
    )
    _settled(services)

    with phone_page(browser) as page:
        sign_in(page, base, "ansatt")
        page.goto(f"{base}/tiltak")
        page.get_by_role("link", name="Sklisikre matter ved vaskerommet").click()
        page.get_by_label("Hva ble gjort?").fill("Matter lagt ut ved begge dørene.")
        page.get_by_role("button", name="Meld utført").click()
        page.get_by_text("Tiltaket er meldt utført.").wait_for()
        assert "Utført, venter på verifisering" in page.content()

    with phone_page(browser) as page:
        sign_in(page, base, "leder")
        page.goto(f"{base}/tiltak")
        page.get_by_label("Status").select_option(label="Utført, venter på verifisering")
        page.get_by_role("button", name="Vis tiltak").click()
        page.get_by_role("link", name="Sklisikre matter ved vaskerommet").click()
        page.get_by_label("Nei, det virket ikke").check()
        page.get_by_label("Vurdering").fill("Det er fortsatt glatt når det er vasket.")
        page.get_by_label("Hva skal gjøres?").fill("Bytt til sklisikkert gulvbelegg")
        page.get_by_label("Ansvarlig for det nye tiltaket").select_option(label="Ada Ansatt")
        due = clock.today() + timedelta(days=30)
        page.get_by_label("Frist for det nye tiltaket").fill(due.isoformat())
        page.get_by_role("button", name="Lagre vurderingen").click()
        page.get_by_text("Tiltaket er verifisert.").wait_for()
        assert "Verifisert: virket ikke" in page.content()
        page.get_by_role("link", name="Tiltaket som tok over").click()
        page.get_by_role("heading", name="Bytt til sklisikkert gulvbelegg").wait_for()
        assert due.strftime("%d.%m.%Y") in page.content()
        assert "Ada Ansatt" in page.content()


def test_the_verneombud_finds_the_overdue_actions_of_the_area(site, browser):
    base, services = site
    app = services.app
    hms = as_user(app, "hms")
    with clock.frozen_at(clock.now() - timedelta(days=30)):
        for title, unit in [
            ("Bedre lys i trappa", ROVIK),
            ("Nytt rekkverk", LURA),
            ("Oppdater brannmur", IT),  # outside the verneområde
        ]:
            app.create_action(
                hms,
                title=title,
                owner_id=hms.user_id,
                unit_id=unit,
                due_date=clock.today() + timedelta(days=20),
            )
    app.create_action(
        hms,
        title="Ikke forfalt ennå",
        owner_id=hms.user_id,
        unit_id=LURA,
        due_date=clock.today() + timedelta(days=5),
    )
    _settled(services)

    with phone_page(browser) as page:
        sign_in(page, base, "verneombud")
        page.goto(f"{base}/tiltak")
        page.get_by_role("link", name="Forfalte").first.click()
        table = page.get_by_role("table")
        table.wait_for()
        text = table.inner_text()
        assert "Bedre lys i trappa" in text
        assert "Nytt rekkverk" in text
        assert "Oppdater brannmur" not in text
        assert "Ikke forfalt ennå" not in text
        assert text.upper().count("FORFALT") >= 2
        page.get_by_role("link", name="Bedre lys i trappa").click()
        page.get_by_text("fristen var").wait_for()
        # A verneombud follows up and comments, but does not change the action.
        assert page.get_by_role("button", name="Flytt fristen").count() == 0
        page.get_by_label("Ny kommentar").fill("Trappa er fortsatt mørk. Når kommer lyset?")
        page.get_by_role("button", name="Lagre kommentaren").click()
        page.get_by_text("Kommentaren er lagret.").wait_for()
        assert "Trappa er fortsatt mørk. Når kommer lyset?" in page.content()
