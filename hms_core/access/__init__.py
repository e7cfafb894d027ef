"""Who may see and do what: the one place the rules live, one module per area.

`principal` (who is asking), `deviations`, `actions`, `risk`, `figures` (register,
statistics, HR import), `directory` (users, head counts, the audit trail); this package
offers all their names. What of a record a reader is shown once they may read it (the
receipt, a case's history, actors' names, head counts) is `disclosure`.

The API, the pages, the exports and every read-model query ask here. The rules
(DOMAIN.md and the access matrix of issue 5, tested in tests/api/test_access_matrix.py):

| | employee | leader of U | verneombud for V | HMS officer | admin |
|---|---|---|---|---|---|
| report a deviation | any unit | any unit | any unit | any unit | any unit |
| read a deviation | own reports | U and below | HMS categories in V | all | own reports |
| handle a deviation | — | U and below | — | all | — |
| comment on a deviation | own reports | U and below | what they read | all | own reports |
| read an action | own | U and below | V | all | own |
| create, reassign, reschedule, cancel, verify | — | U and below | — | all | — |
| complete an action | own | own, U and below | own | all | own |
| read a risk assessment | participant | U, participant | V, participant | all | participant |
| edit a draft | — | U and below | drafts they take part in | all | — |
| create, approve, revise, archive | — | U and below | — | all | — |
| risk register, statistics | — | U and below | V | all | — |
| audit trail | — | — | — | all | — |
| import HR figures | — | — | — | yes | yes |
| unit names and ids (the report form) | all | all | all | all | all |
| users, FTE of units | — | — | — | read | all |

Decisions where the issue's table left room:

- Roles add rights; they never take away what a person has as a person. Whoever
  reported a case (not anonymously) reads it, comments on it and adds information;
  whoever owns an action reads and completes it; a participant reads the assessment.
  So an administrator, who reads no cases as an administrator, follows their own
  report like any employee.
- An anonymous report belongs to nobody: not even its reporter finds it when signed
  in. It is followed with the receipt code only (hms_core.deviations.receipt).
- Naming an injured person gives that person no access to the case by itself: they see
  the name and health details (AML § 5-1) in a case they may read, e.g. one they
  reported; other requests for access go to HMS.
- The verneombud's statistics and register cover their verneområde's units (the
  table's "V"); figures are counts and hazards, never a case's content.
- Everyone signed in may list the units (id, name, place in the tree): the report form
  needs them. Their head counts (FTE) and everything about users are for HMS
  officers (read) and administrators.

A record a person may not read is reported as not found (its existence is private); an
action they may not take on a record they can read is forbidden. A command naming two
records (a deviation and a hazard) checks that both can be read before anything else.
"""

from __future__ import annotations

from hms_core.access.actions import (
    action_unit_scope,
    can_complete_action,
    can_manage_action,
    can_read_action,
    check_comment_action,
    check_complete_action,
    check_create_action,
    check_manage_action,
    check_read_action,
)
from hms_core.access.deviations import (
    HMS_CATEGORIES,
    DeviationScope,
    can_handle_deviation,
    can_read_deviation,
    check_add_information,
    check_comment_deviation,
    check_handle_deviation,
    check_read_deviation,
    deviation_scope,
    sees_injured_identity,
    sees_internal_notes,
    sees_note,
)
from hms_core.access.directory import (
    can_read_directory,
    check_audit,
    check_manage_directory,
    check_read_directory,
)
from hms_core.access.figures import (
    check_figures,
    check_import_hr,
    figures_scope,
)
from hms_core.access.principal import (
    Principal,
    UnitScope,
    system_principal,
)
from hms_core.access.risk import (
    can_approve_assessment,
    can_edit_assessment,
    can_read_assessment,
    check_approve_assessment,
    check_create_assessment,
    check_edit_assessment,
    check_link_deviation_to_hazard,
    check_manage_assessment,
    check_read_assessment,
)

__all__ = [
    "HMS_CATEGORIES",
    "DeviationScope",
    "Principal",
    "UnitScope",
    "action_unit_scope",
    "can_approve_assessment",
    "can_complete_action",
    "can_edit_assessment",
    "can_handle_deviation",
    "can_manage_action",
    "can_read_action",
    "can_read_assessment",
    "can_read_deviation",
    "can_read_directory",
    "check_add_information",
    "check_approve_assessment",
    "check_audit",
    "check_comment_action",
    "check_comment_deviation",
    "check_complete_action",
    "check_create_action",
    "check_create_assessment",
    "check_edit_assessment",
    "check_figures",
    "check_handle_deviation",
    "check_import_hr",
    "check_link_deviation_to_hazard",
    "check_manage_action",
    "check_manage_assessment",
    "check_manage_directory",
    "check_read_action",
    "check_read_assessment",
    "check_read_deviation",
    "check_read_directory",
    "deviation_scope",
    "figures_scope",
    "sees_injured_identity",
    "sees_internal_notes",
    "sees_note",
    "system_principal",
]
