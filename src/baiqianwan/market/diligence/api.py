"""尽职免责 cases over the API: a unit's accounts file, correct, submit and decide their unit's cases;
the province reads every unit's. Anyone else finds none (404)."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from baiqianwan.core.concurrency import expected_version
from baiqianwan.core.pagination import BoundedPagination
from baiqianwan.core.schemas import filter_data, filter_query
from baiqianwan.core.scope import api_scope
from baiqianwan.core.selectors import found_or_404

from ..models import DiligenceCase
from . import selectors, services
from .forms import DiligenceFilterForm

router = Router(tags=["尽职免责"])
VERSION = Field(None, ge=0, le=2**31)
YUAN = "元，两位小数"
SCOPE = api_scope(DiligenceCase)


class CaseIn(Schema):
    title: str = Field(max_length=120)
    deal_id: int | None = Field(
        None, ge=1, le=2**63 - 1, description="本单位作为卖方、已登记的技术交易；平台启用前的转化不填"
    )
    transfer_title: str = Field("", max_length=120, description="未填 deal_id 时必填")
    transferred_on: dt.date | None = Field(None, description="未填 deal_id 时必填，不晚于今天")
    transfer_value: Decimal | None = Field(
        None, description=f"转化时价值，{YUAN}；有 deal_id 时默认为合同金额"
    )
    current_value: Decimal = Field(description=f"现值，{YUAN}，须低于转化时价值")
    decision_process: str = Field(max_length=2000)
    valuation_basis: str = Field(max_length=2000)
    approvals: str = Field(max_length=1000)
    people: list[str] = Field(max_length=30, description="相关人员姓名")
    attachments: str = Field("", max_length=1000, description="附件说明")


class CaseUpdateIn(CaseIn):
    version: int | None = VERSION


class VersionIn(Schema):
    version: int | None = VERSION


class CheckIn(Schema):
    ok: bool
    remark: str = Field("", max_length=500)


class DecisionIn(Schema):
    committee: list[str] = Field(max_length=30, description="委员会成员姓名，至少 3 人")
    checklist: dict[str, CheckIn] = Field(
        description="procedure 决策程序符合规定 / no_gain 未牟取非法利益 / disclosed 已履行公示/披露 / "
        "valuation 估值依据充分 / approved 已按规定审批：每项 ok 是或否，否须写 remark"
    )
    outcome: str = Field(max_length=12, description="exempt 免责（须每项均为是）/ not_exempt 不予免责")
    reasons: str = Field(max_length=2000)
    version: int | None = VERSION


class CheckOut(Schema):
    key: str
    label: str
    ok: bool | None
    remark: str


class CaseOut(Schema):
    id: int
    reference: str
    unit_id: int
    unit_name: str = Field(alias="unit.name")
    title: str
    deal_id: int | None
    transfer_title: str
    transferred_on: dt.date
    transfer_value: Decimal
    current_value: Decimal
    loss: Decimal
    status: str
    status_label: str = Field(alias="get_status_display")
    outcome: str
    version: int


class EventOut(Schema):
    at: dt.datetime
    action: str
    from_status: str
    to_status: str
    note: str


class CaseDetailOut(CaseOut):
    decision_process: str
    valuation_basis: str
    approvals: str
    people: list[str]
    attachments: str
    submitted_at: dt.datetime | None
    committee: list[str]
    checks: list[CheckOut]
    reasons: str
    decided_at: dt.datetime | None
    events: list[EventOut]


class UnitRow(Schema):
    unit_id: int
    unit_name: str
    unit_kind: str
    cases: int
    drafts: int
    submitted: int
    exempt: int
    not_exempt: int
    loss: Decimal


class SummaryOut(Schema):
    cases: int
    drafts: int
    submitted: int
    exempt: int
    not_exempt: int
    loss: Decimal
    units: list[UnitRow]


def _case(request: HttpRequest, case_id: int) -> DiligenceCase:
    return found_or_404(selectors.diligence_case_get(user=request.user, case_id=case_id))


def _values(payload: CaseIn) -> dict[str, Any]:
    return payload.dict(exclude={"version"})


@router.get("", response=list[CaseOut], openapi_extra=SCOPE, summary="尽职免责案件（本单位；省科技厅全部）")
@paginate(BoundedPagination, page_size=50)
def case_list(request: HttpRequest, filters: Query[filter_query(DiligenceFilterForm)]):  # type: ignore[valid-type]
    values = DiligenceFilterForm.strict(filter_data(filters))
    return selectors.diligence_case_list(
        user=request.user, q=values["q"], status=values["status"], outcome=values["outcome"]
    )


@router.post(
    "",
    response={201: CaseDetailOut},
    openapi_extra=SCOPE,
    summary="登记尽职免责案件（高校、院所、新型研发机构）",
)
def case_create(request: HttpRequest, payload: CaseIn) -> Status:
    case = services.diligence_case_create(acting_user=request.user, **_values(payload))
    return Status(201, _case(request, case.pk))


@router.get("/summary", response=SummaryOut, openapi_extra=SCOPE, summary="尽职免责案件按单位统计")
def case_summary(request: HttpRequest) -> dict[str, Any]:
    return selectors.diligence_by_unit(user=request.user)


@router.get("/{int:case_id}", response=CaseDetailOut, openapi_extra=SCOPE, summary="尽职免责案件详情")
def case_detail(request: HttpRequest, case_id: int) -> DiligenceCase:
    return _case(request, case_id)


@router.put("/{int:case_id}", response=CaseDetailOut, openapi_extra=SCOPE, summary="修改尽职免责案件（草稿）")
def case_update(request: HttpRequest, case_id: int, payload: CaseUpdateIn) -> DiligenceCase:
    case = services.diligence_case_update(
        acting_user=request.user,
        case_id=_case(request, case_id).pk,
        version=expected_version(request, payload.version),
        **_values(payload),
    )
    return _case(request, case.pk)


@router.post(
    "/{int:case_id}/submit", response=CaseDetailOut, openapi_extra=SCOPE, summary="提交单位审议委员会"
)
def case_submit(request: HttpRequest, case_id: int, payload: VersionIn) -> DiligenceCase:
    case = services.diligence_case_submit(
        acting_user=request.user,
        case_id=_case(request, case_id).pk,
        version=expected_version(request, payload.version),
    )
    return _case(request, case.pk)


@router.post(
    "/{int:case_id}/decide",
    response=CaseDetailOut,
    openapi_extra=SCOPE,
    summary="录入委员会审查清单和认定结论（免责须每项均为是）",
)
def case_decide(request: HttpRequest, case_id: int, payload: DecisionIn) -> DiligenceCase:
    case = services.diligence_case_decide(
        acting_user=request.user,
        case_id=_case(request, case_id).pk,
        committee=payload.committee,
        checklist={key: check.dict() for key, check in payload.checklist.items()},
        outcome=payload.outcome,
        reasons=payload.reasons,
        version=expected_version(request, payload.version),
    )
    return _case(request, case.pk)
