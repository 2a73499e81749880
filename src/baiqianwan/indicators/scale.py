"""Indicator reports of a generated data set (`bqw demo --scale`): every unit, five years.

Counties and towns report as in the demo (``demo_indicators``: the same numbers, imported as
history and published; the demo accounts' current period is not part of a generated data set).
Villages have their yearly returns too — commissioner presence, service days, training,
households, demands and science events; where the generated demands cover a year, the demands a
village reports are the ones it posted that year. All are past years, loaded in bulk as history
(``demo.history_import``: approved, one “历史数据导入” event each).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from baiqianwan.accounts.scale import Accounts
from baiqianwan.core.bulk import chunks
from baiqianwan.regions.models import Division

from .collection.models import Submission
from .collection.rules import chain_for
from .definitions.models import MONITORING_SYSTEM as DEFAULT_SYSTEM
from .definitions.models import DataSet
from .definitions.services import datasets_ensure_defaults
from .demo import YEARS, demo_indicators, history_import, past_return

VILLAGES_PER_BATCH = 2000


@dataclass
class ReportsDone:
    county_town: int = 0
    village: int = 0
    events: int = 0
    published: int = 0


def _village_values(
    seed: int, village: Division, counts: dict[tuple[str, int], tuple[int, int]]
) -> list[dict[str, float]]:
    rng = random.Random(f"{seed}:indicators:{village.code}")
    urban = "居" in village.kind
    ewn = village.region not in ("", "prd")
    households = rng.randint(0, 250) if urban else rng.randint(150, 1200)
    station_from = rng.choice((0, 1, 2, 3, 4, 9, 9)) if ewn and not urban else rng.choice((3, 4, 9, 9, 9))
    rows = []
    for t, year in enumerate(YEARS):
        stationed = t >= station_from
        size = max(0, round(households * (1 - 0.004 * t) * (1 + rng.uniform(-0.01, 0.01))))
        posted, resolved = counts.get((village.code, year), (-1, 0))
        if posted < 0:  # years before the platform's demands: what the village remembered
            posted = rng.choice((0, 0, 1, 1, 2, 3)) if year < 2024 else 0
            resolved = min(posted, rng.randint(0, posted))
        rows.append(
            {
                "commissioner_stationed": float(stationed),
                "service_days": float(rng.randint(20, 120) if stationed else rng.choice((0, 0, 0, 2, 5))),
                "farmers_trained": float(round(size * rng.uniform(0.05, 0.4) * (1.5 if stationed else 1.0))),
                "households": float(size),
                "demo_households": float(min(size, round(size * rng.uniform(0.005, 0.03) * (1 + 0.15 * t)))),
                "demands_posted": float(posted),
                "demands_resolved": float(min(posted, resolved)),
                "science_events": float(rng.randint(0, 3) + (2 if stationed else 0)),
            }
        )
    return rows


def scale_village_reports(
    *,
    seed: int,
    villages: list[Division],
    accounts: Accounts,
    counts: dict[tuple[str, int], tuple[int, int]],
    progress: Callable[[int], None] | None = None,
) -> tuple[int, int]:
    """The 2021–2025 returns of every village (ordered by code, parents selected), as history."""
    dataset = DataSet.objects.filter(system_code=DEFAULT_SYSTEM, level="village").first()
    if dataset is None:
        dataset = next(d for d in datasets_ensure_defaults(DEFAULT_SYSTEM) if d.level == "village")
    submissions = events = 0
    for batch in chunks(villages, VILLAGES_PER_BATCH):
        rows: list[Submission] = []
        for village in batch:
            last_level = (chain_for(dataset, village) or ["province"])[-1]
            rng = random.Random(f"{seed}:indicator-times:{village.code}")
            for year, values in zip(YEARS, _village_values(seed, village, counts), strict=True):
                rows.append(past_return(dataset, village.code, year, values, last_level, rng.randint(0, 480)))
        events += history_import(rows, importer=accounts.province)[1]
        submissions += len(rows)
        if progress is not None:
            progress(submissions)
    return submissions, events


def scale_indicators(
    *,
    seed: int,
    area: Division,
    villages: list[Division],
    accounts: Accounts,
    counts: dict[tuple[str, int], tuple[int, int]],
    progress: Callable[[int], None] | None = None,
) -> ReportsDone:
    # Counties and towns first, published; the villages' returns do not enter the assessment.
    upper = demo_indicators(prefix=area.prefix, current=False)
    village, events = scale_village_reports(
        seed=seed, villages=villages, accounts=accounts, counts=counts, progress=progress
    )
    return ReportsDone(
        county_town=upper["submissions"],
        village=village,
        events=upper["events"] + events,
        published=upper["published"],
    )
