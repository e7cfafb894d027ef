"""In a real browser: script typed into every text field is shown as text on every page
that shows it, and nothing runs — no dialog, no marker set, no CSP violation reported
(the CSP would block an injected inline script, and Chromium would say so)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.fixtures import demo_site, send_anonymous_threat, shared_chromium, sign_in

pytestmark = pytest.mark.browser

SCRIPT = "<script>__pwned=1;alert(1)</script>"
IMG = "<img src=x onerror=__pwned=2;alert(2)>"
SVG = '"><svg onload=__pwned=3;alert(3)>'
HOSTILE = f"{SCRIPT} {IMG} {SVG}"  # 108 characters: fits a title or a place


def field(name: str) -> str:
    return f"{name}: {HOSTILE}"


class Watch:
    """Dialogs, CSP reports and the marker, over every page opened."""

    def __init__(self) -> None:
        self.dialogs: list[str] = []
        self.console: list[str] = []
        self.pages = 0

    def attach(self, page) -> None:
        def on_dialog(dialog) -> None:
            self.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.on("console", lambda message: self.console.append(message.text))

    def check(self, page) -> None:
        """Nothing ran on the page shown now."""
        self.pages += 1
        assert page.evaluate("typeof window.__pwned") == "undefined", page.url
        assert page.locator("main script, main img, main svg").count() == 0, page.url
        assert self.dialogs == [], page.url
        assert [m for m in self.console if "Content Security Policy" in m] == [], page.url


@pytest.fixture
def browser():
    return shared_chromium()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, object]]:
    with demo_site(tmp_path) as served:
        yield served


def _page(browser, watch: Watch):
    context = browser.new_context(locale="nb-NO", viewport={"width": 390, "height": 844})
    page = context.new_page()
    watch.attach(page)
    return page


def _fill_report(page) -> None:
    page.get_by_label("Hva skjedde? (kort)").fill(field("T")[:120])
    page.get_by_label("Beskriv hendelsen").fill(field("description"))
    page.get_by_label("Hvor skjedde det?").select_option(label="Lura sykehjem")
    page.get_by_label("Sted (valgfritt)").fill(field("location")[:120])
    page.get_by_text("Ble noen skadet? Gjorde du noe med en gang?").click()
    page.get_by_label("Strakstiltak (valgfritt)").fill(field("immediate action"))


def test_script_in_every_field_is_shown_as_text_and_nothing_runs(site, browser):
    base, _ = site
    watch = Watch()
    title = field("T")[:120]
    assert title == field("T")  # the whole payload fits

    # The login page shows a typed username back after a failed sign-in.
    reporter = _page(browser, watch)
    reporter.goto(f"{base}/login")
    reporter.get_by_label("Brukernavn").fill(HOSTILE)
    reporter.get_by_label("Passord").fill("feil")
    reporter.get_by_role("button", name="Logg inn").click()
    reporter.get_by_role("alert").wait_for()
    assert reporter.get_by_label("Brukernavn").input_value() == HOSTILE
    watch.check(reporter)

    sign_in(reporter, base, "ansatt")
    watch.check(reporter)

    # The report form shows every field back when something is missing (no category).
    reporter.goto(f"{base}/avvik/ny")
    _fill_report(reporter)
    reporter.get_by_role("button", name="Send melding").click()
    reporter.get_by_role("alert").wait_for()
    assert reporter.get_by_label("Hva skjedde? (kort)").input_value() == title
    assert reporter.get_by_label("Beskriv hendelsen").input_value() == field("description")
    assert reporter.get_by_label("Sted (valgfritt)").input_value() == field("location")
    assert reporter.get_by_label("Strakstiltak (valgfritt)").input_value() == field(
        "immediate action"
    )
    watch.check(reporter)

    # Reported anonymously: the thank-you page with the receipt code.
    send_anonymous_threat(reporter)
    code = reporter.locator("#receipt-code").inner_text()
    watch.check(reporter)

    # The unit's leader sees the title in the inbox, as text; answers with script too.
    leader = _page(browser, watch)
    sign_in(leader, base, "leder")
    assert title in leader.locator("main").inner_text()
    watch.check(leader)
    case = leader.request.get(f"{base}/api/v1/deviations", params={"q": "description"}).json()
    case_id = case["items"][0]["id"]
    answered = leader.request.post(
        f"{base}/api/v1/deviations/{case_id}/feedback", data={"text": field("feedback")}
    )
    assert answered.status == 201, answered.text()
    commented = leader.request.post(
        f"{base}/api/v1/deviations/{case_id}/comments",
        data={"text": field("comment"), "visible_to_reporter": True},
    )
    assert commented.status == 201, commented.text()

    # The anonymous reporter, without signing in, follows the case by its code.
    stranger = _page(browser, watch)
    stranger.goto(f"{base}/kvittering/{code}")
    stranger.get_by_role("heading", name="Sak ").wait_for()
    facts = stranger.locator("dl.facts").inner_text()
    assert title in facts
    messages = stranger.locator("#meldinger + ol").inner_text()
    assert field("feedback") in messages
    assert field("comment") in messages
    watch.check(stranger)
    stranger.get_by_label("Hva vil du legge til?").fill(field("information"))
    stranger.get_by_role("button", name="Send anonymt").click()
    stranger.get_by_text(field("information")).wait_for()
    assert field("information") in stranger.locator("#meldinger + ol").inner_text()
    watch.check(stranger)

    # The leader's front page again, after all of it.
    leader.reload()
    assert title in leader.locator("main").inner_text()
    watch.check(leader)
    assert watch.pages == 8
