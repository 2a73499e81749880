"""创新型专业镇 over the API: the register, profiles and status, the pairing proposal, confirmed
pairs and their joint activities. Handlers are thin; services check who may do what."""

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

from . import selectors, services
from .forms import TownFilterForm
from .models import InnovativeTown, JointActivity, TownPair

router = Router(tags=["创新型专业镇"])
VERSION = Field(None, ge=0, le=2**31)
PAIR_KEY = Field(max_length=40, description="珠三角镇 9 位代码-粤东西北镇 9 位代码，如 442000104-441402101")


class TownOut(Schema):
    id: int
    division_code: str = Field(alias="division_id")
    name: str = Field(alias="division.full_name")
    in_east_west_north: bool
    leading_industry: str
    industry_codes: list[str]
    products: str
    platforms: int
    enterprises: int
    strengths: str
    needs: str
    status: str
    status_label: str = Field(alias="get_status_display")
    certified_on: dt.date | None
    valid_until: dt.date | None
    version: int


class ProfileIn(Schema):
    leading_industry: str | None = Field(None, max_length=60)
    industry_codes: list[str] | None = Field(None, max_length=10)
    products: str | None = Field(None, max_length=300)
    platforms: int | None = Field(None, ge=0, le=100000)
    enterprises: int | None = Field(None, ge=0, le=100000)
    strengths: str | None = Field(None, max_length=300)
    needs: str | None = Field(None, max_length=500)
    version: int | None = VERSION


class RegisterIn(Schema):
    division_code: str = Field(max_length=12)
    leading_industry: str = Field(max_length=60)
    industry_codes: list[str] = Field([], max_length=10)
    products: str = Field("", max_length=300)
    platforms: int = Field(0, ge=0, le=100000)
    enterprises: int = Field(0, ge=0, le=100000)
    strengths: str = Field("", max_length=300)
    needs: str = Field("", max_length=500)
    status: str = Field(
        "certified",
        max_length=12,
        description="cultivating 培育 / certified 认定 / reviewing 复核 / rectifying 整改 / revoked 撤销",
    )
    certified_on: dt.date | None = None
    valid_until: dt.date | None = None


class StatusIn(Schema):
    status: str = Field(max_length=12)
    note: str = Field(max_length=500)
    valid_until: dt.date | None = None
    version: int | None = VERSION


class ReviewIn(Schema):
    year: int = Field(ge=2000, le=2100)
    kind: str = Field(max_length=8, description="annual 年度报告 / midterm 中期评估 / final 期末验收")
    outcome: str = Field(max_length=8, description="pass 通过 / rectify 整改 / revoke 撤销")
    note: str = Field(max_length=500)
    version: int | None = VERSION


class ReviewOut(Schema):
    id: int
    town_id: int
    year: int
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    score: Decimal
    grade: str
    rank: int | None
    system_version: str
    outcome: str
    outcome_label: str = Field(alias="get_outcome_display")
    note: str
    created_at: dt.datetime


class PairOut(Schema):
    id: int
    pearl_id: int
    pearl_name: str = Field(alias="pearl.division.full_name")
    ewn_id: int
    ewn_name: str = Field(alias="ewn.division.full_name")
    score: float
    explanation: str
    status: str


class ProposalPairOut(Schema):
    pearl: str
    ewn: str
    score: float
    explanation: str
    locked: bool


class UnpairedOut(Schema):
    code: str
    missing: int
    reason: str


class ProposalOut(Schema):
    pairs: list[ProposalPairOut]
    unpaired: list[UnpairedOut]
    total_score: float


class ProposalIn(Schema):
    locked: list[str] = Field([], max_length=2000)
    forbidden: list[str] = Field([], max_length=2000)
    min_score: float | None = Field(None, ge=0, le=1)


class ConfirmIn(Schema):
    pairs: list[str] = Field(min_length=1, max_length=2000)
    forbidden: list[str] = Field([], max_length=2000)


class ActivityIn(Schema):
    kind: str = Field(max_length=10, description="research 共性技术研发 / model 模式借鉴 / standard 标准联动")
    title: str = Field(max_length=120)
    held_on: dt.date
    summary: str = Field(max_length=2000)
    results: str = Field("", max_length=500)


class ActivityOut(Schema):
    id: int
    pair_id: int
    kind: str
    title: str
    held_on: dt.date
    summary: str
    results: str


def _town(request: HttpRequest, town_id: int) -> InnovativeTown:
    return found_or_404(selectors.town_get(user=request.user, town_id=town_id))


def _pair(request: HttpRequest, pair_id: int) -> TownPair:
    return found_or_404(selectors.pair_get(user=request.user, pair_id=pair_id))


@router.get("", response=list[TownOut], openapi_extra=api_scope(InnovativeTown), summary="创新型专业镇名录")
@paginate(BoundedPagination, page_size=50)
def town_list(request: HttpRequest, filters: Query[filter_query(TownFilterForm)]):  # type: ignore[valid-type]
    values = TownFilterForm.strict(filter_data(filters))
    return selectors.town_list(
        user=request.user,
        q=values["q"],
        status=values["status"],
        east_west_north=bool(values["east_west_north"]),
    )


@router.post(
    "", response={201: TownOut}, openapi_extra=api_scope(InnovativeTown), summary="登记专业镇（省科技厅）"
)
def town_register(request: HttpRequest, payload: RegisterIn) -> Status:
    return Status(201, services.town_register(acting_user=request.user, **payload.dict()))


@router.get("/pairs", response=list[PairOut], openapi_extra=api_scope(TownPair), summary="结对中的专业镇")
@paginate(BoundedPagination, page_size=50)
def pair_list(request: HttpRequest):
    return selectors.pairs_of(user=request.user)


@router.post(
    "/pairs/proposal",
    response=ProposalOut,
    openapi_extra=api_scope(TownPair),
    summary="生成结对建议（省科技厅）",
)
def pairing_proposal(request: HttpRequest, payload: ProposalIn) -> dict[str, Any]:
    result, _towns = services.pairing_propose(acting_user=request.user, **payload.dict())
    return {"pairs": result.pairs, "unpaired": result.unpaired, "total_score": result.total_score}


@router.post(
    "/pairs", response={201: list[PairOut]}, openapi_extra=api_scope(TownPair), summary="确认结对（省科技厅）"
)
def pairs_confirm(request: HttpRequest, payload: ConfirmIn) -> Status:
    return Status(
        201,
        services.pairs_confirm(acting_user=request.user, pairs=payload.pairs, forbidden=payload.forbidden),
    )


@router.get("/pairs/{int:pair_id}", response=PairOut, openapi_extra=api_scope(TownPair), summary="结对详情")
def pair_detail(request: HttpRequest, pair_id: int) -> TownPair:
    return _pair(request, pair_id)


@router.get(
    "/pairs/{int:pair_id}/activities",
    response=list[ActivityOut],
    openapi_extra=api_scope(TownPair),
    summary="结对合作活动",
)
def activity_list(request: HttpRequest, pair_id: int) -> Any:
    return selectors.activities_of(pair=_pair(request, pair_id))


@router.post(
    "/pairs/{int:pair_id}/activities",
    response={201: ActivityOut},
    openapi_extra=api_scope(TownPair),
    summary="记录合作活动（结对双方所在镇、县、市科技部门）",
)
def activity_record(request: HttpRequest, pair_id: int, payload: ActivityIn) -> Status:
    activity: JointActivity = services.activity_record(
        acting_user=request.user, pair_id=_pair(request, pair_id).pk, **payload.dict()
    )
    return Status(201, activity)


@router.get(
    "/{int:town_id}/reviews",
    response=list[ReviewOut],
    openapi_extra=api_scope(InnovativeTown),
    summary="年度管理结论（年度报告、中期评估、期末验收）",
)
def review_list(request: HttpRequest, town_id: int) -> Any:
    return _town(request, town_id).reviews.all()


@router.post(
    "/{int:town_id}/reviews",
    response={201: ReviewOut},
    openapi_extra=api_scope(InnovativeTown),
    summary="作出年度管理结论（省科技厅）：依据该年度验收评价通过、整改或撤销",
)
def review_record(request: HttpRequest, town_id: int, payload: ReviewIn) -> Status:
    values = payload.dict()
    values.pop("version")
    review = services.town_review_record(
        acting_user=request.user,
        town_id=_town(request, town_id).pk,
        version=expected_version(request, payload.version),
        **values,
    )
    return Status(201, review)


@router.get("/{int:town_id}", response=TownOut, openapi_extra=api_scope(InnovativeTown), summary="专业镇详情")
def town_detail(request: HttpRequest, town_id: int) -> InnovativeTown:
    return _town(request, town_id)


@router.patch(
    "/{int:town_id}", response=TownOut, openapi_extra=api_scope(InnovativeTown), summary="更新专业镇概况"
)
def town_update(request: HttpRequest, town_id: int, payload: ProfileIn) -> InnovativeTown:
    values = payload.dict(exclude_none=True)
    values.pop("version", None)
    return services.town_profile_update(
        acting_user=request.user,
        town_id=_town(request, town_id).pk,
        version=expected_version(request, payload.version),
        **values,
    )


@router.post(
    "/{int:town_id}/status",
    response=TownOut,
    openapi_extra=api_scope(InnovativeTown),
    summary="变更状态（年度管理，省科技厅）",
)
def town_status(request: HttpRequest, town_id: int, payload: StatusIn) -> InnovativeTown:
    return services.town_status_set(
        acting_user=request.user,
        town_id=_town(request, town_id).pk,
        status=payload.status,
        note=payload.note,
        valid_until=payload.valid_until,
        version=expected_version(request, payload.version),
    )
