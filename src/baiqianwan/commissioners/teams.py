"""Teams in the field: members and the 365-day rule, 工作站, and 服务日志 confirmed by the host town.

A team (usually three, one leader) serves one town for 3 years; each member must be on site at
least 365 days in total. Only logs the host town has confirmed count as on-site days.

- 进度偏慢: once a member has served ``PACE_GRACE_DAYS``, the days expected so far are
  365 × elapsed / term; confirmed days below ``PACE_SHARE`` of that are behind pace.
- 难以达标: confirmed days, plus days still waiting for the town, plus every day left in the
  term (today included) come to less than 365 — even a log every day from now cannot make it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext

from baiqianwan.core.notifications import notify
from baiqianwan.core.scope import Action, scope_of
from baiqianwan.core.spreadsheets import Column, SheetSchema
from baiqianwan.orgs.models import Organisation
from baiqianwan.regions.models import Division

from .models import (
    ON_SITE_DAYS_REQUIRED,
    Activity,
    Assignment,
    AssignmentStatus,
    LogStatus,
    MembershipChange,
    ServiceLog,
    ServiceLogPhoto,
    Team,
    Workstation,
)

PACE_SHARE = Decimal("0.8")
PACE_GRACE_DAYS = 30  # the first month is for settling in; no pace warning yet
MAX_PHOTOS = 6
MAX_PHOTO_BYTES = 5 * 1024 * 1024
PHOTO_SIGNATURES = {
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
}
# Guangdong, roughly: a point outside this box is a typo or a phone reporting the wrong place.
LATITUDE_RANGE = (Decimal(20), Decimal(26))
LONGITUDE_RANGE = (Decimal(109), Decimal(118))
DAY_CHOICES = (Decimal("0.5"), Decimal(1))
MIN_DESCRIPTION = 10
MAX_COUNT = 100_000  # people trained / problems solved on one day; anything above is a typo

REGION_MANAGERS = ("province", "city", "county", "town")
LOG_REVIEWERS = ("town", "county")
ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=8, decimal_places=1))


# ---- who may do what -----------------------------------------------------------------------------


def _covers(user: Any, code: str) -> bool:
    return scope_of(user).covers(code)


def can_manage_town(user: Any, town_code: str) -> bool:
    """Province, or a city, county or town manager whose area holds the town (工作站登记与关联)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_province:
        return True
    return user.role in REGION_MANAGERS and _covers(user, town_code)


def can_change_leader(user: Any, team: Team) -> bool:
    """The province, or the county the team's town belongs to."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_province or (user.role == "county" and _covers(user, team.town_id)))


def can_review_log(user: Any, log: ServiceLog) -> bool:
    """The host town, or the county above it, confirms or returns a log."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.role in LOG_REVIEWERS and _covers(user, log.assignment.need.town_id)


def is_author(user: Any, log: ServiceLog) -> bool:
    return bool(user.pk and log.assignment.nomination.expert.user_id == user.pk)


# ---- on-site days and pace -----------------------------------------------------------------------


@dataclass(frozen=True)
class Pace:
    confirmed: Decimal
    waiting: Decimal
    expected: Decimal
    remaining: int
    behind: bool
    at_risk: bool

    @property
    def reached(self) -> bool:
        return self.confirmed >= ON_SITE_DAYS_REQUIRED

    @property
    def share(self) -> int:
        """Confirmed days as a percentage of the 365 required (for a progress bar)."""
        return min(100, int(self.confirmed * 100 / ON_SITE_DAYS_REQUIRED))


def pace(*, started_on: dt.date, ends_on: dt.date, confirmed: Decimal, waiting: Decimal, on: dt.date) -> Pace:
    """A member's days against the 365-day rule on the day ``on`` (pure; see the module doc)."""
    term = max(1, (ends_on - started_on).days)
    elapsed = min(max((on - started_on).days, 0), term)
    expected = (Decimal(ON_SITE_DAYS_REQUIRED) * elapsed / term).quantize(Decimal("0.1"))
    first_day = max(on, started_on)
    remaining = max(0, (ends_on - first_day).days + 1)
    reached = confirmed >= ON_SITE_DAYS_REQUIRED
    behind = not reached and elapsed >= PACE_GRACE_DAYS and confirmed < expected * PACE_SHARE
    at_risk = not reached and confirmed + waiting + remaining < ON_SITE_DAYS_REQUIRED
    return Pace(confirmed, waiting, expected, remaining, behind, at_risk)


def days_by_assignment(assignment_ids: Iterable[int]) -> dict[int, tuple[Decimal, Decimal]]:
    """(confirmed, waiting) days of each assignment, in one query."""
    rows = (
        ServiceLog.all_objects.filter(assignment_id__in=list(assignment_ids))
        .order_by()
        .values("assignment_id")
        .annotate(
            confirmed=Coalesce(Sum("days", filter=Q(status=LogStatus.CONFIRMED)), ZERO),
            waiting=Coalesce(Sum("days", filter=Q(status=LogStatus.SUBMITTED)), ZERO),
        )
    )
    return {r["assignment_id"]: (Decimal(r["confirmed"]), Decimal(r["waiting"])) for r in rows}


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


# ---- teams: reads --------------------------------------------------------------------------------


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


# ---- teams: writes -------------------------------------------------------------------------------


@transaction.atomic
def team_leader_change(
    *, acting_user: Any, team: Team, assignment_id: int, reason: str, on: dt.date | None = None
) -> Assignment:
    """Make another serving member the leader; the team keeps exactly one, and the history says why."""
    if not can_change_leader(acting_user, team):
        raise PermissionDenied(gettext("团队负责人由省科技厅或团队所在县科技部门调整"))
    members = list(
        Assignment.all_objects.select_for_update(of=("self",))
        .filter(need_id=team.need_id, published=True)
        .select_related("nomination__expert__person")
    )
    chosen = next((a for a in members if a.pk == assignment_id), None)
    if chosen is None:
        raise ValidationError({"assignment": gettext("请从本团队成员中选择新的负责人")})
    name = chosen.nomination.expert.person.name
    if chosen.status != AssignmentStatus.ACCEPTED:
        raise ValidationError(
            {
                "assignment": gettext("{name}当前为“{status}”，不能任负责人").format(
                    name=name, status=chosen.get_status_display()
                )
            }
        )
    if chosen.leader:
        raise ValidationError({"assignment": gettext("{name}已是团队负责人").format(name=name)})
    if not chosen.nomination.can_lead:
        raise ValidationError(
            {"assignment": gettext("{name}的职称未达到副高级，不能任团队负责人").format(name=name)}
        )
    if not reason.strip():
        raise ValidationError({"reason": gettext("请填写调整负责人的原因")})
    for member in members:
        if member.leader:
            member.leader = False
            member.save(update_fields=["leader", "updated_at"])
    chosen.leader = True
    chosen.save(update_fields=["leader", "updated_at"])
    MembershipChange.objects.create(
        team=team,
        assignment=chosen,
        kind=MembershipChange.Kind.LEADER,
        on=on or timezone.localdate(),
        reason=reason.strip()[:200],
        by=acting_user,
    )
    return chosen


@transaction.atomic
def team_workstation_set(*, acting_user: Any, team: Team, workstation_id: int | None) -> Team:
    """Link the team to a workstation in its own town (or unlink it with ``None``)."""
    if not can_manage_town(acting_user, team.town_id):
        raise PermissionDenied(
            gettext("“{full_name}”不在您的管辖范围内").format(full_name=team.town.full_name)
        )
    workstation = None
    if workstation_id is not None:
        workstation = (
            Workstation.objects.for_user(acting_user, "change")
            .select_related("town")
            .filter(pk=workstation_id)
            .first()
        )
        if workstation is None:
            raise ValidationError({"workstation": gettext("找不到该工作站，或它不在您的管辖范围内")})
        if workstation.town_id != team.town_id:
            raise ValidationError(
                {
                    "workstation": gettext(
                        "工作站“{name}”位于{full_name}，不能关联服务{full_name2}的团队"
                    ).format(
                        name=workstation.name,
                        full_name=workstation.town.full_name,
                        full_name2=team.town.full_name,
                    )
                }
            )
    team = Team.all_objects.select_for_update().get(pk=team.pk)
    team.workstation = workstation
    team.save(update_fields=["workstation", "updated_at"])
    return team


# ---- 工作站 --------------------------------------------------------------------------------------


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


def workstation_get(*, user: Any, pk: int, action: Action = "view") -> Workstation | None:
    return Workstation.objects.for_user(user, action).select_related("town", "host").filter(pk=pk).first()


def _coordinates(latitude: Any, longitude: Any, errors: dict[str, list[str]]) -> tuple[Any, Any]:
    """Both or neither, each a number inside Guangdong's box; errors are collected, not raised."""
    values: dict[str, Decimal | None] = {}
    for key, raw, label, (low, high) in (
        ("latitude", latitude, gettext("纬度"), LATITUDE_RANGE),
        ("longitude", longitude, gettext("经度"), LONGITUDE_RANGE),
    ):
        if raw in (None, ""):
            values[key] = None
            continue
        try:
            number = Decimal(str(raw)).quantize(Decimal("0.00001"))
        except (InvalidOperation, ValueError):
            errors.setdefault(key, []).append(gettext("{label}应为数字").format(label=label))
            values[key] = None
            continue
        if not low <= number <= high:
            errors.setdefault(key, []).append(
                gettext("{label}应在 {low}° 到 {high}° 之间（广东省范围内）").format(
                    label=label, low=low, high=high
                )
            )
        values[key] = number
    if (values["latitude"] is None) != (values["longitude"] is None) and not errors.get(
        "latitude" if values["latitude"] is None else "longitude"
    ):
        missing = "latitude" if values["latitude"] is None else "longitude"
        errors.setdefault(missing, []).append(gettext("经纬度应同时填写，或都不填"))
    return values["latitude"], values["longitude"]


def _workstation_values(
    acting_user: Any, values: dict[str, Any], current: Workstation | None
) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    name = str(values.get("name") or "").strip()
    if not name:
        errors["name"] = [gettext("请填写工作站名称")]
    cleaned["name"] = name
    town = Division.objects.filter(code=str(values.get("town_code") or "").strip()).first()
    if town is None or town.level != "town":
        errors["town"] = [gettext("请选择工作站所在的乡镇（街道）")]
    elif not can_manage_town(acting_user, town.code):
        errors["town"] = [gettext("“{full_name}”不在您的管辖范围内").format(full_name=town.full_name)]
    elif current is not None and town.code != current.town_id and current.teams.exists():
        errors["town"] = [gettext("该工作站已关联团队，不能改到其他乡镇；请先在团队页面解除关联")]
    cleaned["town"] = town
    host = None
    host_id = values.get("host_id")
    if host_id:
        host = Organisation.objects.for_user(acting_user).filter(pk=host_id).first()
        if host is None:
            errors["host"] = [gettext("找不到该依托单位，或它不在您的可见范围内；可直接填写依托单位名称")]
    host_name = str(values.get("host_name") or "").strip()
    if host is None and not host_name and "host" not in errors:
        errors["host_name"] = [gettext("请选择依托单位，或填写依托单位名称")]
    cleaned["host"], cleaned["host_name"] = host, "" if host is not None else host_name[:80]
    address = str(values.get("address") or "").strip()
    if not address:
        errors["address"] = [gettext("请填写工作站地址")]
    cleaned["address"] = address[:120]
    cleaned["facilities"] = str(values.get("facilities") or "").strip()
    established = values.get("established_on") or timezone.localdate()
    if established > timezone.localdate():
        errors["established_on"] = [gettext("建站日期不能晚于今天")]
    cleaned["established_on"] = established
    cleaned["latitude"], cleaned["longitude"] = _coordinates(
        values.get("latitude"), values.get("longitude"), errors
    )
    if town is not None and name and "town" not in errors:
        same = Workstation.all_objects.filter(town=town, name=name)
        if current is not None:
            same = same.exclude(pk=current.pk)
        if same.exists():
            errors.setdefault("name", []).append(
                gettext("{name}已有名为“{name2}”的工作站").format(name=town.name, name2=name)
            )
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def workstation_create(*, acting_user: Any, **values: Any) -> Workstation:
    if not (acting_user.is_province or acting_user.role in REGION_MANAGERS):
        raise PermissionDenied(gettext("工作站由乡镇及以上科技管理部门登记"))
    workstation = Workstation(created_by=acting_user, **_workstation_values(acting_user, values, None))
    workstation.full_clean()
    workstation.save()
    return workstation


@transaction.atomic
def workstation_update(*, acting_user: Any, workstation_id: int, **values: Any) -> Workstation:
    if workstation_get(user=acting_user, pk=workstation_id, action="change") is None or not (
        acting_user.is_province or acting_user.role in REGION_MANAGERS
    ):
        raise PermissionDenied(gettext("找不到该工作站，或它不在您的管辖范围内"))
    workstation = Workstation.all_objects.select_for_update().get(pk=workstation_id)
    merged = {
        "name": workstation.name,
        "town_code": workstation.town_id,
        "host_id": workstation.host_id,
        "host_name": workstation.host_name,
        "address": workstation.address,
        "facilities": workstation.facilities,
        "established_on": workstation.established_on,
        "latitude": workstation.latitude,
        "longitude": workstation.longitude,
        **values,
    }
    for key, value in _workstation_values(acting_user, merged, workstation).items():
        setattr(workstation, key, value)
    workstation.full_clean()
    workstation.save()
    return workstation


# ---- 服务日志: reads -----------------------------------------------------------------------------

LOG_RELATED = (
    "assignment__need__town",
    "assignment__need__team",
    "assignment__nomination__expert__person",
    "assignment__nomination__organisation",
    "village",
    "reviewed_by",
)


def log_list(
    *,
    user: Any,
    status: str = "",
    team_id: int | None = None,
    assignment_id: int | None = None,
    q: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[ServiceLog]:
    logs = ServiceLog.objects.for_user(user).select_related(*LOG_RELATED)
    if status in LogStatus.values:
        logs = logs.filter(status=status)
    if team_id:
        logs = logs.filter(assignment__need__team__pk=team_id)
    if assignment_id:
        logs = logs.filter(assignment_id=assignment_id)
    if q.strip():
        words = q.strip()
        logs = logs.filter(
            Q(village__name__icontains=words)
            | Q(assignment__need__town__name__icontains=words)
            | Q(assignment__nomination__expert__person__name__icontains=words)
            | Q(description__icontains=words)
        )
    if date_from:
        logs = logs.filter(served_on__gte=date_from)
    if date_to:
        logs = logs.filter(served_on__lte=date_to)
    return logs.order_by("-served_on", "-id")


def log_get(*, user: Any, pk: int) -> ServiceLog | None:
    return log_list(user=user).filter(pk=pk).first()


def log_queue(*, user: Any) -> QuerySet[ServiceLog]:
    """Logs waiting for this user's confirmation: the host town's (or the county's) queue."""
    if getattr(user, "role", "") not in LOG_REVIEWERS:
        return ServiceLog.objects.none()
    return log_list(user=user, status=LogStatus.SUBMITTED).order_by("served_on", "id")


def loggable_assignments(*, user: Any) -> QuerySet[Assignment]:
    """The user's own serving assignments that belong to a team: where they may log service."""
    return (
        Assignment.objects.for_user(user)
        .filter(
            nomination__expert__user=user,
            status=AssignmentStatus.ACCEPTED,
            published=True,
            need__team__isnull=False,
        )
        .select_related("need__town", "need__team")
        .order_by("need__town_id")
    )


# ---- 服务日志: writes ----------------------------------------------------------------------------


def _photo_checks(photos: Sequence[Any], kept: int) -> tuple[list[tuple[str, bytes, str, str]], list[str]]:
    """Each upload's (name, data, content type, extension), or the problems naming each file.

    ``photos`` are uploaded files (anything with ``name``, ``size`` and ``read()``); an
    oversized file is refused by its size before it is read.
    """
    if kept + len(photos) > MAX_PHOTOS:
        return [], [
            gettext("每条服务日志最多 {MAX_PHOTOS} 张照片（现有 {kept} 张，本次选择 {len} 张）").format(
                MAX_PHOTOS=MAX_PHOTOS, kept=kept, len=len(photos)
            )
        ]
    problems: list[str] = []
    checked = []
    for upload in photos:
        name = str(upload.name or "照片").replace("\\", "/").rsplit("/", 1)[-1][-120:]
        data = b"" if (upload.size or 0) > MAX_PHOTO_BYTES else upload.read(MAX_PHOTO_BYTES + 1)
        if (upload.size or 0) > MAX_PHOTO_BYTES or len(data) > MAX_PHOTO_BYTES:
            problems.append(gettext("“{name}”超过 5 MB，请压缩后再上传").format(name=name))
            continue
        kind = next((v for sig, v in PHOTO_SIGNATURES.items() if data.startswith(sig)), None)
        if kind is None:
            problems.append(gettext("“{name}”不是 JPG 或 PNG 图片").format(name=name))
            continue
        checked.append((name, data, kind[0], kind[1]))
    return checked, problems


def _log_values(
    *,
    assignment: Assignment,
    team: Team,
    values: dict[str, Any],
    today: dt.date,
    current: ServiceLog | None,
    errors: dict[str, list[str]],
) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}

    def problem(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    served_on = values.get("served_on")
    if not isinstance(served_on, dt.date):
        problem("served_on", gettext("请填写服务日期"))
    else:
        start = assignment.started_on or team.started_on
        if served_on > today:
            problem("served_on", gettext("服务日期不能晚于今天"))
        elif served_on < start:
            problem(
                "served_on",
                gettext("服务日期不能早于派驻开始日期（{start:%Y年%m月%d日}）").format(start=start),
            )
        elif served_on > team.ends_on:
            problem(
                "served_on",
                gettext("服务日期不能晚于团队服务期满日期（{ends_on:%Y年%m月%d日}）").format(
                    ends_on=team.ends_on
                ),
            )
    cleaned["served_on"] = served_on

    village = Division.objects.filter(code=str(values.get("village_code") or "").strip()).first()
    if village is None or village.level != "village" or not village.code.startswith(team.town.prefix):
        problem("village", gettext("请选择{name}下辖的村（社区）").format(name=team.town.name))
    cleaned["village"] = village

    activity = str(values.get("activity") or "")
    if activity not in Activity.values:
        problem("activity", gettext("请从列表中选择服务内容"))
    cleaned["activity"] = activity

    try:
        days = Decimal(str(values.get("days", 1)))
    except (InvalidOperation, ValueError):
        days = Decimal(-1)
    if not days.is_finite() or days not in DAY_CHOICES:
        problem("days", gettext("在岗天数只能填 1 天或 0.5 天（半天）"))
    cleaned["days"] = days

    for key, label in (("people_trained", gettext("培训人数")), ("problems_solved", gettext("解决问题数"))):
        raw = values.get(key)
        try:
            number = int(raw) if raw not in (None, "") else 0
        except (TypeError, ValueError):
            problem(key, gettext("{label}应为整数").format(label=label))
            number = 0
        if number < 0:
            problem(key, gettext("{label}不能为负数").format(label=label))
        elif number > MAX_COUNT:
            problem(key, gettext("{label}过大，请核对").format(label=label))
        cleaned[key] = max(0, number)

    description = str(values.get("description") or "").strip()
    if len(description) < MIN_DESCRIPTION:
        problem(
            "description",
            gettext("请写明服务情况（至少 {MIN_DESCRIPTION} 个字）：做了什么、为谁、解决了什么").format(
                MIN_DESCRIPTION=MIN_DESCRIPTION
            ),
        )
    elif len(description) > 2000:
        problem("description", gettext("服务情况不能超过 2000 字"))
    cleaned["description"] = description

    cleaned["latitude"], cleaned["longitude"] = _coordinates(
        values.get("latitude"), values.get("longitude"), errors
    )

    if isinstance(served_on, dt.date) and "days" not in errors:
        # One commissioner, one date: at most a whole day, across all their assignments.
        same_day = ServiceLog.all_objects.filter(
            assignment__nomination__expert_id=assignment.nomination.expert_id, served_on=served_on
        ).exclude(status=LogStatus.RETURNED)
        if current is not None:
            same_day = same_day.exclude(pk=current.pk)
        logged = same_day.aggregate(total=Coalesce(Sum("days"), ZERO))["total"]
        if logged + days > 1:
            problem(
                "days",
                gettext("{served_on:%Y年%m月%d日}已填报 {normalize} 天，同一天合计不能超过 1 天").format(
                    served_on=served_on, normalize=logged.normalize()
                ),
            )
    if isinstance(served_on, dt.date) and village is not None and activity in Activity.values:
        duplicate = ServiceLog.all_objects.filter(
            assignment=assignment, served_on=served_on, village=village, activity=activity
        )
        if current is not None:
            duplicate = duplicate.exclude(pk=current.pk)
        if duplicate.exists():
            problem("activity", gettext("同一天在同一村已填报过这项服务，请修改原日志"))
    return cleaned


def _serving_assignment(acting_user: Any, assignment_id: int) -> tuple[Assignment, Team]:
    assignment = (
        Assignment.objects.for_user(acting_user)
        .select_related("need__town", "nomination__expert__person")
        .filter(pk=assignment_id)
        .first()
    )
    if assignment is None:
        raise ValidationError({"assignment": gettext("找不到该派驻安排，或它不在您的范围内")})
    if assignment.nomination.expert.user_id != acting_user.pk:
        raise PermissionDenied(gettext("只能为本人的派驻安排填写服务日志"))
    team = Team.all_objects.filter(need_id=assignment.need_id).select_related("town").first()
    if team is None or not assignment.published:
        raise ValidationError({"assignment": gettext("该派驻安排尚未组建团队，不能填写服务日志")})
    if assignment.status != AssignmentStatus.ACCEPTED:
        raise ValidationError(
            {
                "assignment": gettext("该派驻安排为“{status}”，不能填写服务日志").format(
                    status=assignment.get_status_display()
                )
            }
        )
    return assignment, team


def _store_photos(log: ServiceLog, photos: Sequence[tuple[str, bytes, str, str]]) -> None:
    start = log.photos.count()
    for index, (name, data, content_type, extension) in enumerate(photos, start=start + 1):
        photo = ServiceLogPhoto(log=log, name=name, content_type=content_type, size=len(data))
        photo.file.save(f"log-{log.pk}-{index}.{extension}", ContentFile(data), save=False)
        photo.save()


def _tell_town(log: ServiceLog, *, again: bool) -> None:
    from baiqianwan.accounts.models import User

    town_id = log.assignment.need.town_id
    reviewers = list(User.objects.filter(is_active=True, role="town", division_id=town_id))
    if not reviewers:  # no town account yet: the county confirms
        reviewers = [
            u
            for u in User.objects.filter(is_active=True, role="county").select_related("division")
            if u.division is not None and town_id.startswith(u.division.prefix)
        ]
    name = log.assignment.nomination.expert.person.name
    notify(
        users=reviewers,
        title=f"{name}{'重新提交' if again else '提交'}了服务日志，请确认",
        body=f"{log.served_on:%Y年%m月%d日}在{log.village.name}{log.get_activity_display()}"
        f"（{log.days.normalize()} 天）。确认后计入在岗天数。",
        url=f"/commissioners/logs/{log.pk}/",
    )


@transaction.atomic
def log_create(
    *,
    acting_user: Any,
    assignment_id: int,
    photos: Sequence[Any] = (),
    today: dt.date | None = None,
    **values: Any,
) -> ServiceLog:
    """A commissioner's log for one day in one village; with any part invalid, nothing is stored."""
    today = today or timezone.localdate()
    assignment, team = _serving_assignment(acting_user, assignment_id)
    errors: dict[str, list[str]] = {}
    cleaned = _log_values(
        assignment=assignment, team=team, values=values, today=today, current=None, errors=errors
    )
    checked, problems = _photo_checks(photos, 0)
    if problems:
        errors["photos"] = problems
    if errors:
        raise ValidationError(errors)
    log = ServiceLog(assignment=assignment, status=LogStatus.SUBMITTED, **cleaned)
    log.full_clean()
    log.save()
    _store_photos(log, checked)
    _tell_town(log, again=False)
    return log


def _locked_log(log_id: int) -> ServiceLog:
    return (
        ServiceLog.all_objects.select_for_update(of=("self",))
        .select_related("assignment__need__town", "assignment__nomination__expert__person", "village")
        .get(pk=log_id)
    )


@transaction.atomic
def log_update(
    *,
    acting_user: Any,
    log_id: int,
    photos: Sequence[Any] = (),
    remove_photo_ids: Sequence[int] = (),
    today: dt.date | None = None,
    **values: Any,
) -> ServiceLog:
    """The author corrects a log that waits or was returned; it goes (back) to the town."""
    if log_get(user=acting_user, pk=log_id) is None:
        raise PermissionDenied(gettext("找不到该服务日志，或它不在您的范围内"))
    log = _locked_log(log_id)
    if not is_author(acting_user, log):
        raise PermissionDenied(gettext("只有填写人本人可以修改服务日志"))
    if log.status == LogStatus.CONFIRMED:
        raise ValidationError(gettext("已确认的服务日志不能修改"))
    today = today or timezone.localdate()
    assignment, team = _serving_assignment(acting_user, log.assignment_id)
    merged = {
        "served_on": log.served_on,
        "village_code": log.village_id,
        "activity": log.activity,
        "days": log.days,
        "people_trained": log.people_trained,
        "problems_solved": log.problems_solved,
        "description": log.description,
        "latitude": log.latitude,
        "longitude": log.longitude,
        **values,
    }
    errors: dict[str, list[str]] = {}
    cleaned = _log_values(
        assignment=assignment, team=team, values=merged, today=today, current=log, errors=errors
    )
    removing = log.photos.filter(pk__in=list(remove_photo_ids))
    kept = log.photos.count() - removing.count()
    checked, problems = _photo_checks(photos, kept)
    if problems:
        errors["photos"] = problems
    if errors:
        raise ValidationError(errors)
    again = log.status == LogStatus.RETURNED
    for key, value in cleaned.items():
        setattr(log, key, value)
    log.status = LogStatus.SUBMITTED
    log.reviewed_by, log.reviewed_at = None, None
    log.full_clean()
    log.save()
    for photo in removing:
        photo.file.delete(save=False)
        photo.delete()
    _store_photos(log, checked)
    if again:
        _tell_town(log, again=True)
    return log


def _reviewable(acting_user: Any, log_id: int) -> ServiceLog:
    if not ServiceLog.objects.for_user(acting_user, "change").filter(pk=log_id).exists():
        raise PermissionDenied(gettext("找不到该服务日志，或它不在您的管辖范围内"))
    log = _locked_log(log_id)
    if not can_review_log(acting_user, log):
        raise PermissionDenied(gettext("服务日志由服务乡镇（或所在县）确认"))
    if log.status != LogStatus.SUBMITTED:
        raise ValidationError(
            gettext("该服务日志已是“{status}”状态，不能再操作").format(status=log.get_status_display())
        )
    return log


@transaction.atomic
def log_confirm(*, acting_user: Any, log_id: int) -> ServiceLog:
    """The host town confirms: the log is locked and its days count as on-site days."""
    log = _reviewable(acting_user, log_id)
    log.status = LogStatus.CONFIRMED
    log.reviewed_by, log.reviewed_at = acting_user, timezone.now()
    log.save(update_fields=["status", "reviewed_by", "reviewed_at", "updated_at"])
    return log


@transaction.atomic
def log_return(*, acting_user: Any, log_id: int, reason: str) -> ServiceLog:
    """The host town sends a log back with a reason; the author may correct and resubmit it."""
    log = _reviewable(acting_user, log_id)
    if not reason.strip():
        raise ValidationError({"reason": gettext("请填写退回原因，便于科技特派员修改")})
    log.status = LogStatus.RETURNED
    log.return_reason = reason.strip()[:200]
    log.reviewed_by, log.reviewed_at = acting_user, timezone.now()
    log.save(update_fields=["status", "return_reason", "reviewed_by", "reviewed_at", "updated_at"])
    author = log.assignment.nomination.expert.user
    if author is not None:
        notify(
            users=[author],
            title=f"{log.served_on:%m月%d日}的服务日志被退回",
            body=f"{log.assignment.need.town.name}退回原因：{log.return_reason}。请修改后重新提交。",
            url=f"/commissioners/logs/{log.pk}/",
        )
    return log


# ---- export --------------------------------------------------------------------------------------

LOG_SHEET = SheetSchema(
    title="服务日志",
    columns=[
        Column("served_on", "服务日期", width=12),
        Column("team", "团队", width=24),
        Column("town", "服务乡镇", width=28),
        Column("village", "服务村（社区）", width=16),
        Column("name", "科技特派员", width=10),
        Column("organisation", "派出单位", width=22),
        Column("activity", "服务内容", width=10),
        Column("days", "在岗天数", width=9),
        Column("people_trained", "培训人数", width=9),
        Column("problems_solved", "解决问题数", width=10),
        Column("description", "服务情况", width=60),
        Column("status", "状态", width=10),
        Column("reviewed_by", "确认人", width=12),
        Column("reviewed_at", "确认时间", width=17),
        Column("return_reason", "退回原因", width=24),
    ],
)


def log_rows(logs: Iterable[ServiceLog]) -> Iterable[tuple[Any, ...]]:
    for log in logs:
        need = log.assignment.need
        team = getattr(need, "team", None)
        reviewed_at = (
            timezone.localtime(log.reviewed_at).strftime("%Y-%m-%d %H:%M") if log.reviewed_at else ""
        )
        yield (
            log.served_on,
            team.name if team else "",
            need.town.full_name,
            log.village.name,
            log.assignment.nomination.expert.person.name,
            log.assignment.nomination.organisation.name,
            log.get_activity_display(),
            float(log.days),
            log.people_trained,
            log.problems_solved,
            log.description,
            log.get_status_display(),
            (log.reviewed_by.display_name or log.reviewed_by.username) if log.reviewed_by else "",
            reviewed_at,
            log.return_reason,
        )
