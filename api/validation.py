"""Validation errors that name every bad field, not just the first.

msgspec stops decoding at the first error, so Litestar's 400 names one field. When a
JSON body fails, we check it again field by field against the handler's Struct and
list them all, with Norwegian messages for the common cases.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import msgspec
from litestar import Request
from litestar.exceptions import ValidationException

from hms_core import rules

_PATH = re.compile(r" - at `\$(?P<path>[^`]*)`$")
_TRANSLATIONS = [
    (re.compile(r"Expected `str` of length >= 1"), "må fylles ut"),
    (re.compile(r"Expected `str` of length <= (\d+)"), r"kan ha høyst \1 tegn"),
    (re.compile(r"Expected `array` of length >= (\d+)"), r"må ha minst \1 verdi(er)"),
    (re.compile(r"Expected `int` >= (\d+)"), r"må være minst \1"),
    (re.compile(r"Expected `int` <= (\d+)"), r"må være høyst \1"),
    (
        re.compile(r"Expected `datetime` with a timezone component"),
        "må ha tidssone (f.eks. +01:00)",
    ),
    (
        re.compile(r"Expected `str` matching regex .*"),
        "inneholder tegn som ikke er tillatt her (kontrolltegn, eller linjeskift i et felt på "
        "én linje)",
    ),
    (re.compile(r"Invalid enum value '(.*)'"), r"«\1» er ikke en gyldig verdi"),
    (re.compile(r"Invalid RFC3339 encoded datetime"), "er ikke et gyldig tidspunkt (ISO 8601)"),
    (re.compile(r"Invalid RFC3339 encoded date"), "er ikke en gyldig dato (ÅÅÅÅ-MM-DD)"),
    (re.compile(r"Invalid UUID"), "er ikke en gyldig id"),
    (re.compile(r"Expected `(\w+)`, got `(\w+)`"), r"har feil type (forventet \1)"),
    (re.compile(r"Object contains unknown field `(.*)`"), r"ukjent felt «\1»"),
]


def norwegian(message: str) -> str:
    for pattern, replacement in _TRANSLATIONS:
        if pattern.search(message):
            return pattern.sub(replacement, message)
    return message


def _error(key: str, message: str) -> dict[str, str]:
    return {"key": key, "message": norwegian(message), "source": "body"}


def _split(error: msgspec.ValidationError) -> tuple[str, str]:
    text = str(error)
    match = _PATH.search(text)
    if not match:
        return "", text
    path = match.group("path").lstrip(".")
    return path, text[: match.start()]


def field_errors(struct: type[msgspec.Struct], raw: Any, prefix: str = "") -> list[dict[str, str]]:
    """Every field of `raw` that does not fit `struct`, checked one field at a time."""
    if not isinstance(raw, dict):
        return [_error(prefix or "body", "Forventet et JSON-objekt")]
    info = msgspec.structs.fields(struct)
    hints = typing.get_type_hints(struct, include_extras=True)
    errors = []
    for field in info:
        key = f"{prefix}{field.encode_name}"
        if field.encode_name not in raw:
            if field.required:
                errors.append(_error(key, "mangler"))
            continue
        value = raw[field.encode_name]
        nested = _struct_in(hints.get(field.name))
        if nested is not None and isinstance(value, dict):
            errors += field_errors(nested, value, f"{key}.")
            continue
        try:
            msgspec.json.decode(msgspec.json.encode(value), type=hints.get(field.name, Any))
        except msgspec.ValidationError as e:
            path, message = _split(e)
            errors.append(_error(f"{key}.{path}" if path else key, message))
    if (
        getattr(struct, "__struct_config__", None)
        and struct.__struct_config__.forbid_unknown_fields
    ):
        known = {f.encode_name for f in info}
        errors += [_error(f"{prefix}{k}", "ukjent felt") for k in raw if k not in known]
    return errors


def _struct_in(hint: Any) -> type[msgspec.Struct] | None:
    """The Struct type of a field typed `S` or `S | None`."""
    candidates = (
        typing.get_args(hint) if typing.get_origin(hint) in (typing.Union, _UnionType) else (hint,)
    )
    for candidate in candidates:
        if isinstance(candidate, type) and issubclass(candidate, msgspec.Struct):
            return candidate
    return None


_UnionType = type(int | None)


def query_error(key: str, message: str) -> ValidationException:
    """A 400 naming one query parameter, as Litestar names those it refuses itself."""
    return ValidationException(message, extra=[{"key": key, "message": message, "source": "query"}])


@contextmanager
def cursor_checked(*errors: type[Exception]) -> Iterator[None]:
    """A `cursor` the query cannot read (one of `errors`) is a 400 naming it."""
    try:
        yield
    except errors:
        raise query_error("cursor", "Ugyldig cursor.") from None


def check_query_dates(dates: dict[str, date | None]) -> None:
    """Refuse, with a 400 naming each parameter, dates outside those the product keeps
    (hms_core.rules: 1900-01-01 to 2999-12-31): nothing before or after can match, and the
    date arithmetic of a query must not overflow at the ends of the calendar."""
    low, high = rules.EARLIEST_DAY, rules.LATEST_DAY
    bad = [
        {
            "key": name,
            "message": f"må være mellom {low:%d.%m.}{low.year} og {high:%d.%m.}{high.year}",
            "source": "query",
        }
        for name, value in dates.items()
        if value is not None and not low <= value <= high
    ]
    if bad:
        keys = ", ".join(e["key"] for e in bad)
        raise ValidationException(f"Ugyldige verdier: {keys}", extra=bad)


def body_errors(request: Request) -> list[dict[str, str]] | None:
    """All field errors of the request's JSON body, if the handler takes a Struct."""
    handler = request.scope.get("route_handler")
    field = getattr(handler, "parsed_data_field", None) if handler else None
    if field is None:
        return None
    struct = _struct_in(field.annotation)
    body = request._connection_state.body  # cached by Litestar when it read the body
    if struct is None or not isinstance(body, bytes | bytearray):
        return None
    try:
        raw = msgspec.json.decode(body)
    except msgspec.DecodeError:
        return [_error("body", "er ikke gyldig JSON")]
    return field_errors(struct, raw) or None
