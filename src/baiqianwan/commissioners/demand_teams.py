"""Commissioner teams for a demand: the team serving its town, and nearby teams in the right fields.

A demand page promises help “from achievements, experts and 科技特派员”; the first place to look is
the team already in the town. Teams of other towns in the same county (then the same city) follow
when their fields or their members' expertise fit the demand. Each comes with its reasons.

The demand was fetched through ``demand_get`` by the caller, so whoever sees it sees the same teams:
a team's town, fields and members are what the town and its villages are told anyway. Only the
link to the team's own page follows the viewer's scope.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext

from baiqianwan.core.scope import Scope
from baiqianwan.demands.models import Demand
from baiqianwan.matching import documents
from baiqianwan.matching.engine import Query
from baiqianwan.matching.services import index_get

from .models import AssignmentStatus, Team
from .teams import Member, team_rows

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
