"""Achievements and expert profiles of a generated data set (`bqw demo --scale`).

Each organisation offers achievements in the industries it works on, written from the words of
those industries; each person gets an expert profile with the industries and methods of their work.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from baiqianwan.core.bulk import bulk_insert
from baiqianwan.industries.scale import Topic, Vocabulary
from baiqianwan.orgs.models import OrganisationKind, Person
from baiqianwan.orgs.scale import Unit

from .models import (
    Achievement,
    Availability,
    Dialect,
    ExpertProfile,
    IpType,
    Maturity,
    PriceRange,
    TransferMode,
)

TZ = ZoneInfo("Asia/Shanghai")
FIRST_DAY = dt.datetime(2019, 1, 1, 9, 0, tzinfo=TZ)
LAST_DAY = dt.datetime(2026, 11, 30, 18, 0, tzinfo=TZ)

TITLES = {
    "plant": (
        "{s}{t}绿色防控技术",
        "{s}优质高产栽培技术",
        "{s}{m}技术",
        "{s}新品种选育及配套栽培技术",
        "{s}{m}与{m2}集成技术",
        "{s}标准化生产技术规程",
    ),
    "animal": ("{s}{t}综合防控技术", "{s}健康养殖与{m}技术", "{s}良种繁育技术", "{s}低蛋白日粮配方"),
    "aqua": ("{s}{t}防控技术", "{s}{m}养殖技术", "{s}苗种繁育技术", "{s}尾水生态治理模式"),
    "process": ("{s}{m}技术", "{s}精深加工工艺", "{s}保鲜与品质控制技术"),
    "machine": ("{s}{m}装备", "适用于{s}的{m}技术", "{s}{m}成套设备"),
    "digital": ("{s}{m}服务平台", "{s}{m}运营体系", "基于{m}的{s}管理系统"),
}
GENERIC_TITLES = ("{s}{m}技术", "{s}{m}模式", "{s}{m}综合解决方案")
SENTENCES = (
    "针对{place}{s}生产中{p}、{t}等问题，",
    "集成{m}、{m2}等关键措施，",
    "建立{s}{m}技术规程，",
    "示范推广{n}亩，平均增产{a}%，减少化肥农药用量{b}%。",
    "成果已在{place}等地应用，带动农户增收。",
    "配套{m}设备，降低人工成本{b}%。",
    "经第三方评价，整体达到国内先进水平。",
)
PLACES = (
    "粤东",
    "粤西",
    "粤北",
    "珠三角",
    "梅州",
    "湛江",
    "茂名",
    "清远",
    "河源",
    "韶关",
    "肇庆",
    "云浮",
    "阳江",
)
MATURITY_WEIGHTS = {Maturity.LAB: 1, Maturity.PILOT: 3, Maturity.SMALL_BATCH: 4, Maturity.INDUSTRIAL: 5}
IP_WEIGHTS = {IpType.PATENT: 5, IpType.VARIETY: 2, IpType.SOFTWARE: 1, IpType.KNOW_HOW: 4, IpType.STANDARD: 2}
# Where experts live, by city code: the dialects they speak besides Putonghua.
DIALECTS = {
    "4414": [Dialect.HAKKA],
    "4416": [Dialect.HAKKA],
    "4402": [Dialect.HAKKA, Dialect.CANTONESE],
    "4405": [Dialect.TEOCHEW],
    "4451": [Dialect.TEOCHEW],
    "4452": [Dialect.TEOCHEW],
    "4415": [Dialect.TEOCHEW, Dialect.HAKKA],
    "4408": [Dialect.LEIZHOU, Dialect.CANTONESE],
}


def _when(rng: random.Random, start: dt.datetime = FIRST_DAY, end: dt.datetime = LAST_DAY) -> dt.datetime:
    seconds = int((end - start).total_seconds())
    return start + dt.timedelta(seconds=rng.randrange(seconds))


def _words(rng: random.Random, topic: Topic) -> dict[str, str]:
    return {
        "s": topic.subject(rng),
        "t": topic.trouble(rng),
        "p": topic.problem(rng),
        "m": topic.method(rng),
        "m2": topic.method(rng),
        "place": rng.choice(PLACES),
        "n": str(rng.randrange(200, 50000, 100)),
        "a": str(rng.randint(5, 35)),
        "b": str(rng.randint(10, 45)),
    }


@dataclass(frozen=True)
class Offer:
    """A generated achievement's key and industry, for 对接 that point at it."""

    pk: int
    industry: str
    title: str
    public: bool


def scale_achievements(
    rng: random.Random, *, units: list[Unit], vocabulary: Vocabulary, count: int
) -> list[Offer]:
    offering = [u for u in units if u.organisation.kind != OrganisationKind.BANK]
    weights = [u.weight for u in offering]
    rows = []
    for _ in range(count):
        unit = rng.choices(offering, weights)[0]
        topic = rng.choice(unit.topics) if rng.random() < 0.7 else vocabulary.topic(rng, unit.region)
        words = _words(rng, topic)
        title = rng.choice(TITLES.get(topic.kind, GENERIC_TITLES)).format(**words)
        sentences = [SENTENCES[0], *rng.sample(SENTENCES[1:], rng.randint(2, 4))]
        abstract = "".join(s.format(**_words(rng, topic) | {"s": words["s"]}) for s in sentences)
        created = _when(rng)
        org = unit.organisation
        rows.append(
            Achievement(
                title=title[:120],
                abstract=abstract,
                keywords=" ".join(dict.fromkeys([words["s"], words["m"], words["m2"], *topic.troubles[:1]]))[
                    :200
                ],
                industry_id=topic.industry,
                maturity=rng.choices(list(MATURITY_WEIGHTS), list(MATURITY_WEIGHTS.values()))[0],
                ip_type=rng.choices(list(IP_WEIGHTS), list(IP_WEIGHTS.values()))[0],
                transfer_modes=rng.sample([m.value for m in TransferMode], rng.randint(1, 2)),
                price=rng.choice(list(PriceRange)),
                organisation=org,
                contact_name=org.contact_name,
                contact_phone=org.contact_phone,
                is_public=rng.random() < 0.95,
                created_at=created,
                updated_at=min(LAST_DAY, created + dt.timedelta(days=rng.randint(0, 90))),
            )
        )
    bulk_insert(Achievement, rows)
    return [Offer(a.pk, a.industry_id or "", a.title, a.is_public) for a in rows]


@dataclass(frozen=True)
class Expert:
    """A generated expert profile, with what the dispatch and 对接 need to know of it."""

    profile: ExpertProfile
    person: Person
    unit: Unit
    industries: tuple[Topic, ...]


def scale_experts(rng: random.Random, *, people: list[tuple[Person, Unit, Topic]]) -> list[Expert]:
    experts = []
    for person, unit, topic in people:
        others = [t for t in unit.topics if t is not topic]
        chosen = (topic, *rng.sample(others, min(len(others), rng.randint(0, 2))))
        keywords = " ".join(
            dict.fromkeys([t.subject(rng) for t in chosen] + [topic.method(rng), topic.method(rng)])
        )
        city = person.organisation.division_id[:4]
        dialects = list(DIALECTS.get(city, [Dialect.CANTONESE]))
        if rng.random() < 0.2 and Dialect.CANTONESE not in dialects:
            dialects.append(Dialect.CANTONESE)
        created = _when(rng, dt.datetime(2023, 7, 1, 9, 0, tzinfo=TZ))
        fields = "、".join(dict.fromkeys(t.name for t in chosen))
        profile = ExpertProfile(
            person=person,
            keywords=keywords[:300],
            bio=(
                f"{person.organisation.name}{person.title}，长期从事{fields}方面的"
                f"{topic.method(rng)}研究与推广，熟悉基层生产实际。"
            ),
            home_city_id=f"{city}00000000",
            dialects=[d.value for d in dialects],
            availability=rng.choices(list(Availability), [75, 20, 5])[0],
            is_public=rng.random() < 0.97,
            created_at=created,
            updated_at=created,
        )
        experts.append(Expert(profile, person, unit, chosen))
    bulk_insert(ExpertProfile, [e.profile for e in experts])
    through = ExpertProfile.industries.through
    links = [
        through(expertprofile_id=e.profile.pk, industry_id=t.industry)
        for e in experts
        for t in {t.industry: t for t in e.industries}.values()
    ]
    bulk_insert(through, links, batch_size=5000)
    return experts
