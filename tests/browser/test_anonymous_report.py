"""In a real browser, on a phone-sized screen: report anonymously, follow with the receipt."""

from __future__ import annotations

import pytest

from tests.browser.fixtures import send_anonymous_threat, sign_in

pytestmark = pytest.mark.browser


def test_an_anonymous_report_is_followed_with_its_receipt_code(server, page, browser):
    base, services = server
    sign_in(page, base, "ansatt")
    page.get_by_role("link", name="Meld avvik").first.click()
    page.get_by_label("Hva skjedde? (kort)").fill("Truende pårørende i resepsjonen")
    page.get_by_label("Beskriv hendelsen").fill("Pårørende hevet stemmen og truet en kollega.")
    page.get_by_label("Hvor skjedde det?").select_option(label="Lura sykehjem")
    send_anonymous_threat(page)

    reference = page.locator("#reference").inner_text()
    code = page.locator("#receipt-code").inner_text()
    assert reference.startswith("AVV-")
    assert len(code.replace("-", "")) == 25

    # Without logging in, in a fresh browser: the code opens the case.
    stranger = browser.new_context().new_page()
    stranger.goto(f"{base}/kvittering")
    stranger.get_by_label("Kvitteringskode").fill(code.lower())
    stranger.get_by_role("button", name="Vis saken").click()
    stranger.get_by_role("heading", name=f"Sak {reference}").wait_for()
    assert "Meldt" in stranger.content()
    stranger.get_by_label("Hva vil du legge til?").fill("Det skjedde rundt klokka tre.")
    stranger.get_by_role("button", name="Send anonymt").click()
    stranger.get_by_text("Det skjedde rundt klokka tre.").wait_for()

    # Nothing in the stored report points back at the reporter.
    ansatt = services.app.find_user("ansatt")
    with services.db.reading() as cur:
        states = [
            bytes(r["state"]) for r in cur.execute("SELECT state FROM stored_events").fetchall()
        ]
        row = cur.execute(
            "SELECT reporter_id FROM rm_deviations WHERE reference = ?", (reference,)
        ).fetchone()
    assert row["reporter_id"] is None
    reported = [s for s in states if reference.encode() in s and b"Truende" in s]
    assert reported
    assert all(str(ansatt.id).encode() not in s for s in reported)


def test_the_form_says_what_is_missing_in_norwegian(server, page):
    base, _ = server
    sign_in(page, base, "ansatt")
    page.goto(f"{base}/avvik/ny")
    page.get_by_role("button", name="Send melding").click()
    summary = page.get_by_role("alert")
    summary.wait_for()
    text = summary.inner_text()
    assert "Velg hva slags avvik det er." in text
    assert "Velg hvor alvorlig det var." in text
    # Each message is tied to its field for screen readers.
    assert page.get_by_label("Hva slags avvik?").get_attribute("aria-invalid") == "true"
