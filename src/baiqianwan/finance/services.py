"""Writes of 科技信贷 and the 科技信贷风险补偿 scheme: the province's ratio versions, banks' products,
borrowers' applications, the loans banks record (each keeping the ratio of its date), repayment,
default, the bank's claim and the province's decision and payment — each step one transaction with
its history, version-checked; bad input named by field, in Chinese, with nothing stored. The
arithmetic is the plain engine's (engine/compensation.py)."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext

from baiqianwan.core.concurrency import version_check
from baiqianwan.core.money import amount
from baiqianwan.core.selectors import valid_id
from baiqianwan.core.text import strip_control_characters, to_simplified
from baiqianwan.core.validators import validate_uscc
from baiqianwan.industries.models import Industry
from baiqianwan.orgs.models import Organisation, OrganisationKind
from baiqianwan.regions.classification import is_east_west_north

from . import engine, notices, rules
from .models import (
    ApplicationStatus,
    BorrowerKind,
    ClaimStatus,
    CompensationClaim,
    CompensationRatio,
    CreditProduct,
    EligibleRegion,
    Loan,
    LoanAction,
    LoanApplication,
    LoanEvent,
    LoanStatus,
    ProductStatus,
    SchemeRegion,
)

MAX_LOAN = Decimal("10000000000.00")  # 100 亿元: no rural loan comes near it; larger is a typing error
MAX_TERM_MONTHS = 360
MAX_RATE = Decimal("36.00")  # % a year: the legal ceiling of lending rates is far below
EARLIEST_LOAN = dt.date(2000, 1, 1)
YI = Decimal("100000000")


def _text(value: Any, limit: int) -> str:
    return to_simplified(strip_control_characters(str(value or ""))).strip()[:limit]


def _loan_amount(value: Any, field: str, label: str) -> Decimal:
    return amount(value, field, label, maximum=MAX_LOAN, positive=True)


def _months(value: Any, field: str, label: str) -> int:
    text = str(value if value is not None else "").strip()
    if not text.isdigit() or len(text) > 4:
        raise ValidationError({field: gettext("{label}须是整数月数，如 12").format(label=label)})
    months = int(text)
    if not 1 <= months <= MAX_TERM_MONTHS:
        raise ValidationError(
            {field: gettext("{label}须在 1 到 {max} 个月之间").format(label=label, max=MAX_TERM_MONTHS)}
        )
    return months


def _rate(value: Any, field: str, label: str) -> Decimal:
    try:
        rate = Decimal(str(value).strip().rstrip("%"))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: gettext("{label}须是百分数，如 3.85").format(label=label)}) from None
    if not rate.is_finite() or rate <= 0 or rate > MAX_RATE:
        raise ValidationError(
            {field: gettext("{label}须大于 0、不超过 {max}%").format(label=label, max=MAX_RATE)}
        )
    if rate != rate.quantize(Decimal("0.01")):
        raise ValidationError({field: gettext("{label}最多两位小数").format(label=label)})
    return rate.quantize(Decimal("0.01"))


def _date(value: Any, field: str, label: str, *, earliest: dt.date = EARLIEST_LOAN) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value or "").strip())
        except ValueError:
            raise ValidationError(
                {field: gettext("{label}须是日期，如 2026-03-01").format(label=label)}
            ) from None
    if value > timezone.localdate():
        raise ValidationError({field: gettext("{label}不能晚于今天").format(label=label)})
    if value < earliest:
        raise ValidationError(
            {field: gettext("{label}不能早于 {day}").format(label=label, day=earliest.isoformat())}
        )
    return value


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when it has no such day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def scheme_region(division_code: str) -> str:
    return SchemeRegion.EWN if is_east_west_north(division_code) else SchemeRegion.PEARL


def _event(actor: Any, action: str, before: str, after: str, note: str = "", **record: Any) -> None:
    LoanEvent.objects.create(
        actor=actor, action=action, from_status=before, to_status=after, note=note[:500], **record
    )


# ---- ratios -----------------------------------------------------------------------------------


def ratio_versions() -> list[engine.RatioVersion]:
    return [
        engine.RatioVersion(row.region, row.effective_from, row.ratio, row.cap)
        for row in CompensationRatio.objects.all()
    ]


def _engine_error(exc: engine.CompensationError) -> ValidationError:
    return ValidationError({exc.field: exc.message})


def _planned_day(value: Any, field: str, label: str) -> dt.date:
    """A day from 2000 to two years ahead (a ratio announced for the next budget year, a loan
    being planned in the calculator)."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value or "").strip())
        except ValueError:
            raise ValidationError(
                {field: gettext("{label}须是日期，如 2026-01-01").format(label=label)}
            ) from None
    if value < EARLIEST_LOAN or value > timezone.localdate() + dt.timedelta(days=366 * 2):
        raise ValidationError({field: gettext("{label}须在 2000 年以后、两年以内").format(label=label)})
    return value


@transaction.atomic
def ratio_create(
    *,
    acting_user: Any,
    region: Any,
    effective_from: Any,
    ratio: Any,
    cap: Any = None,
    basis: Any = "",
) -> CompensationRatio:
    """The province sets a new ratio for a region from a date. It may not start before a loan
    already lent under the scheme in that region: that loan keeps the ratio it was lent under, and
    the history must say so."""
    if not rules.can_set_ratios(acting_user):
        raise PermissionDenied(gettext("只有省科技厅可以设置风险补偿比例"))
    if region not in SchemeRegion.values:
        raise ValidationError({"region": gettext("区域须是珠三角或粤东西北")})
    start = _planned_day(effective_from, "effective_from", gettext("起始日期"))
    try:
        share = Decimal(str(ratio).strip().rstrip("%"))
    except (InvalidOperation, ValueError):
        raise ValidationError({"ratio": gettext("补偿比例须是 0 到 1 之间的小数，如 0.6")}) from None
    if share.is_finite() and str(ratio).strip().endswith("%"):
        share = share / 100
    if (
        not share.is_finite()
        or not Decimal(0) < share <= Decimal(1)
        or share != share.quantize(Decimal("0.0001"))
    ):
        raise ValidationError({"ratio": gettext("补偿比例须大于 0、不超过 1，最多四位小数，如 0.6")})
    limit = (
        None
        if cap in (None, "")
        else amount(cap, "cap", gettext("单笔补偿上限"), maximum=MAX_LOAN, positive=True)
    )
    latest_loan = Loan.all_objects.filter(region=region, under_scheme=True).aggregate(day=Max("lent_on"))[
        "day"
    ]
    if latest_loan is not None and start <= latest_loan:
        raise ValidationError(
            {
                "effective_from": gettext(
                    "{region}已有 {day} 放款的贷款保留了当时的比例，新比例须从 {next} 起生效"
                ).format(
                    region=SchemeRegion(region).label,
                    day=latest_loan.isoformat(),
                    next=(latest_loan + dt.timedelta(days=1)).isoformat(),
                )
            }
        )
    if CompensationRatio.objects.filter(region=region, effective_from=start).exists():
        raise ValidationError({"effective_from": gettext("该区域在这一天已有补偿比例")})
    try:
        engine.check_versions([*ratio_versions(), engine.RatioVersion(region, start, share, limit)])
    except engine.CompensationError as exc:
        raise _engine_error(exc) from None
    return CompensationRatio.objects.create(
        region=region,
        effective_from=start,
        ratio=share,
        cap=limit,
        basis=_text(basis, 200),
        set_by=acting_user,
    )


def estimate(
    *, division_code: str = "", region: str = "", lent_on: Any, principal: Any, recovered: Any = "0"
) -> engine.Estimate:
    """The calculator: the ratio a loan lent that day in that place would keep, and what the
    scheme would pay if it defaulted with ``principal`` outstanding and ``recovered`` got back."""
    if division_code:
        region = scheme_region(division_code)
    if region not in SchemeRegion.values:
        raise ValidationError({"region": gettext("请选择区域（珠三角或粤东西北）")})
    day = (
        _date(lent_on, "lent_on", gettext("放款日期")) if lent_on not in (None, "") else timezone.localdate()
    )
    try:
        return engine.estimate(
            ratio_versions(), region=region, lent_on=day, principal=principal, recovered=recovered
        )
    except engine.CompensationError as exc:
        raise _engine_error(exc) from None


# ---- products ---------------------------------------------------------------------------------

PRODUCT_FIELDS = (
    "name",
    "summary",
    "eligible_region",
    "borrower_kinds",
    "industries",
    "amount_min",
    "amount_max",
    "term_min_months",
    "term_max_months",
    "rate_min",
    "rate_max",
    "collateral",
    "under_scheme",
)


def _industries(codes: Any) -> list[Industry]:
    wanted = [str(code).strip() for code in (codes or []) if str(code).strip()]
    if len(wanted) > 60:
        raise ValidationError({"industries": gettext("适用产业最多 60 项")})
    found = {industry.code: industry for industry in Industry.objects.filter(code__in=wanted)}
    missing = [code[:40] for code in wanted if code not in found]
    if missing:
        raise ValidationError(
            {"industries": gettext("没有这些产业：{codes}").format(codes="、".join(missing[:5]))}
        )
    return list(found.values())


def _product_values(product: CreditProduct, values: dict[str, Any]) -> list[Industry] | None:
    if "name" in values:
        product.name = _text(values["name"], 80)
    if "summary" in values:
        product.summary = _text(values["summary"], 2000)
    if "eligible_region" in values:
        if values["eligible_region"] not in EligibleRegion.values:
            raise ValidationError({"eligible_region": gettext("适用区域须是全省、粤东西北或珠三角")})
        product.eligible_region = values["eligible_region"]
    if "borrower_kinds" in values:
        kinds = sorted({str(kind) for kind in (values["borrower_kinds"] or [])})
        if not kinds or any(kind not in BorrowerKind.values for kind in kinds):
            raise ValidationError(
                {"borrower_kinds": gettext("适用对象须从企业、农民专业合作社、家庭农场中选择")}
            )
        product.borrower_kinds = kinds
    for field, label in (("amount_min", gettext("最低额度")), ("amount_max", gettext("最高额度"))):
        if field in values:
            setattr(product, field, _loan_amount(values[field], field, label))
    for field, label in (("term_min_months", gettext("最短期限")), ("term_max_months", gettext("最长期限"))):
        if field in values:
            setattr(product, field, _months(values[field], field, label))
    for field, label in (("rate_min", gettext("最低年利率")), ("rate_max", gettext("最高年利率"))):
        if field in values:
            setattr(product, field, _rate(values[field], field, label))
    if "collateral" in values:
        product.collateral = _text(values["collateral"], 200)
    if "under_scheme" in values:
        product.under_scheme = bool(values["under_scheme"])
    if len(product.name) < 2:
        raise ValidationError({"name": gettext("请填写产品名称")})
    if not product.collateral:
        raise ValidationError({"collateral": gettext("请填写担保方式（如信用、保证、抵押）")})
    if product.amount_min is None or product.amount_max is None:
        raise ValidationError({"amount_max": gettext("请填写最低和最高额度")})
    if product.amount_min > product.amount_max:
        raise ValidationError({"amount_max": gettext("最高额度不能低于最低额度")})
    if product.term_min_months is None or product.term_max_months is None:
        raise ValidationError({"term_max_months": gettext("请填写最短和最长期限")})
    if product.term_min_months > product.term_max_months:
        raise ValidationError({"term_max_months": gettext("最长期限不能短于最短期限")})
    if product.rate_min is None or product.rate_max is None:
        raise ValidationError({"rate_max": gettext("请填写最低和最高年利率")})
    if product.rate_min > product.rate_max:
        raise ValidationError({"rate_max": gettext("最高年利率不能低于最低年利率")})
    if not product.borrower_kinds:
        raise ValidationError({"borrower_kinds": gettext("请选择适用对象")})
    duplicate = CreditProduct.all_objects.filter(bank_id=product.bank_id, name=product.name).exclude(
        pk=product.pk
    )
    if duplicate.exists():
        raise ValidationError({"name": gettext("本行已有同名产品")})
    return _industries(values["industries"]) if "industries" in values else None


def _bank(acting_user: Any, bank_id: Any) -> Organisation:
    if rules.is_bank(acting_user):
        return acting_user.organisation
    bank = (
        Organisation.all_objects.filter(pk=bank_id, kind=OrganisationKind.BANK).first()
        if valid_id(bank_id)
        else None
    )
    if bank is None:
        raise ValidationError({"bank": gettext("请选择发布产品的银行")})
    return bank


@transaction.atomic
def product_create(
    *, acting_user: Any, bank_id: Any = None, publish: bool = False, **values: Any
) -> CreditProduct:
    """A bank (or the province for it) enters a product; published at once or kept as a draft."""
    if not rules.can_offer(acting_user):
        raise PermissionDenied(gettext("只有银行账号可以发布信贷产品"))
    product = CreditProduct(bank=_bank(acting_user, bank_id), created_by=acting_user, borrower_kinds=[])
    for required in (
        "amount_min",
        "amount_max",
        "term_min_months",
        "term_max_months",
        "rate_min",
        "rate_max",
    ):
        values.setdefault(required, None)
        if values[required] in (None, ""):
            raise ValidationError(
                {
                    required: gettext("请填写{label}").format(
                        label=getattr(CreditProduct._meta.get_field(required), "verbose_name", required)
                    )
                }
            )
    industries = _product_values(product, values)
    if publish:
        product.status, product.is_public = ProductStatus.OPEN, True
    product.save()
    if industries is not None:
        product.industries.set(industries)
    return product


def _product_locked(acting_user: Any, product_id: Any, version: int | None) -> CreditProduct:
    product = (
        CreditProduct.objects.for_user(acting_user, "change")
        .select_for_update(of=("self",))
        .select_related("bank")
        .filter(pk=product_id)
        .first()
        if valid_id(product_id)
        else None
    )
    if product is None and rules.can_manage(acting_user):
        product = (
            CreditProduct.all_objects.select_for_update().filter(pk=product_id).first()
            if valid_id(product_id)
            else None
        )
    if product is None:
        raise PermissionDenied(gettext("找不到该产品，或您无权修改"))
    version_check(current=product.version, expected=version)
    return product


@transaction.atomic
def product_update(
    *, acting_user: Any, product_id: Any, version: int | None = None, **values: Any
) -> CreditProduct:
    product = _product_locked(acting_user, product_id, version)
    if not rules.can_edit_product(acting_user, product):
        raise PermissionDenied(gettext("只有发布银行可以修改未停办的产品"))
    industries = _product_values(product, {k: v for k, v in values.items() if k in PRODUCT_FIELDS})
    product.version += 1
    product.save()
    if industries is not None:
        product.industries.set(industries)
    return product


@transaction.atomic
def product_publish(*, acting_user: Any, product_id: Any, version: int | None = None) -> CreditProduct:
    product = _product_locked(acting_user, product_id, version)
    if not rules.can_edit_product(acting_user, product) or product.status != ProductStatus.DRAFT:
        raise ValidationError(gettext("只有草稿可以发布"))
    product.status, product.is_public = ProductStatus.OPEN, True
    product.version += 1
    product.save(update_fields=["status", "is_public", "version", "updated_at"])
    return product


@transaction.atomic
def product_close(*, acting_user: Any, product_id: Any, version: int | None = None) -> CreditProduct:
    """停办: no new applications; loans already lent keep running. Still readable by everyone."""
    product = _product_locked(acting_user, product_id, version)
    if not rules.can_edit_product(acting_user, product):
        raise PermissionDenied(gettext("只有发布银行可以停办产品"))
    product.status = ProductStatus.CLOSED
    product.version += 1
    product.save(update_fields=["status", "version", "updated_at"])
    return product


# ---- applications -----------------------------------------------------------------------------


def _within_product(
    product: CreditProduct, *, money: Decimal, months: int, amount_field: str, term_field: str
) -> None:
    if not product.amount_min <= money <= product.amount_max:
        raise ValidationError(
            {
                amount_field: gettext("该产品额度为 {low} 至 {high} 元").format(
                    low=f"{product.amount_min:,}", high=f"{product.amount_max:,}"
                )
            }
        )
    if not product.term_min_months <= months <= product.term_max_months:
        raise ValidationError(
            {
                term_field: gettext("该产品期限为 {low} 至 {high} 个月").format(
                    low=product.term_min_months, high=product.term_max_months
                )
            }
        )


def _eligible_place(product: CreditProduct, division_code: str, field: str) -> None:
    ewn = is_east_west_north(division_code)
    if product.eligible_region == EligibleRegion.EWN and not ewn:
        raise ValidationError({field: gettext("该产品只面向粤东西北的借款单位")})
    if product.eligible_region == EligibleRegion.PEARL and ewn:
        raise ValidationError({field: gettext("该产品只面向珠三角的借款单位")})


def _open_product(acting_user: Any, product_id: Any) -> CreditProduct:
    product = (
        CreditProduct.objects.for_user(acting_user).select_related("bank").filter(pk=product_id).first()
        if valid_id(product_id)
        else None
    )
    if product is None:
        raise ValidationError({"product": gettext("找不到该信贷产品")})
    if product.status != ProductStatus.OPEN:
        raise ValidationError(
            {"product": gettext("该产品已“{status}”，不能申请").format(status=product.get_status_display())}
        )
    return product


@transaction.atomic
def application_submit(
    *,
    acting_user: Any,
    product_id: Any,
    amount: Any,
    term_months: Any,
    purpose: Any,
    industry: Any = "",
) -> LoanApplication:
    """An enterprise, cooperative or family farm applies for an open product it is eligible for."""
    if not rules.is_borrower(acting_user):
        raise PermissionDenied(gettext("只有企业、农民专业合作社、家庭农场的单位账号可以申请贷款"))
    product = _open_product(acting_user, product_id)
    applicant = acting_user.organisation
    if applicant.kind not in product.borrower_kinds:
        raise ValidationError(
            {"product": gettext("该产品不面向{kind}").format(kind=applicant.get_kind_display())}
        )
    _eligible_place(product, applicant.division_id, "product")
    money = _loan_amount(amount, "amount", gettext("申请金额"))
    months = _months(term_months, "term_months", gettext("申请期限"))
    _within_product(product, money=money, months=months, amount_field="amount", term_field="term_months")
    chosen = None
    if industry:
        chosen = Industry.objects.filter(code=str(industry)[:40]).first()
        if chosen is None:
            raise ValidationError({"industry": gettext("没有该产业")})
    text = _text(purpose, 1000)
    if len(text) < 4:
        raise ValidationError({"purpose": gettext("请写明资金用途（至少 4 个字）")})
    if LoanApplication.all_objects.filter(
        product=product, applicant=applicant, status=ApplicationStatus.SUBMITTED
    ).exists():
        raise ValidationError({"product": gettext("本单位已申请该产品，正在等待银行审批")})
    application = LoanApplication.objects.create(
        product=product,
        applicant=applicant,
        industry=chosen,
        amount=money,
        term_months=months,
        purpose=text,
        submitted_by=acting_user,
    )
    _event(acting_user, LoanAction.APPLY, "", application.status, application=application)
    notices.application_submitted(application, actor=acting_user)
    return application


def _application_locked(acting_user: Any, application_id: Any, version: int | None) -> LoanApplication:
    application = (
        LoanApplication.objects.for_user(acting_user)
        .select_for_update(of=("self",))
        .select_related("product__bank", "applicant")
        .filter(pk=application_id)
        .first()
        if valid_id(application_id)
        else None
    )
    if application is None:
        raise PermissionDenied(gettext("找不到该申请，或您无权办理"))
    version_check(current=application.version, expected=version)
    return application


def _closed(application: LoanApplication) -> ValidationError:
    return ValidationError(gettext("申请已“{status}”").format(status=application.get_status_display()))


@transaction.atomic
def application_withdraw(
    *, acting_user: Any, application_id: Any, version: int | None = None
) -> LoanApplication:
    application = _application_locked(acting_user, application_id, version)
    if application.status != ApplicationStatus.SUBMITTED:
        raise _closed(application)
    if not rules.can_withdraw(acting_user, application):
        raise PermissionDenied(gettext("只有申请单位可以撤回"))
    application.status = ApplicationStatus.WITHDRAWN
    application.version += 1
    application.save(update_fields=["status", "version", "updated_at"])
    _event(
        acting_user,
        LoanAction.WITHDRAW,
        ApplicationStatus.SUBMITTED,
        application.status,
        application=application,
    )
    return application


@transaction.atomic
def application_decline(
    *, acting_user: Any, application_id: Any, reason: Any, version: int | None = None
) -> LoanApplication:
    application = _application_locked(acting_user, application_id, version)
    if application.status != ApplicationStatus.SUBMITTED:
        raise _closed(application)
    if not rules.can_decide(acting_user, application):
        raise PermissionDenied(gettext("只有产品所属银行可以审批"))
    text = _text(reason, 500)
    if len(text) < 4:
        raise ValidationError({"reason": gettext("请写明不予放款的原因（至少 4 个字）")})
    application.status, application.decision_note = ApplicationStatus.DECLINED, text
    application.decided_by, application.decided_at = acting_user, timezone.now()
    application.version += 1
    application.save()
    _event(
        acting_user,
        LoanAction.DECLINE,
        ApplicationStatus.SUBMITTED,
        application.status,
        text,
        application=application,
    )
    notices.application_decided(application, actor=acting_user)
    return application


# ---- loans ------------------------------------------------------------------------------------


def _borrower(uscc: Any) -> Organisation:
    if not str(uscc or "").strip():
        raise ValidationError({"borrower_uscc": gettext("请填写借款单位的统一社会信用代码")})
    try:
        code = validate_uscc(str(uscc or ""))
    except ValidationError as exc:
        raise ValidationError({"borrower_uscc": gettext("借款单位{m}").format(m=exc.messages[0])}) from None
    borrower = Organisation.all_objects.filter(uscc=code).first()
    if borrower is None:
        raise ValidationError(
            {
                "borrower_uscc": gettext(
                    "平台上没有统一社会信用代码为 {code} 的单位，请先由所在地科技部门登记该单位"
                ).format(code=code)
            }
        )
    if borrower.kind not in BorrowerKind.values:
        raise ValidationError({"borrower_uscc": gettext("借款单位须是企业、农民专业合作社或家庭农场")})
    return borrower


@transaction.atomic
def loan_record(
    *,
    acting_user: Any,
    contract_number: Any,
    amount: Any,
    rate: Any,
    term_months: Any,
    lent_on: Any,
    application_id: Any = None,
    product_id: Any = None,
    borrower_uscc: Any = None,
) -> Loan:
    """The bank records a loan it lent — for an application made to it (which it approves so), or
    lent at the counter to a borrower named by 统一社会信用代码. Amount, rate and term within the
    product's terms; under the scheme the loan keeps the ratio in force on the day it was lent."""
    if not rules.can_record_loan(acting_user):
        raise PermissionDenied(gettext("只有银行账号可以登记贷款"))
    application = None
    if application_id not in (None, ""):
        application = _application_locked(acting_user, application_id, None)
        if not rules.can_decide(acting_user, application):
            if application.status != ApplicationStatus.SUBMITTED:
                raise _closed(application)
            raise PermissionDenied(gettext("只有产品所属银行可以审批"))
        product, borrower = application.product, application.applicant
    else:
        found = (
            CreditProduct.objects.for_user(acting_user, "change").filter(pk=product_id).first()
            if valid_id(product_id)
            else None
        )
        if found is None:
            raise ValidationError({"product": gettext("请选择本行的信贷产品")})
        product, borrower = found, _borrower(borrower_uscc)
        if borrower.kind not in product.borrower_kinds:
            raise ValidationError(
                {"borrower_uscc": gettext("该产品不面向{kind}").format(kind=borrower.get_kind_display())}
            )
    if product.bank_id != acting_user.organisation_id:
        raise PermissionDenied(gettext("只能登记本行产品的贷款"))
    _eligible_place(product, borrower.division_id, "borrower_uscc")
    money = _loan_amount(amount, "amount", gettext("贷款金额"))
    months = _months(term_months, "term_months", gettext("贷款期限"))
    _within_product(product, money=money, months=months, amount_field="amount", term_field="term_months")
    yearly = _rate(rate, "rate", gettext("年利率"))
    if not product.rate_min <= yearly <= product.rate_max:
        raise ValidationError(
            {
                "rate": gettext("该产品年利率为 {low}% 至 {high}%").format(
                    low=product.rate_min, high=product.rate_max
                )
            }
        )
    day = _date(lent_on, "lent_on", gettext("放款日期"))
    if application is not None and day < timezone.localdate(application.created_at):
        raise ValidationError({"lent_on": gettext("放款日期不能早于申请日期")})
    number = _text(contract_number, 40)
    if len(number) < 4:
        raise ValidationError({"contract_number": gettext("请填写借款合同编号")})
    if Loan.all_objects.filter(bank_id=product.bank_id, contract_number=number).exists():
        raise ValidationError({"contract_number": gettext("本行已登记该合同编号的贷款")})
    region = scheme_region(borrower.division_id)
    loan = Loan(
        product=product,
        application=application,
        bank_id=product.bank_id,
        borrower=borrower,
        contract_number=number,
        amount=money,
        rate=yearly,
        term_months=months,
        lent_on=day,
        due_on=add_months(day, months),
        place_id=borrower.division_id,
        region=region,
        under_scheme=product.under_scheme,
        recorded_by=acting_user,
    )
    if product.under_scheme:
        kept = (
            CompensationRatio.objects.filter(region=region, effective_from__lte=day)
            .order_by("-effective_from")
            .first()
        )
        if kept is None:
            raise ValidationError(
                {
                    "lent_on": gettext("{day} 时{region}还没有科技信贷风险补偿比例，请联系省科技厅").format(
                        day=day, region=SchemeRegion(region).label
                    )
                }
            )
        loan.ratio_version, loan.ratio, loan.cap = kept, kept.ratio, kept.cap
    loan.save()
    if application is not None:
        application.status, application.decided_by, application.decided_at = (
            ApplicationStatus.APPROVED,
            acting_user,
            timezone.now(),
        )
        application.version += 1
        application.save()
        _event(
            acting_user,
            LoanAction.LEND,
            ApplicationStatus.SUBMITTED,
            application.status,
            number,
            application=application,
        )
        notices.application_decided(application, actor=acting_user)
    _event(acting_user, LoanAction.LEND, "", loan.status, number, loan=loan)
    return loan


def _loan_locked(acting_user: Any, loan_id: Any, version: int | None) -> Loan:
    loan = (
        Loan.objects.for_user(acting_user)
        .select_for_update(of=("self",))
        .select_related("bank", "borrower")
        .filter(pk=loan_id)
        .first()
        if valid_id(loan_id)
        else None
    )
    if loan is None:
        raise PermissionDenied(gettext("找不到该贷款，或您无权办理"))
    version_check(current=loan.version, expected=version)
    return loan


def _serviced(acting_user: Any, loan: Loan) -> None:
    if loan.status != LoanStatus.ACTIVE:
        raise ValidationError(gettext("贷款已“{status}”").format(status=loan.get_status_display()))
    if not rules.can_service_loan(acting_user, loan):
        raise PermissionDenied(gettext("只有放款银行可以登记还款或违约"))


@transaction.atomic
def loan_repay(*, acting_user: Any, loan_id: Any, repaid_on: Any, version: int | None = None) -> Loan:
    loan = _loan_locked(acting_user, loan_id, version)
    _serviced(acting_user, loan)
    loan.repaid_on = _date(repaid_on, "repaid_on", gettext("结清日期"), earliest=loan.lent_on)
    loan.status = LoanStatus.REPAID
    loan.version += 1
    loan.save()
    _event(acting_user, LoanAction.REPAY, LoanStatus.ACTIVE, loan.status, loan=loan)
    return loan


@transaction.atomic
def loan_default(
    *, acting_user: Any, loan_id: Any, defaulted_on: Any, outstanding: Any, version: int | None = None
) -> Loan:
    """The bank records a default: the day and what was still owed (not more than was lent)."""
    loan = _loan_locked(acting_user, loan_id, version)
    _serviced(acting_user, loan)
    loan.defaulted_on = _date(defaulted_on, "defaulted_on", gettext("违约日期"), earliest=loan.lent_on)
    owed = _loan_amount(outstanding, "outstanding", gettext("违约时贷款余额"))
    if owed > loan.amount:
        raise ValidationError(
            {"outstanding": gettext("违约时贷款余额不能超过贷款金额 {n} 元").format(n=f"{loan.amount:,}")}
        )
    loan.outstanding_at_default, loan.status = owed, LoanStatus.DEFAULTED
    loan.version += 1
    loan.save()
    _event(acting_user, LoanAction.DEFAULT, LoanStatus.ACTIVE, loan.status, f"{owed}", loan=loan)
    return loan


# ---- claims -----------------------------------------------------------------------------------


@transaction.atomic
def claim_submit(
    *, acting_user: Any, loan_id: Any, recovered: Any = "0", note: Any = ""
) -> CompensationClaim:
    """The bank claims compensation on a defaulted loan under the scheme, at the loan's own ratio."""
    loan = _loan_locked(acting_user, loan_id, None)
    if not rules.speaks_for(acting_user, loan.bank_id):
        raise PermissionDenied(gettext("只有放款银行可以申请风险补偿"))
    if not loan.under_scheme:
        raise ValidationError({"loan": gettext("该贷款未纳入科技信贷风险补偿")})
    if loan.status != LoanStatus.DEFAULTED or loan.outstanding_at_default is None or loan.ratio is None:
        raise ValidationError(
            {"loan": gettext("贷款未登记违约，不能申请风险补偿；请先登记违约日期和违约时贷款余额")}
        )
    if rules.has_claim(loan):
        raise ValidationError({"loan": gettext("该贷款已申请过风险补偿")})
    back = amount(
        recovered if recovered not in (None, "") else "0",
        "recovered",
        gettext("已追回金额"),
        maximum=MAX_LOAN,
    )
    if back > loan.outstanding_at_default:
        raise ValidationError({"recovered": gettext("已追回金额不能超过违约时贷款余额")})
    try:
        figures = engine.compensation(
            outstanding=loan.outstanding_at_default, recovered=back, ratio=loan.ratio, cap=loan.cap
        )
    except engine.CompensationError as exc:
        raise _engine_error(exc) from None
    claim = CompensationClaim.objects.create(
        loan=loan,
        outstanding=figures.outstanding,
        recovered=figures.recovered,
        loss=figures.loss,
        ratio=figures.ratio,
        compensation=figures.compensation,
        bank_bears=figures.bank_bears,
        capped=figures.capped,
        submitted_by=acting_user,
        note=_text(note, 500),
    )
    _event(acting_user, LoanAction.CLAIM, "", claim.status, f"{figures.compensation}", loan=loan)
    notices.claim_submitted(claim, actor=acting_user)
    return claim


def _claim_locked(acting_user: Any, claim_id: Any, version: int | None) -> CompensationClaim:
    claim = (
        CompensationClaim.objects.for_user(acting_user)
        .select_for_update(of=("self",))
        .select_related("loan__bank")
        .filter(pk=claim_id)
        .first()
        if valid_id(claim_id)
        else None
    )
    if claim is None:
        raise PermissionDenied(gettext("找不到该补偿申请，或您无权办理"))
    version_check(current=claim.version, expected=version)
    return claim


@transaction.atomic
def claim_decide(
    *, acting_user: Any, claim_id: Any, approve: bool, reason: Any = "", version: int | None = None
) -> CompensationClaim:
    """The province approves the claim at the figures computed, or refuses it with a reason."""
    claim = _claim_locked(acting_user, claim_id, version)
    if claim.status != ClaimStatus.SUBMITTED:
        raise ValidationError(gettext("补偿申请已“{status}”").format(status=claim.get_status_display()))
    if not rules.can_decide_claim(acting_user, claim):
        raise PermissionDenied(gettext("只有省科技厅可以审核风险补偿"))
    text = _text(reason, 500)
    if not approve and len(text) < 4:
        raise ValidationError({"reason": gettext("请写明不予补偿的原因（至少 4 个字）")})
    before = claim.status
    claim.status = ClaimStatus.APPROVED if approve else ClaimStatus.REJECTED
    claim.decided_by, claim.decided_at = acting_user, timezone.now()
    if text:
        claim.note = text
    claim.version += 1
    claim.save()
    _event(
        acting_user,
        LoanAction.APPROVE if approve else LoanAction.REJECT,
        before,
        claim.status,
        text,
        loan=claim.loan,
    )
    notices.claim_decided(claim, actor=acting_user)
    return claim


@transaction.atomic
def claim_pay(
    *, acting_user: Any, claim_id: Any, paid_on: Any, version: int | None = None
) -> CompensationClaim:
    claim = _claim_locked(acting_user, claim_id, version)
    if not rules.can_pay_claim(acting_user, claim):
        if claim.status != ClaimStatus.APPROVED:
            raise ValidationError(gettext("只有已核定的补偿可以拨付"))
        raise PermissionDenied(gettext("只有省科技厅可以拨付风险补偿"))
    claim.paid_on = _date(
        paid_on, "paid_on", gettext("拨付日期"), earliest=claim.loan.defaulted_on or EARLIEST_LOAN
    )
    claim.status = ClaimStatus.PAID
    claim.version += 1
    claim.save()
    _event(
        acting_user,
        LoanAction.PAY,
        ClaimStatus.APPROVED,
        claim.status,
        f"{claim.compensation}",
        loan=claim.loan,
    )
    notices.claim_decided(claim, actor=acting_user)
    return claim


# ---- the KPI ----------------------------------------------------------------------------------


def ewn_scheme_credit() -> float:
    """KPI-EWN-TECH-CREDIT: 亿元 lent under the scheme to borrowers in 粤东西北."""
    total = Loan.all_objects.filter(under_scheme=True, region=SchemeRegion.EWN).aggregate(
        total=Sum("amount")
    )["total"]
    return float((total or Decimal(0)) / YI)
