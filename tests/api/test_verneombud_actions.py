"""A verneombud follows the actions in their area, except those of cases they may not read.

The table of issue 5 keeps quality and information-security cases from the verneombud;
an action made for such a case would tell what the case was about through its title.
"""

from __future__ import annotations

from datetime import timedelta

from hms_core import clock
from tests.helpers import action_body, report_body


def test_actions_of_cases_outside_the_hms_categories_stay_hidden(client_for):
    ansatt, leder, vo = client_for("ansatt"), client_for("leder"), client_for("verneombud")
    owner = ansatt.get("/api/v1/users/me").json()["id"]
    overdue = (clock.today() + timedelta(days=1)).isoformat()

    def case_with_action(category: str, title: str) -> str:
        case = ansatt.post("/api/v1/deviations", json=report_body(category=category)).json()
        body = action_body(owner, deviation_id=case["id"], title=title, due_date=overdue)
        return leder.post("/api/v1/actions", json=body).json()["id"]

    hms_action = case_with_action("farlig_forhold", "Skift den løse rekkverket")
    secret_action = case_with_action("informasjonssikkerhet", "Slett lekket pasientliste")

    assert vo.get(f"/api/v1/actions/{hms_action}").status_code == 200
    assert vo.get(f"/api/v1/actions/{secret_action}").status_code == 404
    listed = [a["id"] for a in vo.get("/api/v1/actions").json()["items"]]
    assert hms_action in listed
    assert secret_action not in listed
    comment = vo.post(f"/api/v1/actions/{secret_action}/comments", json={"text": "?"})
    assert comment.status_code == 404

    # Overdue in the area, on the front page: only what the verneombud may read.
    with clock.frozen_at(clock.now() + timedelta(days=3)):
        overdue_titles = [a["title"] for a in vo.get("/api/v1/inbox").json()["overdue_in_my_units"]]
    assert overdue_titles == ["Skift den løse rekkverket"]
    # The leader and the owner still see both.
    assert leder.get(f"/api/v1/actions/{secret_action}").status_code == 200
    assert ansatt.get(f"/api/v1/actions/{secret_action}").status_code == 200
