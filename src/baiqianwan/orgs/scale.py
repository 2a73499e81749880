"""Organisations and people of a generated data set (`bqw demo --scale`).

The province's universities and institutes are always there (they serve every county); each city
of the area has its academy of agricultural sciences and a rural bank, each county its extension
centre, a few enterprises and the cooperatives and family farms of its towns. People are spread
over them by size: a university has far more researchers than a cooperative.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from baiqianwan.core.bulk import bulk_insert
from baiqianwan.core.fakes import make_id_number, make_mobile, make_name, make_uscc
from baiqianwan.industries.scale import Topic, Vocabulary
from baiqianwan.regions.models import Division

from .models import Organisation, OrganisationKind, Person

TZ = ZoneInfo("Asia/Shanghai")
REGISTERED = dt.datetime(2023, 6, 20, 9, 0, tzinfo=TZ)

# (name, kind, district code, how many people it has relative to the others)
PROVINCIAL = [
    ("华南农业大学", OrganisationKind.UNIVERSITY, "440106000000", 120),
    ("广东省农业科学院", OrganisationKind.INSTITUTE, "440106000000", 120),
    ("仲恺农业工程学院", OrganisationKind.UNIVERSITY, "440105000000", 50),
    ("广东海洋大学", OrganisationKind.UNIVERSITY, "440811000000", 60),
    ("广东省科学院", OrganisationKind.INSTITUTE, "440106000000", 40),
    ("广东省林业科学研究院", OrganisationKind.INSTITUTE, "440106000000", 20),
    ("广东省现代农业装备研究所", OrganisationKind.NEW_RD, "440106000000", 20),
    ("广东省农业技术推广中心", OrganisationKind.EXTENSION, "440104000000", 20),
    ("广东省动物疫病预防控制中心", OrganisationKind.EXTENSION, "440106000000", 10),
    ("中山大学", OrganisationKind.UNIVERSITY, "440105000000", 25),
    ("华南理工大学", OrganisationKind.UNIVERSITY, "440106000000", 25),
    ("暨南大学", OrganisationKind.UNIVERSITY, "440106000000", 15),
    ("嘉应学院", OrganisationKind.UNIVERSITY, "441402000000", 25),
    ("韶关学院", OrganisationKind.UNIVERSITY, "440203000000", 20),
    ("岭南师范学院", OrganisationKind.UNIVERSITY, "440802000000", 12),
    ("韩山师范学院", OrganisationKind.UNIVERSITY, "445102000000", 12),
    ("肇庆学院", OrganisationKind.UNIVERSITY, "441202000000", 12),
    ("惠州学院", OrganisationKind.UNIVERSITY, "441302000000", 12),
    ("五邑大学", OrganisationKind.UNIVERSITY, "440703000000", 10),
    ("广东石油化工学院", OrganisationKind.UNIVERSITY, "440902000000", 10),
]
LOCAL_WEIGHT = {
    OrganisationKind.INSTITUTE: 14,
    OrganisationKind.EXTENSION: 7,
    OrganisationKind.ENTERPRISE: 2,
    OrganisationKind.COOPERATIVE: 0.6,
    OrganisationKind.FAMILY_FARM: 0.3,
    OrganisationKind.BANK: 1,
}
TITLES: dict[str, list[str]] = {
    OrganisationKind.UNIVERSITY: ["教授", "副教授", "副教授", "讲师", "研究员", "副研究员"],
    OrganisationKind.INSTITUTE: ["研究员", "副研究员", "副研究员", "助理研究员", "高级农艺师"],
    OrganisationKind.NEW_RD: ["高级工程师", "工程师", "研究员"],
    OrganisationKind.EXTENSION: [
        "推广研究员",
        "高级农艺师",
        "高级农艺师",
        "农艺师",
        "高级畜牧师",
        "助理农艺师",
    ],
    OrganisationKind.ENTERPRISE: ["高级工程师", "工程师", "农艺师"],
    OrganisationKind.COOPERATIVE: ["农艺师", "技术员"],
    OrganisationKind.FAMILY_FARM: ["技术员"],
    OrganisationKind.BANK: ["高级经济师", "经济师"],
}
COMPANY_SUFFIXES = [
    "产业有限公司",
    "农业发展有限公司",
    "食品有限公司",
    "生态农业有限公司",
    "农业科技有限公司",
]


def short_name(division: Division) -> str:
    """梅州市 → 梅州, 大埔县 → 大埔, 连南瑶族自治县 → 连南; two-character names stay whole."""
    name = division.name
    for suffix in (
        "瑶族自治县",
        "壮族瑶族自治县",
        "畲族自治县",
        "自治县",
        "市",
        "县",
        "区",
        "镇",
        "乡",
        "街道",
    ):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@dataclass
class Unit:
    """A generated organisation with what it works on and how big it is."""

    organisation: Organisation
    region: str
    weight: float
    topics: list[Topic] = field(default_factory=list)


def _organisation(
    rng: random.Random, used: set[str], name: str, kind: str, division: Division, address: str
) -> Organisation:
    uscc = make_uscc(rng, kind=kind, division_code=division.code)
    while uscc in used:
        uscc = make_uscc(rng, kind=kind, division_code=division.code)
    used.add(uscc)
    return Organisation(
        name=name[:120],
        kind=kind,
        uscc=uscc,
        division_id=division.code,
        address=address[:200],
        contact_name=make_name(rng),
        contact_phone=make_mobile(rng),
        created_at=REGISTERED,
        updated_at=REGISTERED,
    )


def scale_organisations(
    rng: random.Random, *, vocabulary: Vocabulary, divisions: dict[str, Division], area: Division
) -> list[Unit]:
    """The area's organisations (and the province's own institutions), stored; in code order."""
    units: list[Unit] = []
    used: set[str] = set()
    prefix = area.prefix
    for name, kind, code, weight in PROVINCIAL:
        district = divisions.get(code)
        if district is None:
            continue
        city = divisions[code[:4] + "00000000"]
        org = _organisation(rng, used, name, kind, district, f"{city.name}{district.name}")
        topics = [vocabulary.topic(rng, district.region) for _ in range(6)]
        units.append(Unit(org, district.region, weight, topics))
    for division in divisions.values():
        if not division.code.startswith(prefix):
            continue
        region = division.region or "prd"
        if division.level == "city":
            short = short_name(division)
            for name, kind in (
                (f"{division.name}农业科学研究院", OrganisationKind.INSTITUTE),
                (f"{short}农村商业银行", OrganisationKind.BANK),
            ):
                org = _organisation(rng, used, name, kind, division, division.name)
                topics = [vocabulary.topic(rng, region) for _ in range(4)]
                units.append(Unit(org, region, LOCAL_WEIGHT[kind], topics))
        elif division.level == "county" or (division.level == "town" and division.parent_id in CITY_TOWNS):
            units.extend(_county_units(rng, used, vocabulary, divisions, division))
    bulk_insert(Organisation, [u.organisation for u in units])
    return units


# 东莞、中山: towns stand directly under the city; each town is treated as a county here.
CITY_TOWNS = frozenset({"441900000000", "442000000000"})


def _county_units(
    rng: random.Random,
    used: set[str],
    vocabulary: Vocabulary,
    divisions: dict[str, Division],
    county: Division,
) -> list[Unit]:
    region = county.region or "prd"
    city = divisions[county.code[:4] + "00000000"]
    place = f"{city.name}{county.name}"
    short = short_name(county)
    towns = [d for d in divisions.values() if d.parent_id == county.code and d.level == "town"]
    if county.level == "town":  # a town of 东莞 or 中山 stands for its own county
        towns, place = [county], city.name
    units = []
    topic = vocabulary.topic(rng, region)
    extension = f"{county.name if county.level == 'county' else city.name + county.name}农业技术推广中心"
    org = _organisation(rng, used, extension, OrganisationKind.EXTENSION, county, place)
    units.append(Unit(org, region, LOCAL_WEIGHT[OrganisationKind.EXTENSION], [topic]))
    for _ in range(rng.randint(1, 3)):
        topic = vocabulary.topic(rng, region, ("plant", "animal", "aqua", "process"))
        name = f"{short}{topic.subject(rng)}{rng.choice(COMPANY_SUFFIXES)}"
        org = _organisation(rng, used, name, OrganisationKind.ENTERPRISE, county, place)
        units.append(Unit(org, region, LOCAL_WEIGHT[OrganisationKind.ENTERPRISE], [topic]))
    owner = county.name if county.level == "county" else city.name
    for kind, low, high, suffix in (
        (OrganisationKind.COOPERATIVE, 2, 5, "专业合作社"),
        (OrganisationKind.FAMILY_FARM, 0, 2, "家庭农场"),
    ):
        for _ in range(rng.randint(low, high)):
            town = rng.choice(towns)
            topic = vocabulary.topic(rng, region, ("plant", "animal", "aqua"))
            middle = f"{make_name(rng)[0]}记" if kind == OrganisationKind.FAMILY_FARM else ""
            name = f"{owner}{town.name}{middle}{topic.subject(rng)}{suffix}"
            org = _organisation(rng, used, name, kind, town, f"{place}{town.name}")
            units.append(Unit(org, region, LOCAL_WEIGHT[kind], [topic]))
    return units


BORN_FROM = dt.date(1962, 1, 1)


def scale_people(rng: random.Random, *, units: list[Unit], count: int) -> list[tuple[Person, Unit, Topic]]:
    """``count`` people across the organisations by size; each with the topic they work on."""
    staffed = [u for u in units if u.weight > 0]
    weights = [u.weight for u in staffed]
    used: set[str] = set()
    rows: list[tuple[Person, Unit, Topic]] = []
    for _ in range(count):
        unit = rng.choices(staffed, weights)[0]
        org = unit.organisation
        female = rng.random() < 0.38
        born = BORN_FROM + dt.timedelta(days=rng.randrange(0, 365 * 34))
        id_number = make_id_number(rng, division_code=org.division_id, born=born, female=female)
        while id_number in used:
            born += dt.timedelta(days=1)
            id_number = make_id_number(rng, division_code=org.division_id, born=born, female=female)
        used.add(id_number)
        topic = rng.choice(unit.topics)
        fields = "、".join(dict.fromkeys([topic.name, topic.method(rng), topic.subject(rng)]))
        person = Person(
            name=make_name(rng),
            gender=Person.Gender.FEMALE if female else Person.Gender.MALE,
            id_number=id_number,
            mobile=make_mobile(rng),
            organisation=org,
            title=rng.choice(TITLES.get(org.kind, ["工程师"])),
            fields=fields[:200],
            created_at=REGISTERED,
            updated_at=REGISTERED,
        )
        rows.append((person, unit, topic))
    bulk_insert(Person, [p for p, _, _ in rows])
    return rows
