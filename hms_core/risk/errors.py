"""Why a risk assessment, or a use case about one, refuses a command; approval blockers
name the hazard."""

from __future__ import annotations

from hms_core.errors import Conflict, NotFound
from hms_core.risk.hazard import MAX_HAZARDS, Hazard


class AssessmentNotFoundError(NotFound):
    code = "assessment_not_found"
    message = "Fant ikke risikovurderingen."


class AssessmentVersionNotFoundError(NotFound):
    code = "assessment_version_not_found"
    message = "Fant ingen godkjent versjon med dette nummeret."


class AssessmentNotDraftError(Conflict):
    code = "assessment_not_draft"
    message = "Risikovurderingen er ikke et utkast. Revider den for å gjøre endringer."


class AssessmentNotApprovedError(Conflict):
    code = "assessment_not_approved"
    message = "Bare en godkjent risikovurdering kan revideres."


class AssessmentArchivedError(Conflict):
    code = "assessment_archived"
    message = "Risikovurderingen er arkivert."


class UnknownHazardError(NotFound):
    code = "unknown_hazard"
    message = "Fant ikke faren i risikovurderingen."


class TooManyHazardsError(Conflict):
    code = "too_many_hazards"
    message = f"En risikovurdering kan ha høyst {MAX_HAZARDS} farer. Del den opp."


class ApprovalBlocked(Conflict):
    """Something keeps the assessment from being approved; names the hazard where one is."""

    code = "approval_blocked"

    def __init__(self, hazard: Hazard | None = None) -> None:
        self.hazard_id = hazard.id if hazard else None
        super().__init__(self.describe(hazard))

    def describe(self, hazard: Hazard | None) -> str:
        return self.message


class NoHazardsError(ApprovalBlocked):
    code = "no_hazards"
    message = "Legg til minst én fare før risikovurderingen godkjennes."


class UnscoredHazardError(ApprovalBlocked):
    code = "hazard_not_scored"

    def describe(self, hazard: Hazard | None) -> str:
        return f"Faren «{hazard.description}» mangler sannsynlighet og konsekvens."


class MeasureRequiredError(ApprovalBlocked):
    code = "measure_required"

    def describe(self, hazard: Hazard | None) -> str:
        return (
            f"Faren «{hazard.description}» har ikke akseptabel risiko og mangler tiltak. "
            "Opprett et tiltak før godkjenning."
        )


class MeasureOrJustificationRequiredError(ApprovalBlocked):
    code = "measure_or_justification_required"

    def describe(self, hazard: Hazard | None) -> str:
        return (
            f"Faren «{hazard.description}» krever tiltak eller en begrunnelse for at "
            "risikoen kan godtas."
        )
