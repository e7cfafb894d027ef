"""In Chromium, on a phone-sized screen, on both stores: an employee reports with their
name and follows it under «Mine meldinger»; reports anonymously and, signed out, follows
it with the receipt code until the leader's feedback is there. And the report form used
from the keyboard alone, its error summary leading to each field."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from api.app import create_app
from api.bootstrap import build
from api.settings import Settings
from demo.directory import demo_directory
from hms_core.deviations.commands import AcknowledgeDeviation, GiveFeedback
from tests.browser.fixtures import send_anonymous_threat, serving, sign_in
from tests.conftest import DEMO_HASH, SYSTEM
from tests.helpers import as_user

pytestmark = pytest.mark.browser


@pytest.fixture
def site(database_url: str) -> Iterator[tuple[str, object]]:
    """The product on a free port, on SQLite and on PostgreSQL."""
    services = build(Settings(database_url=database_url, secret_key="browser-test"))
    services.app.import_directory(SYSTEM, demo_directory(DEMO_HASH))
    services.start()
    try:
        with serving(create_app(services, run_worker=False, owns_services=False)) as base:
            yield base, services
    finally:
        services.close()


def _fill_report(page, title: str) -> None:
    page.get_by_role("link", name="Meld avvik", exact=True).click()
    page.get_by_label("Hva skjedde? (kort)").fill(title)
    page.get_by_label("Beskriv hendelsen").fill("Pårørende hevet stemmen og truet en kollega.")
    page.get_by_label("Hvor skjedde det?").select_option(label="Lura sykehjem")


def test_an_employee_reports_and_follows_both_named_and_anonymous(site, page, browser):
    base, services = site
    sign_in(page, base, "ansatt")

    _fill_report(page, "Truende pårørende ved heisen")
    page.get_by_label("Hva slags avvik?").select_option(label="Vold og trusler")
    page.get_by_label("2 – Mindre alvorlig").check()
    page.get_by_role("button", name="Send melding").click()
    page.get_by_role("heading", name="Takk for meldingen").wait_for()
    named = page.locator("#reference").inner_text()
    assert page.url == f"{base}/avvik/ny/takk"
    page.reload()  # nothing is sent again
    assert page.locator("#reference").inner_text() == named
    page.get_by_role("main").get_by_role("link", name="Mine meldinger").click()
    mine = page.locator("ul.reports > li", has_text=named)
    mine.get_by_text("Status: Meldt").wait_for()

    _fill_report(page, "Truende pårørende i resepsjonen")
    send_anonymous_threat(page)
    reference = page.locator("#reference").inner_text()
    code = page.locator("#receipt-code").inner_text()
    assert code not in page.url
    page.reload()  # shown once
    assert page.locator("#receipt-code").count() == 0
    assert page.locator("#reference").count() == 0
    assert code not in page.content()

    leder = as_user(services.app, "leder")
    case = services.app.deviation_by_receipt(code)
    services.app.acknowledge_deviation(leder, case.id, AcknowledgeDeviation())
    feedback = GiveFeedback(text="Takk. Vi har snakket med pårørende og laget en plan.")
    services.app.give_feedback(leder, case.id, feedback)

    stranger = browser.new_context(locale="nb-NO", viewport={"width": 390, "height": 844})
    try:
        other = stranger.new_page()
        other.goto(f"{base}/kvittering")
        other.get_by_label("Kvitteringskode").fill(code)
        other.get_by_role("button", name="Vis saken").click()
        other.get_by_role("heading", name=f"Sak {reference}").wait_for()
        other.get_by_text("Vi har snakket med pårørende og laget en plan.").wait_for()
        assert "Under behandling" in other.content()
    finally:
        stranger.close()
    # The named report is still the only one under «Mine meldinger».
    page.goto(f"{base}/mine")
    assert page.locator("ul.reports > li").count() == 1


def _focused(page) -> str:
    """The focused element: its id, or its tag and text where it has none."""
    return page.evaluate(
        "(() => { const e = document.activeElement; if (!e) return '';"
        " return e.id || (e.tagName + ':' + e.textContent.trim()); })()"
    )


def _tab_to(page, target: str, limit: int = 60) -> None:
    """Press Tab until `target` (an id, or TAG:text) has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if _focused(page) == target:
            return
    raise AssertionError(f"{target} is not reached with Tab")


SUBMIT = "BUTTON:Send melding"


def test_the_report_form_works_from_the_keyboard_alone(site, page):
    base, services = site
    sign_in(page, base, "ansatt")
    page.goto(f"{base}/avvik/ny")

    # Sent empty: the summary lists every problem and each link leads to its field.
    _tab_to(page, SUBMIT)
    page.keyboard.press("Enter")
    summary = page.locator(".error-summary")
    summary.wait_for()
    assert summary.get_by_role("link").count() == 4  # title, description, category, severity
    _tab_to(page, "A:Velg hvor alvorlig det var.")
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'severity'")

    page.goto(f"{base}/avvik/ny")
    _tab_to(page, "title")
    page.keyboard.type("Glatt ved inngangen")
    _tab_to(page, "description")
    page.keyboard.type("Is på trappa foran hovedinngangen.")
    _tab_to(page, "category")
    page.keyboard.type("Nesten")  # a focused select picks the option typed
    _tab_to(page, "severity")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")  # 2 – Mindre alvorlig
    assert page.get_by_label("2 – Mindre alvorlig").is_checked()
    _tab_to(page, "SUMMARY:Ble noen skadet? Gjorde du noe med en gang?")
    page.keyboard.press("Enter")  # opens it
    _tab_to(page, "person_kind")
    page.keyboard.type("Ansatt")
    _tab_to(page, "absence")
    page.keyboard.press("Space")
    _tab_to(page, SUBMIT)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Takk for meldingen").wait_for()
    reference = page.locator("#reference").inner_text()
    services.runner.catch_up()
    with services.db.reading() as cur:
        row = cur.execute(
            "SELECT title, category, severity, person_kind, absence FROM rm_deviations "
            "WHERE reference = ?",
            (reference,),
        ).fetchone()
    assert (row["title"], row["category"], row["severity"], row["person_kind"]) == (
        "Glatt ved inngangen",
        "nestenulykke",
        2,
        "employee",
    )
    assert row["absence"]
