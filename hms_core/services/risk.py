"""Use cases of risk assessments (risikovurderinger)."""

from __future__ import annotations

from hms_core.services.base import Service


class RiskService(Service):
    pass
