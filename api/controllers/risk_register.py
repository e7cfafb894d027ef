"""/api/v1/risk-register and /api/v1/risk-matrix: the hazards in force, the heat map, the matrix."""

from __future__ import annotations

from uuid import UUID

import msgspec
from litestar import Controller, Request, get
from litestar.params import FromQuery

from api.auth import principal, signed_in
from api.commands import Svc
from api.controllers.risk import units_asked
from api.presenters.risk import (
    heat_map_out,
    register_entry,
)
from api.schemas.common import Offset, page_size, query_text
from api.schemas.risk import (
    HeatMap,
    RegisterList,
    RiskMatrixOut,
)
from hms_core import access, rules
from projections.risk_register.queries import (
    RegisterFilter,
    heat_map,
    list_register,
)

Limit = page_size(1000)
LevelCode = query_text(32, description="A level code of the risk matrix")


class RiskRegisterController(Controller):
    path = "/api/v1/risk-register"
    guards = [signed_in]
    tags = ["risk register"]

    @get("/", sync_to_thread=True, summary="Hazards of the assessments in force, and the heat map")
    def index(
        self,
        request: Request,
        svc: Svc,
        unit_id: FromQuery[UUID | None] = None,
        include_subunits: FromQuery[bool] = False,
        level: LevelCode = None,
        residual_level: LevelCode = None,
        review_overdue: FromQuery[bool | None] = None,
        limit: Limit = 500,
        offset: Offset = 0,
    ) -> RegisterList:
        """Highest score first. Leaders see their units, verneombud their area, HMS all."""
        scope, f = register_query(
            svc, request, unit_id, include_subunits, level, residual_level, review_overdue
        )
        f = msgspec.structs.replace(f, limit=limit, offset=offset)
        matrix = svc.app.risk_matrix
        rows = list_register(svc.db, scope, f)
        return RegisterList(
            items=[register_entry(r, matrix) for r in rows],
            heatmap=heat_map_out(heat_map(svc.db, scope, f), matrix),
        )

    @get("/heatmap", sync_to_thread=True, summary="Hazards per cell of the risk matrix")
    def heatmap(
        self,
        request: Request,
        svc: Svc,
        unit_id: FromQuery[UUID | None] = None,
        include_subunits: FromQuery[bool] = False,
        level: LevelCode = None,
        residual_level: LevelCode = None,
        review_overdue: FromQuery[bool | None] = None,
    ) -> HeatMap:
        """Counts before measures (`inherent`) and after them (`residual`)."""
        scope, f = register_query(
            svc, request, unit_id, include_subunits, level, residual_level, review_overdue
        )
        return heat_map_out(heat_map(svc.db, scope, f), svc.app.risk_matrix)


@get("/api/v1/risk-matrix", guards=[signed_in], sync_to_thread=False, tags=["risk register"])
def risk_matrix(svc: Svc) -> RiskMatrixOut:
    """The levels scores are graded by, their labels and what each requires."""
    # Lists, not the domain's tuples: the schema of `tuple[str, ...]` says `oneOf [string,
    # {}]`, which every label matches twice.
    return msgspec.convert(msgspec.to_builtins(svc.app.risk_matrix), RiskMatrixOut)


def register_query(
    svc: Svc,
    request: Request,
    unit_id: UUID | None,
    include_subunits: bool,
    level: str | None,
    residual_level: str | None,
    review_overdue: bool | None,
) -> tuple[access.UnitScope, RegisterFilter]:
    scope = access.check_figures(principal(request))
    codes = svc.app.risk_matrix.codes
    return scope, RegisterFilter(
        unit_ids=units_asked(svc, unit_id, include_subunits),
        level=rules.choice("level", level, codes) if level else None,
        residual_level=rules.choice("residual_level", residual_level, codes)
        if residual_level
        else None,
        review_overdue=review_overdue,
    )


HANDLERS: list = [RiskRegisterController, risk_matrix]
