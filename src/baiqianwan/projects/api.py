"""攻关 projects over the API: the 大专项 and its task list from demands, publishing the guide, the
projects with their contract, milestones, matching funds, changes and acceptance. Handlers are thin;
services check who may do what."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from baiqianwan.core.concurrency import expected_version
from baiqianwan.core.pagination import BoundedPagination
from baiqianwan.core.pdf import pdf_openapi, pdf_response
from baiqianwan.core.schemas import filter_data, filter_query
from baiqianwan.core.scope import api_scope
from baiqianwan.core.selectors import found_or_404

from . import selectors, services
from .forms import ProjectFilterForm
from .models import ChangeRequest, MatchingFund, Programme, Project, Topic

router = Router(tags=["攻关项目"])
ID = Field(ge=1, le=2**63 - 1)
MONEY = Field(ge=0, le=Decimal("99999999.99"), max_digits=10, decimal_places=2, description="万元，两位小数")
VERSION = Field(None, ge=0, le=2**31)


class ProgrammeOut(Schema):
    id: int
    year: int
    title: str
    summary: str
    province_budget: Decimal
    status: str
    status_label: str = Field(alias="get_status_display")
    call_id: int | None
    version: int


class ProgrammeIn(Schema):
    year: int = Field(ge=2020, le=2040)
    title: str = Field(max_length=120)
    province_budget: Decimal = MONEY
    summary: str = Field("", max_length=5000)


class TopicOut(Schema):
    id: int
    code: str
    title: str
    problem: str
    industry_id: str | None
    budget: Decimal
    status: str
    demand_ids: list[int]


class TopicIn(Schema):
    title: str = Field(max_length=80)
    problem: str = Field(max_length=3000)
    budget: Decimal = MONEY
    industry_id: str | None = Field(None, max_length=40)
    demand_ids: list[int] = Field(min_length=1, max_length=500)


class CandidateOut(Schema):
    label: str
    explanation: str
    demand_ids: list[int]
    counties: int


class PublishIn(Schema):
    opens_at: dt.datetime
    closes_at: dt.datetime
    guide: str = Field(max_length=20000)
    version: int | None = VERSION


class IndicatorOut(Schema):
    id: int
    name: str
    unit: str
    planned: Decimal
    achieved: Decimal | None


class MilestoneOut(Schema):
    id: int
    title: str
    due: dt.date
    deliverable: str
    status: str
    report: str
    reported_at: dt.datetime | None


class BudgetOut(Schema):
    year: int
    source: str
    amount: Decimal


class FundOut(Schema):
    id: int
    project_id: int
    city_code: str = Field(alias="city_id")
    year: int
    committed: Decimal
    paid: Decimal
    version: int


class ProjectOut(Schema):
    id: int
    reference: str
    programme_id: int
    topic_id: int
    application_id: int
    title: str
    organisation_id: int
    organisation_name: str = Field(alias="organisation.name")
    division_code: str = Field(alias="division_id")
    place_code: str | None = Field(alias="place_id")
    in_east_west_north: bool
    starts_on: dt.date
    ends_on: dt.date
    province_funding: Decimal
    status: str
    status_label: str = Field(alias="get_status_display")
    return_reason: str
    result_note: str
    achievement_id: int | None
    acceptance_application_id: int | None
    version: int


class ProjectDetailOut(ProjectOut):
    goals: str
    self_assessment: str
    indicators: list[IndicatorOut]
    milestones: list[MilestoneOut]
    budget: list[BudgetOut]
    funds: list[FundOut]


class IndicatorIn(Schema):
    name: str = Field(max_length=60)
    unit: str = Field(max_length=10)
    planned: Decimal = Field(ge=0, le=Decimal("999999999999.99"), max_digits=14, decimal_places=2)


class MilestoneIn(Schema):
    title: str = Field(max_length=120)
    due: dt.date
    deliverable: str = Field("", max_length=200)


class BudgetIn(Schema):
    year: int = Field(ge=2020, le=2045)
    source: str = Field(max_length=10, description="province 省财政资金 / city 地市配套 / self 单位自筹")
    amount: Decimal = MONEY


class ContractIn(Schema):
    indicators: list[IndicatorIn] = Field(max_length=40)
    milestones: list[MilestoneIn] = Field(max_length=40)
    budget: list[BudgetIn] = Field(max_length=40)
    version: int | None = VERSION


class ReviewIn(Schema):
    approve: bool
    note: str = Field("", max_length=500)
    version: int | None = VERSION


class ReportIn(Schema):
    report: str = Field(max_length=3000)


class CommitIn(Schema):
    year: int = Field(ge=2020, le=2045)
    committed: Decimal = MONEY


class PayIn(Schema):
    paid: Decimal = MONEY
    version: int | None = VERSION


class ChangeIn(Schema):
    kind: str = Field(
        max_length=12, description="extension 延期 / budget 预算调整 / member 人员变更 / termination 终止"
    )
    reason: str = Field(max_length=2000)
    new_end: dt.date | None = None
    detail: str = Field("", max_length=500)


class ChangeOut(Schema):
    id: int
    project_id: int
    kind: str
    reason: str
    new_end: dt.date | None
    detail: str
    status: str
    decision_note: str


class ChangeDecisionIn(Schema):
    approve: bool
    note: str = Field(max_length=500)


class AchievedIn(Schema):
    indicator_id: int = ID
    achieved: Decimal = Field(ge=0, le=Decimal("999999999999.99"), max_digits=14, decimal_places=2)


class AcceptanceIn(Schema):
    achieved: list[AchievedIn] = Field(max_length=40)
    summary: str = Field(max_length=5000)
    version: int | None = VERSION


class EnrolIn(Schema):
    call_id: int = Field(description="攻关项目验收批次（申报类型 project_acceptance）")
    project_ids: list[int] = Field(min_length=1, max_length=200)


class WithdrawIn(Schema):
    reason: str = Field(max_length=500)
    version: int | None = VERSION


class AcceptanceDecisionIn(Schema):
    result: str = Field(max_length=10, description="passed 通过 / concluded 结题 / failed 不通过")
    note: str = Field(max_length=1000)
    achievement_title: str = Field("", max_length=120)
    achievement_abstract: str = Field("", max_length=5000)
    version: int | None = VERSION


def _programme(request: HttpRequest, programme_id: int) -> Programme:
    return found_or_404(selectors.programme_get(user=request.user, programme_id=programme_id))


def _project(request: HttpRequest, project_id: int) -> Project:
    return found_or_404(selectors.project_get(user=request.user, project_id=project_id))


def _topic_out(topic: Topic) -> dict[str, Any]:
    return {
        "id": topic.pk,
        "code": topic.code,
        "title": topic.title,
        "problem": topic.problem,
        "industry_id": topic.industry_id,
        "budget": topic.budget,
        "status": topic.status,
        "demand_ids": list(topic.sources.values_list("demand_id", flat=True)),
    }


# ---- 大专项 ----------------------------------------------------------------------------------


@router.get(
    "/programmes", response=list[ProgrammeOut], openapi_extra=api_scope(Programme), summary="大专项列表"
)
def programme_list(request: HttpRequest) -> Any:
    return selectors.programme_list(user=request.user)[:200]


@router.post(
    "/programmes",
    response={201: ProgrammeOut},
    openapi_extra=api_scope(Programme),
    summary="新建大专项（省科技厅）",
)
def programme_create(request: HttpRequest, payload: ProgrammeIn) -> Status:
    return Status(201, services.programme_create(acting_user=request.user, **payload.dict()))


@router.get(
    "/programmes/{int:programme_id}",
    response=ProgrammeOut,
    openapi_extra=api_scope(Programme),
    summary="大专项详情",
)
def programme_detail(request: HttpRequest, programme_id: int) -> Programme:
    return _programme(request, programme_id)


@router.get(
    "/programmes/{int:programme_id}/topics",
    response=list[TopicOut],
    openapi_extra=api_scope(Programme),
    summary="任务清单（每项任务及其来源需求编号）",
)
def topic_list(request: HttpRequest, programme_id: int) -> list[dict[str, Any]]:
    return [_topic_out(t) for t in _programme(request, programme_id).topics.all()]


@router.get(
    "/programmes/{int:programme_id}/candidates",
    response=list[CandidateOut],
    openapi_extra=api_scope(Programme),
    summary="同类需求分组（省科技厅编制任务清单用）",
)
def topic_candidates(request: HttpRequest, programme_id: int) -> list[dict[str, Any]]:
    services.province_only(request.user)
    return [
        {"label": c.label, "explanation": c.explanation, "demand_ids": c.ids, "counties": c.counties}
        for c in selectors.topic_candidates(programme=_programme(request, programme_id))
    ]


@router.post(
    "/programmes/{int:programme_id}/topics",
    response={201: TopicOut},
    openapi_extra=api_scope(Programme),
    summary="列入任务（省科技厅）",
)
def topic_create(request: HttpRequest, programme_id: int, payload: TopicIn) -> Status:
    topic = services.topic_save(
        acting_user=request.user, programme_id=_programme(request, programme_id).pk, **payload.dict()
    )
    return Status(201, _topic_out(topic))


@router.delete(
    "/programmes/{int:programme_id}/topics/{int:topic_id}",
    response={204: None},
    openapi_extra=api_scope(Programme),
    summary="移出任务（省科技厅，发布前）",
)
def topic_delete(request: HttpRequest, programme_id: int, topic_id: int) -> Status:
    services.topic_delete(
        acting_user=request.user, programme_id=_programme(request, programme_id).pk, topic_id=topic_id
    )
    return Status(204, None)


@router.post(
    "/programmes/{int:programme_id}/publish",
    response=ProgrammeOut,
    openapi_extra=api_scope(Programme),
    summary="发布指南：任务清单成为攻关类申报指南",
)
def programme_publish(request: HttpRequest, programme_id: int, payload: PublishIn) -> Programme:
    return services.programme_publish(
        acting_user=request.user,
        programme_id=_programme(request, programme_id).pk,
        opens_at=payload.opens_at,
        closes_at=payload.closes_at,
        guide=payload.guide,
        version=expected_version(request, payload.version),
    )


# ---- projects -------------------------------------------------------------------------------


@router.get("", response=list[ProjectOut], openapi_extra=api_scope(Project), summary="攻关项目列表")
@paginate(BoundedPagination, page_size=20)
def project_list(request: HttpRequest, filters: Query[filter_query(ProjectFilterForm)]):  # type: ignore[valid-type]
    values = ProjectFilterForm.strict(filter_data(filters))
    return selectors.project_list(
        user=request.user,
        q=values["q"],
        status=values["status"],
        programme_id=values["programme"],
        east_west_north=bool(values["east_west_north"]),
    )


@router.get(
    "/funds", response=list[FundOut], openapi_extra=api_scope(MatchingFund), summary="地市配套资金台账"
)
@paginate(BoundedPagination, page_size=50)
def fund_list(request: HttpRequest, year: int | None = Query(None, ge=2020, le=2045)):
    return selectors.funds_for(user=request.user, year=year)


@router.put(
    "/funds/{int:fund_id}",
    response=FundOut,
    openapi_extra=api_scope(MatchingFund),
    summary="更新配套到位金额（地市科技局）",
)
def fund_pay(request: HttpRequest, fund_id: int, payload: PayIn) -> MatchingFund:
    return services.fund_pay(
        acting_user=request.user,
        fund_id=fund_id,
        paid=payload.paid,
        version=expected_version(request, payload.version),
    )


@router.get(
    "/{int:project_id}", response=ProjectDetailOut, openapi_extra=api_scope(Project), summary="攻关项目详情"
)
def project_detail(request: HttpRequest, project_id: int) -> Project:
    return _project(request, project_id)  # its indicators, milestones, budget and funds come along


@router.put(
    "/{int:project_id}/contract",
    response=ProjectOut,
    openapi_extra=api_scope(Project),
    summary="填报任务书（承担单位）",
)
def contract_save(request: HttpRequest, project_id: int, payload: ContractIn) -> Project:
    return services.contract_save(
        acting_user=request.user,
        project_id=_project(request, project_id).pk,
        indicators=[services.IndicatorRow(**row.dict()) for row in payload.indicators],
        milestones=[services.MilestoneRow(**row.dict()) for row in payload.milestones],
        budget=[services.BudgetRow(**row.dict()) for row in payload.budget],
        version=expected_version(request, payload.version),
    )


@router.post(
    "/{int:project_id}/contract/submit",
    response=ProjectOut,
    openapi_extra=api_scope(Project),
    summary="提交任务书",
)
def contract_submit(request: HttpRequest, project_id: int) -> Project:
    return services.contract_submit(acting_user=request.user, project_id=_project(request, project_id).pk)


@router.post(
    "/{int:project_id}/contract/review",
    response=ProjectOut,
    openapi_extra=api_scope(Project),
    summary="审核任务书（省科技厅）",
)
def contract_review(request: HttpRequest, project_id: int, payload: ReviewIn) -> Project:
    return services.contract_review(
        acting_user=request.user,
        project_id=_project(request, project_id).pk,
        approve=payload.approve,
        note=payload.note,
        version=expected_version(request, payload.version),
    )


@router.get(
    "/{int:project_id}/contract.pdf",
    openapi_extra=pdf_openapi(api_scope(Project)),
    summary="任务书（PDF）",
    description="任务书审核通过后可下载；此前返回 422。",
)
def contract_pdf(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    return pdf_response(
        services.contract_pdf(project),
        f"任务书-{project.reference}.pdf",
        fallback=f"contract-{project.reference}.pdf",
    )


@router.post(
    "/{int:project_id}/milestones/{int:milestone_id}/report",
    response=MilestoneOut,
    openapi_extra=api_scope(Project),
    summary="报告进度节点（承担单位；佐证材料在页面上传）",
)
def milestone_report(request: HttpRequest, project_id: int, milestone_id: int, payload: ReportIn) -> Any:
    return services.milestone_report(
        acting_user=request.user,
        project_id=_project(request, project_id).pk,
        milestone_id=milestone_id,
        report=payload.report,
    )


@router.post(
    "/{int:project_id}/funds",
    response={201: FundOut},
    openapi_extra=api_scope(Project),
    summary="承诺配套（地市科技局）",
)
def fund_commit(request: HttpRequest, project_id: int, payload: CommitIn) -> Status:
    fund = services.fund_commit(
        acting_user=request.user,
        project_id=_project(request, project_id).pk,
        year=payload.year,
        committed=payload.committed,
    )
    return Status(201, fund)


@router.post(
    "/{int:project_id}/changes",
    response={201: ChangeOut},
    openapi_extra=api_scope(Project),
    summary="申请变更（承担单位）",
)
def change_request(request: HttpRequest, project_id: int, payload: ChangeIn) -> Status:
    return Status(
        201,
        services.change_request(
            acting_user=request.user, project_id=_project(request, project_id).pk, **payload.dict()
        ),
    )


@router.post(
    "/changes/{int:change_id}/decision",
    response=ChangeOut,
    openapi_extra=api_scope(ChangeRequest),
    summary="审核变更（省科技厅）",
)
def change_decide(request: HttpRequest, change_id: int, payload: ChangeDecisionIn) -> ChangeRequest:
    return services.change_decide(
        acting_user=request.user, change_id=change_id, approve=payload.approve, note=payload.note
    )


@router.post(
    "/{int:project_id}/acceptance",
    response=ProjectOut,
    openapi_extra=api_scope(Project),
    summary="申请验收（承担单位自评）",
)
def acceptance_request(request: HttpRequest, project_id: int, payload: AcceptanceIn) -> Project:
    return services.acceptance_request(
        acting_user=request.user,
        project_id=_project(request, project_id).pk,
        achieved={row.indicator_id: row.achieved for row in payload.achieved},
        summary=payload.summary,
        version=expected_version(request, payload.version),
    )


@router.post(
    "/{int:project_id}/acceptance/decision",
    response=ProjectOut,
    openapi_extra=api_scope(Project),
    summary="验收结论（省科技厅）：通过或结题的成果入库、来源需求办结",
)
def acceptance_decide(request: HttpRequest, project_id: int, payload: AcceptanceDecisionIn) -> Project:
    values = payload.dict()
    values.pop("version")
    return services.acceptance_decide(
        acting_user=request.user,
        project_id=_project(request, project_id).pk,
        version=expected_version(request, payload.version),
        **values,
    )


@router.post(
    "/acceptance/enrol",
    response=list[ProjectOut],
    openapi_extra=api_scope(Project),
    summary="纳入专家验收批次（省科技厅）：评审、公示后的决定给出通过或不通过",
)
def acceptance_enrol(request: HttpRequest, payload: EnrolIn) -> list[Project]:
    return services.acceptance_enrol(
        acting_user=request.user, project_ids=payload.project_ids, call_id=payload.call_id
    )


@router.post(
    "/{int:project_id}/acceptance/withdraw",
    response=ProjectOut,
    openapi_extra=api_scope(Project),
    summary="移出验收批次（省科技厅，专家分配前）",
)
def acceptance_withdraw(request: HttpRequest, project_id: int, payload: WithdrawIn) -> Project:
    return services.acceptance_withdraw(
        acting_user=request.user,
        project_id=_project(request, project_id).pk,
        reason=payload.reason,
        version=expected_version(request, payload.version),
    )
