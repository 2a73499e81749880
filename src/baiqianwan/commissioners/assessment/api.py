"""API of the yearly assessment, the provincial key tasks and the overview numbers."""

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from baiqianwan.core.pagination import BoundedPagination
from baiqianwan.core.schemas import OMITTED, filter_data, filter_query, operation_ids_keep
from baiqianwan.core.scope import api_scope
from baiqianwan.core.selectors import found_or_404

from ..rounds.models import Assignment
from ..teams import selectors as team_selectors
from . import selectors, services
from .forms import KeyTaskFilterForm, RecordFilterForm
from .models import AssessmentRecord, AssessmentScheme, KeyTask

router = Router(tags=["科技特派员考核与任务"])


class SchemeOut(Schema):
    id: int
    year: int
    unit_weight: int
    host_weight: int
    excellent_quota: int
    excellent_mark: int
    pass_mark: int
    finalised: bool


class SchemeIn(Schema):
    year: int
    unit_weight: int = 50
    host_weight: int = 50
    excellent_quota: int = 30
    excellent_mark: int = 90
    pass_mark: int = 60


class SchemePatch(Schema):
    unit_weight: int = OMITTED
    host_weight: int = OMITTED
    excellent_quota: int = OMITTED
    excellent_mark: int = OMITTED
    pass_mark: int = OMITTED


class RecordOut(Schema):
    id: int
    scheme_id: int
    year: int = Field(alias="scheme.year")
    assignment_id: int
    commissioner: str = Field(alias="assignment.nomination.expert.person.name")
    organisation: str = Field(alias="assignment.nomination.organisation.name")
    town_code: str = Field(alias="assignment.need.town_id")
    town_name: str = Field(alias="assignment.need.town.full_name")
    unit_score: float | None
    unit_comment: str
    host_score: float | None
    host_comment: str
    total: float | None
    grade: str


class ScoreIn(Schema):
    score: Decimal = Field(
        description="0 到 100，最多一位小数；评分方（派出单位或服务乡镇）由调用者的账号决定"
    )
    comment: str = ""


class KeyTaskOut(Schema):
    id: int
    code: str
    title: str
    team_id: int
    team_name: str = Field(alias="team.name")
    town_code: str = Field(alias="team.town_id")
    goals: str
    budget: float
    starts_on: dt.date
    ends_on: dt.date
    progress: int
    progress_note: str
    status: str = Field(
        alias="shown_status", description="active 实施中、overdue 逾期、accepted 已验收、terminated 已终止"
    )


class KeyTaskIn(Schema):
    team_id: int
    code: str
    title: str
    goals: str
    budget: Decimal
    starts_on: dt.date
    ends_on: dt.date


class ProgressIn(Schema):
    progress: int
    note: str


class TallyOut(Schema):
    code: str
    name: str
    region: str
    on_duty: int
    serving: int
    teams: int
    towns: int
    villages: int


class FieldCount(Schema):
    field: str
    commissioners: int


class OverviewOut(Schema):
    on: dt.date
    target: int
    on_duty: int
    serving: int
    teams: int
    towns: int
    villages: int
    regions: list[TallyOut]
    cities: list[TallyOut]
    fields: list[FieldCount]


@router.get(
    "/assessment/schemes",
    response=list[SchemeOut],
    openapi_extra=api_scope(AssessmentScheme),
    summary="年度考核方案",
)
@paginate(BoundedPagination, page_size=20)
def scheme_list(request: HttpRequest):
    return selectors.assessment_scheme_list(user=request.user)


@router.post(
    "/assessment/schemes",
    response={201: SchemeOut},
    openapi_extra=api_scope(AssessmentScheme),
    summary="新建年度考核方案（省科技厅）",
)
def scheme_create(request: HttpRequest, payload: SchemeIn) -> Status:
    return Status(201, services.assessment_scheme_create(acting_user=request.user, **payload.dict()))


@router.patch(
    "/assessment/schemes/{scheme_id}",
    response=SchemeOut,
    openapi_extra=api_scope(AssessmentScheme),
    summary="修改考核规则（定档前，省科技厅）",
)
def scheme_update(request: HttpRequest, scheme_id: int, payload: SchemePatch) -> AssessmentScheme:
    scheme = found_or_404(selectors.assessment_scheme_get(user=request.user, pk=scheme_id))
    values = {k: v for k, v in payload.dict().items() if v is not None}
    return services.assessment_scheme_update(acting_user=request.user, scheme=scheme, **values)


@router.get(
    "/assessment/records",
    response=list[RecordOut],
    openapi_extra=api_scope(AssessmentRecord),
    summary="年度考核记录（按综合得分排序）",
)
@paginate(BoundedPagination, page_size=50)
def record_list(
    request: HttpRequest,
    filters: Query[filter_query(RecordFilterForm)],  # type: ignore[valid-type]
    scheme_id: int | None = None,
):
    values = RecordFilterForm.strict(filter_data(filters))
    scheme = None
    if scheme_id is not None:
        scheme = found_or_404(selectors.assessment_scheme_get(user=request.user, pk=scheme_id))
    return selectors.assessment_record_list(user=request.user, scheme=scheme, **values)


@router.post(
    "/assessment/records/{record_id}/score",
    response=RecordOut,
    openapi_extra=api_scope(AssessmentRecord),
    summary="评分（派出单位或服务乡镇）",
)
def record_score(request: HttpRequest, record_id: int, payload: ScoreIn) -> AssessmentRecord:
    record = found_or_404(selectors.assessment_record_get(user=request.user, pk=record_id))
    return services.assessment_score(
        acting_user=request.user, record=record, score=payload.score, comment=payload.comment
    )


@router.get(
    "/key-tasks", response=list[KeyTaskOut], openapi_extra=api_scope(KeyTask), summary="省级重点派驻任务"
)
@paginate(BoundedPagination, page_size=50)
def key_task_list(request: HttpRequest, filters: Query[filter_query(KeyTaskFilterForm)]):  # type: ignore[valid-type]
    return selectors.key_task_list(user=request.user, **KeyTaskFilterForm.strict(filter_data(filters)))


@router.post(
    "/key-tasks",
    response={201: KeyTaskOut},
    openapi_extra=api_scope(KeyTask),
    summary="下达省级重点派驻任务（省科技厅）",
)
def key_task_create(request: HttpRequest, payload: KeyTaskIn) -> Status:
    team = found_or_404(team_selectors.team_get(user=request.user, pk=payload.team_id))
    values = payload.dict()
    values.pop("team_id")
    task = services.key_task_create(acting_user=request.user, team=team, **values)
    found = selectors.key_task_get(user=request.user, pk=task.pk)
    return Status(201, found or task)


@router.post(
    "/key-tasks/{task_id}/progress",
    response=KeyTaskOut,
    openapi_extra=api_scope(KeyTask),
    summary="填报任务进展（团队负责人或所在县）",
)
def key_task_progress(request: HttpRequest, task_id: int, payload: ProgressIn) -> KeyTask:
    task = found_or_404(selectors.key_task_get(user=request.user, pk=task_id))
    services.key_task_progress(
        acting_user=request.user, task=task, progress=payload.progress, note=payload.note
    )
    found = selectors.key_task_get(user=request.user, pk=task.pk)
    assert found is not None
    return found


def _tally(t: selectors.Tally) -> dict[str, object]:
    return {
        "code": t.code,
        "name": t.name,
        "region": t.region,
        "on_duty": t.on_duty,
        "serving": t.serving,
        "teams": t.teams,
        "towns": t.towns,
        "villages": t.villages,
    }


@router.get(
    "/overview",
    response=OverviewOut,
    openapi_extra=api_scope(Assignment),
    summary="科技特派员概览（在岗人数、团队、覆盖乡镇和村，按区域和地市）",
)
def overview_numbers(request: HttpRequest) -> dict[str, object]:
    numbers = selectors.overview_get(user=request.user)
    return {
        "on": numbers.on,
        "target": numbers.target,
        "on_duty": numbers.total.on_duty,
        "serving": numbers.total.serving,
        "teams": numbers.total.teams,
        "towns": numbers.total.towns,
        "villages": numbers.total.villages,
        "regions": [_tally(r) for r in numbers.regions],
        "cities": [_tally(c) for c in numbers.cities],
        "fields": [{"field": name, "commissioners": n} for name, n in numbers.fields],
    }


operation_ids_keep(router, "baiqianwan.commissioners.assessment_api")
