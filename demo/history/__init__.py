"""A realistic, reproducible synthetic history for demos and benchmarks (`hms demo seed`).

The org tree and its people, deviations over several years with their handling,
corrective actions, risk assessments and HR figures — done through the application's
use cases by the people of the story, saved in batches, never written into the event
table directly.

- `seeding`: the plan, the checks on the store, and putting it all together
- `timeline`: replaying steps in the order they happened, under a frozen clock
- `model`: which units report what, when and how badly
- `report_texts`, `texts`, `catalogue`: what people write, and the risk assessments made
- `people`, `reports`, `cases`, `actions`, `assessments`, `hr_figures`: the parts of the story
"""

from demo.history.seeding import (
    HistoryExistsError,
    HistoryPlan,
    OtherOrganisationError,
    SeedResult,
    seed_history,
)

__all__ = [
    "HistoryExistsError",
    "HistoryPlan",
    "OtherOrganisationError",
    "SeedResult",
    "seed_history",
]
