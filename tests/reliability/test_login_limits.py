"""Guessing is limited per user and per address; forwarded headers count only from our
own proxies; unknown receipt codes are limited per address.

The limiter's clock is moved instead of waiting (`web.state.guesses.clock`).
"""

from __future__ import annotations

import dataclasses
import re
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import msgspec
import pytest
from litestar.testing import TestClient

from api.app import create_app
from api.limits import PER_ADDRESS, PER_USER, RECEIPTS_PER_ADDRESS
from api.security import TrustedProxies, client_address
from api.settings import ConfigurationError, Settings
from hms_core.infra.passwords import new_receipt_code
from tests.browser.fixtures import serving
from tests.helpers import report_body


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(web) -> Clock:
    web.state.guesses.clock = clock = Clock()
    return clock


def client_at(app, address: str) -> TestClient:
    """A test client whose socket peer is `address`."""
    client = TestClient(app)
    parse = client._transport.parse_request

    def from_address(request):
        scope = parse(request)
        scope["client"] = (address, 50000)
        return scope

    client._transport.parse_request = from_address
    return client


def api_login(client, username: str, password: str, **headers: str) -> httpx.Response:
    return client.post(
        "/api/v1/auth/login", json={"username": username, "password": password}, headers=headers
    )


def test_a_user_waits_after_ten_wrong_passwords_from_any_address(web, clock):
    for i in range(PER_USER.max_failures):
        wrong = api_login(client_at(web, f"198.51.100.{i + 1}"), "leder", "feil")
        assert wrong.status_code == 401
    # From yet another address, and with the right password: refused, with when to retry.
    refused = api_login(client_at(web, "198.51.100.99"), "leder", "demo")
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "30"
    assert "Vent 30 sekunder" in refused.json()["detail"]
    assert "prøv igjen" in refused.json()["detail"]
    # Others sign in as usual meanwhile.
    assert api_login(client_at(web, "198.51.100.99"), "ansatt", "demo").status_code == 200

    clock.advance(29)
    assert api_login(client_at(web, "198.51.100.99"), "leder", "demo").status_code == 429
    clock.advance(2)
    assert api_login(client_at(web, "198.51.100.99"), "leder", "demo").status_code == 200


def test_the_wait_grows_with_each_further_wrong_password(web, clock):
    client = client_at(web, "198.51.100.5")
    for _ in range(PER_USER.max_failures):
        assert api_login(client, "hms", "feil").status_code == 401
    waits = []
    for _ in range(3):
        refused = api_login(client, "hms", "feil")
        assert refused.status_code == 429
        waits.append(int(refused.headers["retry-after"]))
        clock.advance(waits[-1])
        assert api_login(client, "hms", "feil").status_code == 401  # counted, and waits more
    assert waits == [30, 60, 120]
    assert int(api_login(client, "hms", "demo").headers["retry-after"]) == 240


def test_the_right_password_starts_the_user_afresh(web, clock):
    client = client_at(web, "198.51.100.6")
    for _ in range(PER_USER.max_failures - 1):
        assert api_login(client, "verneombud", "feil").status_code == 401
    assert api_login(client, "verneombud", "demo").status_code == 200
    codes = [api_login(client, "verneombud", "feil").status_code for _ in range(9)]
    assert codes == [401] * 9


def test_an_address_waits_after_many_wrong_guesses_across_users(web, clock):
    guesser = client_at(web, "203.0.113.7")
    for i in range(PER_ADDRESS.max_failures):
        assert api_login(guesser, f"bruker{i}", "feil").status_code == 401
    refused = api_login(guesser, "leder", "demo")
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) == 30
    # Another address is not held up.
    assert api_login(client_at(web, "203.0.113.8"), "leder", "demo").status_code == 200
    clock.advance(31)
    assert api_login(guesser, "leder", "demo").status_code == 200


def test_the_login_page_says_when_to_try_again(web, clock):
    client = client_at(web, "198.51.100.40")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', client.get("/login").text).group(1)

    def submit(password: str) -> httpx.Response:
        return client.post(
            "/login",
            data={"username": "leder", "password": password, "_csrf_token": token},
            follow_redirects=False,
        )

    for _ in range(PER_USER.max_failures):
        assert submit("feil").status_code == 400
    refused = submit("demo")
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "30"
    alert = re.search(r'<p class="error" role="alert" id="login-error">([^<]*)</p>', refused.text)
    assert alert is not None
    assert "Vent 30 sekunder" in alert.group(1)
    assert '<form method="post" action="/login"' in refused.text
    clock.advance(30)
    assert submit("demo").status_code == 303


def test_a_spoofed_forwarded_header_from_an_untrusted_peer_is_ignored(web, clock):
    guesser = client_at(web, "203.0.113.50")
    for i in range(PER_ADDRESS.max_failures):
        spoofed = {"X-Forwarded-For": f"192.0.2.{i + 1}"}
        assert api_login(guesser, f"bruker{i}", "feil", **spoofed).status_code == 401
    fresh = {"X-Forwarded-For": "192.0.2.200"}
    assert api_login(guesser, "leder", "demo", **fresh).status_code == 429


def test_a_trusted_proxy_is_believed_about_its_clients(services):
    app = _app_trusting(services, "10.9.0.0/16")
    proxy = client_at(app, "10.9.0.2")
    one, other = {"X-Forwarded-For": "192.0.2.1"}, {"X-Forwarded-For": "192.0.2.2, 10.9.0.3"}
    for i in range(PER_ADDRESS.max_failures):
        assert api_login(proxy, f"bruker{i}", "feil", **one).status_code == 401
    assert api_login(proxy, "leder", "demo", **one).status_code == 429
    # Another client behind the same proxies is another address.
    assert api_login(proxy, "leder", "demo", **other).status_code == 200


def _app_trusting(services, *proxies: str):
    """The app as `hms serve` makes it with HMS_TRUSTED_PROXIES set to `proxies`."""
    settings = msgspec.structs.replace(services.settings, trusted_proxies=proxies)
    app = create_app(
        dataclasses.replace(services, settings=settings), run_worker=False, owns_services=False
    )
    app.state.guesses.clock = Clock()
    return app


def _guess_receipts(client, count: int, **headers: str) -> list[int]:
    return [
        client.get(f"/api/v1/receipts/{new_receipt_code()}", headers=headers).status_code
        for _ in range(count)
    ]


def test_unknown_receipt_codes_are_limited_per_address_and_known_ones_cost_nothing(
    web, clock, client_for
):
    good = client_for("ansatt").post("/api/v1/deviations", json=report_body(anonymous=True))
    code = good.json()["receipt_code"]
    reporter = client_at(web, "198.51.100.70")
    for _ in range(3 * RECEIPTS_PER_ADDRESS.max_failures):
        assert reporter.get(f"/api/v1/receipts/{code}").status_code == 200

    guesser = client_at(web, "198.51.100.71")
    limit = RECEIPTS_PER_ADDRESS.max_failures
    assert _guess_receipts(guesser, limit) == [404] * limit
    refused = guesser.get(f"/api/v1/receipts/{code}")
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "30"
    page = guesser.get(f"/kvittering/{code}")
    assert page.status_code == 429
    assert page.headers["retry-after"] == "30"
    assert "Vent 30 sekunder" in page.text
    assert reporter.get(f"/kvittering/{code}").status_code == 200
    clock.advance(30)
    assert guesser.get(f"/api/v1/receipts/{code}").status_code == 200


@pytest.mark.parametrize(
    "uvicorn_options",
    [{}, {"proxy_headers": False}],
    ids=["uvicorn-defaults", "proxy-headers-off"],
)
def test_a_real_server_ignores_forwarded_headers_from_an_untrusted_peer(services, uvicorn_options):
    """`hms serve` runs uvicorn, which by default believes X-Forwarded-For from 127.0.0.1."""
    app = create_app(services, run_worker=False, owns_services=False)
    app.state.guesses.clock = Clock()
    limit = RECEIPTS_PER_ADDRESS.max_failures
    with serving(app, **uvicorn_options) as base, httpx.Client(base_url=base) as client:
        answers = [
            client.get(
                f"/api/v1/receipts/{new_receipt_code()}",
                headers={"X-Forwarded-For": f"192.0.2.{i + 1}"},
            ).status_code
            for i in range(limit + 1)
        ]
    assert answers == [404] * limit + [429]


@pytest.mark.parametrize(
    "uvicorn_options",
    [{}, {"proxy_headers": False}],
    ids=["uvicorn-defaults", "proxy-headers-off"],
)
def test_a_real_server_believes_a_trusted_proxy(services, uvicorn_options):
    app = _app_trusting(services, "127.0.0.1")
    limit = RECEIPTS_PER_ADDRESS.max_failures
    with serving(app, **uvicorn_options) as base, httpx.Client(base_url=base) as client:
        one = {"X-Forwarded-For": "192.0.2.1"}
        assert _guess_receipts(client, limit, **one) == [404] * limit
        assert _guess_receipts(client, 1, **one) == [429]
        assert _guess_receipts(client, 1, **{"X-Forwarded-For": "192.0.2.2"}) == [404]


def test_trusted_proxies_come_from_the_environment():
    env = {"HMS_SECRET_KEY": "k"}
    assert Settings.from_env(env).trusted_proxies == ()
    given = {**env, "HMS_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.1,,2001:db8::/32"}
    assert Settings.from_env(given).trusted_proxies == ("10.0.0.0/8", "192.0.2.1", "2001:db8::/32")
    with pytest.raises(ConfigurationError, match="HMS_TRUSTED_PROXIES"):
        Settings.from_env({**env, "HMS_TRUSTED_PROXIES": "proxy.example"})


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "expected"),
    [
        ("203.0.113.9", None, (), "203.0.113.9"),
        ("203.0.113.9", "192.0.2.1", (), "203.0.113.9"),
        ("203.0.113.9", "192.0.2.1", ("10.0.0.0/8",), "203.0.113.9"),
        ("10.0.0.2", "192.0.2.1", ("10.0.0.0/8",), "192.0.2.1"),
        ("10.0.0.2", "198.51.100.4, 192.0.2.1, 10.0.0.7", ("10.0.0.0/8",), "192.0.2.1"),
        ("10.0.0.2", "192.0.2.1:4711", ("10.0.0.0/8",), "192.0.2.1"),
        ("10.0.0.2", "[2001:db8::5]:4711", ("10.0.0.0/8",), "2001:db8::5"),
        ("10.0.0.2", "10.0.0.5, 10.0.0.6", ("10.0.0.0/8",), "10.0.0.5"),
        ("::1", "2001:db8::5", ("::1",), "2001:db8::5"),
        # What uvicorn's proxy_headers leaves: the peer replaced by a forwarded address.
        ("192.0.2.1", "192.0.2.1", (), "forwarded-unverified"),
        ("192.0.2.1", "192.0.2.1", ("127.0.0.1",), "192.0.2.1"),
    ],
)
def test_the_client_address_believes_only_trusted_proxies(peer, forwarded, trusted, expected):
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    scope = {"client": (peer, 50000), "headers": headers}
    assert client_address(scope, TrustedProxies(trusted)) == expected


def test_guesses_sent_all_at_once_get_no_more_tries(services):
    """Each attempt is counted in one transaction before its password is checked."""
    app = create_app(services, run_worker=False, owns_services=False)
    app.state.guesses.clock = Clock()
    attempts = 3 * PER_USER.max_failures
    with serving(app) as base, httpx.Client(base_url=base, timeout=30) as client:

        def guess(_: int) -> int:
            return api_login(client, "leder", "feil").status_code

        with ThreadPoolExecutor(max_workers=attempts) as pool:
            codes = list(pool.map(guess, range(attempts)))
    assert sorted(codes) == [401] * PER_USER.max_failures + [429] * (
        attempts - PER_USER.max_failures
    )
