"""Search and filters take what people type as text: SQL metacharacters and LIKE
wildcards match themselves (or nothing), never widen a search or change a query —
on SQLite and PostgreSQL alike.

Search matches words (each as a prefix); punctuation is not a word, so a search made
only of punctuation is no search at all, and `%` or `_` next to a word do not stretch it.
"""

from __future__ import annotations

import csv
import io

import pytest

from tests.helpers import report_body

TITLES = {
    "fall": "Fall i korridoren",
    "percent": "100% sikker rekkverk",
    "underscore": "Feil i a_b-koden",
    "quote": "Sikkerhet'; DROP TABLE rm_deviations; --",
    "plain": "Helt vanlig sak",
}
SEARCHES = {
    "' OR '1'='1": set(),
    "' OR 1=1 --": set(),
    "'; DROP TABLE rm_deviations; --": {"quote"},
    "Sikkerhet'; DROP": {"quote"},
    '" OR ""="': set(),
    "100%": {"percent"},
    "%fall%": {"fall"},
    "fall%": {"fall"},
    "f%l": set(),
    "fa_l": set(),
    "_": set(),
    "a_b": {"underscore"},
    "fall*": {"fall"},
    "fall OR sak": set(),
    "fall NOT": set(),
    "NEAR(fall sak)": set(),
    "fall:*": {"fall"},
    "fall & !sak": set(),
    "(fall | sak)": set(),
    "x\x00y": set(),
    "\\": None,  # no words: the whole list
    "%": None,
    "*": None,
}


@pytest.fixture
def cases(client_for) -> dict[str, str]:
    ansatt = client_for("ansatt")
    made = {}
    for key, title in TITLES.items():
        response = ansatt.post("/api/v1/deviations", json=report_body(title=title))
        assert response.status_code == 201
        made[response.json()["id"]] = key
    return made


def _found(client, cases, **params) -> set[str]:
    response = client.get("/api/v1/deviations", params=params)
    assert response.status_code == 200, (params, response.text)
    return {cases[item["id"]] for item in response.json()["items"] if item["id"] in cases}


def test_search_matches_what_was_typed_as_text(client_for, cases):
    hms = client_for("hms")
    everything = set(TITLES)
    assert _found(hms, cases) == everything
    for q, expected in SEARCHES.items():
        assert _found(hms, cases, q=q) == (everything if expected is None else expected), q
    # The table is still there, with every case in it.
    assert _found(hms, cases) == everything


def test_the_export_searches_the_same_way(client_for, cases):
    hms = client_for("hms")
    for q in ("' OR '1'='1", "100%", "%fall%", "fa_l"):
        response = hms.get("/api/v1/deviations/export", params={"q": q})
        assert response.status_code == 200, q
        rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff")), delimiter=";"))
        titles = {row[1] for row in rows[1:]}
        assert titles == {TITLES[key] for key in SEARCHES[q]}, q


def test_text_filters_match_exactly(client_for, cases):
    hms = client_for("hms")
    for value in ("%", "' OR '1'='1", "nestenulykke' --", "_estenulykke", "nestenulykke%"):
        assert _found(hms, cases, category=value) == set(), value
    assert _found(hms, cases, category="nestenulykke") == set(TITLES)


def test_typed_filters_refuse_what_is_not_their_type(client_for, cases):
    hms = client_for("hms")
    for name, value in [
        ("status", "' OR 1=1 --"),
        ("status", "%"),
        ("unit_id", "' OR 1=1 --"),
        ("from", "2020-01-01' OR '1'='1"),
        ("cursor", "' OR 1=1 --"),
        ("limit", "1; DROP TABLE rm_deviations"),
    ]:
        response = hms.get("/api/v1/deviations", params={name: value})
        assert response.status_code == 400, (name, value, response.text)
    assert _found(hms, cases) == set(TITLES)
