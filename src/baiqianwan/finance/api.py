"""科技信贷 over the API: products (and which fit a need), applications, loans with repayment and
default, compensation claims, the ratio versions, the calculator and the dashboard. Handlers are
thin; services check who may do what."""

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
from baiqianwan.core.scope import API_PUBLIC, api_scope
from baiqianwan.core.selectors import found_or_404

from . import selectors, services
from .forms import ApplicationFilterForm, ClaimFilterForm, LoanFilterForm, ProductFilterForm
from .models import CompensationClaim, CompensationRatio, CreditProduct, Loan, LoanApplication

router = Router(tags=["科技信贷"])
ID = Field(ge=1, le=2**63 - 1)
VERSION = Field(None, ge=0, le=2**31)
YUAN = "元，两位小数"
KINDS = "enterprise 企业 / cooperative 农民专业合作社 / family_farm 家庭农场"


class VersionIn(Schema):
    version: int | None = VERSION


class ReasonIn(VersionIn):
    reason: str = Field(max_length=500)


class ProductOut(Schema):
    id: int
    bank_id: int
    bank_name: str = Field(alias="bank.name")
    name: str
    summary: str
    eligible_region: str
    borrower_kinds: list[str]
    amount_min: Decimal
    amount_max: Decimal
    term_min_months: int
    term_max_months: int
    rate_min: Decimal
    rate_max: Decimal
    collateral: str
    under_scheme: bool
    status: str
    status_label: str = Field(alias="get_status_display")
    version: int


class ProductIn(Schema):
    bank_id: int | None = Field(
        None, ge=1, le=2**63 - 1, description="省科技厅代为登记时填写；银行账号为本行"
    )
    name: str = Field(max_length=80)
    summary: str = Field("", max_length=2000)
    eligible_region: str = Field("all", max_length=5, description="all 全省 / ewn 粤东西北 / pearl 珠三角")
    borrower_kinds: list[str] = Field(max_length=3, description=KINDS)
    industries: list[str] = Field([], max_length=60, description="产业代码；不填为不限产业")
    amount_min: Decimal = Field(description=YUAN)
    amount_max: Decimal = Field(description=YUAN)
    term_min_months: int = Field(ge=1, le=360)
    term_max_months: int = Field(ge=1, le=360)
    rate_min: Decimal = Field(description="年利率，%")
    rate_max: Decimal = Field(description="年利率，%")
    collateral: str = Field(max_length=200)
    under_scheme: bool = True
    publish: bool = Field(False, description="true 立即发布，false 保存为草稿")


class ProductPatch(Schema):
    name: str | None = Field(None, max_length=80)
    summary: str | None = Field(None, max_length=2000)
    eligible_region: str | None = Field(None, max_length=5)
    borrower_kinds: list[str] | None = Field(None, max_length=3)
    industries: list[str] | None = Field(None, max_length=60)
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    term_min_months: int | None = Field(None, ge=1, le=360)
    term_max_months: int | None = Field(None, ge=1, le=360)
    rate_min: Decimal | None = None
    rate_max: Decimal | None = None
    collateral: str | None = Field(None, max_length=200)
    under_scheme: bool | None = None
    version: int | None = VERSION


class MatchQuery(Schema):
    kind: str = Field("enterprise", max_length=12, description=KINDS + "（单位账号为本单位类型）")
    place: str = Field("", max_length=12, description="借款单位所在地区划代码（单位账号为本单位所在地）")
    industry: str = Field("", max_length=40)
    amount: Decimal | None = Field(None, ge=0, le=Decimal("10000000000"))
    term_months: int | None = Field(None, ge=1, le=360)


class MatchRow(Schema):
    product: ProductOut
    reasons: list[str]


class MatchOut(Schema):
    fits: list[MatchRow]
    others: list[MatchRow]


class ApplicationOut(Schema):
    id: int
    reference: str
    product_id: int
    product_name: str = Field(alias="product.name")
    bank_name: str = Field(alias="product.bank.name")
    applicant_id: int
    applicant_name: str = Field(alias="applicant.name")
    industry_id: str | None
    amount: Decimal
    term_months: int
    purpose: str
    status: str
    status_label: str = Field(alias="get_status_display")
    decision_note: str
    created_at: dt.datetime
    version: int


class ApplicationIn(Schema):
    product_id: int = ID
    amount: Decimal = Field(description=YUAN)
    term_months: int = Field(ge=1, le=360)
    purpose: str = Field(max_length=1000)
    industry: str = Field("", max_length=40)


class LoanOut(Schema):
    id: int
    reference: str
    product_id: int
    application_id: int | None
    bank_id: int
    bank_name: str = Field(alias="bank.name")
    borrower_id: int
    borrower_name: str = Field(alias="borrower.name")
    contract_number: str
    amount: Decimal
    rate: Decimal
    term_months: int
    lent_on: dt.date
    due_on: dt.date
    place_code: str = Field(alias="place_id")
    region: str
    under_scheme: bool
    ratio: Decimal | None
    cap: Decimal | None
    status: str
    status_label: str = Field(alias="get_status_display")
    repaid_on: dt.date | None
    defaulted_on: dt.date | None
    outstanding_at_default: Decimal | None
    version: int


class LoanIn(Schema):
    application_id: int | None = Field(None, ge=1, le=2**63 - 1, description="为平台上的申请放款时填写")
    product_id: int | None = Field(None, ge=1, le=2**63 - 1, description="柜台放款时填写本行产品")
    borrower_uscc: str | None = Field(
        None, max_length=30, description="柜台放款时填写借款单位统一社会信用代码"
    )
    contract_number: str = Field(max_length=40)
    amount: Decimal = Field(description=YUAN)
    rate: Decimal = Field(description="年利率，%")
    term_months: int = Field(ge=1, le=360)
    lent_on: dt.date


class RepayIn(VersionIn):
    repaid_on: dt.date


class DefaultIn(VersionIn):
    defaulted_on: dt.date
    outstanding: Decimal = Field(description=YUAN)


class ClaimIn(Schema):
    recovered: Decimal = Field(Decimal("0"), description=YUAN)
    note: str = Field("", max_length=500)


class ClaimOut(Schema):
    id: int
    loan_id: int
    contract_number: str = Field(alias="loan.contract_number")
    bank_name: str = Field(alias="loan.bank.name")
    outstanding: Decimal
    recovered: Decimal
    loss: Decimal
    ratio: Decimal
    compensation: Decimal
    bank_bears: Decimal
    capped: bool
    status: str
    status_label: str = Field(alias="get_status_display")
    paid_on: dt.date | None
    note: str
    version: int


class DecideIn(VersionIn):
    approve: bool
    reason: str = Field("", max_length=500, description="不予补偿时必填")


class PayIn(VersionIn):
    paid_on: dt.date


class RatioOut(Schema):
    id: int
    region: str
    effective_from: dt.date
    ratio: Decimal
    cap: Decimal | None
    basis: str


class RatioIn(Schema):
    region: str = Field(max_length=5, description="pearl 珠三角 / ewn 粤东西北")
    effective_from: dt.date
    ratio: Decimal = Field(description="0 到 1，如 0.6")
    cap: Decimal | None = Field(None, description=YUAN + "；不填为不设上限")
    basis: str = Field("", max_length=200)


class EstimateQuery(Schema):
    region: str = Field("", max_length=5, description="pearl 珠三角 / ewn 粤东西北")
    place: str = Field("", max_length=12, description="或借款单位所在地区划代码")
    lent_on: dt.date | None = None
    principal: Decimal = Field(description="违约时贷款余额，" + YUAN)
    recovered: Decimal = Field(Decimal("0"), description=YUAN)


class EstimateOut(Schema):
    region: str
    effective_from: dt.date
    ratio: Decimal
    cap: Decimal | None
    outstanding: Decimal
    recovered: Decimal
    loss: Decimal
    compensation: Decimal
    bank_bears: Decimal
    capped: bool


class RegionRow(Schema):
    region: str
    label: str
    loans: int
    amount: Decimal
    scheme: Decimal


class CityRow(Schema):
    code: str
    name: str
    loans: int
    amount: Decimal
    scheme: Decimal
    defaults: int


class YearRow(Schema):
    year: int
    loans: int
    amount: Decimal
    ewn_scheme: Decimal


class ClaimRow(Schema):
    status: str
    label: str
    claims: int
    compensation: Decimal
    loss: Decimal
    bank_bears: Decimal


class DashboardOut(Schema):
    loans: int
    amount: Decimal
    scheme_loans: int
    scheme_amount: Decimal
    defaults: int
    defaulted: Decimal
    ewn_scheme_amount: Decimal
    ewn_scheme_yi: Decimal
    open_applications: int
    by_region: list[RegionRow]
    by_city: list[CityRow]
    by_year: list[YearRow]
    claims: list[ClaimRow]


def _product(request: HttpRequest, product_id: int) -> CreditProduct:
    return found_or_404(selectors.product_get(user=request.user, product_id=product_id))


def _application(request: HttpRequest, application_id: int) -> LoanApplication:
    return found_or_404(selectors.application_get(user=request.user, application_id=application_id))


def _loan(request: HttpRequest, loan_id: int) -> Loan:
    return found_or_404(selectors.loan_get(user=request.user, loan_id=loan_id))


def _claim(request: HttpRequest, claim_id: int) -> CompensationClaim:
    return found_or_404(selectors.claim_list(user=request.user).filter(pk=claim_id).first())


# ---- dashboard, ratios, calculator -------------------------------------------------------------


@router.get("/dashboard", response=DashboardOut, openapi_extra=api_scope(Loan), summary="科技信贷概览")
def dashboard(request: HttpRequest) -> dict[str, Any]:
    return selectors.dashboard(user=request.user)


@router.get("/ratios", response=list[RatioOut], openapi_extra=API_PUBLIC, summary="风险补偿比例（各版本）")
def ratio_list(request: HttpRequest) -> list[CompensationRatio]:
    return [row for rows in selectors.ratio_history().values() for row in rows]


@router.post(
    "/ratios", response={201: RatioOut}, openapi_extra=API_PUBLIC, summary="设置新的补偿比例（省科技厅）"
)
def ratio_create(request: HttpRequest, payload: RatioIn) -> Status:
    return Status(201, services.ratio_create(acting_user=request.user, **payload.dict()))


@router.get("/calculator", response=EstimateOut, openapi_extra=API_PUBLIC, summary="风险补偿测算")
def calculator(request: HttpRequest, query: Query[EstimateQuery]) -> dict[str, Any]:
    result = services.estimate(
        region=query.region,
        division_code=query.place,
        lent_on=query.lent_on or "",
        principal=query.principal,
        recovered=query.recovered,
    )
    claim = result.claim
    return {
        "region": result.version.region,
        "effective_from": result.version.effective_from,
        "ratio": result.version.ratio,
        "cap": result.version.cap,
        "outstanding": claim.outstanding,
        "recovered": claim.recovered,
        "loss": claim.loss,
        "compensation": claim.compensation,
        "bank_bears": claim.bank_bears,
        "capped": claim.capped,
    }


# ---- products ---------------------------------------------------------------------------------


@router.get(
    "/products", response=list[ProductOut], openapi_extra=api_scope(CreditProduct), summary="信贷产品"
)
@paginate(BoundedPagination, page_size=50)
def product_list(request: HttpRequest, filters: Query[filter_query(ProductFilterForm)]):  # type: ignore[valid-type]
    return selectors.product_list(user=request.user, **ProductFilterForm.strict(filter_data(filters)))


@router.get(
    "/products/match", response=MatchOut, openapi_extra=api_scope(CreditProduct), summary="按需求匹配信贷产品"
)
def product_match(request: HttpRequest, query: Query[MatchQuery]) -> dict[str, Any]:
    from . import rules

    user = request.user
    borrower = getattr(user, "organisation", None) if rules.is_borrower(user) else None
    found = selectors.product_match(
        user=user,
        kind=borrower.kind if borrower else query.kind,
        division_code=borrower.division_id if borrower else query.place,
        industry=query.industry,
        amount=query.amount,
        term=query.term_months,
    )
    return {
        "fits": [{"product": product, "reasons": list(reasons)} for product, reasons in found["fits"]],
        "others": [{"product": product, "reasons": list(reasons)} for product, reasons in found["others"]],
    }


@router.post(
    "/products",
    response={201: ProductOut},
    openapi_extra=api_scope(CreditProduct),
    summary="发布信贷产品（银行）",
)
def product_create(request: HttpRequest, payload: ProductIn) -> Status:
    return Status(201, services.product_create(acting_user=request.user, **payload.dict()))


@router.get(
    "/products/{int:product_id}",
    response=ProductOut,
    openapi_extra=api_scope(CreditProduct),
    summary="产品详情",
)
def product_detail(request: HttpRequest, product_id: int) -> CreditProduct:
    return _product(request, product_id)


@router.patch(
    "/products/{int:product_id}",
    response=ProductOut,
    openapi_extra=api_scope(CreditProduct),
    summary="修改产品",
)
def product_update(request: HttpRequest, product_id: int, payload: ProductPatch) -> CreditProduct:
    values = payload.dict(exclude_unset=True)
    values.pop("version", None)
    return services.product_update(
        acting_user=request.user,
        product_id=_product(request, product_id).pk,
        version=expected_version(request, payload.version),
        **values,
    )


@router.post(
    "/products/{int:product_id}/publish",
    response=ProductOut,
    openapi_extra=api_scope(CreditProduct),
    summary="发布草稿",
)
def product_publish(request: HttpRequest, product_id: int, payload: VersionIn) -> CreditProduct:
    return services.product_publish(
        acting_user=request.user,
        product_id=_product(request, product_id).pk,
        version=expected_version(request, payload.version),
    )


@router.post(
    "/products/{int:product_id}/close",
    response=ProductOut,
    openapi_extra=api_scope(CreditProduct),
    summary="停办",
)
def product_close(request: HttpRequest, product_id: int, payload: VersionIn) -> CreditProduct:
    return services.product_close(
        acting_user=request.user,
        product_id=_product(request, product_id).pk,
        version=expected_version(request, payload.version),
    )


# ---- applications -----------------------------------------------------------------------------


@router.get(
    "/applications",
    response=list[ApplicationOut],
    openapi_extra=api_scope(LoanApplication),
    summary="贷款申请",
)
@paginate(BoundedPagination, page_size=50)
def application_list(request: HttpRequest, filters: Query[filter_query(ApplicationFilterForm)]):  # type: ignore[valid-type]
    return selectors.application_list(user=request.user, **ApplicationFilterForm.strict(filter_data(filters)))


@router.post(
    "/applications",
    response={201: ApplicationOut},
    openapi_extra=api_scope(LoanApplication),
    summary="申请贷款（企业、合作社、家庭农场）",
)
def application_submit(request: HttpRequest, payload: ApplicationIn) -> Status:
    return Status(201, services.application_submit(acting_user=request.user, **payload.dict()))


@router.get(
    "/applications/{int:application_id}",
    response=ApplicationOut,
    openapi_extra=api_scope(LoanApplication),
    summary="申请详情",
)
def application_detail(request: HttpRequest, application_id: int) -> LoanApplication:
    return _application(request, application_id)


@router.post(
    "/applications/{int:application_id}/withdraw",
    response=ApplicationOut,
    openapi_extra=api_scope(LoanApplication),
    summary="撤回申请",
)
def application_withdraw(request: HttpRequest, application_id: int, payload: VersionIn) -> LoanApplication:
    return services.application_withdraw(
        acting_user=request.user,
        application_id=_application(request, application_id).pk,
        version=expected_version(request, payload.version),
    )


@router.post(
    "/applications/{int:application_id}/decline",
    response=ApplicationOut,
    openapi_extra=api_scope(LoanApplication),
    summary="不予放款（银行）",
)
def application_decline(request: HttpRequest, application_id: int, payload: ReasonIn) -> LoanApplication:
    return services.application_decline(
        acting_user=request.user,
        application_id=_application(request, application_id).pk,
        reason=payload.reason,
        version=expected_version(request, payload.version),
    )


# ---- loans and claims -------------------------------------------------------------------------


@router.get("/loans", response=list[LoanOut], openapi_extra=api_scope(Loan), summary="贷款")
@paginate(BoundedPagination, page_size=50)
def loan_list(request: HttpRequest, filters: Query[filter_query(LoanFilterForm)]):  # type: ignore[valid-type]
    values = LoanFilterForm.strict(filter_data(filters))
    return selectors.loan_list(
        user=request.user,
        q=values["q"],
        region=values["region"],
        status=values["status"],
        scheme={True: "yes", False: "no"}.get(values["scheme"], ""),
        year=values["year"],
    )


@router.post("/loans", response={201: LoanOut}, openapi_extra=api_scope(Loan), summary="登记放款（银行）")
def loan_record(request: HttpRequest, payload: LoanIn) -> Status:
    return Status(201, services.loan_record(acting_user=request.user, **payload.dict()))


@router.get("/loans/{int:loan_id}", response=LoanOut, openapi_extra=api_scope(Loan), summary="贷款详情")
def loan_detail(request: HttpRequest, loan_id: int) -> Loan:
    return _loan(request, loan_id)


@router.post(
    "/loans/{int:loan_id}/repay", response=LoanOut, openapi_extra=api_scope(Loan), summary="登记结清"
)
def loan_repay(request: HttpRequest, loan_id: int, payload: RepayIn) -> Loan:
    return services.loan_repay(
        acting_user=request.user,
        loan_id=_loan(request, loan_id).pk,
        repaid_on=payload.repaid_on,
        version=expected_version(request, payload.version),
    )


@router.post(
    "/loans/{int:loan_id}/default", response=LoanOut, openapi_extra=api_scope(Loan), summary="登记违约"
)
def loan_default(request: HttpRequest, loan_id: int, payload: DefaultIn) -> Loan:
    return services.loan_default(
        acting_user=request.user,
        loan_id=_loan(request, loan_id).pk,
        defaulted_on=payload.defaulted_on,
        outstanding=payload.outstanding,
        version=expected_version(request, payload.version),
    )


@router.post(
    "/loans/{int:loan_id}/claim",
    response={201: ClaimOut},
    openapi_extra=api_scope(Loan),
    summary="申请风险补偿（银行）",
)
def claim_submit(request: HttpRequest, loan_id: int, payload: ClaimIn) -> Status:
    return Status(
        201,
        services.claim_submit(acting_user=request.user, loan_id=_loan(request, loan_id).pk, **payload.dict()),
    )


@router.get(
    "/claims", response=list[ClaimOut], openapi_extra=api_scope(CompensationClaim), summary="风险补偿申请"
)
@paginate(BoundedPagination, page_size=50)
def claim_list(request: HttpRequest, filters: Query[filter_query(ClaimFilterForm)]):  # type: ignore[valid-type]
    return selectors.claim_list(user=request.user, **ClaimFilterForm.strict(filter_data(filters)))


@router.post(
    "/claims/{int:claim_id}/decide",
    response=ClaimOut,
    openapi_extra=api_scope(CompensationClaim),
    summary="核定或不予补偿（省科技厅）",
)
def claim_decide(request: HttpRequest, claim_id: int, payload: DecideIn) -> CompensationClaim:
    return services.claim_decide(
        acting_user=request.user,
        claim_id=_claim(request, claim_id).pk,
        approve=payload.approve,
        reason=payload.reason,
        version=expected_version(request, payload.version),
    )


@router.post(
    "/claims/{int:claim_id}/pay",
    response=ClaimOut,
    openapi_extra=api_scope(CompensationClaim),
    summary="登记拨付（省科技厅）",
)
def claim_pay(request: HttpRequest, claim_id: int, payload: PayIn) -> CompensationClaim:
    return services.claim_pay(
        acting_user=request.user,
        claim_id=_claim(request, claim_id).pk,
        paid_on=payload.paid_on,
        version=expected_version(request, payload.version),
    )
