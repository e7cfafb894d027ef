"""What every part of the synthetic history shares while it is replayed."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

from hms_core.demo_history.people import Staff
from hms_core.demo_history.timeline import HistoryBatch, Timeline
from hms_core.risk_matrix import RiskMatrix


@dataclass
class World:
    rng: random.Random
    timeline: Timeline
    batch: HistoryBatch
    staff: Staff
    categories: frozenset[str]
    matrix: RiskMatrix
    counts: Counter = field(default_factory=Counter)
