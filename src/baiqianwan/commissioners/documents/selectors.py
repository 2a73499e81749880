"""The papers of a published assignment: the 推荐函 to the town and the 派驻服务协议 of three parties.

Both are rendered from the records as they are now (the person's title, the team's term), so a
document printed again after a change shows the change. The reference number is fixed by the
round's year and the assignment's id, so the same assignment always carries the same number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet

from ..assessment.models import AssessmentScheme
from ..fieldwork.models import Activity
from ..rounds.models import TERM_YEARS, Assignment, AssignmentStatus, DispatchRound

ISSUER = "广东省科学技术厅"


POLICY = "《广东省科技支撑“百县千镇万村高质量发展工程”促进城乡区域协调发展实施方案（试行）》"


LETTER_PREFIX = "粤科派"


AGREEMENT_PREFIX = "粤科派协"


# An invitation the person declined, or one the office rescinded, never became a posting; it has
# no letter or agreement. Withdrawn, recalled and completed postings keep theirs as records.
WITHOUT_DOCUMENTS = (AssignmentStatus.DECLINED, AssignmentStatus.RESCINDED)


def chinese_date(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "    年  月  日"


def reference_number(assignment: Assignment, prefix: str = LETTER_PREFIX) -> str:
    """发文字号 per GB/T 9704: the year in 〔〕 and a plain sequence number, without 第."""
    return f"{prefix}〔{assignment.round.year}〕{assignment.pk}号"


def town_government(town_name: str, full_name: str) -> str:
    """The authority of a town: 街道 are run by an office of the county, 镇 and 乡 by a government."""
    return f"{full_name}办事处" if town_name.endswith("街道") else f"{full_name}人民政府"


def town_kind(town_name: str) -> str:
    """How the letter addresses the town (你镇, 你乡, 你街道)."""
    for suffix in ("街道", "镇", "乡"):
        if town_name.endswith(suffix):
            return suffix
    return "镇"


def document_assignments(*, user: Any) -> QuerySet[Assignment]:
    """Published postings the user may see, with everything the documents print."""
    return (
        Assignment.objects.for_user(user)
        .filter(published=True)
        .exclude(status__in=WITHOUT_DOCUMENTS)
        .select_related(
            "round",
            "need__town",
            "need__team__workstation",
            "nomination__organisation",
            "nomination__expert__person__organisation",
        )
    )


def document_assignment_get(*, user: Any, pk: int) -> Assignment | None:
    return document_assignments(user=user).filter(pk=pk).first()


def round_document_assignments(*, user: Any, dispatch_round: DispatchRound) -> QuerySet[Assignment]:
    return (
        document_assignments(user=user)
        .filter(round=dispatch_round)
        .order_by("need__town_id", "-leader", "pk")
    )


@dataclass(frozen=True)
class Posting:
    """What both documents say about one person in one town."""

    reference: str
    agreement_reference: str
    round_name: str
    name: str
    title: str
    employer: str
    nominated_by: str
    fields: str
    role: str
    leader: bool
    team_name: str
    town_name: str
    town_full_name: str
    town_government: str
    town_kind: str
    need_fields: str
    need_note: str
    workstation: str
    starts_on: str
    ends_on: str
    issued_on: str
    term_years: int


def posting(assignment: Assignment) -> Posting:
    need = assignment.need
    town = need.town
    person = assignment.nomination.expert.person
    team = getattr(need, "team", None)
    starts = assignment.started_on or (team.started_on if team else None)
    ends = team.ends_on if team else (starts.replace(year=starts.year + TERM_YEARS) if starts else None)
    workstation = team.workstation if team else None
    return Posting(
        reference=reference_number(assignment),
        agreement_reference=reference_number(assignment, AGREEMENT_PREFIX),
        round_name=assignment.round.name,
        name=person.name,
        title=person.title or "—",
        employer=person.organisation.name,
        nominated_by=assignment.nomination.organisation.name,
        fields="、".join(assignment.nomination.fields) or "—",
        role="团队负责人" if assignment.leader else "团队成员",
        leader=assignment.leader,
        team_name=team.name if team else f"{town.name}科技特派员服务团",
        town_name=town.name,
        town_full_name=town.full_name,
        town_government=town_government(town.name, town.full_name),
        town_kind=town_kind(town.name),
        need_fields="、".join(need.fields),
        need_note=need.note,
        workstation=f"{workstation.name}（{workstation.address}）" if workstation else "",
        starts_on=chinese_date(starts),
        ends_on=chinese_date(ends),
        issued_on=chinese_date(starts),
        term_years=TERM_YEARS,
    )


def _weights() -> tuple[int, int]:
    """The sending unit's and the town's share of the yearly score, as the policy sets them."""
    unit = AssessmentScheme._meta.get_field("unit_weight").get_default()
    host = AssessmentScheme._meta.get_field("host_weight").get_default()
    return int(unit), int(host)


def letter_context(assignment: Assignment) -> dict[str, Any]:
    return {"issuer": ISSUER, "policy": POLICY, "p": posting(assignment)}


def agreement_context(assignment: Assignment) -> dict[str, Any]:
    unit_weight, host_weight = _weights()
    return {
        "issuer": ISSUER,
        "policy": POLICY,
        "p": posting(assignment),
        "activities": [label for _, label in Activity.choices],
        "unit_weight": unit_weight,
        "host_weight": host_weight,
    }


def _stem(assignment: Assignment) -> str:
    return f"{assignment.need.town.name}-{assignment.nomination.expert.person.name}"


def letter_filename(assignment: Assignment) -> str:
    return f"推荐函-{_stem(assignment)}.pdf"


def agreement_filename(assignment: Assignment) -> str:
    return f"派驻服务协议-{_stem(assignment)}.pdf"
