"""Reads of teams in the field: members with their on-site days, numbers, history, 工作站; and the
teams a demand page suggests.

Commissioner teams for a demand: the team serving its town, and nearby teams in the right fields.

A demand page promises help “from achievements, experts and 科技特派员”; the first place to look is
the team already in the town. Teams of other towns in the same county (then the same city) follow
when their fields or their members' expertise fit the demand. Each comes with its reasons.

The demand was fetched through ``demand_get`` by the caller, so whoever sees it sees the same teams:
a team's town, fields and members are what the town and its villages are told anyway. Only the
link to the team's own page follows the viewer's scope.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext

from baiqianwan.core.scope import Action, Scope
from baiqianwan.demands.models import Demand
from baiqianwan.matching import documents
from baiqianwan.matching.engine import Query
from baiqianwan.matching.services import index_get
from baiqianwan.regions.models import Division

from ..fieldwork.models import LogStatus, ServiceLog
from ..fieldwork.selectors import ZERO, Pace, days_by_assignment, pace
from ..rounds.models import Assignment, AssignmentStatus, MembershipChange, Team, Workstation


@dataclass
class Member:
    assignment: Assignment
    pace: Pace | None  # only for members on duty

    @property
    def name(self) -> str:
        return self.assignment.nomination.expert.person.name

    @property
    def on_duty(self) -> bool:
        return self.assignment.status == AssignmentStatus.ACCEPTED

    @property
    def confirmed(self) -> Decimal:
        return self.pace.confirmed if self.pace else Decimal(0)


def _member_rows(
    teams: Sequence[Team], on: dt.date, *, statuses: Sequence[str] | None = None
) -> dict[int, list[Member]]:
    """Members of each team, leader first, with their days; two queries for any number of teams."""
    assignments = Assignment.all_objects.filter(
        need_id__in=[t.need_id for t in teams], published=True
    ).select_related("nomination__expert__person", "nomination__organisation")
    if statuses is not None:
        assignments = assignments.filter(status__in=statuses)
    assignments_list = list(assignments)
    days = days_by_assignment(a.pk for a in assignments_list)
    by_need: dict[int, list[Member]] = {}
    team_of = {t.need_id: t for t in teams}
    for a in assignments_list:
        team = team_of[a.need_id]
        confirmed, waiting = days.get(a.pk, (Decimal(0), Decimal(0)))
        member_pace = pace(
            started_on=a.started_on or team.started_on,
            ends_on=team.ends_on,
            confirmed=confirmed,
            waiting=waiting,
            on=on,
        )
        if a.status != AssignmentStatus.ACCEPTED:
            member_pace = Pace(confirmed, waiting, member_pace.expected, 0, False, False)
        by_need.setdefault(a.need_id, []).append(Member(a, member_pace))
    order = {s: i for i, s in enumerate(AssignmentStatus.values)}
    for members in by_need.values():
        members.sort(
            key=lambda m: (
                not (m.assignment.leader and m.on_duty),
                not m.on_duty,
                order[m.assignment.status],
                m.assignment.pk,
            )
        )
    return {t.pk: by_need.get(t.need_id, []) for t in teams}


@dataclass
class TeamRow:
    team: Team
    members: list[Member]

    @property
    def on_duty(self) -> list[Member]:
        return [m for m in self.members if m.on_duty]

    @property
    def leader(self) -> Member | None:
        return next((m for m in self.on_duty if m.assignment.leader), None)

    @property
    def confirmed(self) -> Decimal:
        return sum((m.confirmed for m in self.members), Decimal(0))

    @property
    def behind(self) -> list[Member]:
        return [m for m in self.on_duty if m.pace and m.pace.behind and not m.pace.at_risk]

    @property
    def at_risk(self) -> list[Member]:
        return [m for m in self.on_duty if m.pace and m.pace.at_risk]

    @property
    def warnings(self) -> list[str]:
        return [text for text, _serious in self.warning_levels]

    @property
    def warning_levels(self) -> list[tuple[str, bool]]:
        """Each warning with whether it is serious (red: no leader, short of people, cannot make it)."""
        found = []
        if self.leader is None:
            found.append((gettext("缺少团队负责人"), True))
        missing = self.team.need.slots - len(self.on_duty)
        if missing > 0:
            on_duty = len(self.on_duty)
            found.append(
                (gettext("在岗 {on_duty} 人，缺 {missing} 人").format(on_duty=on_duty, missing=missing), True)
            )
        if self.at_risk:
            found.append((gettext("难以达标：") + gettext("、").join(m.name for m in self.at_risk), True))
        if self.behind:
            found.append((gettext("进度偏慢：") + gettext("、").join(m.name for m in self.behind), False))
        return found


def team_rows(teams: Sequence[Team], *, on: dt.date | None = None) -> list[TeamRow]:
    on = on or timezone.localdate()
    members = _member_rows(teams, on)
    return [TeamRow(t, members[t.pk]) for t in teams]


def team_members(team: Team, *, on: dt.date | None = None) -> list[Member]:
    return _member_rows([team], on or timezone.localdate())[team.pk]


def _confirmed_days_subquery() -> Subquery:
    return Subquery(
        ServiceLog.all_objects.filter(assignment__need=OuterRef("need"), status=LogStatus.CONFIRMED)
        .order_by()
        .values("assignment__need")
        .annotate(total=Sum("days"))
        .values("total")[:1],
        output_field=DecimalField(max_digits=8, decimal_places=1),
    )


def team_list(*, user: Any, city: str = "", county: str = "", q: str = "") -> QuerySet[Team]:
    """Teams in the user's scope, with the leader's name, members on duty and confirmed days."""
    ids = Team.objects.for_user(user).values("pk")  # the member paths join assignments
    leader = Assignment.all_objects.filter(
        need=OuterRef("need"), leader=True, status=AssignmentStatus.ACCEPTED
    ).values("nomination__expert__person__name")[:1]
    teams = (
        Team.all_objects.filter(pk__in=ids)
        .select_related("town", "workstation", "need")
        .annotate(
            members_on_duty=Count(
                "need__assignments", filter=Q(need__assignments__status=AssignmentStatus.ACCEPTED)
            ),
            leader_name=Subquery(leader),
            confirmed_days=Coalesce(_confirmed_days_subquery(), ZERO),
        )
    )
    if city.strip():
        teams = teams.filter(town__startswith=city.strip()[:4])
    if county.strip():
        teams = teams.filter(town__startswith=county.strip()[:6])
    if q.strip():
        teams = teams.filter(Q(town__name__icontains=q.strip()) | Q(name__icontains=q.strip()))
    return teams.order_by("town_id", "pk")


def team_choices(*, user: Any) -> QuerySet[Team]:
    """The teams the user sees, by town, for a form's choice of team."""
    visible = Team.objects.for_user(user).values("pk")  # the member paths join assignments
    return Team.all_objects.filter(pk__in=visible).select_related("town").order_by("town_id")


def team_get(*, user: Any, pk: int) -> Team | None:
    return team_list(user=user).filter(pk=pk).first()


@dataclass(frozen=True)
class TeamNumbers:
    logs: int
    waiting: int
    villages: int
    trained: int
    solved: int
    days: Decimal


def team_numbers(team: Team) -> TeamNumbers:
    """Key numbers from the team's confirmed logs (and how many still wait for the town)."""
    logs = ServiceLog.all_objects.filter(assignment__need_id=team.need_id)
    numbers = logs.aggregate(
        logs=Count("pk", filter=Q(status=LogStatus.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=LogStatus.SUBMITTED)),
        villages=Count("village", filter=Q(status=LogStatus.CONFIRMED), distinct=True),
        trained=Coalesce(Sum("people_trained", filter=Q(status=LogStatus.CONFIRMED)), 0),
        solved=Coalesce(Sum("problems_solved", filter=Q(status=LogStatus.CONFIRMED)), 0),
        days=Coalesce(Sum("days", filter=Q(status=LogStatus.CONFIRMED)), ZERO),
    )
    return TeamNumbers(**numbers)


def team_history(team: Team) -> QuerySet[MembershipChange]:
    return team.history.select_related("assignment__nomination__expert__person", "by").order_by("-on", "-id")


def places(
    town_codes: Iterable[str], *, city: str = ""
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Filter choices from town codes: their cities, and the counties of the chosen city."""
    towns = set(town_codes)
    cities = sorted({t[:4] for t in towns})
    counties = sorted({t[:6] for t in towns if city and t.startswith(city[:4]) and t[4:6] != "00"})
    keys = [c + "00000000" for c in cities] + [c + "000000" for c in counties]
    names = dict(Division.objects.filter(code__in=keys).values_list("code", "name"))
    return (
        [(c, names.get(c + "00000000", c)) for c in cities],
        [(c, names.get(c + "000000", c)) for c in counties],
    )


def team_filter_places(*, user: Any, city: str = "") -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The cities (and, for a chosen city, the counties) where the user's teams serve."""
    return places(Team.objects.for_user(user).values_list("town_id", flat=True), city=city)


def workstation_filter_places(
    *, user: Any, city: str = ""
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    return places(Workstation.objects.for_user(user).values_list("town_id", flat=True), city=city)


def workstation_list(*, user: Any, q: str = "", city: str = "", county: str = "") -> QuerySet[Workstation]:
    workstations: QuerySet[Workstation] = Workstation.objects.for_user(user).select_related("town", "host")
    if city.strip():
        workstations = workstations.filter(town__startswith=city.strip()[:4])
    if county.strip():
        workstations = workstations.filter(town__startswith=county.strip()[:6])
    if q.strip():
        words = q.strip()
        workstations = workstations.filter(
            Q(name__icontains=words)
            | Q(town__name__icontains=words)
            | Q(host_name__icontains=words)
            | Q(host__name__icontains=words)
            | Q(address__icontains=words)
        )
    return workstations.order_by("town_id", "name")


def workstation_choices(*, user: Any, town_code: str) -> QuerySet[Workstation]:
    """The town's 工作站 the user may link a team to."""
    return Workstation.objects.for_user(user, "change").filter(town_id=town_code)


def workstation_teams(*, workstations: Iterable[Workstation]) -> dict[int, list[Team]]:
    """The teams linked to each of these 工作站 (already found within the user's scope), oldest first."""
    linked: dict[int, list[Team]] = {}
    for team in Team.all_objects.filter(workstation__in=list(workstations)).order_by("started_on"):
        linked.setdefault(team.workstation_id or 0, []).append(team)
    return linked


def workstation_get(*, user: Any, pk: int, action: Action = "view") -> Workstation | None:
    return Workstation.objects.for_user(user, action).select_related("town", "host").filter(pk=pk).first()


# The commissioner fields (models.FIELDS) each top-level industry of a demand calls for.
INDUSTRY_FIELDS: dict[str, tuple[str, ...]] = {
    "GRAIN": ("种植",),
    "CASH": ("种植",),
    "FRUIT": ("种植",),
    "VEG": ("种植",),
    "FLOWER": ("种植",),
    "FOREST": ("种植", "生态环保"),
    "TEA": ("茶叶",),
    "HERB": ("南药", "种植"),
    "LIVESTOCK": ("养殖",),
    "AQUA": ("水产",),
    "PROCESS": ("农产品加工",),
    "MACHINE": ("农机装备",),
    "DIGITAL": ("信息化与电商",),
    "ECO": ("生态环保",),
    "VILLAGE": ("规划", "生态环保"),
    "TOURISM": ("规划",),
}


NEARBY = 2  # teams of other towns shown after the town's own


@dataclass
class TeamSuggestion:
    team: Team
    members: list[Member]
    reasons: list[str]
    openable: bool
    rank: tuple[int, float] = (0, 0.0)
    expertise: list[str] = field(default_factory=list)

    @property
    def leader(self) -> Member | None:
        return next((m for m in self.members if m.assignment.leader), None)


def demand_fields(demand: Demand) -> tuple[str, ...]:
    """The commissioner fields the demand's industry belongs to (none while it is unclassified)."""
    if not demand.industry_id:
        return ()
    return INDUSTRY_FIELDS.get(demand.industry_id.split("-")[0], ())


def _expertise(demand: Demand, expert_ids: set[int]) -> dict[int, list[str]]:
    """The demand's words each member's profile matches (from the matching index)."""
    if not expert_ids:
        return {}
    hits = (
        index_get()
        .search(Query(text=f"{demand.title} {demand.description}", kinds=("expert",), top=300))
        .hits
    )
    found: dict[int, list[str]] = {}
    for hit in hits:
        _, pk = documents.split_id(hit.id)
        words = [t for t in hit.matched_terms if not t.startswith("#")]
        if pk in expert_ids and words:
            found[pk] = words
    return found


def teams_for_demand(
    *, user: Any, demand: Demand, nearby: int = NEARBY, on: dt.date | None = None
) -> list[TeamSuggestion]:
    today = on or timezone.localdate()
    teams = list(
        Team.objects.for_scope(Scope(division_prefix=demand.division_id[:4]))
        .filter(started_on__lte=today, ends_on__gte=today)
        .select_related("town", "need")
        .order_by("town_id", "pk")
    )
    if not teams:
        return []
    rows = team_rows(teams, on=today)
    serving = {
        row.team.pk: [m for m in row.members if m.assignment.status == AssignmentStatus.ACCEPTED]
        for row in rows
    }
    expert_of = {m.assignment.nomination.expert_id: m for members in serving.values() for m in members}
    expertise = _expertise(demand, set(expert_of))
    wanted = set(demand_fields(demand))
    openable = set(
        Team.objects.for_user(user).filter(pk__in=[t.pk for t in teams]).values_list("pk", flat=True)
    )
    town, county = demand.division_id[:9], demand.division_id[:6]
    own: list[TeamSuggestion] = []
    others: list[TeamSuggestion] = []
    for team in teams:
        members = serving[team.pk]
        if not members:
            continue
        shared = [f for f in team.need.fields if f in wanted]
        skilled = {
            m.name: expertise[m.assignment.nomination.expert_id]
            for m in members
            if m.assignment.nomination.expert_id in expertise
        }
        words = list(dict.fromkeys(w for terms in skilled.values() for w in terms))
        reasons: list[str] = []
        if team.town_id[:9] == town:
            reasons.append(gettext("驻{name}，服务本镇").format(name=team.town.name))
        elif shared or skilled:
            where = gettext("同县") if team.town_id[:6] == county else gettext("同市")
            reasons.append(
                gettext("驻{full_name}（{where}）").format(full_name=team.town.full_name, where=where)
            )
        else:
            continue
        if shared:
            reasons.append(gettext("服务领域相符：") + "、".join(shared))
        if skilled:
            who = "、".join(skilled)
            reasons.append(
                gettext("成员专长相符：{join}（{who}）").format(join="、".join(words[:5]), who=who)
            )
        suggestion = TeamSuggestion(
            team=team,
            members=members,
            reasons=reasons,
            openable=team.pk in openable,
            rank=(
                0 if team.town_id[:9] == town else 1 if team.town_id[:6] == county else 2,
                -(len(shared) + len(words)),
            ),
            expertise=words,
        )
        (own if team.town_id[:9] == town else others).append(suggestion)
    others.sort(key=lambda s: (s.rank, s.team.town_id))
    return own + others[:nearby]
