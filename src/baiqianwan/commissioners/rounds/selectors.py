"""Reads of a dispatch round: shortlists with reasons, the pair scores the solver uses, gaps."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from baiqianwan.demands.models import Demand, DemandStatus
from baiqianwan.matching import documents
from baiqianwan.matching.engine import Query
from baiqianwan.matching.services import index_get
from baiqianwan.supply.models import ExpertProfile

from .models import (
    HOLDING,
    Assignment,
    AssignmentStatus,
    CandidatePreference,
    DispatchRound,
    Nomination,
    PlanConstraint,
    RoundStatus,
    Team,
    TownNeed,
    TownRanking,
)

# How the parts of a (town, candidate) score add up; the solver maximises their sum.
# Fields decide who may serve at all; text relevance, the two-way choice and being from the
# same city order those who may. Kept small and additive so a civil servant can follow it.
WEIGHT_FIELDS = 1.0  # share of the town's fields the candidate covers


WEIGHT_TEXT = 0.5  # relevance of the candidate's profile to the town's need and demands (0..1)


WEIGHT_SAME_CITY = 0.2


WEIGHT_TOWN_CHOICE = 0.4  # the town's 1st choice gets all of it, later choices less


WEIGHT_OWN_CHOICE = 0.3  # the candidate's 1st choice gets all of it


TOWN_RANK_MAX = 10


OWN_PREFERENCE_MAX = 5


OPEN_DEMANDS = (DemandStatus.SUBMITTED, DemandStatus.ACCEPTED, DemandStatus.MATCHING)


def age_on(id_number: str, day: date) -> int | None:
    """Whole years of age from the birth date in a 居民身份证号码 (digits 7–14)."""
    try:
        born = date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except (ValueError, IndexError):
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def candidate_exclusions(
    *, experts: Iterable[ExpertProfile], dispatch_round: DispatchRound
) -> dict[int, str]:
    """Why each expert may not serve in this round (absent when they may), known before nominating:
    serving elsewhere (a published slot of another round whose team is still in its term), or over
    the round's age limit. Being in a 驻镇工作队 or 三支一扶 is declared by the unit when nominating."""
    experts = list(experts)
    today = timezone.localdate()
    reasons: dict[int, str] = {}
    serving = (
        Assignment.all_objects.filter(
            nomination__expert__in=[e.pk for e in experts], published=True, status__in=HOLDING
        )
        .exclude(round=dispatch_round)
        .exclude(need__team__ends_on__lte=today)
        .order_by("pk")
        .values_list("nomination__expert_id", "round__name")
    )
    for expert_id, round_name in serving:
        reasons.setdefault(expert_id, gettext("已在“{round_name}”派驻").format(round_name=round_name))
    limit = dispatch_round.max_age
    if limit is not None:
        for expert in experts:
            age = age_on(expert.person.id_number, today)
            if expert.pk not in reasons and age is not None and age > limit:
                reasons[expert.pk] = gettext("年满 {age} 周岁，超过本批次 {limit} 周岁的年龄上限").format(
                    age=age, limit=limit
                )
    return reasons


@dataclass
class CandidateOption:
    """One expert in the unit's picker: whether they may serve, and whether already put forward."""

    expert: ExpertProfile
    excluded: str
    nomination: Nomination | None

    @property
    def label(self) -> str:
        person = self.expert.person
        text = f"{person.name}（{person.title or gettext('无职称')} · {person.organisation.name}）"
        if self.excluded:
            return gettext("{text} — 不符合：{excluded}").format(text=text, excluded=self.excluded)
        if self.nomination is None:
            return gettext("{text} — 符合条件").format(text=text)
        if not self.nomination.eligible:  # flagged by what the unit declared when nominating
            return gettext("{text} — 已推荐，不符合：{excluded_reason}").format(
                text=text, excluded_reason=self.nomination.excluded_reason
            )
        return gettext("{text} — 已推荐，再次提交即更新").format(text=text)


def candidate_options(*, user: Any, dispatch_round: DispatchRound) -> list[CandidateOption]:
    """The experts the user may nominate, each with their eligibility for this round."""
    experts = list(
        ExpertProfile.objects.for_user(user, "change")
        .select_related("person__organisation")
        .order_by("person__name", "pk")
    )
    excluded = candidate_exclusions(experts=experts, dispatch_round=dispatch_round)
    nominated = {
        n.expert_id: n for n in dispatch_round.nominations.filter(expert__in=[e.pk for e in experts])
    }
    return [CandidateOption(e, excluded.get(e.pk, ""), nominated.get(e.pk)) for e in experts]


def town_demand_titles(town_code: str, limit: int = 8) -> list[str]:
    """The town's open demands: what its villages and enterprises asked for."""
    return list(
        Demand.all_objects.filter(division__startswith=town_code[:9], status__in=OPEN_DEMANDS)
        .order_by("-created_at")
        .values_list("title", flat=True)[:limit]
    )


def need_query_text(need: TownNeed, demand_titles: Iterable[str] = ()) -> str:
    return " ".join([*need.fields, need.note, *demand_titles])


def _rank_bonus(rank: int | None, weight: float, longest: int) -> float:
    if rank is None:
        return 0.0
    return weight * (longest + 1 - min(rank, longest)) / longest


@dataclass
class PairScore:
    nomination: Nomination
    total: float
    overlap: float
    relevance: float
    same_city: bool
    town_rank: int | None
    own_rank: int | None
    matched_terms: list[str] = field(default_factory=list)

    @property
    def reasons(self) -> list[str]:
        need_fields = "、".join(self.nomination.fields)
        lines = [
            gettext("服务领域：{need_fields}（覆盖本镇需求的 {round}%）").format(
                need_fields=need_fields, round=round(self.overlap * 100)
            )
        ]
        if self.matched_terms:
            lines.append(gettext("专长与需求相符：") + "、".join(self.matched_terms[:5]))
        if self.same_city:
            lines.append(gettext("来自本市，熟悉当地情况"))
        if self.town_rank:
            lines.append(gettext("乡镇第 {town_rank} 志愿").format(town_rank=self.town_rank))
        if self.own_rank:
            lines.append(gettext("本人第 {own_rank} 志愿").format(own_rank=self.own_rank))
        return lines


class RoundScores:
    """Every (need, eligible candidate) pair with a positive field overlap, scored once."""

    def __init__(self, dispatch_round: DispatchRound, *, only: TownNeed | None = None):
        # One town's shortlist needs one search, not one per town of the round.
        needs = dispatch_round.needs.select_related("town")
        self.needs = list(needs.filter(pk=only.pk) if only is not None else needs)
        self.nominations = [
            n
            for n in dispatch_round.nominations.select_related("expert__person", "organisation")
            if n.eligible
        ]
        town_ranks = {
            (r.need_id, r.nomination_id): r.rank
            for r in TownRanking.all_objects.filter(need__round=dispatch_round)
        }
        own_ranks = {
            (p.need_id, p.nomination_id): p.rank
            for p in CandidatePreference.all_objects.filter(nomination__round=dispatch_round)
        }
        by_expert = {n.expert_id: n for n in self.nominations}
        index = index_get() if self.nominations else None
        self.pairs: dict[int, list[PairScore]] = {}
        for need in self.needs:
            relevance: dict[int, tuple[float, list[str]]] = {}
            if index is not None:
                text = need_query_text(need, town_demand_titles(need.town_id))
                hits = index.search(Query(text=text, kinds=("expert",), top=max(200, len(by_expert)))).hits
                best = max((h.score for h in hits), default=0.0) or 1.0
                for hit in hits:
                    _, expert_id = documents.split_id(hit.id)
                    if expert_id in by_expert:
                        relevance[expert_id] = (hit.score / best, hit.matched_terms)
            wanted = set(need.fields)
            scored = []
            for n in self.nominations:
                overlap = len(wanted & set(n.fields)) / len(wanted)
                if not overlap:
                    continue
                text_score, terms = relevance.get(n.expert_id, (0.0, []))
                same_city = n.expert.home_city_id[:4] == need.town_id[:4]
                town_rank = town_ranks.get((need.pk, n.pk))
                own_rank = own_ranks.get((need.pk, n.pk))
                total = (
                    WEIGHT_FIELDS * overlap
                    + WEIGHT_TEXT * text_score
                    + (WEIGHT_SAME_CITY if same_city else 0.0)
                    + _rank_bonus(town_rank, WEIGHT_TOWN_CHOICE, TOWN_RANK_MAX)
                    + _rank_bonus(own_rank, WEIGHT_OWN_CHOICE, OWN_PREFERENCE_MAX)
                )
                scored.append(
                    PairScore(n, round(total, 3), overlap, text_score, same_city, town_rank, own_rank, terms)
                )
            scored.sort(key=lambda p: (-p.total, p.nomination.pk))
            self.pairs[need.pk] = scored

    def scores(self) -> dict[tuple[str, str], float]:
        by_need = {need.pk: need for need in self.needs}
        return {
            (by_need[need_id].town_id, str(p.nomination.pk)): p.total
            for need_id, pairs in self.pairs.items()
            for p in pairs
        }


def shortlist(need: TownNeed, *, top: int = 12) -> list[PairScore]:
    """The candidates who fit this town best, with the reasons, for the town to rank."""
    return RoundScores(need.round, only=need).pairs.get(need.pk, [])[:top]


@dataclass
class Gap:
    need: TownNeed
    holding: int
    has_leader: bool

    @property
    def missing(self) -> int:
        return self.need.slots - self.holding


def needs_attention(user: Any) -> list[Gap]:
    """Towns of published rounds below strength or without a leader (the "needs attention" queue)."""
    needs = (
        TownNeed.objects.for_user(user)
        .filter(round__status=RoundStatus.PUBLISHED)
        .select_related("town", "round")
        .annotate(
            holding=Count("assignments", filter=Q(assignments__status__in=HOLDING)),
            leaders=Count("assignments", filter=Q(assignments__status__in=HOLDING, assignments__leader=True)),
        )
        .order_by("round_id", "town_id")
    )
    return [
        Gap(need, need.holding, need.leaders > 0)
        for need in needs
        if need.holding < need.slots or not need.leaders
    ]


def serving_team_get(*, town_code: str, dispatch_round: DispatchRound) -> Team | None:
    """The team of another round still serving the town: a town has one team at a time."""
    return (
        Team.all_objects.filter(town_id=town_code, ends_on__gt=timezone.localdate())
        .exclude(need__round=dispatch_round)
        .order_by("ends_on")
        .first()
    )


def serving_team_list(*, user: Any, dispatch_round: DispatchRound) -> list[Team]:
    """Teams of other rounds still serving towns of the user's area: those towns post no need here.

    For region users (town, county, city) only; a town sees its own team before it fills the form.
    """
    prefix = user.scope.division_prefix
    if not prefix or user.is_province:
        return []
    visible = Team.objects.for_user(user).values("pk")  # the member paths join assignments
    return list(
        Team.all_objects.filter(pk__in=visible, town_id__startswith=prefix, ends_on__gt=timezone.localdate())
        .exclude(need__round=dispatch_round)
        .select_related("town")
        .order_by("town_id")
    )


@dataclass
class PublishSummary:
    """What publishing will do, for the province to confirm before it happens."""

    invitations: int
    towns: list[str]
    new_accounts: list[str]
    without_leader: list[str]
    open_slots: int
    units: list[str]


def publish_summary(*, dispatch_round: DispatchRound) -> PublishSummary:
    proposed = list(
        dispatch_round.assignments.filter(status=AssignmentStatus.PROPOSED).select_related(
            "need__town", "nomination__expert__person", "nomination__organisation"
        )
    )
    needs = {a.need_id: a.need for a in proposed}
    holding = list(
        Assignment.all_objects.filter(need_id__in=needs, status__in=HOLDING).values_list("need_id", "leader")
    )
    led = {need_id for need_id, leader in holding if leader}
    open_slots = sum(
        max(0, need.slots - sum(1 for n, _ in holding if n == need.pk)) for need in needs.values()
    )
    return PublishSummary(
        invitations=len(proposed),
        towns=sorted({a.need.town.full_name for a in proposed}),
        new_accounts=sorted(
            f"{a.nomination.expert.person.name}（{a.nomination.organisation.name}）"
            for a in proposed
            if a.nomination.expert.user_id is None
        ),
        without_leader=sorted(need.town.full_name for pk, need in needs.items() if pk not in led),
        open_slots=open_slots,
        units=sorted({a.nomination.organisation.name for a in proposed}),
    )


def unconfirmed_list(*, user: Any) -> QuerySet[Assignment]:
    """Published appointments still waiting for the appointee's answer, that the user may see."""
    return (
        Assignment.objects.for_user(user)
        .filter(published=True, status=AssignmentStatus.INVITED)
        .select_related(
            "round",
            "need__town",
            "nomination__expert__person",
            "nomination__expert__user",
            "nomination__organisation",
        )
        .order_by("started_on", "need__town_id", "-leader", "pk")
    )


# ---- the round's records as a user sees them ---------------------------------------------------

ASSIGNMENT_RELATED = ("need__town", "nomination__expert__person", "nomination__organisation")


def round_list(*, user: Any, with_counts: bool = False) -> QuerySet[DispatchRound]:
    """The rounds a user may see, newest first; ``with_counts`` counts each one's needs and nominations
    (``need_count``, ``nomination_count``)."""
    rounds = DispatchRound.objects.for_user(user).order_by("-created_at")
    if with_counts:
        rounds = rounds.annotate(
            need_count=Count("needs", distinct=True), nomination_count=Count("nominations", distinct=True)
        )
    return rounds


def round_get(*, user: Any, pk: int) -> DispatchRound | None:
    return DispatchRound.objects.for_user(user).filter(pk=pk).first()


def need_list(*, user: Any, round_id: int | None = None) -> QuerySet[TownNeed]:
    needs = TownNeed.objects.for_user(user).select_related("town")
    return needs.filter(round_id=round_id) if round_id else needs


def need_get(*, user: Any, pk: int) -> TownNeed | None:
    return TownNeed.objects.for_user(user).select_related("round", "town").filter(pk=pk).first()


def need_changeable(*, user: Any, need: TownNeed) -> bool:
    """Whether the need lies in the part of the map the user may change (the town's own ranking)."""
    return TownNeed.objects.for_user(user, "change").filter(pk=need.pk).exists()


def nomination_list(*, user: Any, round_id: int | None = None) -> QuerySet[Nomination]:
    nominations = Nomination.objects.for_user(user).select_related("expert__person", "organisation")
    return nominations.filter(round_id=round_id) if round_id else nominations


def nomination_get(*, user: Any, pk: int) -> Nomination | None:
    return nomination_list(user=user).select_related("round").filter(pk=pk).first()


def round_nomination_get(*, need: TownNeed, pk: int) -> Nomination | None:
    """A candidate of the round of a need the caller has found within the user's scope: whoever may
    act on the need (the province pinning or forbidding) may name any candidate of its round."""
    return Nomination.all_objects.filter(pk=pk, round=need.round_id).first()


def assignment_list(*, user: Any, round_id: int | None = None) -> QuerySet[Assignment]:
    assignments = Assignment.objects.for_user(user).select_related(*ASSIGNMENT_RELATED)
    return assignments.filter(round_id=round_id) if round_id else assignments


def assignment_get(*, user: Any, pk: int) -> Assignment | None:
    return Assignment.objects.for_user(user).filter(pk=pk).first()


def round_assignments(
    *, user: Any, dispatch_round: DispatchRound, holding: bool = False
) -> QuerySet[Assignment]:
    """The round's appointments the user sees, by town, the leader first; ``holding``: only those
    who hold a slot (the hand-made plan sheet)."""
    assignments = assignment_list(user=user, round_id=dispatch_round.pk)
    if holding:
        return assignments.filter(status__in=HOLDING)
    return assignments.order_by("need__town_id", "-leader", "status")


def round_constraints(*, dispatch_round: DispatchRound) -> QuerySet[PlanConstraint]:
    return dispatch_round.constraints.select_related(
        "need__town", "nomination__expert__person", "nomination__organisation"
    )


def round_has_proposals(*, dispatch_round: DispatchRound) -> bool:
    """Whether the round has a plan waiting to be published."""
    return dispatch_round.assignments.filter(status=AssignmentStatus.PROPOSED).exists()


def need_rankings(*, need: TownNeed) -> dict[int, int]:
    """The town's ranking: nomination id -> the rank the town gave it."""
    return {r.nomination_id: r.rank for r in need.rankings.all()}


def need_constraints(*, need: TownNeed) -> dict[int, PlanConstraint]:
    """The pins and forbids on the need, by nomination id."""
    return {c.nomination_id: c for c in PlanConstraint.all_objects.filter(need=need)}


def constraint_get(*, need: TownNeed, nomination: Nomination) -> PlanConstraint | None:
    return PlanConstraint.all_objects.filter(need=need, nomination=nomination).first()


def need_assignments(*, need: TownNeed) -> QuerySet[Assignment]:
    return need.assignments.select_related("nomination__expert__person").order_by("-leader", "status")


def team_slots(*, need: TownNeed) -> list[tuple[bool, Assignment | None]]:
    """The team's slots in order, the leader slot first, each with whoever holds it (or nobody)."""
    holders = list(
        need.assignments.filter(status__in=HOLDING)
        .select_related("nomination__expert__person", "nomination__organisation")
        .order_by("-leader", "pk")
    )
    leader = next((a for a in holders if a.leader), None)
    members = [a for a in holders if not a.leader]
    slots: list[tuple[bool, Assignment | None]] = [(True, leader)]
    slots += [
        (False, members[i] if i < len(members) else None) for i in range(max(need.slots - 1, len(members)))
    ]
    return slots


def nomination_fitting_needs(*, nomination: Nomination) -> list[tuple[TownNeed, int | None]]:
    """The towns of the round whose fields the candidate covers, with the candidate's own ranks,
    ranked ones first in their order."""
    ranks = {p.need_id: p.rank for p in nomination.preferences.all()}
    fitting = [
        (need, ranks.get(need.pk))
        for need in nomination.round.needs.select_related("town")
        if set(need.fields) & set(nomination.fields)
    ]
    fitting.sort(key=lambda pair: (pair[1] is None, pair[1] or 0, pair[0].town_id))
    return fitting


def unconfirmed_get(*, user: Any, pk: int) -> Assignment | None:
    return unconfirmed_list(user=user).filter(pk=pk).first()
