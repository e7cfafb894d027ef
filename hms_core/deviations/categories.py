"""Deviation categories and the other closed vocabularies of a deviation.

Defaults from DOMAIN.md. `hms` marks the categories a verneombud follows (HMS matters);
quality and information-security cases are for leaders and HMS officers only.
"""

from __future__ import annotations

import msgspec


class Category(msgspec.Struct, frozen=True):
    code: str
    label: str
    hms: bool = True


DEFAULT_CATEGORIES: tuple[Category, ...] = (
    Category("personskade", "Personskade"),
    Category("nestenulykke", "Nestenulykke"),
    Category("vold_og_trusler", "Vold og trusler"),
    Category("farlig_forhold", "Farlig forhold"),
    Category("arbeidsmiljo", "Arbeidsmiljø (psykososialt)"),
    Category("ytre_miljo", "Ytre miljø"),
    Category("materiell_skade", "Materiell skade"),
    Category("informasjonssikkerhet", "Informasjonssikkerhet (personvernbrudd)", hms=False),
    Category("kvalitet", "Kvalitet/tjeneste", hms=False),
)

INJURY = "personskade"
NEAR_MISS = "nestenulykke"
VIOLENCE = "vold_og_trusler"

PERSON_KINDS = {
    "employee": "Ansatt",
    "pupil": "Elev",
    "patient": "Pasient/beboer",
    "visitor": "Besøkende",
    "other": "Annen",
}

CAUSE_KINDS = {
    "human": "Menneskelig",
    "technical": "Teknisk",
    "organisational": "Organisatorisk",
    "environmental": "Ytre forhold",
    "unknown": "Ukjent",
}

STATUS_LABELS = {
    "reported": "Meldt",
    "under_treatment": "Under behandling",
    "closed": "Lukket",
}


def category_codes(categories: tuple[Category, ...] = DEFAULT_CATEGORIES) -> frozenset[str]:
    return frozenset(c.code for c in categories)


def label(code: str, categories: tuple[Category, ...] = DEFAULT_CATEGORIES) -> str:
    return next((c.label for c in categories if c.code == code), code)
