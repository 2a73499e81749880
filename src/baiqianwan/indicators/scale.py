"""Indicator reports of a generated data set (`bqw demo --scale`): every unit, five years.

Counties and towns report as in the demo (``demo_indicators``: the same numbers, approved and
published). Villages fill in their yearly return too — commissioner presence, service days,
training, households, demands and science events — approved by their town and county; where the
generated demands cover a year, the demands a village reports are the ones it posted that year.
Rows are written in bulk in the shape the workflow leaves them (approved, with their events).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from baiqianwan.accounts.scale import Accounts
from baiqianwan.core.bulk import bulk_insert, chunks, insert_rows
from baiqianwan.regions.models import Division

from .collection.models import Submission, SubmissionEvent, SubmissionStatus
from .collection.rules import chain_for
from .definitions.models import MONITORING_SYSTEM as DEFAULT_SYSTEM
from .definitions.models import DataSet
from .definitions.services import datasets_ensure_defaults
from .demo import APPROVAL_DAYS, TZ, YEARS, demo_indicators

VILLAGES_PER_BATCH = 2000
EVENT_FIELDS = ("submission_id", "action", "level", "from_status", "to_status", "reason", "by_id", "at")


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


def _stamps(year: int, rng: random.Random) -> dict[str, dt.datetime]:
    """Saved and submitted in January of the next year, approved by the town, then up the chain."""
    base = dt.datetime(year + 1, 1, 6, 9, 0, tzinfo=TZ) + dt.timedelta(minutes=rng.randint(0, 480))
    stamps = {"save": base + dt.timedelta(days=1), "submit": base + dt.timedelta(days=6)}
    stamps["town"] = base + dt.timedelta(days=10)
    stamps.update({level: base + dt.timedelta(days=days) for level, days in APPROVAL_DAYS.items()})
    return stamps


def scale_village_reports(
    *,
    seed: int,
    villages: list[Division],
    accounts: Accounts,
    counts: dict[tuple[str, int], tuple[int, int]],
    progress: Callable[[int], None] | None = None,
) -> tuple[int, int]:
    """Approved 2021–2025 returns of every village (ordered by code, parents selected)."""
    dataset = DataSet.objects.filter(system_code=DEFAULT_SYSTEM, level="village").first()
    if dataset is None:
        dataset = next(d for d in datasets_ensure_defaults(DEFAULT_SYSTEM) if d.level == "village")
    elements = set(dataset.elements)
    submissions = events = 0
    for batch in chunks(villages, VILLAGES_PER_BATCH):
        rows: list[Submission] = []
        trails: list[list[tuple[str, str, str, str, Any, dt.datetime]]] = []
        for village in batch:
            chain = chain_for(dataset, village)
            filler = accounts.by_code.get(village.code, accounts.province)
            rng = random.Random(f"{seed}:indicator-times:{village.code}")
            for year, values in zip(YEARS, _village_values(seed, village, counts), strict=True):
                at = _stamps(year, rng)
                trail: list[tuple[str, str, str, str, Any, dt.datetime]] = [
                    ("save", "", SubmissionStatus.DRAFT, SubmissionStatus.DRAFT, filler, at["save"]),
                    ("submit", "", SubmissionStatus.DRAFT, SubmissionStatus.SUBMITTED, filler, at["submit"]),
                ]
                for i, level in enumerate(chain):
                    after = SubmissionStatus.APPROVED if i == len(chain) - 1 else SubmissionStatus.SUBMITTED
                    by = accounts.office(village.code, (level,)) if level != "province" else accounts.province
                    trail.append(("approve", level, SubmissionStatus.SUBMITTED, after, by, at[level]))
                done = trail[-1][5]
                rows.append(
                    Submission(
                        dataset=dataset,
                        period=str(year),
                        unit_id=village.code,
                        status=SubmissionStatus.APPROVED,
                        stage="",
                        values={k: v for k, v in values.items() if k in elements},
                        flags=[],
                        submitted_at=at["submit"],
                        approved_at=done,
                        version=1,
                        updated_by=filler,
                        created_at=at["save"],
                        updated_at=done,
                    )
                )
                trails.append(trail)
        bulk_insert(Submission, rows)
        trail_rows = (
            (submission.pk, action, level, before, after, "", by.pk, when)
            for submission, trail in zip(rows, trails, strict=True)
            for action, level, before, after, by, when in trail
        )
        events += insert_rows(SubmissionEvent, EVENT_FIELDS, trail_rows)
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
    upper = demo_indicators(prefix=area.prefix)
    village, events = scale_village_reports(
        seed=seed, villages=villages, accounts=accounts, counts=counts, progress=progress
    )
    return ReportsDone(
        county_town=upper["submissions"],
        village=village,
        events=upper["events"] + events,
        published=upper["published"],
    )
