"""Demands of a generated data set (`bqw demo --scale`): three years of every village's 科技需求.

Each village has two or three industries it lives on and posts a few demands a year about them,
more in 粤东粤西粤北 than in the Pearl River Delta and few from urban communities. A demand walks
the workflow as far as its age allows (submitted, accepted, matched with an achievement, expert
or institution of its industry, solved and confirmed, or returned, merged, closed); its events and
对接 are those the services would have written. Each village draws from its own seeded generator,
so a county's demands are the same whether it is generated alone or with the province.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from baiqianwan.accounts.scale import Accounts
from baiqianwan.core.bulk import bulk_insert, chunks, insert_rows, stamps_as_given
from baiqianwan.core.fakes import make_mobile, make_name
from baiqianwan.industries.scale import Topic, Vocabulary
from baiqianwan.regions.models import Division

from .models import (
    Budget,
    Connection,
    ConnectionStatus,
    Demand,
    DemandEvent,
    DemandStatus,
    TargetKind,
    Urgency,
)

TZ = ZoneInfo("Asia/Shanghai")
START = dt.datetime(2024, 1, 1, 8, 0, tzinfo=TZ)
END = dt.datetime(2026, 11, 30, 18, 0, tzinfo=TZ)
VILLAGES_PER_BATCH = 1500

# Demands a village posts over the three years, on average, by kind of village and region.
MEAN_RURAL_EWN = 4.87
MEAN_RURAL_PRD = 3.96
MEAN_URBAN = 1.39

TITLES = {
    "plant": (
        "{s}{t}严重，求防控技术",
        "{s}{p}，求{ask}",
        "想发展{s}{m}，需要技术指导",
        "{s}{t}怎么防？",
        "村里{s}{p}，请专家帮忙",
    ),
    "eco": ("村里{s}{p}，需要{m}技术", "{p}，想了解{m}"),
    "village": ("村里{p}，需要{m}", "{p}，想了解{s}"),
    "tourism": ("{s}{p}，求专家策划", "想发展{s}，需要规划指导"),
    "animal": ("{s}{t}防控难，求专家指导", "{s}养殖{p}，求{ask}", "想扩大{s}养殖，需要{m}技术"),
    "aqua": ("{s}养殖{p}，求{ask}", "{s}{t}多发，怎么防治", "想搞{s}{m}，需要技术支持"),
    "process": ("{s}{p}，想学{m}", "{s}想做{m}，缺技术"),
    "machine": ("{s}{p}，想用{m}", "求适合{s}的{m}"),
    "digital": ("{s}{p}，想做{m}", "村里{s}想通过{m}打开销路"),
}
GENERIC_TITLES = ("村里{p}，需要{m}技术", "{s}{p}，求解决办法")
ASKS = {
    "plant": ("防控技术", "栽培技术", "新品种和种苗", "专家上门指导", "技术培训"),
    "animal": ("防疫技术", "饲养管理培训", "专家指导"),
    "aqua": ("健康养殖技术", "水质调控技术", "专家指导"),
    "process": ("加工技术", "加工设备"),
    "machine": ("合适的机械", "农机培训"),
    "digital": ("电商培训", "品牌策划"),
}
INTROS = {
    "plant": "{village}种植{s}约{n}亩，",
    "animal": "{village}养殖{s}约{n}头（只），",
    "aqua": "{village}有{s}养殖水面约{n}亩，",
    "process": "{village}每年产{s}约{n}吨，",
}
GENERIC_INTRO = "{village}共有农户{n}户，"
MIDDLES = ("近两年{t}发生较多，{effect}。", "{p}，{effect}。", "今年{t}比往年重，{effect}。")
PLAIN_MIDDLE = "{p}，{effect}。"
EFFECTS = ("减产三成以上", "收入明显下降", "农户很着急", "群众意见较大", "自己摸索效果不好")
PLAIN_EFFECTS = EFFECTS[1:]  # nothing to harvest in a sewage or a tourism demand
WISHES = (
    "希望有专家来现场看看，提供{ask}。",
    "想请懂行的专家指导，最好能提供{ask}。",
    "愿意配合开展示范，请帮忙对接{ask}。",
)
RETURN_REASONS = (
    "请补充种植面积和具体症状",
    "请上传现场照片",
    "请写明希望解决的具体问题",
    "联系电话有误，请核实",
)
CLOSE_REASONS = ("需求方已自行解决", "与其他渠道重复，已在他处对接", "需求方不再需要")
FEEDBACK = (
    "专家讲得很实在，用了效果明显",
    "问题基本解决，希望以后多来指导",
    "响应很快，感谢",
    "还需要继续跟进",
)
OUTCOMES = ("专家到村现场指导，问题已解决", "开展技术培训 2 场，示范户已见效", "提供技术方案和种苗，效果良好")

# Each step of the workflow: the status it leads to, and who takes it (the village or the office).
STEPS = {
    "submit": (DemandStatus.SUBMITTED, "village"),
    "return": (DemandStatus.RETURNED, "office"),
    "merge": (DemandStatus.MERGED, "office"),
    "accept": (DemandStatus.ACCEPTED, "office"),
    "start": (DemandStatus.MATCHING, "office"),
    "solve": (DemandStatus.CONFIRMING, "office"),
    "confirm": (DemandStatus.SOLVED, "village"),
    "close": (DemandStatus.CLOSED, "office"),
}
PATHS = {
    "draft": (),
    "submitted": ("submit",),
    "returned": ("submit", "return"),
    "merged": ("submit", "merge"),
    "accepted": ("submit", "accept"),
    "matching": ("submit", "accept", "start"),
    "confirming": ("submit", "accept", "start", "solve"),
    "solved": ("submit", "accept", "start", "solve", "confirm"),
    "closed": ("submit", "accept", "close"),
    "done": ("submit", "accept", "start", "solve", "confirm", "close"),
}
# Days each step takes after the one before (at least, at most).
DELAYS = {
    "submit": (0, 0),
    "return": (1, 6),
    "merge": (1, 6),
    "accept": (1, 10),
    "start": (0, 6),
    "solve": (7, 75),
    "confirm": (1, 12),
    "close": (3, 40),
}
# What a demand aims for, by how long ago it was posted (the workflow takes it as far as time allows).
AIMS = (
    (14, {"draft": 10, "submitted": 40, "accepted": 15, "returned": 8, "matching": 20, "merged": 2}),
    (
        60,
        {
            "draft": 4,
            "submitted": 8,
            "accepted": 12,
            "returned": 5,
            "matching": 30,
            "confirming": 10,
            "solved": 25,
            "merged": 3,
            "closed": 3,
        },
    ),
    (
        10**6,
        {
            "draft": 2,
            "submitted": 2,
            "accepted": 3,
            "returned": 3,
            "matching": 10,
            "confirming": 3,
            "solved": 45,
            "done": 18,
            "merged": 4,
            "closed": 10,
        },
    ),
)
URGENCY = {Urgency.NORMAL: 60, Urgency.SOON: 28, Urgency.URGENT: 12}
BUDGET = {Budget.NONE: 45, Budget.UNDER_10K: 25, Budget.TO_100K: 20, Budget.TO_500K: 8, Budget.OVER_500K: 2}


def village_name(name: str, *above: str) -> str:
    """长教村委会 → 长教村, 翠洲社区居民委员会 → 翠洲社区; names that repeat their county and town
    (连平县陂头镇三水村民委员会) lose them."""
    for prefix in above:
        if name.startswith(prefix) and len(name) > len(prefix) + 2:
            name = name[len(prefix) :]
    for suffix, keep in (
        ("村民委员会", "村"),
        ("村委会", "村"),
        ("居民委员会", ""),
        ("居委会", ""),
        ("委员会", ""),
    ):
        if name.endswith(suffix):
            return name[: -len(suffix)] + keep
    return name


@dataclass(frozen=True)
class Target:
    """Something a demand can be connected with."""

    kind: str  # TargetKind
    pk: int
    label: str


@dataclass
class Targets:
    """What the generated supply offers, by industry and kind (and by kind, for rarer industries)."""

    by_industry: dict[tuple[str, str], list[Target]] = field(default_factory=dict)
    by_kind: dict[str, list[Target]] = field(default_factory=dict)

    def add(self, industry: str, target: Target) -> None:
        self.by_industry.setdefault((industry, target.kind), []).append(target)
        self.by_kind.setdefault(target.kind, []).append(target)

    def pick(self, rng: random.Random, industry: str, kind: str) -> Target | None:
        pool = self.by_industry.get((industry, kind)) or self.by_kind.get(kind)
        return rng.choice(pool) if pool else None


@dataclass
class DemandsDone:
    demands: int = 0
    events: int = 0
    connections: int = 0
    # (village code, year) → (demands submitted that year, of which solved)
    per_village_year: dict[tuple[str, int], tuple[int, int]] = field(default_factory=dict)
    # village code → the industries it lives on
    topics: dict[str, list[Topic]] = field(default_factory=dict)


@dataclass
class _Plan:
    """One demand before it is stored: the row, the steps it took and who it was matched with."""

    demand: Demand
    village: str
    steps: list[tuple[str, dt.datetime]]
    topic: Topic
    subject: str
    targets: list[tuple[Target, str, dt.datetime]]  # (target, final connection status, proposed at)
    merge_into: int | None = None  # index of an earlier plan of the same village


def _mean(village: Division) -> float:
    if "居" in village.kind:
        return MEAN_URBAN
    return MEAN_RURAL_PRD if village.region == "prd" else MEAN_RURAL_EWN


def _when(rng: random.Random) -> dt.datetime:
    """Posts grow over the three years (more villages use the platform each year)."""
    span = (END - START).total_seconds()
    return START + dt.timedelta(seconds=int(span * math.sqrt(rng.random())))


def _aim(rng: random.Random, created: dt.datetime) -> str:
    age = (END - created).days
    for limit, weights in AIMS:
        if age < limit:
            return rng.choices(list(weights), list(weights.values()))[0]
    return "solved"


def _walk(rng: random.Random, aim: str, created: dt.datetime) -> list[tuple[str, dt.datetime]]:
    """The steps of the path towards ``aim`` that fit before the end of the period."""
    steps, at = [], created + dt.timedelta(minutes=rng.randint(1, 90))
    for action in PATHS[aim]:
        low, high = DELAYS[action]
        at = at + dt.timedelta(days=rng.randint(low, high), minutes=rng.randint(0, 600))
        if at > END:
            break
        steps.append((action, at))
    return steps


def _text(rng: random.Random, topic: Topic, village: str) -> tuple[str, str, str]:
    words = {
        "s": topic.subject(rng),
        "t": topic.trouble(rng),
        "p": topic.problem(rng),
        "m": topic.method(rng),
        "ask": rng.choice(ASKS.get(topic.kind, ("技术方案", "专家指导"))),
        "village": village,
        "n": str(rng.randrange(30, 3000, 10)),
        "effect": rng.choice(EFFECTS if topic.kind in ("plant", "animal", "aqua") else PLAIN_EFFECTS),
    }
    title = rng.choice(TITLES.get(topic.kind, GENERIC_TITLES)).format(**words)
    description = (
        INTROS.get(topic.kind, GENERIC_INTRO).format(**words)
        + (rng.choice(MIDDLES) if topic.troubles else PLAIN_MIDDLE).format(**words)
        + rng.choice(WISHES).format(**words)
    )
    return title[:80], description, words["s"]


def _connections(
    rng: random.Random, targets: Targets, topic: Topic, steps: list[tuple[str, dt.datetime]]
) -> list[tuple[Target, str, dt.datetime]]:
    actions = dict(steps)
    if "start" not in actions:
        return []
    kind = rng.choices([TargetKind.ACHIEVEMENT, TargetKind.EXPERT, TargetKind.INSTITUTION], [50, 35, 15])[0]
    target = targets.pick(rng, topic.industry, kind)
    if target is None:
        return []
    if "solve" in actions:
        status = ConnectionStatus.SUCCEEDED
    else:
        status = rng.choices([ConnectionStatus.PROPOSED, ConnectionStatus.ACCEPTED], [60, 40])[0]
    found: list[tuple[Target, str, dt.datetime]] = [(target, status, actions["start"])]
    if rng.random() < 0.2:
        other = targets.pick(rng, topic.industry, TargetKind.EXPERT)
        if other is not None and other != target:
            later = actions["start"] + dt.timedelta(hours=rng.randint(1, 48))
            if later < END:
                found.append((other, ConnectionStatus.DECLINED, later))
    return found


def _village_plans(
    seed: int,
    village: Division,
    vocabulary: Vocabulary,
    targets: Targets,
    accounts: Accounts,
    done: DemandsDone,
) -> list[_Plan]:
    rng = random.Random(f"{seed}:demands:{village.code}")
    region = village.region or "prd"
    specialties = [vocabulary.topic(rng, region) for _ in range(rng.randint(2, 3))]
    done.topics[village.code] = specialties
    count = round(rng.gammavariate(2.0, _mean(village) / 2.0))
    submitter = accounts.by_code[village.code]
    town = village.parent
    county = town.parent if town is not None else None
    name = village_name(village.name, *(d.name for d in (county, town) if d is not None))
    plans: list[_Plan] = []
    for created in sorted(_when(rng) for _ in range(count)):
        topic = rng.choice(specialties) if rng.random() < 0.75 else vocabulary.topic(rng, region)
        title, description, subject = _text(rng, topic, name)
        aim = _aim(rng, created)
        merge_into = None
        if aim == "merged":
            earlier = [i for i, p in enumerate(plans) if p.demand.status not in ("draft", "merged")]
            if earlier:
                merge_into = rng.choice(earlier)
            else:
                aim = "submitted"
        steps = _walk(rng, aim, created)
        if merge_into is not None and not any(a == "merge" for a, _ in steps):
            merge_into = None
        status = STEPS[steps[-1][0]][0] if steps else DemandStatus.DRAFT
        actions = dict(steps)
        solved = "confirm" in actions
        rated = solved and rng.random() < 0.7
        last = steps[-1][1] if steps else created
        demand = Demand(
            title=title,
            description=description,
            industry_id=topic.industry if (steps or rng.random() < 0.8) else None,
            division_id=village.code,
            submitter_kind="village",
            submitted_by=submitter,
            contact_name=make_name(rng),
            contact_phone=make_mobile(rng),
            urgency=rng.choices(list(URGENCY), list(URGENCY.values()))[0],
            budget=rng.choices(list(BUDGET), list(BUDGET.values()))[0],
            status=status,
            submitted_at=actions.get("submit"),
            accepted_at=actions.get("accept"),
            solved_at=actions.get("confirm"),
            handled_by=accounts.office(village.code) if len(steps) > 1 else None,
            return_reason=rng.choice(RETURN_REASONS) if status == DemandStatus.RETURNED else "",
            close_reason=(
                ("已解决，办结" if solved else rng.choice(CLOSE_REASONS)) if "close" in actions else ""
            ),
            rating=rng.choices([3, 4, 5], [10, 30, 60])[0] if rated else None,
            feedback=rng.choice(FEEDBACK) if rated else "",
            is_public="accept" in actions,
            version=len(steps),
            created_at=created,
            updated_at=last,
        )
        plans.append(
            _Plan(
                demand,
                village.code,
                steps,
                topic,
                subject,
                _connections(rng, targets, topic, steps),
                merge_into,
            )
        )
        if "submit" in actions:
            key = (village.code, actions["submit"].year)
            posted, resolved = done.per_village_year.get(key, (0, 0))
            done.per_village_year[key] = (posted + 1, resolved + solved)
    return plans


EVENT_FIELDS = ("demand_id", "at", "actor_id", "action", "from_status", "to_status", "note")
CONNECTION_FIELDS = (
    "demand_id",
    "target_kind",
    "achievement_id",
    "expert_id",
    "organisation_id",
    "status",
    "proposed_by_id",
    "reasons",
    "note",
    "outcome",
    "responded_by_id",
    "contact_name",
    "contact_phone",
    "created_at",
    "updated_at",
)


def _events(plan: _Plan, accounts: Accounts, merged_pk: int | None) -> list[tuple[Any, ...]]:
    """The demand's history as the services write it (``EVENT_FIELDS``)."""
    demand = plan.demand
    village, office = demand.submitted_by_id, accounts.office(plan.village).pk
    first = plan.targets[0][0].label if plan.targets else ""
    rows: list[tuple[Any, ...]] = [(demand.pk, demand.created_at, village, "create", "", "draft", "")]
    before = DemandStatus.DRAFT
    for action, at in plan.steps:
        after, who = STEPS[action]
        note = {
            "return": demand.return_reason,
            "merge": f"合并到需求 #{merged_pk}" if merged_pk else "",
            "start": f"向“{first}”发起对接" if first else "",
            "close": demand.close_reason,
        }.get(action, "")
        rows.append(
            (demand.pk, at, village if who == "village" else office, action, before, after, note[:500])
        )
        before = after
    return rows


def _connection_rows(rng: random.Random, plan: _Plan, accounts: Accounts) -> list[tuple[Any, ...]]:
    """The demand's 对接 (``CONNECTION_FIELDS``): who it was proposed to, and how it went."""
    rows = []
    office = accounts.office(plan.village).pk
    for target, status, at in plan.targets:
        answered = status not in (ConnectionStatus.PROPOSED, ConnectionStatus.DECLINED)
        rows.append(
            (
                plan.demand.pk,
                target.kind,
                target.pk if target.kind == TargetKind.ACHIEVEMENT else None,
                target.pk if target.kind == TargetKind.EXPERT else None,
                target.pk if target.kind == TargetKind.INSTITUTION else None,
                status,
                office,
                [f"匹配关键词：{plan.subject}", f"同属{plan.topic.name}产业"],
                "",
                rng.choice(OUTCOMES) if status == ConnectionStatus.SUCCEEDED else "",
                None,
                make_name(rng) if answered else "",
                make_mobile(rng) if answered else "",
                at,
                max(at, plan.demand.updated_at),
            )
        )
    return rows


def scale_demands(
    *,
    seed: int,
    villages: list[Division],
    vocabulary: Vocabulary,
    targets: Targets,
    accounts: Accounts,
    progress: Callable[[int, int], None] | None = None,
) -> DemandsDone:
    """``progress(villages done, demands stored)`` after each batch."""
    """Every village's demands with their events and 对接, stored batch by batch."""
    done = DemandsDone()
    villages_done = 0
    for batch_number, batch in enumerate(chunks(villages, VILLAGES_PER_BATCH)):
        plans = [p for v in batch for p in _village_plans(seed, v, vocabulary, targets, accounts, done)]
        bulk_insert(Demand, [p.demand for p in plans])
        merged = []
        offsets: dict[str, int] = {}
        for index, plan in enumerate(plans):
            offsets.setdefault(plan.village, index)
            if plan.merge_into is not None:
                plan.demand.merged_into_id = plans[offsets[plan.village] + plan.merge_into].demand.pk
                merged.append(plan.demand)
        if merged:
            with stamps_as_given(Demand):
                Demand.all_objects.bulk_update(merged, ["merged_into"], batch_size=1000)
        rng = random.Random(f"{seed}:connections:{batch_number}")
        events = (e for p in plans for e in _events(p, accounts, p.demand.merged_into_id))
        done.events += insert_rows(DemandEvent, EVENT_FIELDS, events)
        connections = (c for p in plans for c in _connection_rows(rng, p, accounts))
        done.connections += insert_rows(Connection, CONNECTION_FIELDS, connections)
        done.demands += len(plans)
        villages_done += len(batch)
        if progress is not None:
            progress(villages_done, done.demands)
    return done
