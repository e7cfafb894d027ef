"""Running a use case from a request, with read-your-writes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from litestar.di import NamedDependency

from api.bootstrap import Services

Svc = NamedDependency[Services]
"""The services, injected into a handler by the parameter name `svc`."""

R = TypeVar("R")
READ_YOUR_WRITES_TIMEOUT = 2.0


def execute(svc: Services, use_case: Callable[..., R], *args: Any, **kwargs: Any) -> R:
    """Run the use case, then wait (at most 2 s) until the read models include its events,
    so the person who just acted sees the result in every list."""
    svc.app.forget_last_position()
    result = use_case(*args, **kwargs)
    svc.runner.wait_for(svc.app.last_position(), timeout=READ_YOUR_WRITES_TIMEOUT)
    return result
