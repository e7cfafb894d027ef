"""A realistic, reproducible synthetic history for demos and benchmarks (`hms demo seed`).

The org tree and its people, deviations over several years with their handling,
corrective actions, risk assessments and HR figures — written through the domain
(aggregates and the application), never into the event table directly.

- `seeding`: the plan, the checks on the store, and putting it all together
- `timeline`: replaying steps in the order they happened, and saving them in batches
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
