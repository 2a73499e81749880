"""The published dispatch round of a generated data set (`bqw demo --scale`).

Every 镇 and 乡 of the area (and 粤东粤西粤北's farms and other town-level units) asks for a team
in the fields its villages live on; units put forward their experts; the exact solver of
``matching.engine`` staffs the towns (each candidate scored against the towns of their own city
and region, as a shortlist would); the plan is published in March 2025, teams are formed and most
appointees have confirmed since, a few declined or withdrew. Rows are written in bulk, in the
shape the services leave them.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.accounts.scale import Accounts
from baiqianwan.core.bulk import bulk_insert
from baiqianwan.industries.scale import Topic
from baiqianwan.matching.engine.assign import MAX_FILLED_THEN_SCORE, Commissioner, Instance, Slot, solve
from baiqianwan.orgs.models import OrganisationKind
from baiqianwan.regions.classification import is_east_west_north
from baiqianwan.regions.models import Division
from baiqianwan.supply.models import ExpertProfile
from baiqianwan.supply.scale import Expert

from .rounds.models import (
    FIELDS,
    TERM_YEARS,
    Assignment,
    AssignmentStatus,
    ConfirmedVia,
    DispatchRound,
    MembershipChange,
    Nomination,
    RoundStatus,
    Team,
    TownNeed,
)
from .rounds.rules import can_lead

TZ = ZoneInfo("Asia/Shanghai")


ROUND_NAME = "2025年全省科技特派员选派"


PUBLISHED_ON = dt.date(2025, 3, 15)


LAST_DAY = dt.date(2026, 11, 30)


TOWNS_PER_CANDIDATE = 40


FIELD_OF = {
    "GRAIN": "种植",
    "CASH": "种植",
    "FRUIT": "种植",
    "VEG": "种植",
    "FLOWER": "种植",
    "FOREST": "生态环保",
    "TEA": "茶叶",
    "HERB": "南药",
    "LIVESTOCK": "养殖",
    "AQUA": "水产",
    "PROCESS": "农产品加工",
    "MACHINE": "农机装备",
    "DIGITAL": "信息化与电商",
    "ECO": "生态环保",
    "VILLAGE": "规划",
    "TOURISM": "规划",
    "OTHER": "金融",
}


ENDINGS = {
    AssignmentStatus.DECLINED: ("本人谢绝", ("身体原因无法长期下乡", "本单位科研任务重，暂不能派驻")),
    AssignmentStatus.WITHDRAWN: ("本人退出", ("调往省外工作，申请退出", "家庭原因申请退出")),
    AssignmentStatus.RECALLED: ("派出单位召回", ("单位承担省重点项目，召回本人",)),
    AssignmentStatus.RESCINDED: ("已撤销", ("本人工作调动，经派出单位申请撤销派驻",)),
}


OUTCOMES = {
    AssignmentStatus.ACCEPTED: 89,
    AssignmentStatus.INVITED: 2,
    AssignmentStatus.DECLINED: 3,
    AssignmentStatus.WITHDRAWN: 4,
    AssignmentStatus.RECALLED: 1,
    AssignmentStatus.RESCINDED: 1,
}


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9, 0), TZ) + dt.timedelta(minutes=rng.randint(0, 480))


def round_towns(towns: list[Division]) -> list[Division]:
    """镇 and 乡 everywhere, and town-level farms and zones in 粤东粤西粤北 (streets are urban)."""
    return [t for t in towns if t.kind in ("镇", "乡") or (t.kind == "类似乡级单位" and t.region != "prd")]


def _town_fields(rng: random.Random, topics: list[Topic]) -> list[str]:
    counts = Counter(FIELD_OF.get(t.category, "种植") for t in topics)
    ranked = [f for f, _ in sorted(counts.items(), key=lambda item: (-item[1], FIELDS.index(item[0])))]
    fields = ranked[: rng.choice((1, 2, 2, 3))] or ["种植"]
    if rng.random() < 0.08:
        fields.append(rng.choice(("金融", "医疗卫生", "信息化与电商")))
    return list(dict.fromkeys(fields))


def _expert_fields(expert: Expert) -> list[str]:
    if expert.unit.organisation.kind == OrganisationKind.BANK:
        return ["金融"]
    return list(dict.fromkeys(FIELD_OF.get(t.category, "种植") for t in expert.industries))


@dataclass
class DispatchDone:
    needs: int
    candidates: int
    assignments: int
    teams: int
    accounts: int
    filled: int
    slots: int


def scale_dispatch(
    rng: random.Random,
    *,
    towns: list[Division],
    village_topics: dict[str, list[Topic]],
    experts: list[Expert],
    accounts: Accounts,
    candidates: int,
) -> DispatchDone:
    province = accounts.province
    created = dt.datetime(2025, 1, 6, 9, 0, tzinfo=TZ)
    dispatch_round = DispatchRound(
        name=ROUND_NAME,
        year=2025,
        needs_due=dt.date(2025, 1, 31),
        nominations_due=dt.date(2025, 2, 15),
        choices_due=dt.date(2025, 2, 28),
        max_per_unit=None,
        status=RoundStatus.PUBLISHED,
        created_by=province,
        created_at=created,
        updated_at=_at(PUBLISHED_ON, rng),
    )
    bulk_insert(DispatchRound, [dispatch_round])

    topics_of: dict[str, list[Topic]] = {}
    for code, topics in village_topics.items():
        topics_of.setdefault(code[:9], []).extend(topics)
    needs = []
    for town in round_towns(towns):
        local = topics_of.get(town.code[:9], [])
        fields = _town_fields(rng, local)
        note = "、".join(dict.fromkeys(t.name for t in local[:4])) or "乡村产业"
        at = _at(dt.date(2025, 1, rng.randint(8, 30)), rng)
        needs.append(
            TownNeed(
                round=dispatch_round,
                town=town,
                fields=fields,
                slots=rng.choices((2, 3, 4), (30, 55, 15))[0],
                note=f"{note}技术服务"[:300],
                submitted_by=accounts.by_code.get(town.code, province),
                created_at=at,
                updated_at=at,
            )
        )
    bulk_insert(TownNeed, needs)

    pool = [e for e in experts if e.unit.organisation.kind not in (OrganisationKind.FAMILY_FARM,)]
    chosen = sorted(rng.sample(range(len(pool)), min(candidates, len(pool))))
    nominations: list[Nomination] = []
    nominees: list[Expert] = []
    for index in chosen:
        expert = pool[index]
        org = expert.unit.organisation
        station, sanzhi = rng.random() < 0.02, rng.random() < 0.01
        at = _at(dt.date(2025, 2, rng.randint(1, 14)), rng)
        nominations.append(
            Nomination(
                round=dispatch_round,
                expert=expert.profile,
                organisation=org,
                fields=_expert_fields(expert),
                can_lead=can_lead(expert.person.title),
                capacity=rng.choices((1, 2), (85, 15))[0],
                in_station_team=station,
                in_sanzhi=sanzhi,
                excluded_reason="已是驻镇帮镇扶村工作队成员"
                if station
                else "已是三支一扶人员"
                if sanzhi
                else "",
                submitted_by=accounts.office(org.division_id),
                created_at=at,
                updated_at=at,
            )
        )
        nominees.append(expert)
    bulk_insert(Nomination, nominations)

    instance, scores = _instance(rng, needs, nominations, nominees)
    solution = solve(instance)
    assignments = _assignments(rng, dispatch_round, needs, nominations, solution.assignments, scores)
    result: dict[str, Any] = solution.to_dict()
    # The plan as the round page reads it: slots and people by their keys in this database.
    result["assignments"] = [
        {
            "slot": f"{needs[int(a.slot.split('-')[0])].pk}-{a.slot.split('-')[1]}",
            "commissioner": str(nominations[int(a.commissioner)].pk),
        }
        for a in solution.assignments
    ]
    result["settings"] = {"objective": MAX_FILLED_THEN_SCORE, "east_west_north_first": True}
    DispatchRound.all_objects.filter(pk=dispatch_round.pk).update(result=result)

    teams = _teams(rng, needs, assignments, province)
    opened = _accounts(dispatch_round, assignments, nominees, nominations, province)
    return DispatchDone(
        needs=len(needs),
        candidates=len(nominations),
        assignments=len(assignments),
        teams=teams,
        accounts=opened,
        filled=solution.filled,
        slots=len(instance.slots),
    )


def _instance(
    rng: random.Random, needs: list[TownNeed], nominations: list[Nomination], nominees: list[Expert]
) -> tuple[Instance, dict[tuple[str, str], float]]:
    """Ids are positions, not keys: the same data gives the same plan on any database."""
    slots = [
        Slot(id=f"{i}-{k}", town=need.town_id, fields=tuple(need.fields), leader=k == 0)
        for i, need in enumerate(needs)
        for k in range(need.slots)
    ]
    by_city: dict[str, list[int]] = {}
    for i, need in enumerate(needs):
        by_city.setdefault(need.town_id[:4], []).append(i)
    people, scores = [], {}
    for j, (nomination, expert) in enumerate(zip(nominations, nominees, strict=True)):
        if nomination.excluded_reason:
            continue
        people.append(
            Commissioner(
                id=str(j),
                fields=tuple(nomination.fields),
                can_lead=nomination.can_lead,
                capacity=nomination.capacity,
            )
        )
        # A shortlist: towns of the candidate's own city, and towns anywhere they might be sent.
        home = expert.person.organisation.division_id[:4]
        local = by_city.get(home, [])
        near = sorted(rng.sample(local, min(len(local), TOWNS_PER_CANDIDATE // 2)))
        rest = TOWNS_PER_CANDIDATE - len(near)
        options = near + [i for i in rng.sample(range(len(needs)), min(len(needs), rest)) if i not in near]
        wanted = set(nomination.fields)
        for i in options:
            need = needs[i]
            overlap = len(wanted & set(need.fields)) / len(need.fields)
            if overlap:
                same_city = need.town_id[:4] == home
                scores[(need.town_id, str(j))] = round(
                    overlap + 0.5 * rng.random() + (0.2 if same_city else 0.0), 3
                )
    instance = Instance(
        slots=slots,
        commissioners=people,
        scores=scores,
        objective=MAX_FILLED_THEN_SCORE,
        priority={n.town_id: 1 for n in needs if is_east_west_north(n.town_id)},
        town_names={n.town_id: n.town.full_name for n in needs},
        commissioner_names={
            str(j): f"{e.person.name}（{e.person.organisation.name}）" for j, e in enumerate(nominees)
        },
    )
    return instance, scores


def _assignments(
    rng: random.Random,
    dispatch_round: DispatchRound,
    needs: list[TownNeed],
    nominations: list[Nomination],
    placed: list[Any],
    scores: dict[tuple[str, str], float],
) -> list[Assignment]:
    rows = []
    solved_at = dt.datetime(2025, 3, 5, 10, 0, tzinfo=TZ)
    for item in sorted(placed, key=lambda a: tuple(int(x) for x in a.slot.split("-"))):
        i, k = (int(x) for x in item.slot.split("-"))
        need, nomination = needs[i], nominations[int(item.commissioner)]
        status = rng.choices(list(OUTCOMES), list(OUTCOMES.values()))[0]
        answered = PUBLISHED_ON + dt.timedelta(days=rng.randint(1, 20))
        row = Assignment(
            round=dispatch_round,
            need=need,
            nomination=nomination,
            leader=k == 0,
            score=scores.get((need.town_id, item.commissioner), 0.0),
            published=True,
            status=status,
            started_on=PUBLISHED_ON,
            created_at=solved_at,
            updated_at=_at(answered, rng),
        )
        if status == AssignmentStatus.ACCEPTED:
            row.confirmed_via = rng.choices(list(ConfirmedVia), (60, 25, 15))[0]
            row.confirmed_at = row.updated_at
            if row.confirmed_via != ConfirmedVia.SELF:
                row.confirmation_note = (
                    "本人签字的派驻确认回执已交单位存档"
                    if row.confirmed_via == ConfirmedVia.WRITTEN
                    else "电话联系本人，同意派驻"
                )
        elif status == AssignmentStatus.INVITED:
            row.reminders = rng.randint(1, 3)
            row.reminded_on = LAST_DAY - dt.timedelta(days=rng.randint(1, 10))
            row.updated_at = _at(row.reminded_on, rng)
        elif status in ENDINGS:
            reasons = ENDINGS[status][1]
            if status == AssignmentStatus.DECLINED:
                ended = answered
            else:
                ended = PUBLISHED_ON + dt.timedelta(days=rng.randint(60, (LAST_DAY - PUBLISHED_ON).days))
            row.ended_on, row.end_reason = ended, rng.choice(reasons)
            row.updated_at = _at(ended, rng)
        rows.append(row)
    bulk_insert(Assignment, rows)
    return rows


def _teams(rng: random.Random, needs: list[TownNeed], assignments: list[Assignment], province: User) -> int:
    staffed = {a.need_id for a in assignments}
    start = dt.datetime.combine(PUBLISHED_ON, dt.time(10, 0), TZ)
    teams = {
        need.pk: Team(
            need=need,
            town=need.town,
            name=f"{need.town.name}科技特派员服务团",
            started_on=PUBLISHED_ON,
            ends_on=PUBLISHED_ON.replace(year=PUBLISHED_ON.year + TERM_YEARS),
            created_at=start,
            updated_at=start,
        )
        for need in needs
        if need.pk in staffed
    }
    bulk_insert(Team, list(teams.values()))
    changes = []
    for a in assignments:
        team = teams[a.need_id]
        changes.append(
            MembershipChange(
                team=team,
                assignment=a,
                kind=MembershipChange.Kind.JOINED,
                on=PUBLISHED_ON,
                reason="任团队负责人" if a.leader else "",
                by=province,
                at=start,
            )
        )
        if a.ended_on is not None:
            label = ENDINGS[AssignmentStatus(a.status)][0]
            changes.append(
                MembershipChange(
                    team=team,
                    assignment=a,
                    kind=MembershipChange.Kind.LEFT,
                    on=a.ended_on,
                    reason=f"{label}：{a.end_reason}"[:200],
                    by=province,
                    at=_at(a.ended_on, rng),
                )
            )
    bulk_insert(MembershipChange, changes)
    return len(teams)


def _accounts(
    dispatch_round: DispatchRound,
    assignments: list[Assignment],
    nominees: list[Expert],
    nominations: list[Nomination],
    province: User,
) -> int:
    """Publishing opened an account for every appointee (no password until an office sets one)."""
    position = {n.pk: j for j, n in enumerate(nominations)}
    seen: set[int] = set()
    users, profiles = [], []
    joined = dt.datetime.combine(PUBLISHED_ON, dt.time(10, 0), TZ)
    for a in assignments:
        j = position[a.nomination_id]
        if j in seen:
            continue
        seen.add(j)
        expert = nominees[j]
        person = expert.person
        user = User(
            username=f"tps{j + 1:06d}",
            display_name=person.name,
            role=Role.COMMISSIONER,
            phone=person.mobile,
            division_id=person.organisation.division_id,
            created_by=province,
            password=make_password(None),
            date_joined=joined,
        )
        users.append(user)
        profiles.append((expert.profile, user))
    bulk_insert(User, users)
    for profile, user in profiles:
        profile.user = user
    ExpertProfile.all_objects.bulk_update([p for p, _ in profiles], ["user"], batch_size=1000)
    return len(users)
