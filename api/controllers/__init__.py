"""JSON API controllers, one module per resource."""

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
        health.healthz,
        health.readyz,
        directory.AuthController,
        directory.DirectoryController,
        deviations.DeviationController,
        deviations.ReceiptController,
        *inbox.HANDLERS,
        *actions.HANDLERS,
        *risk.HANDLERS,
        *risk_register.HANDLERS,
        *statistics.HANDLERS,
        *audit.HANDLERS,
        *exports.HANDLERS,
    ]
