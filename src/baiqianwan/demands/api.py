import datetime as dt
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
from baiqianwan.industries.models import Industry
from baiqianwan.regions.selectors import division_get

from . import rules, selectors, services
from .forms import DemandFilterForm
from .models import Budget, Connection, Demand, TargetKind, Urgency

router = Router(tags=["科技需求"])


class DemandOut(Schema):
    id: int
    title: str
    description: str
    status: str
    status_label: str = Field(alias="get_status_display")
    industry_code: str | None = Field(alias="industry_id")
    division_code: str = Field(alias="division_id")
    division_name: str = Field(alias="division.full_name")
    submitter_kind: str
    urgency: str
    budget: str
    contact_name: str
    contact_phone: str
    submitted_at: dt.datetime | None
    rating: int | None
    version: int

    @staticmethod
    def resolve_contact_name(obj: Demand, context: dict[str, Any]) -> str:
        return obj.contact_name if _sees_contact(obj, context) else f"{obj.contact_name[:1]}**"

    @staticmethod
    def resolve_contact_phone(obj: Demand, context: dict[str, Any]) -> str:
        return obj.contact_phone if _sees_contact(obj, context) else "对接成立后可见"


def _sees_contact(demand: Demand, context: dict[str, Any]) -> bool:
    cached = getattr(demand, "_sees_contact", None)
    if cached is None:
        cached = _decide_contact(demand, context)
        demand._sees_contact = cached  # type: ignore[attr-defined]
    return bool(cached)


def _decide_contact(demand: Demand, context: dict[str, Any]) -> bool:
    request = (context or {}).get("request")
    user = getattr(request, "user", None)
    if user is None:
        return False
    if rules.is_owner(user, demand) or rules.in_area(user, demand):
        return True
    # The other side of an accepted 对接; each read is in the audit trail (once a day per demand).
    if selectors.counterpart_connections(user=user, demand=demand):
        services.contact_view_record(user=user, demand=demand, whose="提出方", request=request)
        return True
    return False


class DemandIn(Schema):
    title: str = Field(min_length=4, max_length=80)
    description: str = Field(min_length=10, max_length=5000)
    division_code: str = Field(min_length=12, max_length=12)
    industry_code: str | None = Field(None, max_length=40)
    contact_name: str = Field(min_length=1, max_length=40)
    contact_phone: str = Field(max_length=20)
    urgency: Urgency = Urgency.NORMAL
    budget: Budget = Budget.NONE
    submit: bool = True


class TransitionIn(Schema):
    action: str = Field(pattern="^(submit|accept|return|merge|start|solve|confirm|dispute|close)$")
    version: int | None = None
    note: str = Field("", max_length=300)
    industry_code: str | None = None
    merge_into: int | None = None
    make_public: bool | None = None


class ConnectionOut(Schema):
    id: int
    demand_id: int
    target_kind: str
    target: str = Field(alias="target_label")
    status: str
    reasons: list[str]
    outcome: str


class ConnectionIn(Schema):
    target_kind: TargetKind
    target_id: int
    reasons: list[str] = Field(default_factory=list, max_length=10)


def _industry(code: str | None) -> Industry | None:
    if not code:
        return None
    industry = Industry.objects.filter(code=code).first()
    if industry is None:
        from django.core.exceptions import ValidationError

        raise ValidationError({"industry_code": f"产业分类 {code} 不存在"})
    return industry


@router.get("/demands", response=list[DemandOut], openapi_extra=api_scope(Demand), summary="需求列表")
@paginate(BoundedPagination, page_size=20)
def demand_list(request: HttpRequest, filters: Query[filter_query(DemandFilterForm)]):  # type: ignore[valid-type]
    demands = selectors.demand_list(user=request.user, **DemandFilterForm.strict(filter_data(filters)))
    # The response names the division only: no need to build the industry and the submitter.
    demands = demands.select_related(None).select_related("division")
    return selectors.with_viewer_connections(demands, user=request.user)


@router.post("/demands", response={201: DemandOut}, openapi_extra=api_scope(Demand), summary="填报需求")
def demand_create(request: HttpRequest, payload: DemandIn) -> Status:
    values = payload.dict()
    division = division_get(code=values.pop("division_code"))
    if division is None:
        from django.core.exceptions import ValidationError

        raise ValidationError({"division_code": "区划代码不存在"})
    industry = _industry(values.pop("industry_code"))
    submit = values.pop("submit")
    demand = services.demand_create(
        acting_user=request.user, submit=submit, division=division, industry=industry, **values
    )
    return Status(201, demand)


@router.get("/demands/{demand_id}", response=DemandOut, openapi_extra=api_scope(Demand), summary="需求详情")
def demand_detail(request: HttpRequest, demand_id: int) -> Demand:
    return found_or_404(selectors.demand_get(user=request.user, pk=demand_id))


@router.post(
    "/demands/{demand_id}/transition",
    response=DemandOut,
    openapi_extra=api_scope(Demand),
    summary="受理、退回、合并、标记解决、确认解决、提出异议、关闭",
    description="带上读取时的 version（或 If-Match 请求头）：其间已被他人处理或修改时返回 409，不做修改。",
)
def demand_transition(request: HttpRequest, demand_id: int, payload: TransitionIn) -> Demand:
    found_or_404(selectors.demand_get(user=request.user, pk=demand_id))
    merge_into = None
    if payload.merge_into:
        merge_into = selectors.demand_get(user=request.user, pk=payload.merge_into)
    return services.demand_transition(
        demand_id=demand_id,
        action=payload.action,
        acting_user=request.user,
        version=expected_version(request, payload.version),
        note=payload.note,
        industry=_industry(payload.industry_code),
        merge_into=merge_into,
        make_public=payload.make_public,
    )


@router.get(
    "/demands/{demand_id}/connections",
    response=list[ConnectionOut],
    openapi_extra=api_scope(Connection),
    summary="需求的对接",
)
def connection_list(request: HttpRequest, demand_id: int):
    demand = found_or_404(selectors.demand_get(user=request.user, pk=demand_id))
    return selectors.demand_connections(user=request.user, demand=demand)


@router.post(
    "/demands/{demand_id}/connections",
    response={201: ConnectionOut},
    openapi_extra=api_scope(Connection),
    summary="发起对接",
)
def connection_create(request: HttpRequest, demand_id: int, payload: ConnectionIn) -> Status:
    found_or_404(selectors.demand_get(user=request.user, pk=demand_id))
    connection = services.connection_propose(
        acting_user=request.user,
        demand_id=demand_id,
        target_kind=payload.target_kind,
        target_id=payload.target_id,
        reasons=payload.reasons,
    )
    return Status(201, connection)
