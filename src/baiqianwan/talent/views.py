"""Pages of the talent ledgers. Thin: forms in, services do, selectors read."""

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

from . import rules, selectors, services
from .exports import (
    LEADER_SCHEMA,
    OUTPOST_SCHEMA,
    SELECTION_SCHEMA,
    leader_rows,
    outpost_rows,
    selection_rows,
)
from .forms import (
    CloseForm,
    GroupForm,
    LeaderFilterForm,
    LeaderForm,
    OutpostFilterForm,
    OutpostForm,
    ReportForm,
    ResultForm,
    SelectionFilterForm,
    SelectionForm,
)
from .models import Outpost

EDITABLE = (
    "name",
    "kind",
    "staff_on_site",
    "partner",
    "agreement_signed_on",
    "agreement_years",
    "opened_on",
    "is_public",
)


def _outpost(request: HttpRequest, outpost_id: int) -> Outpost:
    return found_or_404(selectors.outpost_get(user=request.user, outpost_id=outpost_id))


# ---- outposts --------------------------------------------------------------------------------


@login_required
def outpost_list(request: HttpRequest) -> HttpResponse:
    filters = OutpostFilterForm(request.GET or None)
    values = filters.values()
    outposts = selectors.outpost_list(
        user=request.user,
        q=values.get("q", ""),
        kind=values.get("kind", ""),
        region=values.get("region", ""),
        host=values.get("host"),
        status=values.get("status", ""),
    )
    if request.GET.get("export") == "xlsx":
        rows = outposts[:EXPORT_LIMIT]
        return spreadsheet_export(
            request,
            schema=OUTPOST_SCHEMA,
            rows=outpost_rows(rows),
            name=gettext("县域研究机构"),
            count=len(rows),
        )
    figures = selectors.outpost_map(user=request.user)
    return render(
        request,
        "talent/outpost_list.html",
        {
            "page": BoundedPaginator(outposts, 20).get_page(request.GET.get("page")),
            "filters": filters,
            "figures": figures,
            "map_max": max((c["value"] for c in figures["cities"]), default=1),
            "can_register": rules.can_register_outpost(request.user),
        },
    )


def _outpost_call(data: dict[str, Any]) -> dict[str, Any]:
    if "research_fields" in data:
        data["fields"] = data.pop("research_fields")
    staff = data.pop("staff", None)
    host = data.pop("host", None)
    county = data.pop("county", None)
    if staff is not None:
        data["staff_ids"] = [person.pk for person in staff]
    if host is not None:
        data["host_id"] = host.pk
    if county is not None:
        data["county_code"] = county.code
    return data


@login_required
def outpost_new(request: HttpRequest) -> HttpResponse:
    if not rules.can_register_outpost(request.user):
        raise PermissionDenied(
            gettext("只有高校、科研院所的单位账号，县（市、区）、地市科技部门和省科技厅可以登记县域研究机构")
        )
    form = OutpostForm(request.POST or None, acting_user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            outpost = services.outpost_register(
                acting_user=request.user, **_outpost_call(dict(form.cleaned_data))
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("已登记“{name}”").format(name=outpost.name))
            return redirect("talent:outpost", outpost.pk)
    return render(request, "talent/outpost_form.html", {"form": form, "outpost": None})


@login_required
def outpost_detail(request: HttpRequest, outpost_id: int) -> HttpResponse:
    outpost = _outpost(request, outpost_id)
    user = request.user
    form = ResultForm(request.POST or None)
    if request.method == "POST":
        if not rules.can_record_result(user, outpost):
            raise PermissionDenied(gettext("只有依托单位或所在地科技部门可以填报年度成效"))
        if form.is_valid():
            try:
                services.outpost_result_record(acting_user=user, outpost_id=outpost.pk, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, gettext("年度成效已保存"))
                return redirect("talent:outpost", outpost.pk)
    return render(
        request,
        "talent/outpost_detail.html",
        {
            "outpost": outpost,
            "results": selectors.result_list(user=user, outpost=outpost),
            "form": form,
            "can_record": rules.can_record_result(user, outpost),
            "can_change": rules.can_change_outpost(user, outpost),
            "close_form": CloseForm(),
        },
    )


@login_required
def outpost_edit(request: HttpRequest, outpost_id: int) -> HttpResponse:
    outpost = _outpost(request, outpost_id)
    if not rules.can_change_outpost(request.user, outpost):
        raise PermissionDenied(gettext("只有依托单位或所在地科技部门可以修改运行中的研究机构"))
    initial: dict[str, Any] = {name: getattr(outpost, name) for name in EDITABLE}
    initial["staff"] = [p.pk for p in outpost.staff.all()]
    initial["research_fields"] = outpost.fields
    form = OutpostForm(
        request.POST or None, acting_user=request.user, editing=True, host=outpost.host, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.outpost_update(
                acting_user=request.user,
                outpost_id=outpost.pk,
                version=posted_version(request, outpost.version),
                **_outpost_call(dict(form.cleaned_data)),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("研究机构已修改"))
            return redirect("talent:outpost", outpost.pk)
    return render(request, "talent/outpost_form.html", {"form": form, "outpost": outpost})


@login_required
@require_POST
def outpost_step(request: HttpRequest, outpost_id: int, action: str) -> HttpResponse:
    outpost = _outpost(request, outpost_id)
    steps = {
        "close": lambda: services.outpost_close(
            acting_user=request.user,
            outpost_id=outpost.pk,
            version=posted_version(request, outpost.version),
            **valid_form_data(CloseForm(request.POST)),
        ),
    }
    step_button(request, steps, action, gettext("已办理"))
    return redirect("talent:outpost", outpost.pk)


# ---- 致富带头人 ------------------------------------------------------------------------------


@login_required
def leader_list(request: HttpRequest) -> HttpResponse:
    filters = LeaderFilterForm(request.GET or None)
    values = filters.values()
    leaders = selectors.leader_list(
        user=request.user,
        q=values.get("q", ""),
        region=values.get("region", ""),
        industry=values.get("industry", ""),
    )
    if request.GET.get("export") == "xlsx":
        rows = leaders[:EXPORT_LIMIT]
        return spreadsheet_export(
            request,
            schema=LEADER_SCHEMA,
            rows=leader_rows(rows, full_mobile=lambda leader: rules.sees_mobile(request.user, leader)),
            name=gettext("致富带头人"),
            count=len(rows),
        )
    page = BoundedPaginator(leaders, 20).get_page(request.GET.get("page"))
    for leader in page:
        shown = leader.mobile if rules.sees_mobile(request.user, leader) else leader.mobile_masked
        leader.shown_mobile = shown
    return render(
        request,
        "talent/leader_list.html",
        {
            "page": page,
            "filters": filters,
            "totals": selectors.leader_totals(user=request.user),
            "can_register": rules.can_register_leader(request.user),
            "can_group": rules.can_create_group(request.user),
        },
    )


@login_required
def leader_new(request: HttpRequest) -> HttpResponse:
    if not rules.can_register_leader(request.user):
        raise PermissionDenied(gettext("只有科技特派员可以登记其帮扶的致富带头人"))
    form = LeaderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        division = data.pop("division")
        try:
            leader = services.leader_register(acting_user=request.user, division_code=division.code, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("已登记致富带头人“{name}”").format(name=leader.name))
            return redirect("talent:leader", leader.pk)
    return render(request, "talent/leader_form.html", {"form": form})


@login_required
def leader_detail(request: HttpRequest, leader_id: int) -> HttpResponse:
    leader = found_or_404(selectors.leader_get(user=request.user, leader_id=leader_id))
    user = request.user
    form = ReportForm(request.POST or None)
    if request.method == "POST":
        if not rules.can_report(user, leader):
            raise PermissionDenied(gettext("只有帮扶该带头人的科技特派员可以填报年度成效"))
        if form.is_valid():
            try:
                services.leader_report(acting_user=user, leader_id=leader.pk, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, gettext("年度成效已保存"))
                return redirect("talent:leader", leader.pk)
    return render(
        request,
        "talent/leader_detail.html",
        {
            "leader": leader,
            "mobile": leader.mobile if rules.sees_mobile(user, leader) else leader.mobile_masked,
            "reports": selectors.report_list(user=user, leader=leader),
            "groups": selectors.group_list(user=user).filter(members=leader),
            "form": form,
            "can_report": rules.can_report(user, leader),
        },
    )


@login_required
def group_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "talent/group_list.html",
        {
            "page": BoundedPaginator(selectors.group_list(user=request.user), 20).get_page(
                request.GET.get("page")
            ),
            "can_create": rules.can_create_group(request.user),
        },
    )


@login_required
def group_new(request: HttpRequest) -> HttpResponse:
    if not rules.can_create_group(request.user):
        raise PermissionDenied(gettext("只有科技特派员、高校和科研院所或省科技厅可以登记农业科技致富共同体"))
    form = GroupForm(request.POST or None, acting_user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        county, members = data.pop("county"), data.pop("members")
        lead = data.pop("lead_organisation", None)
        try:
            group = services.group_create(
                acting_user=request.user,
                county_code=county.code,
                member_ids=[m.pk for m in members],
                lead_organisation_id=lead.pk if lead else None,
                **data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("已登记“{name}”").format(name=group.name))
            return redirect("talent:group", group.pk)
    return render(request, "talent/group_form.html", {"form": form})


@login_required
def group_detail(request: HttpRequest, group_id: int) -> HttpResponse:
    group = found_or_404(selectors.group_get(user=request.user, group_id=group_id))
    return render(
        request,
        "talent/group_detail.html",
        {"group": group, "members": selectors.group_members(user=request.user, group=group)[:500]},
    )


# ---- talent programmes and KPI-TALENT-SERVING ------------------------------------------------


@login_required
def selection_list(request: HttpRequest) -> HttpResponse:
    filters = SelectionFilterForm(request.GET or None)
    values = filters.values()
    selections = selectors.selection_list(
        user=request.user, year=values.get("year"), programme=values.get("programme", "")
    )
    if request.GET.get("export") == "xlsx":
        rows = selections[:EXPORT_LIMIT]
        return spreadsheet_export(
            request,
            schema=SELECTION_SCHEMA,
            rows=selection_rows(rows),
            name=gettext("人才工程入选"),
            count=len(rows),
        )
    can_record = rules.can_record_selection(request.user)
    form = SelectionForm(request.POST or None) if can_record else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(gettext("只有省科技厅可以登记人才工程入选情况"))
        if form.is_valid():
            data = dict(form.cleaned_data)
            person, county = data.pop("person"), data.pop("county")
            try:
                services.selection_record(
                    acting_user=request.user,
                    person_id=person.pk,
                    county_code=county.code if county else None,
                    **data,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, gettext("已登记"))
                return redirect("talent:selections")
    return render(
        request,
        "talent/selection_list.html",
        {
            "page": BoundedPaginator(selections, 20).get_page(request.GET.get("page")),
            "filters": filters,
            "form": form,
        },
    )


@login_required
def serving(request: HttpRequest) -> HttpResponse:
    parts = selectors.talent_parts()
    return render(
        request,
        "talent/serving.html",
        {"parts": parts, "total": sum(part["value"] for part in parts)},
    )
