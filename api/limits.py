"""Limits on guessing: passwords per user and per address, receipt codes per address.

Our own limiter rather than Litestar's RateLimitMiddleware, which counts every request
in a fixed window with a lock that only one process sees. Here what counts is a wrong
guess (a right password or a known receipt code costs nothing), the wait after the
limit grows with every further wrong guess, and each count is one read-modify-write
transaction in the shared database store (api.stores), so guesses sent in parallel, to
several web processes, cannot slip past between a read and a write.

- Sign-in: an attempt is counted *before* the password is checked, against the username
  and against the address, and refunded when it succeeds; while either has a wait, the
  attempt is refused without checking the password (the right one too): 429, and the
  Norwegian message says when to try again.
- Receipt codes: only unknown codes (404) count, per address, and a known code leaves
  no row behind: following a case anonymously must not leave a trace of when it was
  followed, from where.

Neither usernames nor addresses are stored: keys are keyed digests of them.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import anyio
import msgspec
from litestar import Request
from litestar.enums import ScopeType
from litestar.exceptions import TooManyRequestsException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from api.security import RETRY_AFTER, TrustedProxies, client_address, request_address
from api.stores import DatabaseStore
from hms_core import clock as hms_clock
from hms_core.access import Principal


@dataclass(frozen=True)
class Policy:
    """After `max_failures` wrong guesses with less than `window` seconds between them,
    each attempt waits `first_wait` seconds, doubled for every further wrong guess, at
    most `max_wait`."""

    max_failures: int
    window: float = 15 * 60
    first_wait: float = 30
    max_wait: float = 15 * 60

    def wait(self, failures: int) -> float:
        if failures < self.max_failures:
            return 0.0
        return min(self.first_wait * 2 ** (failures - self.max_failures), self.max_wait)

    @property
    def keep_for(self) -> float:
        return self.window + self.max_wait


PER_USER = Policy(max_failures=10)
# Higher than per user: a workplace behind one address signs in together in the morning.
PER_ADDRESS = Policy(max_failures=30)
RECEIPTS_PER_ADDRESS = Policy(max_failures=20)


class Tally(msgspec.Struct, frozen=True):
    failures: int
    last: float  # when the last one was counted (the limiter's clock)


_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder(Tally).decode


class TooManyGuesses(TooManyRequestsException):
    """429 with Retry-After and a Norwegian message saying when to try again."""

    def __init__(self, retry_after: float, until: float) -> None:
        seconds = max(1, math.ceil(retry_after))
        moment = datetime.fromtimestamp(until, hms_clock.timezone()).strftime("%H:%M:%S")
        super().__init__(
            detail=f"For mange feil forsøk. Vent {_duration(seconds)} (til kl. {moment}) "
            "og prøv igjen.",
            headers={"Retry-After": str(seconds)},
            extra={"code": "too_many_guesses", "retry_after": seconds},
        )
        self.retry_after = seconds


def _duration(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} sekund" if seconds == 1 else f"{seconds} sekunder"
    minutes = math.ceil(seconds / 60)
    return "1 minutt" if minutes == 1 else f"{minutes} minutter"


class GuessLimits:
    """The counters, in `store`; `clock` (seconds) can be moved by tests."""

    def __init__(
        self, store: DatabaseStore, secret: str, clock: Callable[[], float] = time.time
    ) -> None:
        self.store = store
        self.secret = secret.encode()
        self.clock = clock

    def _key(self, kind: str, value: str) -> str:
        digest = hmac.new(self.secret, f"{kind}\0{value}".encode(), hashlib.sha256)
        return f"{kind}:{digest.hexdigest()[:32]}"

    def _tally(self, raw: bytes | None, policy: Policy, now: float) -> Tally:
        if raw is None:
            return Tally(0, now)
        try:
            tally = _decode(raw)
        except msgspec.DecodeError:
            return Tally(0, now)
        return Tally(0, now) if now - tally.last > policy.window else tally

    def _wait_left(self, tally: Tally, policy: Policy, now: float) -> float:
        return max(tally.last + policy.wait(tally.failures) - now, 0.0)

    # --- sign-in -------------------------------------------------------------------

    def begin_login(self, username: str, address: str) -> None:
        """Count a sign-in attempt, or refuse it (TooManyGuesses) while a wait is on."""
        keys = self._login_keys(username, address)
        policies = dict(zip(keys, (PER_USER, PER_ADDRESS), strict=True))
        now = self.clock()
        refusal: list[float] = []

        def count(current: dict[str, bytes | None]) -> dict[str, bytes | None]:
            tallies = {k: self._tally(current[k], policies[k], now) for k in keys}
            wait = max(self._wait_left(tallies[k], policies[k], now) for k in keys)
            if wait > 0:
                refusal.append(wait)
                return {}
            return {k: _encode(Tally(t.failures + 1, now)) for k, t in tallies.items()}

        self.store.update(keys, count, PER_ADDRESS.keep_for)
        if refusal:
            raise TooManyGuesses(refusal[0], now + refusal[0])

    def login_succeeded(self, username: str, address: str) -> None:
        """The right password: the user starts afresh; the address gets its attempt back."""
        user_key, address_key = self._login_keys(username, address)
        now = self.clock()

        def refund(current: dict[str, bytes | None]) -> dict[str, bytes | None]:
            tally = self._tally(current[address_key], PER_ADDRESS, now)
            left = None if tally.failures <= 1 else _encode(Tally(tally.failures - 1, tally.last))
            return {user_key: None, address_key: left}

        self.store.update([user_key, address_key], refund, PER_ADDRESS.keep_for)

    def _login_keys(self, username: str, address: str) -> list[str]:
        return [self._key("user", username.strip().casefold()), self._key("addr", address)]

    # --- receipt codes -------------------------------------------------------------

    def check_receipt(self, address: str) -> None:
        """Refuse (TooManyGuesses) while this address waits after unknown codes."""
        now = self.clock()
        raw = self.store.peek(self._key("receipt", address))
        tally = self._tally(raw, RECEIPTS_PER_ADDRESS, now)
        wait = self._wait_left(tally, RECEIPTS_PER_ADDRESS, now)
        if wait > 0:
            raise TooManyGuesses(wait, now + wait)

    def receipt_unknown(self, address: str) -> None:
        key = self._key("receipt", address)
        now = self.clock()

        def count(current: dict[str, bytes | None]) -> dict[str, bytes | None]:
            tally = self._tally(current[key], RECEIPTS_PER_ADDRESS, now)
            return {key: _encode(Tally(tally.failures + 1, now))}

        self.store.update([key], count, RECEIPTS_PER_ADDRESS.keep_for)


RECEIPT_PATH = re.compile(r"^/(api/v1/receipts|kvittering)/[^/]+")


class ReceiptGuessing(ASGIMiddleware):
    """Unknown receipt codes per address: counted when the answer is 404, refused (429)
    while the address waits. On the API and the pages alike, without touching their
    handlers."""

    scopes = (ScopeType.HTTP,)

    def __init__(self, limits: GuessLimits, trusted: TrustedProxies) -> None:
        self.limits = limits
        self.trusted = trusted

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if not RECEIPT_PATH.match(scope["path"]):
            await next_app(scope, receive, send)
            return
        address = client_address(scope, self.trusted)
        try:
            await anyio.to_thread.run_sync(self.limits.check_receipt, address)
        except TooManyGuesses as refusal:
            scope.setdefault("state", {})[RETRY_AFTER] = refusal.retry_after
            raise

        async def observe(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 404:
                await anyio.to_thread.run_sync(self.limits.receipt_unknown, address)
            await send(message)

        await next_app(scope, receive, observe)


def authenticate(request: Request[Any, Any, Any], username: str, password: str) -> Principal | None:
    """The person with this username and password, under the guessing limits (blocking).

    Raises TooManyGuesses while the username or the address waits; the password is not
    checked then, so the right one is refused too.
    """
    limits: GuessLimits = request.app.state.guesses
    address = request_address(request)
    limits.begin_login(username, address)
    who = request.app.state.services.app.authenticate(username, password)
    if who is not None:
        limits.login_succeeded(username, address)
    return who
