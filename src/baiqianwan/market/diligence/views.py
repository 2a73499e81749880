"""Pages of the 尽职免责 cases: the unit's list (the province's by unit), filing and correcting a case,
submitting it, and the committee's checklist and decision on the case's page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from baiqianwan.core.forms import add_service_errors, step_button
from baiqianwan.core.pagination import BoundedPaginator
from baiqianwan.core.selectors import found_or_404

from ..models import DiligenceCase
from ..views import _posted_id
from . import rules, selectors, services
from .forms import DecisionForm, DiligenceCaseForm, DiligenceFilterForm

REFUSED = "尽职免责案件只有申请单位的账号和省科技厅可以查看"


def _case(request: HttpRequest, case_id: int) -> DiligenceCase:
    return found_or_404(selectors.diligence_case_get(user=request.user, case_id=case_id))


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    if not rules.can_see_cases(request.user):
        raise PermissionDenied(gettext(REFUSED))
    filters = DiligenceFilterForm(request.GET or None)
    values = filters.values()
    cases = selectors.diligence_case_list(
        user=request.user,
        q=values.get("q", ""),
        status=values.get("status", ""),
        outcome=values.get("outcome", ""),
    )
    return render(
        request,
        "market/diligence_list.html",
        {
            "page": BoundedPaginator(cases, 20).get_page(request.GET.get("page")),
            "filters": filters,
            "summary": selectors.diligence_by_unit(user=request.user),
            "can_file": rules.can_file(request.user),
        },
    )


def _values(form: DiligenceCaseForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    deal = data.pop("deal", None)
    return {**data, "deal_id": deal.pk if deal else None}


@login_required
def case_new(request: HttpRequest) -> HttpResponse:
    if not rules.can_file(request.user):
        raise PermissionDenied(gettext("尽职免责案件由高校、科研院所和新型研发机构的单位账号登记"))
    form = DiligenceCaseForm(request.POST or None, acting_user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.diligence_case_create(acting_user=request.user, **_values(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("案件已保存为草稿；核对无误后提交单位审议委员会"))
            return redirect("market:diligence_case", case.pk)
    return render(request, "market/diligence_form.html", {"form": form, "case": None})


def _on_form_fields(error: ValidationError) -> ValidationError:
    """The service names a checklist item ``checklist.<key>``; the form shows it under its remark."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError(
        {
            (
                f"{field.removeprefix('checklist.')}_remark" if field.startswith("checklist.") else field
            ): messages
            for field, messages in error.message_dict.items()
        }
    )


@login_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    can_decide = rules.can_decide(request.user, case)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and can_decide and form.is_valid():
        try:
            services.diligence_case_decide(
                acting_user=request.user,
                case_id=case.pk,
                version=_posted_id(request.POST.get("version")) or case.version,
                **form.decision(),
            )
        except ValidationError as exc:
            add_service_errors(form, _on_form_fields(exc))
        else:
            messages.success(request, gettext("认定结论已录入，案件不再修改"))
            return redirect("market:diligence_case", case.pk)
    return render(
        request,
        "market/diligence_detail.html",
        {
            "case": case,
            "form": form,
            "can_edit": rules.can_edit(request.user, case),
            "can_submit": rules.can_submit(request.user, case),
            "can_decide": can_decide,
            "events": selectors.diligence_case_events(case=case),
        },
    )


@login_required
def case_edit(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    if not rules.can_edit(request.user, case):
        raise PermissionDenied(gettext("只有申请单位可以修改草稿；已提交或已决定的案件不再修改"))
    initial = {
        "title": case.title,
        "deal": case.deal_id,
        "transfer_title": "" if case.deal_id else case.transfer_title,
        "transferred_on": None if case.deal_id else case.transferred_on,
        "transfer_value": case.transfer_value,
        "current_value": case.current_value,
        "decision_process": case.decision_process,
        "valuation_basis": case.valuation_basis,
        "approvals": case.approvals,
        "people": "、".join(case.people),
        "attachments": case.attachments,
    }
    form = DiligenceCaseForm(request.POST or None, acting_user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.diligence_case_update(
                acting_user=request.user,
                case_id=case.pk,
                version=_posted_id(request.POST.get("version")) or case.version,
                **_values(form),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("案件已修改"))
            return redirect("market:diligence_case", case.pk)
    return render(request, "market/diligence_form.html", {"form": form, "case": case})


@login_required
@require_POST
def case_step(request: HttpRequest, case_id: int, action: str) -> HttpResponse:
    case = _case(request, case_id)
    version = _posted_id(request.POST.get("version"))
    steps = {
        "submit": lambda: services.diligence_case_submit(
            acting_user=request.user, case_id=case.pk, version=version
        )
    }
    step_button(request, steps, action, gettext("已提交单位审议委员会"))
    return redirect("market:diligence_case", case.pk)
