"""Pages of the sub-funds and the 上市后备 pool. Thin: forms in, services do, selectors read."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from baiqianwan.core.concurrency import posted_version
from baiqianwan.core.exports import EXPORT_LIMIT, spreadsheet_export
from baiqianwan.core.forms import add_service_errors, step_button, valid_form_data
from baiqianwan.core.pagination import BoundedPaginator
from baiqianwan.core.selectors import found_or_404

from ..models import Investment, ReserveEnterprise, SubFund
from . import rules, selectors, services
from .exports import INVESTMENT_SCHEMA, csv_export, investment_rows
from .forms import (
    FundFilterForm,
    FundForm,
    InvestmentFilterForm,
    InvestmentForm,
    RecommendForm,
    ReserveEditForm,
    ReserveFilterForm,
    ServiceForm,
    StageForm,
)

FUND_FIELDS = (
    "name",
    "size",
    "province_share",
    "focus_region",
    "focus_fields",
    "established_on",
    "is_public",
)


def _fund(request: HttpRequest, fund_id: int) -> SubFund:
    return found_or_404(selectors.fund_get(user=request.user, fund_id=fund_id))


def _investment(request: HttpRequest, investment_id: int) -> Investment:
    return found_or_404(selectors.investment_get(user=request.user, investment_id=investment_id))


def _entry(request: HttpRequest, reserve_id: int) -> ReserveEnterprise:
    return found_or_404(selectors.reserve_get(user=request.user, entry_id=reserve_id))


# ---- sub-funds --------------------------------------------------------------------------------


@login_required
def fund_list(request: HttpRequest) -> HttpResponse:
    filters = FundFilterForm(request.GET or None)
    values = filters.values()
    funds = selectors.fund_list(
        user=request.user,
        q=values.get("q", ""),
        focus_region=values.get("focus_region", ""),
        mine=values.get("mine"),
    )
    page = BoundedPaginator(funds, 20).get_page(request.GET.get("page"))
    visible = selectors.visible_investment_totals(user=request.user, funds=list(page))
    return render(
        request,
        "finance/funds/fund_list.html",
        {
            "page": page,
            "rows": [(fund, visible.get(fund.pk)) for fund in page],
            "filters": filters,
            "totals": selectors.fund_totals(user=request.user, funds=funds),
            "can_manage": rules.can_manage_funds(request.user),
        },
    )


@login_required
def fund_new(request: HttpRequest) -> HttpResponse:
    if not rules.can_manage_funds(request.user):
        raise PermissionDenied(gettext("只有省科技厅可以登记创新创业子基金"))
    form = FundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        manager = data.pop("manager")
        try:
            fund = services.fund_register(acting_user=request.user, manager_id=manager.pk, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("已登记子基金“{name}”").format(name=fund.name))
            return redirect("finance_funds:fund", fund.pk)
    return render(request, "finance/funds/fund_form.html", {"form": form, "fund": None})


@login_required
def fund_edit(request: HttpRequest, fund_id: int) -> HttpResponse:
    fund = _fund(request, fund_id)
    if not rules.can_manage_funds(request.user):
        raise PermissionDenied(gettext("只有省科技厅可以修改创新创业子基金"))
    initial: dict[str, Any] = {name: getattr(fund, name) for name in FUND_FIELDS}
    initial["manager"] = fund.manager_id
    form = FundForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        manager = data.pop("manager")
        try:
            services.fund_update(
                acting_user=request.user,
                fund_id=fund.pk,
                version=posted_version(request, fund.version),
                manager_id=manager.pk,
                **data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("子基金已修改"))
            return redirect("finance_funds:fund", fund.pk)
    return render(request, "finance/funds/fund_form.html", {"form": form, "fund": fund})


def _investments(request: HttpRequest, fund: SubFund | None) -> tuple[InvestmentFilterForm, Any]:
    filters = InvestmentFilterForm(request.GET or None)
    values = filters.values()
    return filters, selectors.investment_list(
        user=request.user,
        fund=fund,
        q=values.get("q", ""),
        round=values.get("round", ""),
        region=values.get("region", ""),
        year=values.get("year"),
        east_west_north=values.get("east_west_north"),
        for_transfer=values.get("for_transfer"),
    )


def _export(request: HttpRequest, investments: Any, name: str) -> HttpResponse | None:
    kind = request.GET.get("export")
    if kind not in ("xlsx", "csv"):
        return None
    rows = investments[:EXPORT_LIMIT]
    if kind == "csv":
        return csv_export(
            request, schema=INVESTMENT_SCHEMA, rows=investment_rows(rows), name=name, count=len(rows)
        )
    return spreadsheet_export(
        request, schema=INVESTMENT_SCHEMA, rows=investment_rows(rows), name=name, count=len(rows)
    )


@login_required
def fund_detail(request: HttpRequest, fund_id: int) -> HttpResponse:
    fund = _fund(request, fund_id)
    filters, investments = _investments(request, fund)
    exported = _export(request, investments, gettext("子基金投资"))
    if exported is not None:
        return exported
    return render(
        request,
        "finance/funds/fund_detail.html",
        {
            "fund": fund,
            "filters": filters,
            "page": BoundedPaginator(investments, 20).get_page(request.GET.get("page")),
            "stats": selectors.investment_stats(user=request.user, fund=fund),
            "can_manage": rules.can_manage_funds(request.user),
            "can_record": rules.can_record_investment(request.user, fund),
        },
    )


@login_required
def investment_list(request: HttpRequest) -> HttpResponse:
    """Every investment in the user's view, with the totals by region and by year."""
    filters, investments = _investments(request, None)
    exported = _export(request, investments, gettext("子基金投资"))
    if exported is not None:
        return exported
    return render(
        request,
        "finance/funds/investment_list.html",
        {
            "filters": filters,
            "page": BoundedPaginator(investments, 20).get_page(request.GET.get("page")),
            "stats": selectors.investment_stats(user=request.user),
        },
    )


def _investment_values(form: InvestmentForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    industry, achievement = data.pop("industry"), data.pop("achievement")
    return {
        **data,
        "industry_id": industry.pk if industry else None,
        "achievement_id": achievement.pk if achievement else None,
    }


@login_required
def investment_new(request: HttpRequest, fund_id: int) -> HttpResponse:
    fund = _fund(request, fund_id)
    if not rules.can_record_investment(request.user, fund):
        raise PermissionDenied(gettext("只有该子基金的管理人可以登记其投资"))
    form = InvestmentForm(request.POST or None, acting_user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.investment_record(acting_user=request.user, fund_id=fund.pk, **_investment_values(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("投资已登记"))
            return redirect("finance_funds:fund", fund.pk)
    return render(
        request, "finance/funds/investment_form.html", {"form": form, "fund": fund, "investment": None}
    )


@login_required
def investment_edit(request: HttpRequest, investment_id: int) -> HttpResponse:
    investment = _investment(request, investment_id)
    if not rules.can_record_investment(request.user, investment.fund):
        raise PermissionDenied(gettext("只有该子基金的管理人可以修改其投资"))
    initial = {
        "enterprise_uscc": investment.enterprise.uscc,
        "round": investment.round,
        "amount": investment.amount,
        "invested_on": investment.invested_on,
        "industry": investment.industry_id,
        "field": investment.field,
        "achievement": investment.achievement_id,
    }
    form = InvestmentForm(request.POST or None, acting_user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.investment_update(
                acting_user=request.user,
                investment_id=investment.pk,
                version=posted_version(request, investment.version),
                **_investment_values(form),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("投资已修改"))
            return redirect("finance_funds:fund", investment.fund_id)
    return render(
        request,
        "finance/funds/investment_form.html",
        {"form": form, "fund": investment.fund, "investment": investment},
    )


# ---- the 上市后备 pool -----------------------------------------------------------------------------


@login_required
def reserve_list(request: HttpRequest) -> HttpResponse:
    filters = ReserveFilterForm(request.GET or None)
    values = filters.values()
    entries = selectors.reserve_list(
        user=request.user,
        q=values.get("q", ""),
        stage=values.get("stage", ""),
        region=values.get("region", ""),
        exited=values.get("exited"),
    )
    return render(
        request,
        "finance/funds/reserve_list.html",
        {
            "page": BoundedPaginator(entries, 20).get_page(request.GET.get("page")),
            "filters": filters,
            "table": selectors.reserve_table(user=request.user),
            "can_recommend": rules.can_recommend(request.user),
        },
    )


@login_required
def reserve_new(request: HttpRequest) -> HttpResponse:
    if not rules.can_recommend(request.user):
        raise PermissionDenied(gettext("上市后备科技企业由地市科技局推荐入库"))
    form = RecommendForm(request.POST or None, acting_user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        enterprise = data.pop("enterprise")
        try:
            entry = services.reserve_recommend(acting_user=request.user, enterprise_id=enterprise.pk, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("已推荐入库"))
            return redirect("finance_funds:reserve_entry", entry.pk)
    return render(request, "finance/funds/reserve_form.html", {"form": form, "entry": None})


@login_required
def reserve_detail(request: HttpRequest, reserve_id: int) -> HttpResponse:
    entry = _entry(request, reserve_id)
    user = request.user
    return render(
        request,
        "finance/funds/reserve_detail.html",
        {
            "entry": entry,
            "services": selectors.reserve_services(entry=entry),
            "events": [
                (event, gettext(services.ACTION_LABELS.get(event.action, event.action)))
                for event in selectors.reserve_events(entry=entry)
            ],
            "can_move": rules.can_move(user, entry),
            "can_edit": rules.can_edit_entry(user, entry),
            "can_serve": rules.can_record_service(user, entry),
            "stage_form": StageForm(initial={"stage": (rules.next_stages(entry) or [""])[0]}),
            "service_form": ServiceForm(),
            "edit_form": ReserveEditForm(initial={"target_board": entry.target_board, "note": entry.note}),
        },
    )


def _stage(request: HttpRequest, entry: ReserveEnterprise) -> Any:
    data = valid_form_data(StageForm(request.POST))
    stage = data.pop("stage")
    return services.reserve_stage(
        acting_user=request.user,
        entry_id=entry.pk,
        version=posted_version(request, entry.version),
        stage=stage,
        exit=not stage,
        **data,
    )


@login_required
@require_POST
def reserve_step(request: HttpRequest, reserve_id: int, action: str) -> HttpResponse:
    entry = _entry(request, reserve_id)
    steps = {
        "stage": lambda: _stage(request, entry),
        "service": lambda: services.reserve_service_record(
            acting_user=request.user, entry_id=entry.pk, **valid_form_data(ServiceForm(request.POST))
        ),
        "edit": lambda: services.reserve_update(
            acting_user=request.user,
            entry_id=entry.pk,
            version=posted_version(request, entry.version),
            **valid_form_data(ReserveEditForm(request.POST)),
        ),
    }
    step_button(request, steps, action, gettext("已办理"))
    return redirect("finance_funds:reserve_entry", entry.pk)
