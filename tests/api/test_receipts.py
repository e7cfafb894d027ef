"""Receipt codes: long and random, forgiving to type, throttled when wrong."""

from __future__ import annotations

import math
import re
from uuid import UUID

from litestar.testing import TestClient

from hms_core.deviations.receipt import receipt_id_for
from hms_core.infra.passwords import new_receipt_code
from tests.helpers import report_body


def client_at(app, address: str) -> TestClient:
    """A test client whose requests come from `address` (rate limits count per client)."""
    client = TestClient(app)
    transport = client._transport
    parse = transport.parse_request

    def from_address(request):
        scope = parse(request)
        scope["client"] = (address, 50000)
        return scope

    transport.parse_request = from_address
    return client


RECEIPT_FORMAT = re.compile(r"[A-HJ-NP-Z2-9]{5}(-[A-HJ-NP-Z2-9]{5}){4}")
LIMIT = 20  # wrong codes a minute from one client (api.app)


def test_codes_are_long_random_strings_kept_only_as_a_digest(client_for, services):
    ansatt = client_for("ansatt")
    codes = [
        ansatt.post("/api/v1/deviations", json=report_body(anonymous=True)).json()["receipt_code"]
        for _ in range(3)
    ]
    codes += [new_receipt_code() for _ in range(200)]
    assert all(RECEIPT_FORMAT.fullmatch(code) for code in codes)
    assert len(set(codes)) == len(codes)
    # 25 letters from an alphabet of 32 without 0/O and 1/I: 125 bits, and all used.
    letters = "".join(codes).replace("-", "")
    assert len(set(letters)) == 32
    assert 25 * math.log2(len(set(letters))) >= 125
    # The receipt is known by a digest of its code: the code itself is nowhere.
    with services.db.reading() as cur:
        table = "hms_events" if services.db.dialect == "postgres" else "stored_events"
        rows = cur.execute(f"SELECT originator_id, state FROM {table}").fetchall()
    stored = b"".join(bytes(r["state"]) for r in rows).replace(b"-", b"")
    ids = {UUID(str(r["originator_id"])) for r in rows}
    for code in codes[:3]:
        assert code.replace("-", "").encode() not in stored
        assert receipt_id_for(code) in ids


def test_lookups_forgive_case_dashes_and_spaces(client_for, web):
    made = client_for("ansatt").post("/api/v1/deviations", json=report_body(anonymous=True))
    code, reference = made.json()["receipt_code"], made.json()["reference"]
    stranger = client_at(web, "198.51.100.7")
    for spelling in (code, code.lower(), code.replace("-", ""), " " + code.replace("-", " ")):
        found = stranger.get(f"/api/v1/receipts/{spelling}")
        assert found.status_code == 200, spelling
        assert found.json()["reference"] == reference
        assert reference in stranger.get(f"/kvittering/{spelling}").text
    typed = stranger.get("/kvittering")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', typed.text).group(1)
    sent = stranger.post(
        "/kvittering",
        data={"_csrf_token": token, "code": code.lower().replace("-", "")},
        follow_redirects=False,
    )
    assert sent.headers["location"] == f"/kvittering/{code}"


def test_wrong_codes_are_throttled_per_client_on_the_api_and_the_page(client_for, web):
    made = client_for("ansatt").post("/api/v1/deviations", json=report_body(anonymous=True))
    good = made.json()["receipt_code"]
    guesser = client_at(web, "198.51.100.20")
    wrong = [new_receipt_code() for _ in range(LIMIT)]
    answers = [guesser.get(f"/api/v1/receipts/{code}").status_code for code in wrong]
    assert answers == [404] * LIMIT
    assert guesser.get(f"/api/v1/receipts/{new_receipt_code()}").status_code == 429
    # The limit counts the client, not the code: the guesser is stopped there too …
    assert guesser.get(f"/api/v1/receipts/{good}").status_code == 429
    more = guesser.post(f"/api/v1/receipts/{good}/information", json={"text": "x"})
    assert more.status_code == 429
    assert guesser.get(f"/kvittering/{good}").status_code == 429
    # … while the reporter, from another machine, is not.
    reporter = client_at(web, "198.51.100.21")
    assert reporter.get(f"/api/v1/receipts/{good}").status_code == 200

    page_guesser = client_at(web, "198.51.100.22")
    pages = [page_guesser.get(f"/kvittering/{code}") for code in wrong]
    assert [p.status_code for p in pages] == [404] * LIMIT
    assert "Fant ingen sak med denne koden" in pages[0].text
    refused = page_guesser.get(f"/kvittering/{new_receipt_code()}")
    assert refused.status_code == 429
    assert "For mange forsøk" in refused.text
    assert reporter.get(f"/kvittering/{good}").status_code == 200
