"""Sign-in, the front page and the anonymous reporter's receipt page."""

from __future__ import annotations

from urllib.parse import quote

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from api.auth import end_session, signed_in, start_session
from api.commands import execute
from api.dependencies import Svc, Who
from api.limits import PER_USER, TooManyGuesses, authenticate
from api.pages.render import page
from api.presenters.deviations import receipt_view
from api.presenters.inbox import front_page
from hms_core.errors import InvalidValue, NotFound
from hms_core.infra.passwords import normalise_receipt_code


class LoginForm(msgspec.Struct):
    username: str = ""
    password: str = ""
    next: str = "/"


class TextForm(msgspec.Struct):
    text: str = ""


class CodeForm(msgspec.Struct):
    code: str = ""


def _safe_next(target: str) -> str:
    """Only paths on this site: never an open redirect."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


class LoginPage(Controller):
    path = "/"
    include_in_schema = False

    @get("/login", sync_to_thread=False)
    def form(self, request: Request, next: FromQuery[str] = "/") -> Template | Redirect:
        """A person already signed in goes on to where they were going."""
        if request.scope.get("user") is not None:
            return Redirect(_safe_next(next), status_code=303)
        return page(request, "login.html", next=_safe_next(next), errors={})

    @post("/login", sync_to_thread=True)
    def submit(self, request: Request, data: URLEncodedBody[LoginForm]) -> Template | Redirect:
        try:
            who = authenticate(request, data.username, data.password) if data.username else None
        except TooManyGuesses as refusal:
            return self._refused(request, data, 429, refusal.detail, refusal.headers, waiting=True)
        if who is None:
            # The same words whether the user exists or not.
            return self._refused(request, data, 400, "Feil brukernavn eller passord.")
        start_session(request, who.user_id)
        return Redirect(_safe_next(data.next), status_code=303)

    @staticmethod
    def _refused(
        request: Request,
        data: LoginForm,
        status: int,
        message: str,
        headers: dict[str, str] | None = None,
        waiting: bool = False,
    ) -> Template:
        return page(
            request,
            "login.html",
            status_code=status,
            headers=headers,
            next=_safe_next(data.next),
            username=data.username,
            errors={"password": message},
            waiting=waiting,
            attempts=PER_USER.max_failures,
        )

    @post("/logout", sync_to_thread=True)
    def logout(self, request: Request) -> Redirect:
        end_session(request)
        return Redirect("/login", status_code=303)


class FrontPage(Controller):
    path = "/"
    include_in_schema = False

    @get("/", guards=[signed_in], sync_to_thread=True)
    def home(self, request: Request, svc: Svc, who: Who) -> Template:
        """What needs me now; for HMS officers also the read models that have stopped."""
        failing = svc.runner.failures() if who.is_hms else []
        return page(request, "home.html", sections=front_page(svc, who), failing=failing)


class ReceiptPage(Controller):
    """No login: the code is the key. The code is never written to any log."""

    path = "/kvittering"
    include_in_schema = False

    @get("/", sync_to_thread=False)
    def lookup(self, request: Request) -> Template:
        return page(request, "receipt_lookup.html", errors={})

    @post("/", sync_to_thread=False)
    def go(self, data: URLEncodedBody[CodeForm]) -> Redirect:
        code = normalise_receipt_code(data.code)
        return Redirect(f"/kvittering/{quote(code)}", status_code=303)

    @get("/{code:str}", sync_to_thread=True)
    def show(self, request: Request, svc: Svc, code: FromPath[str]) -> Template:
        try:
            view = receipt_view(svc.app, svc.app.deviation_by_receipt(code))
        except NotFound:
            errors = {"code": "Fant ingen sak med denne koden. Sjekk at den er skrevet riktig."}
            return page(request, "receipt_lookup.html", status_code=404, errors=errors)
        return page(request, "receipt.html", receipt=view, code=code, errors={})

    @post("/{code:str}", sync_to_thread=True)
    def add(
        self, request: Request, svc: Svc, code: FromPath[str], data: URLEncodedBody[TextForm]
    ) -> Template | Redirect:
        try:
            execute(svc, svc.app.add_information_by_receipt, code, text=data.text)
        except InvalidValue as error:
            return self._refused(request, svc, code, data.text, error.detail)
        return Redirect(f"/kvittering/{quote(code)}#meldinger", status_code=303)

    @staticmethod
    def _refused(request: Request, svc: Svc, code: str, text: str, message: str) -> Template:
        """The receipt again, with the text that was refused and why."""
        view = receipt_view(svc.app, svc.app.deviation_by_receipt(code))
        return page(
            request,
            "receipt.html",
            status_code=400,
            receipt=view,
            code=code,
            text=text,
            errors={"text": message},
        )
