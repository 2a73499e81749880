"""Demo indicator data: the county and town returns of 2021–2025 as history, and the period open now.

Values follow Guangdong's pattern: the 珠三角 (above all 广州 and 深圳 districts) far ahead on R&D,
high-tech enterprises and technology contracts; 粤东粤西粤北 lower but growing faster, with more
commissioners and more farmers trained. Every value satisfies the system's validation rules. Each
unit draws from its own seeded generator, so any subset gives the same numbers as the whole
province.

Two parts, told apart on every return's record:

- ``history_import``: 2021–2025 were reported and approved before the platform; their returns are
  loaded as a data migration (approved, one “历史数据导入” event each), then the five years are
  published through ``result_publish``.
- ``current_period_demo``: the period open now, in 大埔县 and 英德市, goes through the collection
  services with the demo accounts (save, submit, approve, return), so it obeys every rule the
  demo shows: validation, the approval chain, who may review, period locks.

Re-running adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.core.bulk import bulk_insert, insert_rows
from baiqianwan.regions.models import Division

from .collection.models import Submission, SubmissionEvent, SubmissionStatus
from .collection.rules import chain_for
from .collection.selectors import periods_recent, previous_values
from .collection.services import submission_approve, submission_return, submission_save, submission_submit
from .definitions.models import MONITORING_SYSTEM as DEFAULT_SYSTEM
from .definitions.models import DataSet
from .definitions.selectors import current_system, lock_date
from .definitions.services import datasets_ensure_defaults, system_load_shipped
from .engine import IndicatorSystem
from .results.models import PublishedResult
from .results.services import result_publish

SEED = "bqw-indicators-20230607"
YEARS = (2021, 2022, 2023, 2024, 2025)
TZ = ZoneInfo("Asia/Shanghai")
CORE_CITIES = ("4401", "4403")  # 广州、深圳


@dataclass(frozen=True)
class Profile:
    """What drives a county's numbers: its development level and how fast it catches up."""

    d: float  # development: 0.15 (remote autonomous county) … 3.5 (core district)
    prd: bool
    core: bool
    urban: bool


def _profile(rng: random.Random, code: str, region: str, kind: str) -> Profile:
    prd = region == "prd"
    core = code[:4] in CORE_CITIES
    urban = kind == "市辖区"
    if core and urban:
        d = rng.uniform(2.0, 3.5)
    elif prd and urban:
        d = rng.uniform(1.2, 2.2)
    elif prd:
        d = rng.uniform(0.7, 1.2)
    elif urban:
        d = rng.uniform(0.5, 0.9)
    elif kind == "自治县":
        d = rng.uniform(0.15, 0.3)
    else:
        d = rng.uniform(0.25, 0.6)
    return Profile(d, prd, core, urban)


def _grow(rng: random.Random, base: float, rate: float, t: int, noise: float = 0.02) -> float:
    return base * (1 + rate) ** t * (1 + rng.uniform(-noise, noise))


def _series(rng: random.Random, base: float, rate: float, noise: float = 0.02) -> list[float]:
    return [_grow(rng, base, rate, t, noise) for t in range(len(YEARS))]


def _ints(values: list[float], low: int = 0) -> list[int]:
    return [max(low, round(v)) for v in values]


def _rising_flag(rng: random.Random, start: float, step: float) -> list[int]:
    """A yes/no that, once yes, stays yes (a station once set up keeps running)."""
    out, on = [], False
    for t in range(len(YEARS)):
        on = on or rng.random() < start + step * t
        out.append(int(on))
    return out


def _pick(rng: random.Random, *choices: tuple[bool, float, float]) -> float:
    """A uniform draw from the first range whose condition holds (the last one is the default)."""
    for condition, low, high in choices:
        if condition:
            return rng.uniform(low, high)
    return rng.uniform(choices[-1][1], choices[-1][2])


def _county_values(
    code: str, region: str, kind: str, town_totals: dict[str, list[float]]
) -> list[dict[str, Any]]:
    rng = random.Random(f"{SEED}:{code}")
    p = _profile(rng, code, region, kind)
    core = p.core and p.urban
    n = len(YEARS)
    gdp = _series(
        rng,
        min(2900.0, 80 + 400 * p.d**1.5 * rng.lognormvariate(0, 0.15)),
        _pick(rng, (p.prd, 0.035, 0.055), (True, 0.05, 0.07)),
        0.01,
    )
    intensity0 = _pick(
        rng,
        (core, 3.5, 5.5),
        (p.prd and p.urban, 2.0, 3.5),
        (p.prd, 1.0, 2.0),
        (p.urban, 0.8, 1.5),
        (True, 0.3, 1.0),
    )
    step = _pick(rng, (p.prd, 0.05, 0.12), (True, 0.10, 0.22))
    intensity = [(intensity0 + step * t) * (1 + rng.uniform(-0.02, 0.02)) for t in range(n)]
    population = _series(
        rng,
        _pick(rng, (p.prd and p.urban, 40, 180), (True, 25, 130)),
        0.015 if p.prd else rng.uniform(-0.003, 0.005),
        0.003,
    )
    fiscal_share = _pick(rng, (p.prd, 0.09, 0.14), (True, 0.16, 0.28))
    st_share0 = _pick(rng, (p.prd, 3.5, 8.0), (True, 0.6, 2.0))
    hnte_per = _pick(
        rng,
        (core, 0.8, 1.4),
        (p.prd and p.urban, 0.5, 0.9),
        (p.prd, 0.2, 0.45),
        (p.urban, 0.12, 0.25),
        (True, 0.05, 0.14),
    )
    hnte = _ints(_series(rng, gdp[0] * hnte_per, _pick(rng, (p.prd, 0.05, 0.08), (True, 0.09, 0.15))), 3)
    firms = _ints(
        _series(
            rng,
            gdp[0] * _pick(rng, (p.core, 0.6, 1.2), (p.prd, 0.8, 1.6), (True, 0.4, 0.9)),
            rng.uniform(0.02, 0.04),
        ),
        10,
    )
    contract_share = _pick(
        rng, (p.core, 2, 5), (p.prd and p.urban, 0.6, 1.5), (p.prd, 0.2, 0.6), (True, 0.05, 0.25)
    )
    contracts = _series(
        rng, gdp[0] * 10000 * contract_share / 100, _pick(rng, (p.prd, 0.08, 0.15), (True, 0.18, 0.30)), 0.04
    )
    loans = _series(
        rng,
        gdp[0] * 10000 * _pick(rng, (p.prd, 1.5, 3.0), (True, 0.3, 0.8)) / 100,
        _pick(rng, (p.prd, 0.10, 0.15), (True, 0.20, 0.35)),
        0.03,
    )
    risk_share = rng.uniform(0.1, 0.35)
    outposts0 = rng.randint(1, 3) if p.prd else rng.randint(0, 1)
    outposts, extra = [], 0
    for _ in range(n):
        extra += rng.random() < (0.2 if p.prd else 0.35)
        outposts.append(outposts0 + extra)
    station = _rising_flag(rng, 0.85 if p.prd else 0.3, 0.05 if p.prd else 0.15)
    resolve0 = _pick(rng, (p.prd, 0.62, 0.80), (True, 0.45, 0.65))
    resolve_step = 0.02 if p.prd else 0.025
    rd_per_10k = _pick(rng, (core, 300, 600), (p.prd and p.urban, 120, 300), (p.prd, 40, 120), (True, 10, 50))
    sub_fund = (
        0.0
        if rng.random() < (0.3 if p.prd else 0.6)
        else _pick(rng, (p.prd, 2000, 60000), (True, 500, 10000))
    )
    posted = _series(rng, rng.uniform(10, 60), 0.05, 0.08)
    transferred = _series(rng, _pick(rng, (p.prd, 30, 250), (True, 5, 40)), 0.08 if p.prd else 0.15, 0.06)
    varieties = _series(
        rng, _pick(rng, (p.prd and p.urban, 1, 10), (p.prd, 8, 30), (True, 10, 60)), 0.05, 0.1
    )
    teams0, stations0, leaders0 = (
        (rng.randint(1, 4), rng.randint(1, 6), rng.randint(2, 10))
        if p.prd
        else (rng.randint(3, 6), rng.randint(3, 8), rng.randint(5, 20))
    )
    labs = _series(rng, _pick(rng, (p.prd, 1, 8), (True, 2, 8)), 0.05 if p.prd else 0.15, 0.1)
    key_labs = rng.randint(3, 25) if core else rng.randint(0, 6) if p.prd else rng.choice((0, 0, 0, 1, 2))
    institutes = rng.randint(1, 8) if p.prd else rng.choice((0, 0, 1, 2))
    talents = _pick(rng, (p.prd, 8, 20), (True, 1, 4))
    programme = rng.randint(3, 20) if p.core else rng.randint(0, 6) if p.prd else rng.choice((0, 0, 1, 2))
    teams_innovation = rng.randint(1, 10) if p.prd else rng.randint(0, 3)
    events = _series(rng, rng.uniform(30, 300), 0.05, 0.08)
    participation = rng.uniform(0.05, 0.3)
    teachers = _series(rng, rng.uniform(50, 800), 0.06, 0.08)
    sme_ratio = rng.uniform(1.2, 2.2)
    plan_from = 0 if rng.random() < 0.8 else 1
    awards = [rng.choice((0, 0, 1, 1, 2, 3)) for _ in range(n)]
    on_duty = town_totals.get("commissioners_on_duty", [0.0] * n)
    rows = []
    for t in range(n):
        demands = round(posted[t])
        rows.append(
            {
                "commissioners_on_duty": round(on_duty[t]) + 3 + t + (0 if p.prd else 5),
                "commissioner_teams": teams0 + (0 if p.prd else t),
                "commissioner_stations": stations0 + (t // 2 if p.prd else t),
                "rich_leaders": leaders0 + (t if p.prd else 2 * t),
                "demands_posted": demands,
                "demands_resolved": min(demands, round(demands * min(0.97, resolve0 + resolve_step * t))),
                "tech_contract_value": round(contracts[t], 1),
                "achievements_transferred": round(transferred[t]),
                "varieties_promoted": round(varieties[t]),
                "promotion_awards": awards[t],
                "lab_trainings": round(labs[t]),
                "tech_loans": round(loans[t], 1),
                "risk_comp_loans": round(loans[t] * risk_share, 1),
                "sub_fund_investment": round(sub_fund * (1 + 0.1 * t), 1),
                "listing_reserve": max(0, round(hnte[t] / 60))
                if p.prd
                else min(8, t // 2 + round(hnte[t] / 40)),
                "finance_service_station": station[t],
                "gdp": round(gdp[t], 2),
                "rd_spend": round(gdp[t] * 10000 * min(intensity[t], 8.0) / 100, 1),
                "fiscal_st_spend": round(
                    gdp[t] * 10000 * fiscal_share * (st_share0 + (0.05 if p.prd else 0.1) * t) / 100, 1
                ),
                "fiscal_spend": round(gdp[t] * 10000 * fiscal_share, 1),
                "hnte": hnte[t],
                "sme_tech": round(hnte[t] * sme_ratio),
                "above_scale_enterprises": firms[t],
                "rd_firm_share": round(
                    min(95.0, (48 if p.prd else 22) * (1 + (0.03 if p.prd else 0.07) * t)), 1
                ),
                "eng_centres": max(1, round(hnte[t] * (0.03 if p.prd else 0.07))),
                "key_labs": key_labs + (t >= 3 and key_labs > 0),
                "new_rd_institutes": institutes
                + (t >= 2 and not p.prd and institutes == 0 and leaders0 % 2 == 0),
                "research_outposts": outposts[t],
                "incubators": max(3, round(hnte[t] / 40)) if p.prd else 1 + round(hnte[t] / 25),
                "talents_introduced": round(population[t] * talents * (1 + 0.06 * t)),
                "rd_staff": round(population[t] * rd_per_10k * (1 + 0.04 * t)),
                "talent_programme_selected": programme + t // 2,
                "innovation_teams": teams_innovation + t // 3,
                "science_events": round(events[t]),
                "science_participants": round(population[t] * 10000 * participation * (1 + 0.05 * t)),
                "science_teachers_trained": round(teachers[t]),
                "population": round(population[t], 2),
                "work_plan": "已印发年度科技支撑“百千万工程”工作方案" if t >= plan_from else None,
            }
        )
    return rows


def _town_values(
    code: str, kind: str, region: str, parent: Profile | None, gdp_share: list[float], pop_share: float
) -> list[dict[str, Any]]:
    rng = random.Random(f"{SEED}:{code}")
    prd = region == "prd"
    street = kind == "街道"
    d = parent.d if parent is not None else rng.uniform(1.3, 2.0)
    n = len(YEARS)
    gdp = [max(1.0, g) for g in gdp_share]
    intensity0 = _pick(rng, (prd, 2.0, 4.0), (True, 0.3, 1.2))
    hnte_per = _pick(rng, (prd, 0.3, 0.8), (True, 0.04, 0.12)) * (1.2 if street else 1.0)
    hnte = _ints([g * hnte_per * (1 + (0.04 if prd else 0.08) * t) for t, g in enumerate(gdp)])
    firm_per = _pick(rng, (prd, 0.8, 1.6), (True, 0.4, 0.9))
    firms = _ints([g * firm_per for g in gdp], 1)
    specialised_from = 0 if rng.random() < (0.35 if prd else 0.2) else (2 if rng.random() < 0.06 else 99)
    if street:
        specialised_from = 99
    commissioners0 = (
        (rng.randint(0, 2) if street else rng.randint(1, 4))
        if prd
        else (rng.randint(0, 2) if street else rng.randint(2, 6))
    )
    station = _rising_flag(rng, 0.6 if prd else 0.2, 0.05 if prd else 0.1)
    resolve0 = _pick(rng, (prd, 0.60, 0.82), (True, 0.42, 0.65))
    per_firm_output = _pick(rng, (prd, 3000, 20000), (True, 1500, 8000))
    rd_per_10k = _pick(rng, (prd, 80, 300), (True, 5, 40)) * (d / 1.5 if prd else 1.0)
    population = max(0.3, pop_share)
    contract_share = _pick(rng, (prd, 0.3, 1.2), (True, 0.03, 0.2))
    sme_ratio = rng.uniform(1.2, 2.0)
    leading = _pick(rng, (specialised_from < 99, 0.45, 0.8), (True, 0.2, 0.5))
    per_commissioner_logs = rng.uniform(15, 60)
    rd_firm_share0 = _pick(rng, (prd, 35, 65), (True, 10, 35))
    farmers = _series(
        rng, _pick(rng, (street, 0, 100), (prd, 100, 1200), (True, 200, 3000)), 0.04 if prd else 0.08, 0.08
    )
    leaders = rng.randint(0, 2) if prd or street else rng.randint(1, 5)
    posted = _series(rng, _pick(rng, (street, 1, 10), (True, 3, 30)), 0.05, 0.1)
    transferred = _series(rng, _pick(rng, (prd, 2, 20), (True, 0, 6)), 0.08 if prd else 0.15, 0.1)
    cooperations = rng.randint(1, 6) if specialised_from < 99 else rng.randint(0, 2)
    talents = _series(rng, _pick(rng, (prd, 20, 300), (True, 2, 40)), 0.05 if prd else 0.1, 0.08)
    events = _series(rng, rng.uniform(5, 60), 0.05, 0.1)
    stations0 = rng.randint(0, 1)
    rows = []
    for t in range(n):
        commissioners = commissioners0 + (0 if prd else t // 2)
        demands = round(posted[t])
        specialised = int(t >= specialised_from)
        industrial = firms[t] * per_firm_output * (1 + 0.05 * t)
        rows.append(
            {
                "commissioners_on_duty": commissioners,
                "commissioner_stations": stations0 if prd else min(3, stations0 + t // 2),
                "service_logs": round(commissioners * per_commissioner_logs * (1 + 0.1 * t)),
                "farmers_trained": round(farmers[t]),
                "rich_leaders": leaders + (0 if prd else t // 2),
                "demands_posted": demands,
                "demands_resolved": min(demands, round(demands * min(0.97, resolve0 + 0.025 * t))),
                "tech_contract_value": round(
                    gdp[t] * 10000 * contract_share / 100 * (1 + (0.1 if prd else 0.22) * t), 1
                ),
                "achievements_transferred": round(transferred[t]),
                "finance_service_station": station[t],
                "gdp": round(gdp[t], 2),
                "rd_spend": round(
                    gdp[t] * 10000 * min(intensity0 * (1 + (0.03 if prd else 0.08) * t), 8.0) / 100, 1
                ),
                "hnte": hnte[t],
                "sme_tech": round(hnte[t] * sme_ratio),
                "above_scale_enterprises": firms[t],
                "rd_firm_share": round(min(95.0, rd_firm_share0 * (1 + (0.03 if prd else 0.07) * t)), 1),
                "is_specialised_town": specialised,
                "industrial_output": round(industrial, 1),
                "leading_industry_output": round(
                    industrial * (leading if specialised else min(leading, 0.5)), 1
                ),
                "town_cooperations": cooperations + (specialised and t >= 3),
                "talents_introduced": round(talents[t]),
                "rd_staff": round(population * rd_per_10k * (1 + 0.05 * t)),
                "science_events": round(events[t]),
                "population": round(population * (1 + (0.01 if prd else 0.0) * t), 2),
            }
        )
    return rows


def _town_split(
    towns: list[dict[str, Any]], county_code: str, total_gdp: list[float], total_pop: float
) -> dict[str, tuple[list[float], float]]:
    """Share a county's GDP and population among its towns (streets weigh more)."""
    rng = random.Random(f"{SEED}:split:{county_code}")
    weights = [rng.lognormvariate(0, 0.6) * (1.8 if t["kind"] == "街道" else 1.0) for t in towns]
    total = sum(weights) or 1.0
    return {
        t["code"]: ([g * 0.92 * w / total for g in total_gdp], total_pop * w / total)
        for t, w in zip(towns, weights, strict=True)
    }


def _unit_lists(prefix: str) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    fields = ("code", "level", "parent_id", "region", "kind", "name")
    found = list(
        Division.objects.filter(level__in=("county", "town"), code__startswith=prefix)
        .order_by("code")
        .values(*fields)
    )
    counties = [u for u in found if u["level"] == "county"]
    towns: dict[str, list[dict[str, Any]]] = {}
    for u in found:
        if u["level"] == "town":
            towns.setdefault(u["parent_id"], []).append(u)
    return counties, towns


def _all_values(prefix: str) -> dict[str, tuple[dict[str, Any], list[dict[str, Any]]]]:
    """(unit, yearly values) of every county and town under ``prefix``."""
    counties, towns = _unit_lists(prefix)
    out: dict[str, tuple[dict[str, Any], list[dict[str, Any]]]] = {}
    for county in counties:
        rng = random.Random(f"{SEED}:{county['code']}")
        profile = _profile(rng, county["code"], county["region"], county["kind"])
        shape = _county_values(county["code"], county["region"], county["kind"], {})
        members = towns.get(county["code"], [])
        split = _town_split(members, county["code"], [r["gdp"] for r in shape], shape[0]["population"])
        sums = {"commissioners_on_duty": [0.0] * len(YEARS)}
        for town in members:
            gdp_share, pop_share = split[town["code"]]
            values = _town_values(town["code"], town["kind"], town["region"], profile, gdp_share, pop_share)
            out[town["code"]] = (town, values)
            for t, row in enumerate(values):
                sums["commissioners_on_duty"][t] += row["commissioners_on_duty"]
        out[county["code"]] = (county, _county_values(county["code"], county["region"], county["kind"], sums))
    # 东莞 and 中山: towns directly under the city, each a sizeable manufacturing town.
    for parent, members in towns.items():
        if parent in out or not parent.endswith("00000000"):
            continue
        for town in members:
            rng = random.Random(f"{SEED}:size:{town['code']}")
            gdp0 = rng.lognormvariate(5.0 if parent.startswith("4419") else 4.6, 0.5)
            gdp = [gdp0 * (1.05**t) for t in range(len(YEARS))]
            out[town["code"]] = (
                town,
                _town_values(town["code"], town["kind"], town["region"], None, gdp, rng.uniform(8, 40)),
            )
    return out


def _province() -> User:
    """The province account: it brought the history in and publishes results."""
    province = User.objects.filter(role=Role.PROVINCE, is_active=True).order_by("pk").first()
    if province is None:
        raise ValueError("演示考核数据需要一个省级账号，请先载入演示用户")
    return province


# ---- the history: past years' returns brought into the platform ------------------------------------

APPROVAL_DAYS = {"town": 10, "county": 15, "city": 30, "province": 34}  # days after 6 January, next year
# When the platform took in the returns of the years before it: after the last of them was approved.
IMPORTED_AT = dt.datetime(YEARS[-1] + 1, 3, 1, 9, 0, tzinfo=TZ)
HISTORY_ACTION = "history"
HISTORY_NOTE = (
    "历史数据导入：{period} 年的报表在本平台启用前已报送、审定，由省科技厅导入；报送和审定时间照录原记录"
)
EVENT_FIELDS = ("submission_id", "action", "level", "from_status", "to_status", "reason", "by_id", "at")


def past_return(
    dataset: DataSet, unit: str, year: int, values: dict[str, Any], last_level: str, minutes: int = 0
) -> Submission:
    """An unsaved return of a past ``year`` for ``history_import``, with its submission and final
    approval (at ``last_level``) as the old records say: January–February of the next year,
    ``minutes`` after the day's start."""
    base = dt.datetime(year + 1, 1, 6, 9, 0, tzinfo=TZ) + dt.timedelta(minutes=minutes)
    return Submission(
        dataset=dataset,
        period=str(year),
        unit_id=unit,
        values={
            k: (float(v) if isinstance(v, int | float) else v)
            for k, v in values.items()
            if k in dataset.elements
        },
        submitted_at=base + dt.timedelta(days=6),
        approved_at=base + dt.timedelta(days=APPROVAL_DAYS[last_level]),
    )


def history_import(returns: list[Submission], *, importer: User) -> tuple[list[Submission], int]:
    """Store past years' returns as what they are: historical data loaded into the platform, a data
    migration — not a workflow anyone went through here.

    Each return (dataset, period, unit, values, and the ``submitted_at``/``approved_at`` of the old
    records) is stored approved, changed last by ``importer`` (the province) at IMPORTED_AT, with one
    event: action ``history``, note “历史数据导入……”. There are no save, submit or approve events, so
    nothing suggests that a town or a county clicked through them, and the services' rules are not
    applied: these periods are closed and locked, which is why the services refuse them to counties
    and towns. (The Excel upload, ``collection/workbook.py``, cannot load them either: it stores
    drafts of one period, which would still have to go up the chain through the services.) The values
    are made to pass the system's rules; a test checks. Returns (stored returns, events written).
    """
    for submission in returns:
        submission.status, submission.stage = SubmissionStatus.APPROVED, ""
        submission.flags, submission.version, submission.updated_by = [], 1, importer
        submission.created_at = submission.updated_at = IMPORTED_AT
    stored = bulk_insert(Submission, returns)
    events = insert_rows(
        SubmissionEvent,
        EVENT_FIELDS,
        (
            (
                s.pk,
                HISTORY_ACTION,
                "",
                "",
                SubmissionStatus.APPROVED,
                HISTORY_NOTE.format(period=s.period),
                importer.pk,
                IMPORTED_AT,
            )
            for s in stored
        ),
    )
    return stored, events


def _datasets() -> dict[str, DataSet]:
    datasets = {
        d.level: d for d in DataSet.objects.filter(system_code=DEFAULT_SYSTEM, level__in=("county", "town"))
    }
    if len(datasets) < 2:
        datasets = {
            d.level: d for d in datasets_ensure_defaults(DEFAULT_SYSTEM) if d.level in ("county", "town")
        }
    return datasets


def _monitoring_history(prefix: str, datasets: dict[str, DataSet]) -> list[Submission]:
    """The 2021–2025 returns of every county and town under ``prefix`` not stored yet."""
    periods = [str(y) for y in YEARS]
    existing = set(
        Submission.all_objects.filter(
            dataset__in=datasets.values(), period__in=periods, unit_id__startswith=prefix
        ).values_list("dataset_id", "period", "unit_id")
    )
    divisions = Division.objects.filter(level__in=("county", "town"), code__startswith=prefix)
    by_code = {d.code: d for d in divisions.select_related("parent__parent")}
    returns = []
    for code, (unit, yearly) in _all_values(prefix).items():
        dataset = datasets[unit["level"]]
        last_level = (chain_for(dataset, by_code[code]) or ["province"])[-1]
        rng = random.Random(f"{SEED}:times:{code}")
        for year, values in zip(YEARS, yearly, strict=True):
            minutes = rng.randint(0, 480)  # drawn for every year, so a partial run keeps the times
            if (dataset.pk, str(year), code) not in existing:
                returns.append(past_return(dataset, code, year, values, last_level, minutes))
    return returns


@transaction.atomic
def demo_indicators(*, prefix: str = "", publish: bool = True, current: bool = True) -> dict[str, int]:
    """The indicator demo for every county and town under ``prefix`` (all of Guangdong by default):
    the 2021–2025 returns imported as history, those five years published, then (``current``) the
    period open now worked through the services by the demo accounts (``current_period_demo``).
    Returns counts of what was added."""
    try:
        version, _ = current_system(DEFAULT_SYSTEM)
    except ValidationError:
        system_load_shipped()
        version, _ = current_system(DEFAULT_SYSTEM)
    datasets = _datasets()
    province = _province()
    created, events = history_import(_monitoring_history(prefix, datasets), importer=province)
    published = 0
    if publish and created:
        for period in (str(y) for y in YEARS):
            if not PublishedResult.objects.filter(system=version, period=period).exists():
                done = result_publish(
                    acting_user=province, system_code=DEFAULT_SYSTEM, period=period, note="演示数据"
                )
                # Each year was published in March of the next, after the approvals of February.
                on = dt.datetime(int(period) + 1, 3, 10, 10, 0, tzinfo=TZ)
                PublishedResult.objects.filter(pk=done.pk).update(created_at=on, updated_at=on)
                published += 1
    made = current_period_demo(datasets, prefix=prefix) if current else 0
    return {"submissions": len(created), "events": events, "published": published, "current": made}


# ---- the period open now, through the services ----------------------------------------------------

# The demo's two counties, with their town, county and city accounts (accounts/demo.py).
DEMO_AREAS = (
    ("441422000000", "huliao_town", "dabu_county", "mz_city"),  # 大埔县, 湖寮镇, 梅州市
    ("441881000000", "lianjiangkou_town", "yingde_county", "qy_city"),  # 英德市, 连江口镇, 清远市
)
RETURN_REASON = "高新技术企业数与县里掌握的认定名单不一致，请核对后重新报送"


def open_period(dataset: DataSet, *, today: dt.date | None = None) -> str:
    """The period units are working on now: the oldest period after the imported history that is
    not locked yet. On 7 December 2026 that is 2026; in January 2027 still 2026 (its returns are due
    on 15 January and it locks in February), and after the lock 2027."""
    today = today or timezone.localdate()
    recent = [p for p in periods_recent(dataset, today=today) if p > str(YEARS[-1])]
    unlocked = [p for p in recent if today < lock_date(dataset, p)]
    return min(unlocked) if unlocked else str(YEARS[-1] + 1)


def grown_values(
    system: IndicatorSystem, dataset: DataSet, last: dict[str, Any], years: int, rng: random.Random
) -> dict[str, Any]:
    """This period's return from the unit's last approved one: amounts and counts grown by one rate
    per unit (so ratios such as resolved ≤ posted hold), shares up a little, flags and text kept."""
    kinds = {e.code: e.kind for e in system.elements}
    growth = (1 + rng.uniform(0.03, 0.08)) ** years
    out: dict[str, Any] = {}
    for code in dataset.elements:
        value = last.get(code)
        kind = kinds[code]
        if value is None or kind == "text":
            out[code] = value
        elif kind == "yes_no":
            out[code] = "是" if value else "否"  # as chosen on the form
        elif kind == "percent":
            out[code] = min(95.0, round(float(value) * (1 + 0.02 * years), 1))
        elif code == "population":
            out[code] = round(float(value) * 1.005**years, 2)
        elif float(value).is_integer():
            out[code] = float(round(float(value) * growth))
        else:
            out[code] = round(float(value) * growth, 2)
    return out


def _fill(system: IndicatorSystem, dataset: DataSet, period: str, unit: Division, by: User) -> Submission:
    """``by`` saves the unit's draft for ``period``, grown from its last approved return."""
    last_period, last = previous_values(dataset=dataset, period=period, unit=unit)
    years = int(period[:4]) - int(last_period[:4]) if last_period else 1
    values = grown_values(system, dataset, last, years, random.Random(f"{SEED}:{period}:{unit.code}"))
    return submission_save(acting_user=by, dataset=dataset, period=period, unit=unit, values=values)


def _submit(submission: Submission, by: User) -> Submission:
    # A warning (a value far from the unit's history) is confirmed as checked, and kept as a flag.
    return submission_submit(acting_user=by, submission=submission, confirm_warnings=True)


def current_period_demo(datasets: dict[str, DataSet], *, prefix: str = "") -> int:
    """The period open now in 大埔县 and 英德市, worked through the collection services by the demo
    accounts, as they would on the pages. Each town account fills in its own return and submits it;
    the county office enters the figures of its other towns (offices may fill in for the units below
    them) and submits two in three; the county approves a few, which go on to the city; 大埔县 sends
    its own return up and the city approves it, so it waits for the province. 大埔's 湖寮镇 is
    approved by the county; 英德's 连江口镇 is returned with a reason; 英德市's own return is still a
    draft; a third of the towns have not started. Values grow from each unit's last approved return.

    No return gets its final approval (审定): the period is still open and its returns are due after
    it ends, and an approved return would put a thinly reported period into the province's live
    results (its trends and projections), which the demo keeps as the five published years show.

    Nothing is done without the demo accounts (a partial load in tests) or when the period already has
    returns in these areas. Returns how many returns were made.
    """
    accounts = {u.username: u for u in User.objects.filter(is_active=True)}
    needed = {name for area in DEMO_AREAS for name in area[1:]}
    areas = [area for area in DEMO_AREAS if area[0].startswith(prefix)]
    if not areas or not needed <= accounts.keys():
        return 0
    period = open_period(datasets["town"])
    within = Q()
    for area in areas:
        within |= Q(unit_id__startswith=area[0][:6])
    if Submission.all_objects.filter(within, dataset__in=datasets.values(), period=period).exists():
        return 0
    _, system = current_system(DEFAULT_SYSTEM)
    made = 0
    for county_code, town_name, county_name, city_name in areas:
        town_user, county_user = accounts[town_name], accounts[county_name]
        first = county_code == DEMO_AREAS[0][0]
        county = Division.objects.select_related("parent").get(code=county_code)
        own_town = Division.objects.select_related("parent").get(code=town_user.division_id)
        mine = _submit(_fill(system, datasets["town"], period, own_town, town_user), town_user)
        if first:
            submission_approve(acting_user=county_user, submission=mine)
        else:
            submission_return(acting_user=county_user, submission=mine, reason=RETURN_REASON)
        # Towns without an account of their own: entered by the county, two in three so far.
        towns = Division.objects.filter(parent=county).exclude(code=own_town.code).order_by("code")
        entered = [
            _submit(_fill(system, datasets["town"], period, town, county_user), county_user)
            for i, town in enumerate(towns)
            if i % 3 != 2
        ]
        for submission in entered[:3]:
            submission_approve(acting_user=county_user, submission=submission)
        own = _fill(system, datasets["county"], period, county, county_user)
        if first:
            submission_approve(acting_user=accounts[city_name], submission=_submit(own, county_user))
        made += 2 + len(entered)
    return made
