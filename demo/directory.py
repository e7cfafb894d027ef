"""The demo organisation: a small Sandnes-like tree and the five demo users.

Password `demo` for all (CONTRACT.md). Only seeded into an empty store, by
`hms serve --demo` or `hms demo seed`.
"""

from __future__ import annotations

from hms_core.directory.org_import import DirectoryDocument, UnitDocument, UserDocument

DEMO_PASSWORD = "demo"  # noqa: S105 - the documented demo password


def _unit(code: str, name: str, fte: float, *units: UnitDocument, kind: str = "unit"):
    return UnitDocument(code=code, name=name, kind=kind, fte=fte, units=list(units))


def _area(code: str, name: str, fte: float, *units: UnitDocument) -> UnitDocument:
    return _unit(code, name, fte, *units, kind="service_area")


DEMO_TREE = UnitDocument(
    code="sandnes",
    name="Sandnes kommune",
    kind="municipality",
    fte=12.0,
    units=[
        _area(
            "organisasjon",
            "Organisasjon",
            6.0,
            _unit("servicekontoret", "Servicekontoret", 24.0),
            _unit("it", "IT", 41.0),
            _unit("hr-hms", "HR og HMS", 18.5),
        ),
        _area(
            "helse-og-velferd",
            "Helse og velferd",
            9.0,
            _unit("lura-sykehjem", "Lura sykehjem", 86.5),
            _unit("rovik-sykehjem", "Rovik sykehjem", 71.0),
            _unit("hjemmetjenesten", "Hjemmetjenesten", 118.0),
        ),
        _area(
            "oppvekst",
            "Oppvekst",
            7.0,
            _unit("buggeland-skole", "Buggeland skole", 54.0),
            _unit("hana-skole", "Hana skole", 47.5),
            _unit("trones-barnehage", "Trones barnehage", 21.0),
        ),
        _area(
            "bymiljo",
            "Bymiljø",
            5.0,
            _unit("driftsdepotet", "Driftsdepotet Stangeland", 62.0),
        ),
    ],
)


def demo_users(password_hash: str) -> list[UserDocument]:
    def user(username, name, unit, roles=("employee",), leads=(), covers=()) -> UserDocument:
        return UserDocument(
            username=username,
            name=name,
            email=f"{username}@sandnes.example",
            unit=unit,
            roles=list(roles),
            leads=list(leads),
            safety_rep_for=list(covers),
            password_hash=password_hash,
        )

    return [
        user("ansatt", "Ada Ansatt", "lura-sykehjem"),
        user("leder", "Leif Leder", "lura-sykehjem", ("leader",), leads=["lura-sykehjem"]),
        user(
            "verneombud",
            "Vera Verneombud",
            "rovik-sykehjem",
            ("verneombud",),
            covers=["helse-og-velferd"],
        ),
        user("hms", "Hanne HMS-rådgiver", "hr-hms", ("hms",)),
        user("admin", "Arne Administrator", "it", ("admin",)),
    ]


def demo_directory(password_hash: str) -> DirectoryDocument:
    return DirectoryDocument(units=[DEMO_TREE], users=demo_users(password_hash))
