"""API of indicator collection (/api/v1/indicators): data sets, submissions and their workflow.

Every submission is found through ``Submission.objects.for_user`` (outside the scope: 404), and
every write goes through the same services as the pages, so the rules and messages are the same.
"""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from baiqianwan.core.concurrency import expected_version
from baiqianwan.core.pagination import BoundedPagination
from baiqianwan.core.schemas import filter_data, filter_query
from baiqianwan.core.scope import API_PUBLIC, api_scope
from baiqianwan.core.selectors import found_or_404

from ..definitions.selectors import deadline
from . import rules, selectors, services
from .forms import SubmissionFilterForm
from .models import Submission, SubmissionEvent

router = Router(tags=["指标填报"])


class ElementOut(Schema):
    code: str
    name: str
    kind: str
    unit: str
    description: str


class DataSetOut(Schema):
    id: int
    code: str
    name: str
    system_code: str
    level: str
    frequency: str
    elements: list[ElementOut]
    due_days: int
    lock_days: int
    approval_chain: list[str]


class SubmissionOut(Schema):
    id: int
    dataset: str = Field(alias="dataset.code")
    period: str
    unit_code: str = Field(alias="unit_id")
    unit_name: str = Field(alias="unit.full_name")
    status: str
    stage: str
    values: dict[str, Any]
    flags: list[str]
    submitted_at: datetime | None
    approved_at: datetime | None
    version: int


class EventOut(Schema):
    action: str
    level: str
    from_status: str
    to_status: str
    reason: str
    by: str
    at: datetime

    @staticmethod
    def resolve_by(obj: SubmissionEvent) -> str:
        return obj.by.display_name or obj.by.username


class SubmissionDetailOut(SubmissionOut):
    deadline: date
    locked: bool
    history: list[EventOut]

    @staticmethod
    def resolve_deadline(obj: Submission) -> date:
        return deadline(obj.dataset, obj.period)

    @staticmethod
    def resolve_locked(obj: Submission) -> bool:
        return rules.is_locked(obj.dataset, obj.period, obj.unit_id)

    @staticmethod
    def resolve_history(obj: Submission) -> list[SubmissionEvent]:
        return selectors.submission_history(submission=obj)


class SaveIn(Schema):
    dataset: str = Field(description="报表编码，如 county_town_system.town")
    period: str = Field(description="统计期：2025、2025H1 或 2025Q3")
    unit_code: str = Field(min_length=12, max_length=12, description="填报单位的 12 位区划代码")
    values: dict[str, Any] = Field(description="{数据元素编码: 值}；百分比填 0–100，是否填“是”/“否”")
    version: int | None = Field(default=None, description="修改已有草稿时带上读到的版本号，防止覆盖他人修改")


class SubmitIn(Schema):
    confirm_warnings: bool = Field(default=False, description="已核实：有需核实的提示时仍报送")


class ReasonIn(Schema):
    reason: str = Field(max_length=300)
    version: int | None = Field(
        default=None,
        ge=0,
        description="审核时看到的版本号（也可用 If-Match 请求头）；其间已被他人处理时返回 409",
    )


def _visible(user: Any, submission_id: int) -> Submission:
    return found_or_404(selectors.submission_get(user=user, pk=submission_id))


def _stepped(request: HttpRequest, submission_id: int, step: Callable[[Submission], object]) -> Submission:
    """One workflow step on a submission the user sees (404 otherwise), answered as it now stands."""
    step(_visible(request.user, submission_id))
    return _visible(request.user, submission_id)


def _reasoned(
    request: HttpRequest, submission_id: int, payload: ReasonIn, step: Callable[..., object]
) -> Submission:
    """A step that sends the submission back (returned, approval withdrawn): a reason, at a version."""
    return _stepped(
        request,
        submission_id,
        lambda submission: step(
            acting_user=request.user,
            submission=submission,
            reason=payload.reason,
            version=expected_version(request, payload.version),
        ),
    )


@router.get("/datasets", response=list[DataSetOut], openapi_extra=API_PUBLIC, summary="报表（数据集）")
def dataset_list(request: HttpRequest) -> list[dict[str, Any]]:
    # Which forms exist and what they ask is reference data, like the divisions.
    result = []
    for dataset in selectors.active_datasets():
        elements = selectors.dataset_elements(dataset)
        result.append(
            {
                **{
                    f: getattr(dataset, f)
                    for f in ("id", "code", "name", "system_code", "level", "frequency")
                },
                "due_days": dataset.due_days,
                "lock_days": dataset.lock_days,
                "approval_chain": dataset.approval_chain,
                "elements": [
                    {
                        "code": e.code,
                        "name": e.name,
                        "kind": str(e.kind),
                        "unit": e.unit,
                        "description": e.description,
                    }
                    for e in elements
                ],
            }
        )
    return result


@router.get(
    "/submissions", response=list[SubmissionOut], openapi_extra=api_scope(Submission), summary="填报列表"
)
@paginate(BoundedPagination, page_size=50)
def submission_list(request: HttpRequest, filters: Query[filter_query(SubmissionFilterForm)]):  # type: ignore[valid-type]
    values = SubmissionFilterForm.strict(filter_data(filters))
    return selectors.submission_list(
        user=request.user, dataset=values["dataset"], period=values["period"], status=values["status"]
    )


@router.get(
    "/submissions/{submission_id}",
    response=SubmissionDetailOut,
    openapi_extra=api_scope(Submission),
    summary="填报详情（含记录）",
)
def submission_detail(request: HttpRequest, submission_id: int) -> Submission:
    return _visible(request.user, submission_id)


@router.post(
    "/submissions",
    response=SubmissionOut,
    openapi_extra=api_scope(Submission),
    summary="保存填报数据（新建或修改草稿）",
)
def submission_save(request: HttpRequest, payload: SaveIn) -> Submission:
    dataset = selectors.active_dataset(payload.dataset)
    if dataset is None:
        raise ValidationError({"dataset": f"没有报表“{payload.dataset}”"})
    unit = selectors.division_for_entry(payload.unit_code)
    if unit is None:
        raise ValidationError({"unit_code": f"找不到单位代码“{payload.unit_code}”"})
    saved = services.submission_save(
        acting_user=request.user,
        dataset=dataset,
        period=payload.period,
        unit=unit,
        values=payload.values,
        version=payload.version,
    )
    return _visible(request.user, saved.pk)


@router.post(
    "/submissions/{submission_id}/submit",
    response=SubmissionOut,
    openapi_extra=api_scope(Submission),
    summary="报送",
)
def submission_submit(request: HttpRequest, submission_id: int, payload: SubmitIn) -> Submission:
    return _stepped(
        request,
        submission_id,
        lambda submission: services.submission_submit(
            acting_user=request.user, submission=submission, confirm_warnings=payload.confirm_warnings
        ),
    )


@router.post(
    "/submissions/{submission_id}/approve",
    response=SubmissionOut,
    openapi_extra=api_scope(Submission),
    summary="审核通过（当前审核层级）",
    description='请求头 If-Match 带上审核时看到的版本号（如 "3"）：其间已被他人审核或退回时返回 409。',
)
def submission_approve(request: HttpRequest, submission_id: int) -> Submission:
    return _stepped(
        request,
        submission_id,
        lambda submission: services.submission_approve(
            acting_user=request.user, submission=submission, version=expected_version(request)
        ),
    )


@router.post(
    "/submissions/{submission_id}/return",
    response=SubmissionOut,
    openapi_extra=api_scope(Submission),
    summary="退回（须说明原因）",
)
def submission_return(request: HttpRequest, submission_id: int, payload: ReasonIn) -> Submission:
    return _reasoned(request, submission_id, payload, services.submission_return)


@router.post(
    "/submissions/{submission_id}/unapprove",
    response=SubmissionOut,
    openapi_extra=api_scope(Submission),
    summary="撤销审定（最终审定层级或省，须说明原因）",
)
def submission_unapprove(request: HttpRequest, submission_id: int, payload: ReasonIn) -> Submission:
    return _reasoned(request, submission_id, payload, services.submission_unapprove)
