"""What every part of the synthetic history shares while it is replayed.

The story keeps hold of the records it is telling (cases, actions, assessments, the
organisation and its people): the application's batch finds a record anyone holds in
memory (`HMSApplication.batch`), so a use case loading one of them costs a lookup.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

from demo.history.people import Staff
from demo.history.timeline import Timeline
from hms_core.application import HMSApplication, SaveBatch


@dataclass
class World:
    app: HMSApplication  # every step acts through its use cases
    batch: SaveBatch  # where what they save goes
    rng: random.Random
    timeline: Timeline
    staff: Staff
    counts: Counter = field(default_factory=Counter)
    refused: Counter = field(default_factory=Counter)  # steps the domain refused, by name
