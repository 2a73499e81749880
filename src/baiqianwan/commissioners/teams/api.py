"""Teams and 工作站 over the API (the same selectors and services as the pages)."""

from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from baiqianwan.core.pagination import BoundedPagination
from baiqianwan.core.schemas import OMITTED, filter_data, filter_query, operation_ids_keep
from baiqianwan.core.scope import api_scope
from baiqianwan.core.selectors import found_or_404

from ..rounds.models import Team, Workstation
from . import selectors, services
from .forms import TeamFilterForm, WorkstationFilterForm

router = Router(tags=["科技特派员团队与服务日志"])


class TeamOut(Schema):
    id: int
    name: str
    town_code: str = Field(alias="town_id")
    town_name: str = Field(alias="town.full_name")
    started_on: date
    ends_on: date
    leader: str | None = Field(None, alias="leader_name")
    members_on_duty: int
    confirmed_days: Decimal
    workstation_id: int | None
    workstation_name: str | None = None

    @staticmethod
    def resolve_workstation_name(obj: Team) -> str | None:
        return obj.workstation.name if obj.workstation else None


class MemberOut(Schema):
    assignment_id: int
    name: str
    organisation: str
    leader: bool
    status: str
    status_label: str
    started_on: date | None
    ended_on: date | None
    confirmed_days: Decimal
    waiting_days: Decimal
    expected_days: Decimal | None
    behind_pace: bool
    at_risk: bool


class HistoryOut(Schema):
    on: date
    name: str = Field(alias="assignment.nomination.expert.person.name")
    kind: str
    kind_label: str
    reason: str
    by: str

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_by(obj: Any) -> str:
        return str(obj.by.display_name or obj.by.username)


class NumbersOut(Schema):
    logs: int
    waiting: int
    villages: int
    trained: int
    solved: int
    days: Decimal


class TeamDetailOut(TeamOut):
    fields: list[str] = Field(alias="need.fields")
    members: list[MemberOut]
    history: list[HistoryOut]
    numbers: NumbersOut
    warnings: list[str]


class WorkstationOut(Schema):
    id: int
    name: str
    town_code: str = Field(alias="town_id")
    town_name: str = Field(alias="town.full_name")
    host_id: int | None
    host_name: str
    address: str
    facilities: str
    established_on: date
    latitude: Decimal | None
    longitude: Decimal | None

    @staticmethod
    def resolve_host_name(obj: Workstation) -> str:
        return obj.host.name if obj.host else obj.host_name


class WorkstationIn(Schema):
    name: str = Field(max_length=80)
    town_code: str = Field(min_length=12, max_length=12)
    host_id: int | None = None
    host_name: str = Field("", max_length=80)
    address: str = Field(max_length=120)
    facilities: str = ""
    established_on: date | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None


class WorkstationPatch(Schema):
    name: str = Field(OMITTED, max_length=80)
    town_code: str = Field(OMITTED, min_length=12, max_length=12)
    host_id: int | None = None
    host_name: str = Field(OMITTED, max_length=80)
    address: str = Field(OMITTED, max_length=120)
    facilities: str = OMITTED
    established_on: date = OMITTED
    latitude: Decimal | None = None
    longitude: Decimal | None = None


class LeaderIn(Schema):
    assignment_id: int
    reason: str


class TeamWorkstationIn(Schema):
    workstation_id: int | None = Field(None, description="留空表示解除关联")


def _team(request: HttpRequest, team_id: int) -> Team:
    return found_or_404(selectors.team_get(user=request.user, pk=team_id))


class _TeamDetail:
    """The team with its members, history and numbers beside it, read by ``TeamDetailOut``."""

    def __init__(self, team: Team, **parts: Any):
        self._team = team
        self.__dict__.update(parts)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._team, name)


def _team_detail(team: Team) -> _TeamDetail:
    members = selectors.team_members(team)
    return _TeamDetail(
        team,
        fields=team.need.fields,
        members=[
            {
                "assignment_id": m.assignment.pk,
                "name": m.name,
                "organisation": m.assignment.nomination.organisation.name,
                "leader": m.assignment.leader,
                "status": m.assignment.status,
                "status_label": m.assignment.get_status_display(),
                "started_on": m.assignment.started_on,
                "ended_on": m.assignment.ended_on,
                "confirmed_days": m.pace.confirmed if m.pace else Decimal(0),
                "waiting_days": m.pace.waiting if m.pace else Decimal(0),
                "expected_days": m.pace.expected if m.pace and m.on_duty else None,
                "behind_pace": bool(m.pace and m.pace.behind),
                "at_risk": bool(m.pace and m.pace.at_risk),
            }
            for m in members
        ],
        history=list(selectors.team_history(team)),
        numbers=asdict(selectors.team_numbers(team)),
        warnings=selectors.TeamRow(team, members).warnings,
    )


@router.get("/teams", response=list[TeamOut], openapi_extra=api_scope(Team), summary="科技特派员团队")
@paginate(BoundedPagination, page_size=20)
def team_list(request: HttpRequest, filters: Query[filter_query(TeamFilterForm)]):  # type: ignore[valid-type]
    return selectors.team_list(user=request.user, **TeamFilterForm.strict(filter_data(filters)))


@router.get(
    "/teams/{team_id}",
    response=TeamDetailOut,
    openapi_extra=api_scope(Team),
    summary="团队详情：成员在岗天数与预警、变动记录、服务成效",
)
def team_detail(request: HttpRequest, team_id: int) -> _TeamDetail:
    return _team_detail(_team(request, team_id))


@router.post(
    "/teams/{team_id}/leader",
    response=TeamDetailOut,
    openapi_extra=api_scope(Team),
    summary="调整团队负责人（省或所在县）",
)
def team_leader(request: HttpRequest, team_id: int, payload: LeaderIn) -> _TeamDetail:
    team = _team(request, team_id)
    services.team_leader_change(
        acting_user=request.user, team=team, assignment_id=payload.assignment_id, reason=payload.reason
    )
    return _team_detail(_team(request, team_id))


@router.post(
    "/teams/{team_id}/workstation",
    response=TeamDetailOut,
    openapi_extra=api_scope(Team),
    summary="关联本镇的工作站",
)
def team_workstation(request: HttpRequest, team_id: int, payload: TeamWorkstationIn) -> _TeamDetail:
    team = _team(request, team_id)
    services.team_workstation_set(acting_user=request.user, team=team, workstation_id=payload.workstation_id)
    return _team_detail(_team(request, team_id))


@router.get(
    "/workstations", response=list[WorkstationOut], openapi_extra=api_scope(Workstation), summary="工作站"
)
@paginate(BoundedPagination, page_size=20)
def workstation_list(request: HttpRequest, filters: Query[filter_query(WorkstationFilterForm)]):  # type: ignore[valid-type]
    return selectors.workstation_list(user=request.user, **WorkstationFilterForm.strict(filter_data(filters)))


@router.post(
    "/workstations",
    response={201: WorkstationOut},
    openapi_extra=api_scope(Workstation),
    summary="登记工作站",
)
def workstation_create(request: HttpRequest, payload: WorkstationIn) -> Status:
    return Status(201, services.workstation_create(acting_user=request.user, **payload.dict()))


@router.patch(
    "/workstations/{workstation_id}",
    response=WorkstationOut,
    openapi_extra=api_scope(Workstation),
    summary="修改工作站",
)
def workstation_update(request: HttpRequest, workstation_id: int, payload: WorkstationPatch) -> Workstation:
    found_or_404(selectors.workstation_get(user=request.user, pk=workstation_id))
    return services.workstation_update(
        acting_user=request.user, workstation_id=workstation_id, **payload.dict(exclude_unset=True)
    )


operation_ids_keep(router, "baiqianwan.commissioners.team_api")
