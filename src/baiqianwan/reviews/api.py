"""The review API: an expert's tasks (blind-aware, exactly what the task page shows) and score
sheets; the province's pool, assignment, rounds, results and provisional selection."""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from baiqianwan.calls.models import Call
from baiqianwan.calls.selectors import call_type_of
from baiqianwan.core.concurrency import expected_version
from baiqianwan.core.pagination import BoundedPagination
from baiqianwan.core.schemas import filter_data, filter_query
from baiqianwan.core.scope import API_SELF, api_scope
from baiqianwan.core.selectors import found_or_404
from baiqianwan.supply.models import ExpertProfile
from baiqianwan.supply.titles import seniority_of

from . import rules, selectors, services
from .engine.aggregate import Aggregate
from .forms import PoolSearchForm, ResultsFilterForm
from .models import ReviewAssignment

router = Router(tags=["专家评审"])

# The province's review of a call is keyed by the call; an expert's task by its assignment.
CALLS = api_scope(Call)
TASKS = api_scope(ReviewAssignment)


# ---- the expert ------------------------------------------------------------------------------


class TaskOut(Schema):
    id: int
    status: str
    status_label: str = Field(alias="get_status_display")
    call_id: int = Field(alias="application.call_id")
    call_title: str = Field(alias="application.call.title")
    call_status: str = Field(alias="application.call.status")
    blind: bool = Field(alias="application.call.blind")
    reference: str = Field(alias="application.reference")
    title: str | None = Field(None, description="申报名称；匿名评审时为 null")

    @staticmethod
    def resolve_title(obj: ReviewAssignment) -> str | None:
        return None if obj.application.call.blind else obj.application.title


class AnswerOut(Schema):
    label: str
    value: str
    unit: str
    help: str


class PartnerOut(Schema):
    label: str
    answers: list[AnswerOut]


class MemberOut(Schema):
    name: str
    role: str


class AttachmentOut(Schema):
    id: int
    label: str
    name: str
    size: int
    url: str


class CriterionOut(Schema):
    code: str
    label: str
    weight: Decimal
    maximum: int
    comment_below: int | None
    help: str


class SheetOut(Schema):
    scores: dict[str, int]
    comments: dict[str, str]
    overall: str
    total: Decimal | None
    submitted_at: dt.datetime | None
    version: int


class TaskDetailOut(Schema):
    task: TaskOut
    applicant: str | None = Field(description="匿名评审时为 null")
    division: str | None = Field(description="匿名评审时为 null")
    lead: str | None = Field(description="匿名评审时为 null")
    members: list[MemberOut]
    answers: list[AnswerOut]
    partners: list[PartnerOut]
    attachments: list[AttachmentOut]
    rubric: list[CriterionOut]
    sheet: SheetOut | None


class SheetIn(Schema):
    scores: dict[str, Any] = Field(default_factory=dict, max_length=50, description="评分项 code → 整数分")
    comments: dict[str, str] = Field(default_factory=dict, max_length=50, description="评分项 code → 意见")
    overall: str = Field("", max_length=3000)
    submit: bool = Field(False, description="true 为提交（提交后不能修改），false 为保存草稿")
    version: int | None = Field(None, ge=0, description="读取时的 version；其间已保存过则返回 409")


class DeclineIn(Schema):
    reason: str = Field("", max_length=200)
    conflict: bool = Field(False, description="true 表示本人声明回避（记为回避关系）")


def _own(request: HttpRequest, assignment_id: int) -> ReviewAssignment:
    if not rules.is_reviewer(request.user):
        raise PermissionDenied("评审任务供评审专家使用")
    return found_or_404(selectors.expert_assignment(user=request.user, assignment_id=assignment_id))


@router.get("/tasks", response=list[TaskOut], openapi_extra=API_SELF, summary="我的评审任务")
@paginate(BoundedPagination, page_size=20)
def task_list(request: HttpRequest) -> Any:
    return selectors.expert_queue(user=request.user)


@router.get(
    "/tasks/{assignment_id}",
    response=TaskDetailOut,
    openapi_extra=TASKS,
    summary="评审任务详情",
    description="匿名评审时不含申报单位、共建单位、团队成员、所在地和申报名称，文字答案中的这些名称已隐去，材料以材料名称加序号命名。",
)
def task_detail(request: HttpRequest, assignment_id: int) -> dict[str, Any]:
    view = selectors.task_view(assignment=_own(request, assignment_id))
    sheet = view.sheet
    return {
        "task": view.assignment,
        "applicant": view.applicant or None,
        "division": view.division or None,
        "lead": view.lead or None,
        "members": [{"name": name, "role": role} for name, role in view.members],
        "answers": view.answers,
        "partners": view.partners,
        "attachments": [
            {
                "id": a.id,
                "label": a.label,
                "name": a.name,
                "size": a.size,
                "url": reverse("reviews:attachment", args=[view.assignment.pk, a.id]),
            }
            for a in view.attachments
        ],
        "rubric": view.rubric,
        "sheet": sheet,
    }


@router.post(
    "/tasks/{assignment_id}/sheet",
    response=SheetOut,
    openapi_extra=TASKS,
    summary="保存或提交评分表",
    description="分数须是 0 至满分的整数；低于评分项 comment_below 的分数须写明意见。"
    "错误按评分项 code 列出。",
)
def sheet_save(request: HttpRequest, assignment_id: int, payload: SheetIn) -> Any:
    assignment = _own(request, assignment_id)
    return services.sheet_save(
        acting_user=request.user,
        assignment_id=assignment.pk,
        scores=payload.scores,
        comments=payload.comments,
        overall=payload.overall,
        submit=payload.submit,
        version=expected_version(request, payload.version),
    )


@router.post(
    "/tasks/{assignment_id}/decline",
    response=TaskOut,
    openapi_extra=TASKS,
    summary="谢绝评审或声明回避",
)
def task_decline(request: HttpRequest, assignment_id: int, payload: DeclineIn) -> Any:
    assignment = _own(request, assignment_id)
    services.assignment_decline(
        acting_user=request.user,
        assignment_id=assignment.pk,
        reason=payload.reason,
        conflict=payload.conflict,
    )
    assignment.refresh_from_db()
    return assignment


# ---- the province ----------------------------------------------------------------------------


def _call(request: HttpRequest, call_id: int) -> Call:
    if not rules.can_manage_review(request.user):
        raise PermissionDenied("只有省科技厅可以组织评审")
    return found_or_404(selectors.review_call(user=request.user, call_id=call_id))


class PoolOut(Schema):
    id: int
    expert_id: int
    name: str = Field(alias="expert.person.name")
    organisation: str = Field(alias="expert.person.organisation.name")
    capacity: int
    conflicts: int = Field(alias="conflict_count")
    tasks: int = Field(alias="task_count")
    submitted: int = Field(alias="submitted_count")


class CandidateOut(Schema):
    id: int
    name: str = Field(alias="person.name")
    organisation: str = Field(alias="person.organisation.name")
    title: str = Field(alias="person.title", description="职称")
    seniority: str = Field("", description="senior 正高级、associate 副高级、intermediate 中级，空为未能识别")
    keywords: str
    has_account: bool

    @staticmethod
    def resolve_seniority(obj: ExpertProfile) -> str:
        return seniority_of(obj.person.title)

    @staticmethod
    def resolve_has_account(obj: ExpertProfile) -> bool:
        return obj.user_id is not None


class PoolIn(Schema):
    expert_ids: list[int] = Field(default_factory=list, max_length=500)
    capacity: int = Field(10, ge=1, le=200, description="每人评审上限（项）")


class PoolAddedOut(Schema):
    added: int


class GapOut(Schema):
    application: int
    reference: str
    missing: int
    reason: str


class RoundOut(Schema):
    id: int
    created_at: dt.datetime
    kind: str
    needed: int
    filled: int
    affinity: float
    seconds: float
    gaps: list[GapOut]


class ReviewerOut(Schema):
    assignment_id: int
    expert_id: int
    name: str
    status: str
    decline_reason: str


class ApplicationReviewersOut(Schema):
    id: int
    reference: str
    title: str
    reviewers: list[ReviewerOut]


class ConflictOut(Schema):
    application_id: int
    reference: str = Field(alias="application.reference")
    expert_id: int
    name: str = Field(alias="expert.person.name")
    reason: str
    reason_label: str = Field(alias="get_reason_display")
    detail: str


class ResultOut(Schema):
    id: int = Field(description="申报 id")
    position: int
    reference: str
    title: str
    applicant: str
    in_east_west_north: bool
    value: float = Field(description="排名所依据的得分")
    explanation: str = Field(description="排名说明（同分时如何排序）")
    stats: Aggregate = Field(
        description="份数、平均分、中位数、去掉最高最低后的平均分、标准差、最高最低分差、"
        "校正后平均分（未校正为 null）、分歧较大"
    )


class ProvisionalIn(Schema):
    top: int | None = Field(None, ge=0, le=100000, description="入选数量；不填按指南或申报类型的名额")
    min_score: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)
    per_city: int | None = Field(None, ge=1, le=10000, description="每个地级市最多入选几项（按排名先后）")
    statistic: Literal["mean", "median", "trimmed_mean", "normalised"] | None = None
    normalise: bool = False


class SelectedOut(Schema):
    id: int
    reference: str
    position: int
    value: float
    grade: str


@router.get("/calls/{call_id}/pool", response=list[PoolOut], openapi_extra=CALLS, summary="评审专家库")
@paginate(BoundedPagination, page_size=50)
def pool_list(request: HttpRequest, call_id: int) -> Any:
    return selectors.pool_list(call=_call(request, call_id))


@router.get(
    "/calls/{call_id}/pool/candidates",
    response=list[CandidateOut],
    openapi_extra=CALLS,
    summary="可加入评审专家库的专家（按姓名、研究方向、产业、职称检索）",
)
@paginate(BoundedPagination, page_size=20)
def pool_candidates(
    request: HttpRequest,
    call_id: int,
    filters: Query[filter_query(PoolSearchForm)],  # type: ignore[valid-type]
) -> Any:
    call = _call(request, call_id)
    values = PoolSearchForm.strict(filter_data(filters))
    return selectors.pool_candidates(
        user=request.user,
        call=call,
        q=values["q"],
        industry=values["industry"],
        seniority=values["seniority"],
    )


@router.post(
    "/calls/{call_id}/pool", response=PoolAddedOut, openapi_extra=CALLS, summary="邀请专家加入评审专家库"
)
def pool_add(request: HttpRequest, call_id: int, payload: PoolIn) -> dict[str, int]:
    call = _call(request, call_id)
    added = services.pool_add(
        acting_user=request.user, call_id=call.pk, expert_ids=payload.expert_ids, capacity=payload.capacity
    )
    return {"added": added}


@router.post(
    "/calls/{call_id}/assignments",
    response=RoundOut,
    openapi_extra=CALLS,
    summary="分配评审专家",
    description="配足名额最多、相关度最高；已分配的不变，只补缺口。未配足的申报逐项说明原因。",
)
def assignments_make(request: HttpRequest, call_id: int) -> Any:
    call = _call(request, call_id)
    return services.assignments_make(acting_user=request.user, call_id=call.pk)


@router.get("/calls/{call_id}/rounds", response=list[RoundOut], openapi_extra=CALLS, summary="分配记录")
@paginate(BoundedPagination, page_size=20)
def round_list(request: HttpRequest, call_id: int) -> Any:
    return selectors.rounds(call=_call(request, call_id))


@router.get(
    "/calls/{call_id}/reviewers",
    response=list[ApplicationReviewersOut],
    openapi_extra=CALLS,
    summary="各项申报的评审专家与进度",
)
@paginate(BoundedPagination, page_size=50)
def reviewer_list(request: HttpRequest, call_id: int) -> list[dict[str, Any]]:
    return [
        {
            "id": application.pk,
            "reference": application.reference,
            "title": application.title,
            "reviewers": [
                {
                    "assignment_id": a.pk,
                    "expert_id": a.expert_id,
                    "name": a.expert.person.name,
                    "status": a.status,
                    "decline_reason": a.decline_reason,
                }
                for a in assignments
            ],
        }
        for application, assignments in selectors.reviewers(call=_call(request, call_id))
    ]


@router.get("/calls/{call_id}/conflicts", response=list[ConflictOut], openapi_extra=CALLS, summary="回避关系")
@paginate(BoundedPagination, page_size=50)
def conflict_list(request: HttpRequest, call_id: int) -> Any:
    return selectors.conflicts(call=_call(request, call_id))


def _result_out(row: selectors.ResultRow) -> dict[str, Any]:
    application = row.application
    return {
        "id": application.pk,
        "position": row.position,
        "reference": application.reference,
        "title": application.title,
        "applicant": application.applicant.name,
        "in_east_west_north": application.in_east_west_north,
        "value": row.value,
        "explanation": row.explanation,
        "stats": row.stats,
    }


@router.get(
    "/calls/{call_id}/results",
    response=list[ResultOut],
    openapi_extra=CALLS,
    summary="评审结果（汇总与排名）",
    description="statistic 不填按申报类型规定；normalise 为 true 时先按专家尺度校正。",
)
@paginate(BoundedPagination, page_size=50)
def result_list(
    request: HttpRequest,
    call_id: int,
    filters: Query[filter_query(ResultsFilterForm)],  # type: ignore[valid-type]
) -> list[dict[str, Any]]:
    call = _call(request, call_id)
    values = ResultsFilterForm.strict(filter_data(filters))
    statistic = values["statistic"] or call_type_of(call).review.statistic
    rows = selectors.results(call=call, statistic=statistic, normalise=values["normalise"])
    return [_result_out(row) for row in rows]


@router.post(
    "/calls/{call_id}/provisional",
    response=list[SelectedOut],
    openapi_extra=CALLS,
    summary="按规则拟定入选",
    description="在排名上按入选数量、分数线和申报类型的预留比例、等级拟定；公示前可重新拟定。",
)
def provisional_apply(request: HttpRequest, call_id: int, payload: ProvisionalIn) -> list[dict[str, Any]]:
    call = _call(request, call_id)
    chosen = services.provisional_apply(
        acting_user=request.user,
        call_id=call.pk,
        top=payload.top,
        min_score=payload.min_score,
        per_city=payload.per_city,
        statistic=payload.statistic,
        normalise=payload.normalise,
    )
    return [
        {
            "id": row.application.pk,
            "reference": row.application.reference,
            "position": row.position,
            "value": row.value,
            "grade": row.grade,
        }
        for row in chosen
    ]
