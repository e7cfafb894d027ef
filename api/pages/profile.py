"""/profil: my name and e-mail, and a change of my own password.

The directory's use cases let a person change their own password (`set_password`,
with `by` the same user); name and e-mail are changed by an administrator
(`update_profile` is theirs), so this page shows them without a form. The password
I have now is checked as a sign-in is (api.limits.authenticate: the same guessing
limits), so the form cannot be used to guess it.
"""

from __future__ import annotations

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from api.auth import signed_in
from api.commands import execute
from api.dependencies import Svc, Who
from api.limits import TooManyGuesses, authenticate
from api.pages.render import page
from api.presenters.common import unit_name
from hms_core.directory.user import check_password
from hms_core.errors import InvalidValue

ROLE_LABELS = {
    "employee": "Ansatt",
    "leader": "Leder",
    "verneombud": "Verneombud",
    "hms": "HMS-rådgiver",
    "admin": "Administrator",
}
LABELS = {
    "current_password": "Passordet du har nå",
    "new_password": "Nytt passord",
    "new_password_again": "Nytt passord en gang til",
}

# Messages beside the fields (not passwords, whatever the linter thinks of their keys).
MISSING_CURRENT = "Skriv inn passordet du har nå."
NOT_THE_SAME = "Passordene er ikke like. Skriv det nye passordet likt to ganger."


class PasswordForm(msgspec.Struct):
    current_password: str = ""
    new_password: str = ""
    new_password_again: str = ""


def password_problems(form: PasswordForm) -> dict[str, str]:
    """What is wrong with the form before the password I have now is tried."""
    errors: dict[str, str] = {}
    if not form.current_password:
        errors["current_password"] = MISSING_CURRENT
    try:
        check_password(form.new_password)
    except InvalidValue as error:
        errors["new_password"] = error.detail
    if form.new_password_again != form.new_password:
        errors["new_password_again"] = NOT_THE_SAME
    return errors


class ProfilePage(Controller):
    path = "/profil"
    include_in_schema = False
    guards = [signed_in]

    def _show(self, request: Request, svc: Svc, who: Who, errors: dict, status=200, **more):
        user = svc.app.user(who.user_id)
        return page(
            request,
            "profile.html",
            status_code=status,
            profile=user,
            roles=[ROLE_LABELS.get(r, r) for r in user.roles],
            home_unit=unit_name(svc.app, user.home_unit_id) if user.home_unit_id else None,
            labels=LABELS,
            errors=errors,
            **more,
        )

    @get("/", sync_to_thread=True)
    def show(self, request: Request, svc: Svc, who: Who, endret: FromQuery[str] = "") -> Template:
        return self._show(request, svc, who, {}, changed=endret == "passord")

    @post("/", sync_to_thread=True)
    def change_password(
        self, request: Request, svc: Svc, who: Who, data: URLEncodedBody[PasswordForm]
    ) -> Template | Redirect:
        """Current password, the new one twice; the directory's set_password does it."""
        errors = password_problems(data)
        if errors:
            return self._show(request, svc, who, errors, status=400)
        try:
            known = authenticate(request, who.username, data.current_password)
        except TooManyGuesses as refusal:
            errors = {"current_password": refusal.detail}
            return self._show(request, svc, who, errors, status=429, headers=refusal.headers)
        if known is None or known.user_id != who.user_id:
            errors = {"current_password": "Passordet du har nå, stemmer ikke."}
            return self._show(request, svc, who, errors, status=400)
        try:
            execute(svc, svc.app.set_password, who, user_id=who.user_id, password=data.new_password)
        except InvalidValue as error:
            return self._show(request, svc, who, {"new_password": error.detail}, status=400)
        return Redirect("/profil?endret=passord", status_code=303)
