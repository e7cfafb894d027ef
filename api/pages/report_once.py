"""What the report form does to be filed once, and to show its result after the redirect.

Each form carries a random key. Filing claims it in the shared store (api.stores, one
transaction, so two processes cannot both claim it); the same key sent again waits for
the first to finish and leads to the same result. The result page finds it through a
short-lived cookie holding the key (path /avvik/ny/takk, HttpOnly): no URL, no log,
no session (sessions are written only at sign-in, api.auth, and an anonymous report
must not touch the reporter's). The store keeps the key's digest, never the key, and
an anonymous report's receipt code only sealed with the key (AES-GCM, with a key
derived from the form's by HKDF), until it has been shown once; then the entry is
gone, so the store keeps nothing about an anonymous report beyond that moment.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import time
from collections.abc import Callable
from typing import Any

import msgspec
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from litestar import Request
from litestar.datastructures import Cookie
from litestar.response import Redirect, Template

from api.dependencies import Svc, Who
from api.stores import DatabaseStore
from hms_core.deviations.use_cases import ReportReceipt
from hms_core.errors import Conflict

COOKIE = "hms_report"
THANKS = "/avvik/ny/takk"
COOKIE_SECONDS = 10 * 60
PENDING_SECONDS = 30  # a claim whose filing died lets the key be used again after this
NAMED_SECONDS = 24 * 3600
ANONYMOUS_SECONDS = 10 * 60
WAIT_SECONDS = 10.0
_KEY = re.compile(r"[A-Za-z0-9_-]{32,128}")


class Filed(msgspec.Struct, frozen=True):
    pending: bool = False
    id: str = ""
    reference: str = ""
    status: str = ""
    anonymous: bool = False
    reporter: str | None = None  # who filed it, for a named report
    sealed_code: str | None = None


_encode, _decode = msgspec.json.Encoder().encode, msgspec.json.Decoder(Filed).decode
PENDING = _encode(Filed(pending=True))


def new_key() -> str:
    return secrets.token_urlsafe(32)


def valid_key(key: str) -> bool:
    return bool(_KEY.fullmatch(key))


def _store(svc: Svc) -> DatabaseStore:
    return DatabaseStore(svc.db).with_namespace("report_forms")


def _slot(key: str) -> str:
    return hashlib.sha256(f"report-form\0{key}".encode()).hexdigest()


def _cipher(key: str) -> AESGCM:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"hms receipt code")
    return AESGCM(derived.derive(key.encode()))


def _seal(key: str, text: str) -> str:
    nonce = secrets.token_bytes(12)
    return base64.b64encode(nonce + _cipher(key).encrypt(nonce, text.encode(), None)).decode()


def _unseal(key: str, sealed: str) -> str:
    raw = base64.b64decode(sealed)
    return _cipher(key).decrypt(raw[:12], raw[12:], None).decode()


def _claim(store: DatabaseStore, slot: str) -> Filed | None:
    """None: the key is ours to file with now; otherwise what it already stands for."""
    found: list[bytes] = []

    def claim(current: dict[str, bytes | None]) -> dict[str, bytes | None]:
        if current[slot] is None:
            return {slot: PENDING}
        found.append(current[slot])
        return {}

    store.update([slot], claim, PENDING_SECONDS)
    return _decode(found[0]) if found else None


def filed_for(svc: Svc, who: Who, key: str, report: Callable[[], ReportReceipt]) -> Filed:
    """The report this form's key stands for: filed now by `report`, or the one filed
    before with the same key (waiting while that one is still being filed)."""
    store, slot = _store(svc), _slot(key)
    deadline = time.monotonic() + WAIT_SECONDS
    while (earlier := _claim(store, slot)) is not None and earlier.pending:
        if time.monotonic() > deadline:
            raise Conflict("Meldingen blir fortsatt sendt. Se «Mine meldinger» om litt.")
        time.sleep(0.1)  # the other request is filing it right now
    if earlier is not None:
        if earlier.reporter not in (None, str(who.user_id)):
            raise Conflict("Dette skjemaet er allerede sendt.")
        return earlier
    try:
        receipt = report()
    except BaseException:
        _release(store, slot)
        raise
    code = receipt.receipt_code
    filed = Filed(
        id=str(receipt.id),
        reference=receipt.reference,
        status=receipt.status,
        anonymous=code is not None,
        reporter=None if code else str(who.user_id),
        sealed_code=_seal(key, code) if code else None,
    )
    store.put(slot, _encode(filed), ANONYMOUS_SECONDS if code else NAMED_SECONDS)
    return filed


def _release(store: DatabaseStore, slot: str) -> None:
    """Nothing was filed (as far as we know): the key may be used again."""
    try:
        store.remove(slot)
    except Exception:  # the store is down too: the claim expires by itself
        return


def thank_you_redirect(svc: Svc, key: str) -> Redirect:
    cookie = Cookie(
        key=COOKIE,
        value=key,
        path=THANKS,
        max_age=COOKIE_SECONDS,
        httponly=True,
        secure=svc.settings.secure_cookies,
        samesite="strict",
    )
    return Redirect(THANKS, status_code=303, cookies=[cookie])


class FiledOnce(msgspec.Struct):
    """What the result page shows: the report (None when the cookie is gone or stale)
    and an anonymous report's receipt code, the one time it is shown."""

    filed: Filed | None
    receipt_code: str | None = None
    slot: str | None = None
    store: Any = None

    @classmethod
    def from_request(cls, request: Request, svc: Svc, who: Who) -> FiledOnce:
        key = request.cookies.get(COOKIE, "")
        if not valid_key(key):
            return cls(None)
        store, slot = _store(svc), _slot(key)
        raw = store.peek(slot)
        filed = _decode(raw) if raw else None
        if filed is None or filed.reporter not in (None, str(who.user_id)):
            return cls(None)
        code = _unseal(key, filed.sealed_code) if filed.sealed_code else None
        return cls(filed, code, slot, store)

    def forget_shown_code(self, response: Template) -> None:
        """Shown once: an anonymous report's entry and cookie are gone after this page."""
        if self.filed is not None and self.filed.anonymous and self.store is not None:
            self.store.remove(self.slot)
            response.delete_cookie(COOKIE, path=THANKS)
