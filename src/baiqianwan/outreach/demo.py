"""This app's part of `bqw demo`, through the services: 200 科普 events in all 21 cities reported by
each city's bureau (more in 珠三角, so the balance view shows the gap the policy asks to close), 12
science-teacher courses with 1,500 trainees from counties of 粤东西北, and a 智库 of 80 members with 6
深调研 reports and 4 seminars."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from baiqianwan.accounts.demo import desk_user
from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.orgs.models import Organisation, Person
from baiqianwan.regions.classification import CITIES_WITHOUT_COUNTIES, CITY_REGION, Region
from baiqianwan.regions.models import Division

from .models import AudienceKind, EventKind, MemberCategory, OutreachEvent, SchoolStage, Subject
from .selectors import active_think_tank_members
from .services import (
    course_register,
    event_report,
    member_invite_as_expert,
    member_register,
    organiser_choices,
    provider_choices,
    report_register,
    seminar_register,
    trainee_add,
)

EVENTS_PRD, EVENTS_EWN = 14, 6  # per city: 9 × 14 + 12 × 6 = 198, and 2 at 南澳科学会议
TRAINEES = 1_500
COURSES = 12
MEMBERS = 80
SURNAMES = "陈李张黄林刘吴何郑杨梁罗钟曾谢邓叶冯赖温丘彭蔡许"
GIVEN = [
    "志强",
    "建华",
    "晓燕",
    "海涛",
    "丽萍",
    "文杰",
    "秀英",
    "国平",
    "少华",
    "嘉欣",
    "梓豪",
    "雅婷",
    "俊杰",
    "美玲",
]
EVENT_TITLES = {
    EventKind.COUNTRYSIDE: "{place}文化科技卫生“三下乡”集中服务",
    EventKind.ACADEMICIAN_VILLAGE: "院士专家进{place}田间科普",
    EventKind.ACADEMICIAN_SCHOOL: "院士进校园：{place}中小学科学报告会",
    EventKind.ACADEMICIAN_COMMUNITY: "院士进社区：{place}健康与科技讲座",
    EventKind.LECTURE: "{place}乡村振兴科普讲座",
    EventKind.SCIENCE_WEEK: "{place}科技活动周主场活动",
}
AUDIENCE_OF = {
    EventKind.COUNTRYSIDE: AudienceKind.FARMERS,
    EventKind.ACADEMICIAN_VILLAGE: AudienceKind.FARMERS,
    EventKind.ACADEMICIAN_SCHOOL: AudienceKind.STUDENTS,
    EventKind.ACADEMICIAN_COMMUNITY: AudienceKind.RESIDENTS,
    EventKind.LECTURE: AudienceKind.WORKERS,
    EventKind.SCIENCE_WEEK: AudienceKind.RESIDENTS,
}
SPEAKERS = ["罗锡文院士", "张新友教授", "刘耀光院士", "陈晓亚研究员", "王云鹏教授", "黄路生院士", "李玉院士"]
COURSE_TITLES = [
    "{where}小学科学教师实验教学能力提升培训",
    "{where}初中物理教师跨学科实践研修",
    "{where}中小学信息科技教师人工智能启蒙研修",
    "{where}初中生物与地理教师乡土课程开发培训",
]
SCHOOL_KINDS = ["中心小学", "实验小学", "第一中学", "中学", "民族中学", "华侨中学"]
FIELDS = [
    "乡村产业规划",
    "果树栽培",
    "水产养殖",
    "农村金融",
    "数字乡村",
    "茶产业",
    "南药种植",
    "乡村教育",
    "生态修复",
    "农产品加工",
]
REPORT_TITLES = [
    "粤北山区特色农业产业链深调研",
    "粤东侨乡县域科技创新能力调研",
    "粤西沿海县水产种业振兴调研",
    "县域科技特派员服务成效调研",
    "欠发达县科学教育资源配置调研",
    "镇域专业镇转型升级调研",
]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _bureau(city: Division) -> User:
    user = User.objects.filter(role=Role.CITY, division=city, is_active=True).order_by("pk").first()
    return user or desk_user(Role.CITY, city)


def _places(city: Division) -> list[Division]:
    if city.code in CITIES_WITHOUT_COUNTIES:
        return list(Division.objects.filter(parent=city, level="town").order_by("code"))
    return list(Division.objects.filter(parent=city, level="county").order_by("code"))


def _events(rng: random.Random, today: dt.date) -> int:
    organisers = list(organiser_choices(User.objects.get(username="gd_admin")).order_by("pk"))
    start = dt.date(2023, 7, 1)
    made = 0
    for prefix, region in sorted(CITY_REGION.items()):
        city = Division.objects.get(code=f"{prefix}00000000")
        places = _places(city)
        bureau = _bureau(city)
        for _ in range(EVENTS_PRD if region is Region.PRD else EVENTS_EWN):
            kind = rng.choice(list(EVENT_TITLES))
            place = rng.choice(places)
            event_report(
                acting_user=bureau,
                place_code=place.code,
                kind=kind,
                title=EVENT_TITLES[kind].format(place=place.name),
                organiser_id=rng.choice(organisers).pk,
                held_on=start + dt.timedelta(days=rng.randrange((today - start).days)),
                audience_kind=AUDIENCE_OF[kind],
                audience_size=rng.randrange(60, 900),
                speakers="、".join(rng.sample(SPEAKERS, rng.randrange(1, 3))),
                summary="围绕乡村振兴与科学素质提升开展科普宣讲、展览和咨询。",
            )
            made += 1
    # 南澳科学会议: the province's own lecture platform in 汕头市南澳县.
    province = User.objects.get(username="gd_admin")
    for year in (2024, 2025):
        event_report(
            acting_user=province,
            place_code="440523000000",
            kind=EventKind.LECTURE,
            title=f"{year} 南澳科学会议科普论坛",
            organiser_id=organisers[0].pk,
            held_on=dt.date(year, 1, 10),
            audience_kind=AudienceKind.TEACHERS,
            audience_size=rng.randrange(200, 500),
            speakers="院士专家",
        )
        made += 1
    return made


def _courses(rng: random.Random) -> tuple[int, int]:
    province = User.objects.get(username="gd_admin")
    providers = list(provider_choices().order_by("pk"))
    ewn_cities = [p for p, r in sorted(CITY_REGION.items()) if r is not Region.PRD]
    ewn_counties = [
        c for c in Division.objects.filter(level="county").order_by("code") if c.code[:4] in ewn_cities
    ]
    organisers: list[tuple[User, Division | None]] = [(province, None)] * 4
    for prefix in rng.sample(ewn_cities, COURSES - 4):
        bureau_city = Division.objects.get(code=f"{prefix}00000000")
        organisers.append((_bureau(bureau_city), bureau_city))
    trainees = 0
    for n, (user, city) in enumerate(organisers):
        where = city.name if city else "粤东西北"
        starts = dt.date(2024, 3, 1) + dt.timedelta(days=45 * n)
        hours = rng.choice([24, 32, 40, 48, 60])
        course = course_register(
            acting_user=user,
            title=COURSE_TITLES[n % len(COURSE_TITLES)].format(where=where),
            provider_id=rng.choice(providers).pk,
            mode=rng.choice(["online", "offline", "blended"]),
            hours=hours,
            starts_on=starts,
            ends_on=starts + dt.timedelta(days=rng.randrange(3, 30)),
        )
        counties = [c for c in ewn_counties if city is None or c.code[:4] == city.code[:4]]
        seen: set[tuple[str, str]] = set()
        share = TRAINEES // COURSES + (1 if n < TRAINEES % COURSES else 0)
        while len(seen) < share:
            county = rng.choice(counties)
            school = county.name + rng.choice(SCHOOL_KINDS)
            name = _name(rng)
            if (name, school) in seen:
                continue
            seen.add((name, school))
            done = rng.choice([hours, hours, hours, hours * 0.75, hours * 0.5])
            trainee_add(
                acting_user=user,
                course_id=course.pk,
                name=name,
                school=school,
                county_code=county.code,
                stage=rng.choice(list(SchoolStage.values)),
                subject=rng.choice(list(Subject.values)),
                hours_completed=f"{done:.1f}",
                passed=done >= hours * 0.75,
            )
            trainees += 1
    return len(organisers), trainees


def _think_tank(rng: random.Random, today: dt.date) -> dict[str, int]:
    province = User.objects.get(username="gd_admin")
    units = list(Organisation.all_objects.filter(is_active=True).order_by("pk"))
    people = list(Person.all_objects.order_by("pk")[:20])
    weights = {
        MemberCategory.ACADEMICIAN: 10,
        MemberCategory.SCIENTIST: 30,
        MemberCategory.NPC: 10,
        MemberCategory.CPPCC: 10,
        MemberCategory.ENTREPRENEUR: 15,
        MemberCategory.OTHER: 5,
    }
    categories = [c for c, n in weights.items() for _ in range(n)]
    members = []
    for n in range(MEMBERS):
        person = people[n] if n < len(people) else None
        joined = rng.choice([2023, 2023, 2024, 2025])
        members.append(
            member_register(
                acting_user=province,
                name=person.name if person else _name(rng),
                category=categories[n % len(categories)],
                organisation_id=(person.organisation_id if person else rng.choice(units).pk),
                fields="、".join(rng.sample(FIELDS, 2)),
                person_id=person.pk if person else None,
                joined_year=min(joined, today.year),
                left_year=2024 if n % 16 == 5 and joined <= 2024 else None,
            )
        )
    for member in members[:6]:
        if member.person_id:
            member_invite_as_expert(acting_user=province, member_id=member.pk)
    ewn_counties = [
        c.code
        for c in Division.objects.filter(level="county").order_by("code")
        if CITY_REGION.get(c.code[:4]) is not Region.PRD
    ]
    for n, title in enumerate(REPORT_TITLES):
        report_register(
            acting_user=province,
            title=title,
            year=min(2024 + n % 2, today.year),
            member_ids=[m.pk for m in rng.sample(members, rng.randrange(3, 7))],
            county_codes=rng.sample(ewn_counties, rng.randrange(2, 5)),
            summary="赴县镇村实地调研，提出因地制宜的科技支撑建议。",
        )
    for n, (kind, title) in enumerate(
        [("forum", "乡村振兴智库联盟年度论坛"), ("seminar", "县域科技创新研讨会"),
         ("seminar", "粤东西北科普资源均衡发展研讨会"), ("forum", "南澳科学会议乡村振兴分论坛")]
    ):  # fmt: skip
        chosen = rng.sample(members, rng.randrange(5, 15))
        seminar_register(
            acting_user=province,
            kind=kind,
            title=title,
            held_on=min(dt.date(2024, 4 + 2 * n, 15), today),
            place_code=rng.choice(ewn_counties),
            member_ids=[m.pk for m in chosen],
            other_participants="省直有关部门、县镇负责同志",
            participant_count=len(chosen) + rng.randrange(20, 120),
        )
    return {"members": len(members), "reports": len(REPORT_TITLES), "seminars": 4}


@transaction.atomic
def demo_outreach(rng: random.Random) -> dict[str, Any]:
    if OutreachEvent.all_objects.exists():
        return {
            "events": OutreachEvent.all_objects.count(),
            "teachers": 0,
            "members": 0,
            "reports": 0,
            "seminars": 0,
        }
    today = timezone.localdate()
    events = _events(rng, today)
    courses, teachers = _courses(rng)
    think_tank = _think_tank(rng, today)
    return {
        "events": events,
        "courses": courses,
        "teachers": teachers,
        **think_tank,
        "active_members": active_think_tank_members(),
    }
