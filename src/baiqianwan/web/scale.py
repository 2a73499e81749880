"""`bqw demo --scale`: a deterministic data set the size of the province, for load tests and backups.

Province scale is every village's demands over three years (about 100,000), 20,000 achievements,
10,000 experts, a published dispatch round of about 1,200 towns with 3,400 candidates, and the
yearly indicator returns of every county, town and village for five years. A smaller scale (a
city, a county) generates the same kinds of rows for that area only, in proportion to its villages.

Each app writes its part in bulk, one transaction per app (see each app's ``scale.py``). Bulk
inserts send no model signals: the change log does not record generated rows, and the matching
index is rebuilt once at the end instead of record by record. The same seed gives the same rows.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from baiqianwan.accounts.demo import DEMO_PASSWORD
from baiqianwan.accounts.scale import scale_accounts
from baiqianwan.commissioners.models import DispatchRound
from baiqianwan.commissioners.scale import scale_dispatch
from baiqianwan.demands.models import Demand
from baiqianwan.demands.scale import Target, Targets, scale_demands
from baiqianwan.indicators.collection.models import Submission
from baiqianwan.indicators.scale import scale_indicators
from baiqianwan.industries.models import Industry
from baiqianwan.industries.scale import vocabulary
from baiqianwan.industries.services import industries_load
from baiqianwan.matching import documents
from baiqianwan.matching.services import index_build
from baiqianwan.orgs.models import Organisation
from baiqianwan.orgs.scale import scale_organisations, scale_people
from baiqianwan.regions.models import Division
from baiqianwan.supply.scale import scale_achievements, scale_experts

SEED = 20230607
# The area each scale covers.
SCALES = {"province": "440000000000", "city": "441400000000", "county": "441422000000"}
# What the whole province has; a smaller area gets its share by its number of villages.
PROVINCE = {"experts": 10_000, "achievements": 20_000, "candidates": 3_400}
MINIMUM = {"experts": 30, "achievements": 60, "candidates": 12}

Report = Callable[[str], None]


def data_present() -> bool:
    """Demo or generated data is already there (organisations, demands, returns or rounds)."""
    return any(model.all_objects.exists() for model in (Organisation, Demand, Submission, DispatchRound))


@dataclass
class Registry:
    """The division registry in memory, each unit linked to its parent (no query per lookup)."""

    by_code: dict[str, Division] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Registry:
        by_code = {d.code: d for d in Division.objects.order_by("code")}
        for division in by_code.values():
            division.parent = by_code.get(division.parent_id) if division.parent_id else None
        return cls(by_code)

    def within(self, area: Division, level: str | None = None) -> list[Division]:
        prefix = area.prefix
        return [
            d
            for d in self.by_code.values()
            if d.code.startswith(prefix) and (level is None or d.level == level)
        ]

    def ancestors(self, division: Division) -> list[Division]:
        found, node = [], division.parent
        while node is not None:
            found.append(node)
            node = node.parent
        return found[::-1]


@contextmanager
def _stage(report: Report, title: str, counts: dict[str, Any]) -> Iterator[dict[str, Any]]:
    started = time.perf_counter()
    report(f"{title}……")
    found: dict[str, Any] = {}
    yield found
    seconds = time.perf_counter() - started
    counts.update(found)
    summary = "，".join(f"{k} {v:,}" for k, v in found.items() if isinstance(v, int)) or "完成"
    report(f"  {title}：{summary}（{seconds:.1f} 秒）")


def scale_load(*, area: Division, seed: int = SEED, report: Report = print) -> dict[str, Any]:
    """Generate the data set for ``area``; returns the counts of what was stored."""
    if not Industry.objects.exists():
        industries_load()
    registry = Registry.load()
    area = registry.by_code[area.code]
    villages = registry.within(area, "village")
    share = len(villages) / max(1, sum(1 for d in registry.by_code.values() if d.level == "village"))
    sizes = {k: max(MINIMUM[k], round(v * share)) for k, v in PROVINCE.items()}
    counts: dict[str, Any] = {}
    words = vocabulary()

    with _stage(report, "账号", counts) as found, transaction.atomic():
        offices = [*registry.ancestors(area), *registry.within(area)]
        accounts = scale_accounts(divisions=offices, password=DEMO_PASSWORD)
        found["账号"] = len(accounts.by_code)

    rng = random.Random(f"{seed}:supply")
    with _stage(report, "单位与人员", counts) as found, transaction.atomic():
        units = scale_organisations(rng, vocabulary=words, divisions=registry.by_code, area=area)
        people = scale_people(rng, units=units, count=sizes["experts"])
        found.update({"单位": len(units), "人员": len(people)})

    with _stage(report, "科技成果与专家", counts) as found, transaction.atomic():
        offers = scale_achievements(rng, units=units, vocabulary=words, count=sizes["achievements"])
        experts = scale_experts(rng, people=people)
        found.update({"科技成果": len(offers), "专家": len(experts)})

    targets = Targets()
    for offer in offers:
        if offer.public:
            targets.add(offer.industry, Target("achievement", offer.pk, offer.title))
    for expert in experts:
        if expert.profile.is_public:
            for topic in expert.industries:
                targets.add(topic.industry, Target("expert", expert.profile.pk, expert.person.name))
    for unit in units:
        if unit.organisation.kind in documents.INSTITUTION_KINDS:
            for topic in unit.topics:
                targets.add(
                    topic.industry, Target("institution", unit.organisation.pk, unit.organisation.name)
                )

    with _stage(report, "科技需求", counts) as found, transaction.atomic():

        def demand_progress(done: int, stored: int) -> None:
            report(f"    {done:,}/{len(villages):,} 个村，需求 {stored:,} 条")

        demanded = scale_demands(
            seed=seed,
            villages=villages,
            vocabulary=words,
            targets=targets,
            accounts=accounts,
            progress=demand_progress,
        )
        found.update(
            {"科技需求": demanded.demands, "处理记录": demanded.events, "对接": demanded.connections}
        )

    with _stage(report, "科技特派员选派", counts) as found, transaction.atomic():
        dispatched = scale_dispatch(
            random.Random(f"{seed}:dispatch"),
            towns=registry.within(area, "town"),
            village_topics=demanded.topics,
            experts=experts,
            accounts=accounts,
            candidates=sizes["candidates"],
        )
        found.update(
            {
                "乡镇需求": dispatched.needs,
                "候选人": dispatched.candidates,
                "派驻安排": dispatched.assignments,
                "团队": dispatched.teams,
                "特派员账号": dispatched.accounts,
            }
        )

    with _stage(report, "指标年报", counts) as found, transaction.atomic():
        reports = scale_indicators(
            seed=seed,
            area=area,
            villages=villages,
            accounts=accounts,
            counts=demanded.per_village_year,
            progress=lambda stored: report(f"    村级年报 {stored:,} 份"),
        )
        found.update(
            {"县镇年报": reports.county_town, "村级年报": reports.village, "审核记录": reports.events}
        )

    with _stage(report, "匹配索引", counts) as found:

        def index_progress(done: int, total: int, _message: str) -> None:
            if done == total or done % 20000 == 0:
                report(f"    {done:,}/{total:,}")

        found["索引记录"] = len(index_build(progress=index_progress))
    # The planner has never seen these tables: without statistics it guesses a few rows each and
    # picks plans that read all of them (autovacuum would get there, minutes later).
    with _stage(report, "统计信息", counts), connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    counts["password"] = DEMO_PASSWORD
    counts["filled"] = f"{dispatched.filled}/{dispatched.slots}"
    return counts
