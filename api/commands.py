"""Running a use case from a request, with read-your-writes (and showing what it changed)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar
from uuid import UUID

from adapters.outages import is_unavailable
from api.bootstrap import Services

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


def then_show(
    show: Callable[[Services, Any, UUID], R],
    svc: Services,
    who: Any,
    use_case: Callable[..., Any],
    record_id: UUID,
    *args: Any,
) -> R:
    """Run a use case on one record (as `who`, with the record's id and then `args`: a
    hazard's id, the request's body), then `show` the record as it now stands."""
    execute(svc, use_case, who, record_id, *args)
    return show(svc, who, record_id)
