"""What every response carries, whom a request comes from, and bodies we refuse to parse.

- Security headers go on at `http.response.start` (Litestar's `before_send` hook), so
  redirects, error responses from exception handlers, static files and the router's own
  404/405 get them too, not only what a handler returned.
- The client's address is the socket peer. X-Forwarded-For counts only when the peer is
  one of HMS_TRUSTED_PROXIES; otherwise anyone could claim any address and guess on.
- A JSON body nested deeper than any of our schemas is refused with a 400 before msgspec
  decodes it: msgspec recurses in C and a body a few hundred kilobytes long reaches
  Python's recursion limit (RecursionError, which Litestar does not turn into a 400).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any

from litestar import Request
from litestar.datastructures import MutableScopeHeaders
from litestar.exceptions import ClientException
from litestar.types import Message, Scope

from api.settings import Settings

# Pages set their own (api.pages.render.PAGE_CSP). JSON, redirects, static files and
# errors get this one: nothing in them may run, load or be framed.
STRICT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# The API viewer (/schema): its script and styles come from /static/vendor, and it fetches
# the schema (and tries requests) on this origin only. RapiDoc sets inline style
# attributes, hence 'unsafe-inline' for styles on this one page.
SCHEMA_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
SCHEMA_PAGES = ("/schema", "/schema/", "/schema/rapidoc")
HSTS = "max-age=63072000"
MAX_JSON_DEPTH = 32
UNVERIFIED_FORWARDED = "forwarded-unverified"
# Scope state: seconds to send as Retry-After on a 429 whose handler could not say.
RETRY_AFTER = "hms_retry_after"

__all__ = [
    "TrustedProxies",
    "client_address",
    "refuse_deeply_nested_json",
    "security_headers",
]


def _fixed_headers(settings: Settings) -> dict[str, str]:
    headers = {
        "x-content-type-options": "nosniff",
        "x-frame-options": "DENY",
        # Receipt codes travel in URLs: never let them leave in a Referer header.
        "referrer-policy": "no-referrer",
    }
    if settings.secure_cookies:  # HMS_BASE_URL is https
        headers["strict-transport-security"] = HSTS
    return headers


def security_headers(settings: Settings):
    """A `before_send` hook: the same headers on every HTTP response."""
    fixed = _fixed_headers(settings)

    async def add(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = MutableScopeHeaders.from_message(message)
        for name, value in fixed.items():
            headers[name] = value
        if "content-security-policy" not in headers:
            schema_page = scope.get("path") in SCHEMA_PAGES
            headers["content-security-policy"] = SCHEMA_CSP if schema_page else STRICT_CSP
        retry_after = scope.get("state", {}).get(RETRY_AFTER)
        if message["status"] == 429 and retry_after and "retry-after" not in headers:
            headers["retry-after"] = str(retry_after)

    return add


class TrustedProxies:
    """HMS_TRUSTED_PROXIES as networks: is this address one of our own proxies?"""

    def __init__(self, entries: Sequence[str]) -> None:
        self.networks = [ipaddress.ip_network(e, strict=False) for e in entries]

    def __bool__(self) -> bool:
        return bool(self.networks)

    def __contains__(self, host: object) -> bool:
        try:
            address = ipaddress.ip_address(str(host))
        except ValueError:
            return False
        return any(address in network for network in self.networks)


def _forwarded_hosts(scope: Scope) -> list[str]:
    values = [v.decode("latin-1") for k, v in scope.get("headers", ()) if k == b"x-forwarded-for"]
    return [_host(part) for part in ",".join(values).split(",") if part.strip()]


def _host(entry: str) -> str:
    """'203.0.113.5', '203.0.113.5:4711' or '[2001:db8::1]:4711' → the address."""
    entry = entry.strip()
    if entry.startswith("["):
        return entry[1 : entry.find("]")] if "]" in entry else entry
    if entry.count(":") == 1:
        return entry.split(":", 1)[0]
    return entry


def _nearest_untrusted(hosts: list[str], trusted: TrustedProxies) -> str:
    """Each proxy appends the address it saw: the right-most one not ours is the client."""
    for host in reversed(hosts):
        if host not in trusted:
            return host
    return hosts[0]


def client_address(scope: Scope, trusted: TrustedProxies) -> str:
    """The address a request comes from, for counting guesses.

    The socket peer, unless it is a trusted proxy: then the nearest address in
    X-Forwarded-For that is not one of ours. If the peer the ASGI server reports is
    itself listed in X-Forwarded-For, a layer in front of the app (uvicorn's
    `proxy_headers`, on by default for 127.0.0.1) has already replaced the socket peer
    by a forwarded address that nobody vouched for: without trusted proxies all such
    requests count as one client, so a spoofed header never buys a fresh allowance.
    """
    client = scope.get("client")
    peer = str(client[0]) if client else ""
    hosts = _forwarded_hosts(scope)
    if not hosts:
        return peer or "unknown"
    if peer in trusted:
        return _nearest_untrusted(hosts, trusted)
    if peer in hosts:
        return _nearest_untrusted(hosts, trusted) if trusted else UNVERIFIED_FORWARDED
    return peer or "unknown"


def request_address(request: Request[Any, Any, Any]) -> str:
    state = request.scope.setdefault("state", {})
    if "hms_client_address" not in state:
        trusted = request.app.state.get("trusted_proxies") or TrustedProxies(())
        state["hms_client_address"] = client_address(request.scope, trusted)
    return state["hms_client_address"]


_NESTING = bytes.maketrans(b"[]{}", b"()()")
_NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))


def json_depth_exceeds(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Does this JSON text nest arrays/objects deeper than `limit`?

    Linear, and mostly in C: brackets inside strings go with the strings, the rest
    become '(' and ')', and each pass removes the innermost pairs, so the passes count
    the depth. Brackets never closed count too: the decoder would recurse into them
    before it found the text malformed.
    """
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    brackets = _without_strings(body).translate(_NESTING, _NOT_BRACKETS)
    depth = 0
    while (shorter := brackets.replace(b"()", b"")) != brackets:
        brackets, depth = shorter, depth + 1
        if depth > limit:
            return True
    return depth + brackets.count(b"(") > limit


def _without_strings(body: bytes) -> bytes:
    """The JSON text without its string literals (one pass, no backtracking)."""
    out = bytearray()
    start = 0
    i = body.find(b'"')
    while i != -1:
        out += body[start:i]
        j = i + 1
        while True:
            j = body.find(b'"', j)
            if j == -1:
                return bytes(out)  # an unterminated string: the decoder will refuse it
            backslashes = 0
            k = j - 1
            while k > i and body[k] == 0x5C:
                backslashes += 1
                k -= 1
            if backslashes % 2 == 0:
                break
            j += 1
        start = j + 1
        i = body.find(b'"', start)
    out += body[start:]
    return bytes(out)


async def refuse_deeply_nested_json(request: Request[Any, Any, Any]) -> None:
    """A `before_request` hook: 400 naming the body for absurdly nested JSON."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/")):
        return
    body = await request.body()
    if body and json_depth_exceeds(body):
        raise ClientException(
            detail=f"Ugyldig innhold: JSON nestet dypere enn {MAX_JSON_DEPTH} nivåer.",
            extra=[
                {
                    "key": "body",
                    "message": f"nestet dypere enn {MAX_JSON_DEPTH} nivåer",
                    "source": "body",
                }
            ],
        )
