"""The org tree and users: one tree without cycles, roles tied to their units."""

from __future__ import annotations

import pytest

from hms_core.directory.errors import CycleError, RoleUnitsError, UnitExistsError
from hms_core.directory.organisation import Organisation, unit_id_for
from hms_core.directory.user import User, user_id_for
from hms_core.errors import InvalidValue


def tree() -> Organisation:
    org = Organisation(actor="system:test")
    root = org.add_unit(
        actor="a", code="sandnes", name="Sandnes", parent_id=None, kind="municipality"
    )
    area = org.add_unit(actor="a", code="hov", name="Helse", parent_id=root, kind="service_area")
    org.add_unit(actor="a", code="lura", name="Lura", parent_id=area, kind="unit", fte=80)
    org.add_unit(actor="a", code="rovik", name="Rovik", parent_id=area, kind="unit", fte=70)
    return org


def test_subtrees_hold_a_unit_and_everything_below_it():
    org = tree()
    assert org.subtree(unit_id_for("hov")) == {unit_id_for(c) for c in ("hov", "lura", "rovik")}
    assert org.subtree(unit_id_for("lura")) == {unit_id_for("lura")}
    assert [u.name for u in org.ancestors(unit_id_for("lura"))] == ["Helse", "Sandnes"]


def test_a_unit_cannot_be_moved_below_itself():
    org = tree()
    with pytest.raises(CycleError):
        org.move_unit(actor="a", unit_id=unit_id_for("hov"), parent_id=unit_id_for("lura"))


def test_codes_are_unique_and_only_the_municipality_is_a_root():
    org = tree()
    with pytest.raises(UnitExistsError):
        org.add_unit(actor="a", code="LURA", name="x", parent_id=unit_id_for("hov"), kind="unit")
    with pytest.raises(InvalidValue) as refused:
        org.add_unit(actor="a", code="annen", name="x", parent_id=None, kind="municipality")
    assert refused.value.field == "parent_id"


def test_fte_must_be_a_sensible_number():
    org = tree()
    with pytest.raises(InvalidValue) as refused:
        org.update_unit(actor="a", unit_id=unit_id_for("lura"), name="Lura", fte=-1)
    assert refused.value.field == "fte"


def test_usernames_decide_user_ids():
    user = User.register(
        actor="a",
        username=" Ola ",
        name="Ola",
        email="ola@x.no",
        password_hash=None,
        home_unit_id=None,
    )
    assert user.username == "ola"
    assert user.id == user_id_for("OLA")


def test_roles_are_tied_to_the_units_they_reach():
    user = User.register(
        actor="a", username="vo", name="V", email="v@x.no", password_hash=None, home_unit_id=None
    )
    with pytest.raises(RoleUnitsError):
        user.assign_roles(actor="a", roles=["verneombud"])
    with pytest.raises(RoleUnitsError):
        user.assign_roles(actor="a", roles=["employee"], leads=[unit_id_for("lura")])
    user.assign_roles(actor="admin-1", roles=["verneombud"], safety_rep_for=[unit_id_for("hov")])
    assert user.roles == ("employee", "verneombud")
    [assigned] = [e for e in user.collect_events() if type(e).__name__ == "RolesAssigned"]
    assert assigned.actor == "admin-1"  # who gave the role is in the log


def test_an_unknown_role_is_refused():
    user = User.register(
        actor="a", username="x", name="X", email="x@x.no", password_hash=None, home_unit_id=None
    )
    with pytest.raises(InvalidValue):
        user.assign_roles(actor="a", roles=["king"])
