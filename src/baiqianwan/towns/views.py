"""Pages of the 创新型专业镇 register and its pairing. Thin: forms in, services do, selectors read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from baiqianwan.core.exports import EXPORT_LIMIT, spreadsheet_export
from baiqianwan.core.forms import add_service_errors, attempt_step, valid_form_data
from baiqianwan.core.pagination import BoundedPaginator
from baiqianwan.core.selectors import found_or_404
from baiqianwan.indicators.acceptance.rules import can_view_town

from . import rules, selectors, services
from .engine import Result
from .exports import TOWN_SCHEMA, town_rows
from .forms import (
    ActivityForm,
    EndForm,
    PairingForm,
    ProfileForm,
    RegisterForm,
    ReviewForm,
    StatusForm,
    TownFilterForm,
)
from .models import InnovativeTown, TownPair


def _town(request: HttpRequest, town_id: int) -> InnovativeTown:
    return found_or_404(selectors.town_get(user=request.user, town_id=town_id))


def _pair(request: HttpRequest, pair_id: int) -> TownPair:
    return found_or_404(selectors.pair_get(user=request.user, pair_id=pair_id))


@login_required
def town_list(request: HttpRequest) -> HttpResponse:
    filters = TownFilterForm(request.GET or None)
    values = filters.values()
    towns = selectors.town_list(
        user=request.user,
        q=values.get("q", ""),
        status=values.get("status", ""),
        east_west_north=bool(values.get("east_west_north")),
    )
    if request.GET.get("export") == "xlsx":
        rows = towns[:EXPORT_LIMIT]
        return spreadsheet_export(
            request,
            schema=TOWN_SCHEMA,
            rows=town_rows(rows),
            name=gettext("创新型专业镇名录"),
            count=len(rows),
        )
    cities = selectors.register_by_city(user=request.user)
    return render(
        request,
        "towns/town_list.html",
        {
            "page": BoundedPaginator(towns, 20).get_page(request.GET.get("page")),
            "filters": filters,
            "map_data": cities,
            "map_max": max((c["value"] for c in cities), default=1),
            "can_manage": rules.can_manage(request.user),
        },
    )


@login_required
def town_register(request: HttpRequest) -> HttpResponse:
    if not rules.can_manage(request.user):
        raise PermissionDenied(gettext("只有省科技厅可以登记专业镇"))
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        division = data.pop("division")
        try:
            town = services.town_register(acting_user=request.user, division_code=division.code, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("已列入名录"))
            return redirect("towns:town", town.pk)
    return render(request, "towns/town_form.html", {"form": form, "town": None})


@login_required
def town_detail(request: HttpRequest, town_id: int) -> HttpResponse:
    town = _town(request, town_id)
    return render(
        request,
        "towns/town_detail.html",
        {
            "town": town,
            "pairs": selectors.pairs_of(user=request.user, town=town, active=False),
            "events": town.events.select_related("actor"),
            "can_edit": rules.can_edit_profile(request.user, town),
            "can_manage": rules.can_manage(request.user),
            "status_form": StatusForm(initial={"status": town.status}),
            "scores": selectors.town_scores(town=town)
            if can_view_town(request.user, town.division_id)
            else [],
            "reviews": town.reviews.select_related("decided_by"),
            "review_form": ReviewForm(initial={"year": selectors.latest_scored_year(), "kind": "annual"}),
        },
    )


@login_required
def town_edit(request: HttpRequest, town_id: int) -> HttpResponse:
    town = _town(request, town_id)
    if not rules.can_edit_profile(request.user, town):
        raise PermissionDenied(gettext("只有本镇及其所在县、市科技部门可以更新概况"))
    initial = {name: getattr(town, name) for name in services.PROFILE_FIELDS}
    initial["industry_codes"] = ", ".join(town.industry_codes)
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.town_profile_update(
                acting_user=request.user,
                town_id=town.pk,
                version=int(request.POST.get("version") or town.version),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("概况已更新"))
            return redirect("towns:town", town.pk)
    return render(request, "towns/town_form.html", {"form": form, "town": town})


@login_required
@require_POST
def town_status(request: HttpRequest, town_id: int) -> HttpResponse:
    town = _town(request, town_id)
    form = StatusForm(request.POST)

    def step() -> object:
        return services.town_status_set(acting_user=request.user, town_id=town.pk, **valid_form_data(form))

    try:
        attempt_step(request, step, gettext("状态已更新"))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return redirect("towns:town", town.pk)


@login_required
@require_POST
def town_review(request: HttpRequest, town_id: int) -> HttpResponse:
    town = _town(request, town_id)

    def step() -> object:
        data = valid_form_data(ReviewForm(request.POST))
        return services.town_review_record(acting_user=request.user, town_id=town.pk, **data)

    try:
        attempt_step(request, step, gettext("年度管理结论已记录"))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return redirect("towns:town", town.pk)


@login_required
def pairs(request: HttpRequest) -> HttpResponse:
    """The pairs in force; for the province, the proposal it adjusts and confirms."""
    can_manage = rules.can_manage(request.user)
    form = PairingForm(request.GET or None)
    proposal: Result | None = None
    towns: dict[str, InnovativeTown] = {}
    errors: list[str] = []
    if can_manage and request.GET.get("propose") and form.is_valid():
        try:
            proposal, towns = services.pairing_propose(
                acting_user=request.user,
                locked=form.lines("locked"),
                forbidden=form.lines("forbidden"),
                min_score=form.cleaned_data.get("min_score"),
            )
        except ValidationError as exc:
            errors = exc.messages
    return render(
        request,
        "towns/pairs.html",
        {
            "pairs": selectors.pairs_of(user=request.user),
            "can_manage": can_manage,
            "form": form,
            "proposal": proposal,
            "rows": selectors.proposal_rows(proposal, towns) if proposal else None,
            "errors": errors,
            "forbidden": form.lines("forbidden") if form.is_bound and form.is_valid() else [],
        },
    )


@login_required
@require_POST
def pairs_confirm(request: HttpRequest) -> HttpResponse:
    chosen = request.POST.getlist("pair")[:2000]
    forbidden = [line for line in request.POST.get("forbidden", "").splitlines() if line.strip()][:2000]
    try:
        created = services.pairs_confirm(acting_user=request.user, pairs=chosen, forbidden=forbidden)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, gettext("已确认 {n} 对结对").format(n=len(created)))
    return redirect("towns:pairs")


@login_required
def pair_detail(request: HttpRequest, pair_id: int) -> HttpResponse:
    pair = _pair(request, pair_id)
    form = ActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_record(acting_user=request.user, pair_id=pair.pk, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("已记录合作活动"))
            return redirect("towns:pair", pair.pk)
    return render(
        request,
        "towns/pair_detail.html",
        {
            "pair": pair,
            "activities": selectors.activities_of(pair=pair),
            "form": form,
            "can_record": rules.can_record_activity(request.user, pair) and pair.status == "active",
            "can_manage": rules.can_manage(request.user),
            "end_form": EndForm(),
        },
    )


@login_required
@require_POST
def pair_end(request: HttpRequest, pair_id: int) -> HttpResponse:
    pair = _pair(request, pair_id)
    try:
        attempt_step(
            request,
            lambda: services.pair_end(
                acting_user=request.user, pair_id=pair.pk, note=request.POST.get("note", "")
            ),
            gettext("结对已结束"),
        )
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return redirect("towns:pair", pair.pk)
