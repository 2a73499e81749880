"""Pages of 科技信贷 and the risk-compensation scheme. Thin: forms in, services do, selectors read."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from baiqianwan.core.exports import EXPORT_LIMIT, spreadsheet_export
from baiqianwan.core.forms import add_service_errors, step_button, valid_form_data
from baiqianwan.core.money import yuan_text
from baiqianwan.core.pagination import BoundedPaginator
from baiqianwan.core.selectors import found_or_404

from . import rules, selectors, services
from .exports import LOAN_SCHEMA, loan_rows
from .forms import (
    ApplicationFilterForm,
    ApplicationForm,
    CalculatorForm,
    ClaimFilterForm,
    ClaimForm,
    DefaultForm,
    LoanFilterForm,
    LoanForm,
    NeedForm,
    PaidForm,
    ProductFilterForm,
    ProductForm,
    RatioForm,
    ReasonForm,
    RepayForm,
)
from .models import CreditProduct, Loan, LoanApplication, ProductStatus


def _posted_version(request: HttpRequest) -> int | None:
    text = str(request.POST.get("version") or "")
    return int(text) if text.isdigit() and len(text) <= 9 else None


def _product(request: HttpRequest, product_id: int) -> CreditProduct:
    return found_or_404(selectors.product_get(user=request.user, product_id=product_id))


def _application(request: HttpRequest, application_id: int) -> LoanApplication:
    return found_or_404(selectors.application_get(user=request.user, application_id=application_id))


def _loan(request: HttpRequest, loan_id: int) -> Loan:
    return found_or_404(selectors.loan_get(user=request.user, loan_id=loan_id))


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """科技信贷 at a glance: the KPI, loans by region, city and year, claims, the ratios."""
    figures = selectors.dashboard(user=request.user)
    cities = [
        {"name": city["name"], "value": city["loans"], "amount": yuan_text(city["amount"])}
        for city in figures["by_city"]
    ]
    return render(
        request,
        "finance/home.html",
        {
            "stats": figures,
            "map_data": cities,
            "map_max": max((city["value"] for city in cities), default=1),
            "is_bank": rules.is_bank(request.user),
            "is_borrower": rules.is_borrower(request.user),
        },
    )


# ---- products ---------------------------------------------------------------------------------


@login_required
def product_list(request: HttpRequest) -> HttpResponse:
    filters = ProductFilterForm(request.GET or None)
    values = filters.values()
    products = selectors.product_list(user=request.user, **values)
    return render(
        request,
        "finance/product_list.html",
        {
            "page": BoundedPaginator(products, 20).get_page(request.GET.get("page")),
            "filters": filters,
            "can_offer": rules.can_offer(request.user),
            "is_borrower": rules.is_borrower(request.user),
        },
    )


def _product_values(form: ProductForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data.pop("publish", None)
    return data


@login_required
def product_new(request: HttpRequest) -> HttpResponse:
    if not rules.is_bank(request.user):
        raise PermissionDenied(gettext("只有银行账号可以发布信贷产品"))
    form = ProductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            product = services.product_create(
                acting_user=request.user, publish=form.cleaned_data["publish"], **_product_values(form)
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("产品已发布") if product.is_public else gettext("已保存为草稿"))
            return redirect("finance:product", product.pk)
    return render(request, "finance/product_form.html", {"form": form, "product": None})


@login_required
def product_edit(request: HttpRequest, product_id: int) -> HttpResponse:
    product = _product(request, product_id)
    if not rules.can_edit_product(request.user, product):
        raise PermissionDenied(gettext("只有发布银行可以修改未停办的产品"))
    initial = {name: getattr(product, name) for name in services.PRODUCT_FIELDS if name != "industries"}
    initial["industries"] = [industry.code for industry in product.industries.all()]
    form = ProductForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.product_update(
                acting_user=request.user,
                product_id=product.pk,
                version=_posted_version(request),
                **_product_values(form),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("产品已修改"))
            return redirect("finance:product", product.pk)
    return render(request, "finance/product_form.html", {"form": form, "product": product})


@login_required
def product_detail(request: HttpRequest, product_id: int) -> HttpResponse:
    product = _product(request, product_id)
    user = request.user
    form = ApplicationForm(request.POST or None)
    can_apply = rules.can_apply(user, product)
    if request.method == "POST" and can_apply and form.is_valid():
        try:
            application = services.application_submit(
                acting_user=user, product_id=product.pk, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("申请已提交，银行审批后会通知您"))
            return redirect("finance:application", application.pk)
    own = rules.speaks_for(user, product.bank_id)
    return render(
        request,
        "finance/product_detail.html",
        {
            "product": product,
            "industries": product.industries.select_related("parent"),
            "form": form,
            "can_apply": can_apply,
            "can_edit": rules.can_edit_product(user, product),
            "own": own,
            "applications": selectors.application_list(user=user, product=product.pk)[:20] if own else [],
        },
    )


@login_required
@require_POST
def product_step(request: HttpRequest, product_id: int, action: str) -> HttpResponse:
    product = _product(request, product_id)
    version = _posted_version(request)
    steps = {
        "publish": lambda: services.product_publish(
            acting_user=request.user, product_id=product.pk, version=version
        ),
        "close": lambda: services.product_close(
            acting_user=request.user, product_id=product.pk, version=version
        ),
    }
    step_button(request, steps, action, gettext("已办理"))
    return redirect("finance:product", product.pk)


@login_required
def match(request: HttpRequest) -> HttpResponse:
    """找贷款: the open products that fit a borrower's need, best first, with the reasons."""
    user = request.user
    borrower = getattr(user, "organisation", None) if rules.is_borrower(user) else None
    form = NeedForm(request.GET or None, borrower=borrower)
    found = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        kind = borrower.kind if borrower else data.get("kind") or "enterprise"
        place = borrower.division_id if borrower else (data["place"].code if data.get("place") else "")
        found = selectors.product_match(
            user=user,
            kind=kind,
            division_code=place,
            industry=data.get("industry") or "",
            amount=data.get("amount"),
            term=data.get("term_months"),
        )
    return render(request, "finance/match.html", {"form": form, "found": found, "borrower": borrower})


# ---- applications -----------------------------------------------------------------------------


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    filters = ApplicationFilterForm(request.GET or None)
    applications = selectors.application_list(user=request.user, **filters.values())
    return render(
        request,
        "finance/application_list.html",
        {"page": BoundedPaginator(applications, 20).get_page(request.GET.get("page")), "filters": filters},
    )


@login_required
def application_detail(request: HttpRequest, application_id: int) -> HttpResponse:
    application = _application(request, application_id)
    user = request.user
    can_decide = rules.can_decide(user, application)
    loan_form = LoanForm(
        request.POST or None,
        from_application=True,
        initial={"amount": application.amount, "term_months": application.term_months},
    )
    if request.method == "POST" and can_decide and loan_form.is_valid():
        try:
            loan = services.loan_record(
                acting_user=user, application_id=application.pk, **loan_form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(loan_form, exc)
        else:
            messages.success(request, gettext("已放款登记"))
            return redirect("finance:loan", loan.pk)
    return render(
        request,
        "finance/application_detail.html",
        {
            "application": application,
            "loan": getattr(application, "loan", None) if application.status == "approved" else None,
            "can_decide": can_decide,
            "can_withdraw": rules.can_withdraw(user, application),
            "loan_form": loan_form,
            "decline_form": ReasonForm(),
            "events": application.events.select_related("actor"),
        },
    )


@login_required
@require_POST
def application_step(request: HttpRequest, application_id: int, action: str) -> HttpResponse:
    application = _application(request, application_id)
    version = _posted_version(request)
    steps = {
        "withdraw": lambda: services.application_withdraw(
            acting_user=request.user, application_id=application.pk, version=version
        ),
        "decline": lambda: services.application_decline(
            acting_user=request.user,
            application_id=application.pk,
            version=version,
            **valid_form_data(ReasonForm(request.POST)),
        ),
    }
    step_button(request, steps, action, gettext("已办理"))
    return redirect("finance:application", application.pk)


# ---- loans ------------------------------------------------------------------------------------


@login_required
def loan_list(request: HttpRequest) -> HttpResponse:
    filters = LoanFilterForm(request.GET or None)
    values = filters.values()
    loans = selectors.loan_list(
        user=request.user,
        q=values.get("q", ""),
        region=values.get("region", ""),
        status=values.get("status", ""),
        scheme={True: "yes", False: "no"}.get(values.get("scheme"), ""),  # type: ignore[arg-type]
        year=values.get("year"),
    )
    if request.GET.get("export") == "xlsx":
        rows = loans[:EXPORT_LIMIT]
        return spreadsheet_export(
            request, schema=LOAN_SCHEMA, rows=loan_rows(rows), name=gettext("贷款"), count=len(rows)
        )
    return render(
        request,
        "finance/loan_list.html",
        {
            "page": BoundedPaginator(loans, 20).get_page(request.GET.get("page")),
            "filters": filters,
            "can_record": rules.can_record_loan(request.user),
        },
    )


@login_required
def loan_new(request: HttpRequest) -> HttpResponse:
    """A loan lent at the counter (no application on the platform): the bank names the borrower."""
    if not rules.can_record_loan(request.user):
        raise PermissionDenied(gettext("只有银行账号可以登记贷款"))
    products = CreditProduct.objects.for_user(request.user, "change").exclude(status=ProductStatus.DRAFT)
    form = LoanForm(request.POST or None, products=products)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            loan = services.loan_record(acting_user=request.user, product_id=data.pop("product"), **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("贷款已登记"))
            return redirect("finance:loan", loan.pk)
    return render(request, "finance/loan_form.html", {"form": form})


@login_required
def loan_detail(request: HttpRequest, loan_id: int) -> HttpResponse:
    loan = _loan(request, loan_id)
    user = request.user
    claim = selectors.loan_claim(loan)
    return render(
        request,
        "finance/loan_detail.html",
        {
            "loan": loan,
            "claim": claim,
            "can_service": rules.can_service_loan(user, loan),
            "can_claim": rules.can_claim(user, loan),
            "can_decide_claim": claim is not None and rules.can_decide_claim(user, claim),
            "can_pay_claim": claim is not None and rules.can_pay_claim(user, claim),
            "repay_form": RepayForm(),
            "default_form": DefaultForm(),
            "claim_form": ClaimForm(),
            "reason_form": ReasonForm(),
            "paid_form": PaidForm(),
            "events": loan.events.select_related("actor"),
        },
    )


@login_required
@require_POST
def loan_step(request: HttpRequest, loan_id: int, action: str) -> HttpResponse:
    loan = _loan(request, loan_id)
    user, version = request.user, _posted_version(request)
    claim = selectors.loan_claim(loan)
    claim_id = claim.pk if claim else None
    steps = {
        "repay": lambda: services.loan_repay(
            acting_user=user, loan_id=loan.pk, version=version, **valid_form_data(RepayForm(request.POST))
        ),
        "default": lambda: services.loan_default(
            acting_user=user, loan_id=loan.pk, version=version, **valid_form_data(DefaultForm(request.POST))
        ),
        "claim": lambda: services.claim_submit(
            acting_user=user, loan_id=loan.pk, **_claim_data(ClaimForm(request.POST))
        ),
        "approve": lambda: services.claim_decide(
            acting_user=user, claim_id=claim_id, approve=True, version=version
        ),
        "reject": lambda: services.claim_decide(
            acting_user=user,
            claim_id=claim_id,
            approve=False,
            version=version,
            **valid_form_data(ReasonForm(request.POST)),
        ),
        "pay": lambda: services.claim_pay(
            acting_user=user, claim_id=claim_id, version=version, **valid_form_data(PaidForm(request.POST))
        ),
    }
    step_button(request, steps, action, gettext("已办理"))
    return redirect("finance:loan", loan.pk)


def _claim_data(form: ClaimForm) -> dict[str, Any]:
    data = valid_form_data(form)
    data["recovered"] = data.get("recovered") or "0"
    return data


@login_required
def claim_list(request: HttpRequest) -> HttpResponse:
    filters = ClaimFilterForm(request.GET or None)
    claims = selectors.claim_list(user=request.user, **filters.values())
    return render(
        request,
        "finance/claim_list.html",
        {"page": BoundedPaginator(claims, 20).get_page(request.GET.get("page")), "filters": filters},
    )


# ---- the scheme -------------------------------------------------------------------------------


@login_required
def ratios(request: HttpRequest) -> HttpResponse:
    """The ratio versions of each region; the province adds a version."""
    can_set = rules.can_set_ratios(request.user)
    form = RatioForm(request.POST or None)
    if request.method == "POST":
        if not can_set:
            raise PermissionDenied(gettext("只有省科技厅可以设置风险补偿比例"))
        if form.is_valid():
            try:
                services.ratio_create(acting_user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, gettext("新的补偿比例已生效登记"))
                return redirect("finance:ratios")
    return render(
        request,
        "finance/ratios.html",
        {"history": selectors.ratio_history(), "form": form, "can_set": can_set},
    )


@login_required
def calculator(request: HttpRequest) -> HttpResponse:
    """What a bank would recover: the ratio a loan lent that day keeps, the loss and its share."""
    form = CalculatorForm(request.GET or None)
    result = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.estimate(
                region=data["region"],
                lent_on=data.get("lent_on") or "",
                principal=data["principal"],
                recovered=data.get("recovered") or "0",
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(request, "finance/calculator.html", {"form": form, "result": result})
