"""JSON API controllers, one module per resource, each listing its handlers in `HANDLERS`."""

from __future__ import annotations


def api_handlers() -> list:
    from api.controllers import (
        actions,
        audit,
        deviations,
        directory,
        exports,
        health,
        inbox,
        risk,
        risk_register,
        statistics,
    )

    return [
        *health.HANDLERS,
        *directory.HANDLERS,
        *deviations.HANDLERS,
        *inbox.HANDLERS,
        *actions.HANDLERS,
        *risk.HANDLERS,
        *risk_register.HANDLERS,
        *statistics.HANDLERS,
        *audit.HANDLERS,
        *exports.HANDLERS,
    ]
