"""What every part of the synthetic history shares while it is replayed."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

from demo.history.people import Staff
from demo.history.timeline import HistoryBatch, Timeline
from hms_core.risk.matrix import RiskMatrix


@dataclass
class World:
    rng: random.Random
    timeline: Timeline
    batch: HistoryBatch
    staff: Staff
    categories: frozenset[str]
    matrix: RiskMatrix
    counts: Counter = field(default_factory=Counter)
