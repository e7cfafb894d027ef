"""Running a use case from a request, with read-your-writes."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from litestar.di import NamedDependency

from adapters.db import is_unavailable
from api.bootstrap import Services

Svc = NamedDependency[Services]
"""The services, injected into a handler by the parameter name `svc`."""

R = TypeVar("R")
READ_YOUR_WRITES_TIMEOUT = 2.0
log = logging.getLogger("hms.api")


def execute(svc: Services, use_case: Callable[..., R], *args: Any, **kwargs: Any) -> R:
    """Run the use case, then wait (at most 2 s) until the read models include its events,
    so the person who just acted sees the result in every list.

    A use case that fails on an outage raises (a 503: whether it was stored is unknown).
    Once it has returned, its events are in the log: an outage while waiting for the
    read models does not undo that, so the result is the answer.
    """
    svc.app.forget_last_position()
    result = use_case(*args, **kwargs)
    try:
        svc.runner.wait_for(svc.app.last_position(), timeout=READ_YOUR_WRITES_TIMEOUT)
    except Exception as e:
        if not is_unavailable(e):
            raise
        log.warning("stored, but the read models could not be waited for: %s", type(e).__name__)
    return result
