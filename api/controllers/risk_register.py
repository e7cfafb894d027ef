"""/api/v1/risk-register and /api/v1/risk-matrix: the hazards in force, the heat map, the matrix."""

from __future__ import annotations

import msgspec
from litestar import Controller, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery

from api.auth import signed_in
from api.dependencies import FiguresScope, Svc, Units
from api.presenters.risk import heat_map_out, register_entry
from api.schemas.common import Offset, page_size, query_text
from api.schemas.risk import HeatMap, RegisterList, RiskMatrixOut
from hms_core import rules
from projections.risk_register.queries import RegisterFilter, heat_map, list_register

Limit = page_size(1000)
LevelCode = query_text(32, description="A level code of the risk matrix")


def register_filter(
    svc: Svc,
    figures_scope: FiguresScope,  # first: who may see no figures is refused before all else
    units: Units,
    level: LevelCode = None,
    residual_level: LevelCode = None,
    review_overdue: FromQuery[bool | None] = None,
) -> RegisterFilter:
    """The register's filters, given to a handler as `filters`; levels of today's matrix."""
    codes = svc.app.risk_matrix.codes
    return RegisterFilter(
        unit_ids=units,
        level=rules.choice("level", level, codes) if level else None,
        residual_level=rules.choice("residual_level", residual_level, codes)
        if residual_level
        else None,
        review_overdue=review_overdue,
    )


Filters = NamedDependency[RegisterFilter]


class RiskRegisterController(Controller):
    path = "/api/v1/risk-register"
    guards = [signed_in]
    tags = ["risk register"]
    dependencies = {"filters": Provide(register_filter, sync_to_thread=False)}

    @get("/", sync_to_thread=True, summary="Hazards of the assessments in force, and the heat map")
    def index(
        self,
        svc: Svc,
        figures_scope: FiguresScope,
        filters: Filters,
        limit: Limit = 500,
        offset: Offset = 0,
    ) -> RegisterList:
        """Highest score first. Leaders see their units, verneombud their area, HMS all."""
        matrix = svc.app.risk_matrix
        page = msgspec.structs.replace(filters, limit=limit, offset=offset)
        items = [register_entry(r, matrix) for r in list_register(svc.db, figures_scope, page)]
        heat = heat_map_out(heat_map(svc.db, figures_scope, filters), matrix)
        return RegisterList(items=items, heatmap=heat)

    @get("/heatmap", sync_to_thread=True, summary="Hazards per cell of the risk matrix")
    def heatmap(self, svc: Svc, figures_scope: FiguresScope, filters: Filters) -> HeatMap:
        """Counts before measures (`inherent`) and after them (`residual`)."""
        return heat_map_out(heat_map(svc.db, figures_scope, filters), svc.app.risk_matrix)


@get("/api/v1/risk-matrix", guards=[signed_in], sync_to_thread=False, tags=["risk register"])
def risk_matrix(svc: Svc) -> RiskMatrixOut:
    """The levels scores are graded by, their labels and what each requires."""
    # Lists, not the domain's tuples: the schema of `tuple[str, ...]` says `oneOf [string,
    # {}]`, which every label matches twice.
    return msgspec.convert(msgspec.to_builtins(svc.app.risk_matrix), RiskMatrixOut)


HANDLERS: list = [RiskRegisterController, risk_matrix]
