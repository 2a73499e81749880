"""Pages of the service network. Thin: forms in, services do, selectors read."""

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

from ..models import ServiceStation, StationService
from . import rules, selectors, services
from .exports import STATION_SCHEMA, station_rows
from .forms import ActivityForm, CloseForm, StationFilterForm, StationForm

EDITABLE = ("name", "contact", "phone", "opened_on", "is_public", "services")


def _station(request: HttpRequest, station_id: int) -> ServiceStation:
    return found_or_404(selectors.station_get(user=request.user, station_id=station_id))


@login_required
def station_list(request: HttpRequest) -> HttpResponse:
    filters = StationFilterForm(request.GET or None)
    values = filters.values()
    stations = selectors.station_list(
        user=request.user,
        q=values.get("q", ""),
        level=values.get("level", ""),
        region=values.get("region", ""),
        status=values.get("status", ""),
        east_west_north=values.get("east_west_north"),
    )
    if request.GET.get("export") == "xlsx":
        rows = stations[:EXPORT_LIMIT]
        return spreadsheet_export(
            request,
            schema=STATION_SCHEMA,
            rows=station_rows(rows),
            name=gettext("科技金融服务站点"),
            count=len(rows),
        )
    figures = selectors.network(user=request.user)
    return render(
        request,
        "finance/stations/station_list.html",
        {
            "page": BoundedPaginator(stations, 20).get_page(request.GET.get("page")),
            "filters": filters,
            "network": figures,
            "map_max": max((c["value"] for c in figures["cities"]), default=1),
            "can_register": rules.can_register(request.user),
        },
    )


@login_required
def station_new(request: HttpRequest) -> HttpResponse:
    if not rules.can_register(request.user):
        raise PermissionDenied(gettext("只有省科技厅和地市、县（市、区）科技部门可以登记服务中心和站点"))
    form = StationForm(request.POST or None, acting_user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        division, parent, host = data.pop("division"), data.pop("parent"), data.pop("host")
        try:
            station = services.station_register(
                acting_user=request.user,
                division_code=division.code,
                parent_id=parent.pk if parent else None,
                host_id=host.pk if host else None,
                **data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("已登记“{name}”").format(name=station.name))
            return redirect("finance_stations:station", station.pk)
    return render(request, "finance/stations/station_form.html", {"form": form, "station": None})


@login_required
def station_detail(request: HttpRequest, station_id: int) -> HttpResponse:
    station = _station(request, station_id)
    user = request.user
    can_record = rules.can_record_activity(user, station) and station.closed_on is None
    form = ActivityForm(request.POST or None)
    if request.method == "POST":
        if not rules.can_record_activity(user, station):
            raise PermissionDenied(gettext("只有站点所在地的科技部门或运营单位可以登记活动"))
        if form.is_valid():
            try:
                services.activity_record(acting_user=user, station_id=station.pk, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, gettext("活动已登记"))
                return redirect("finance_stations:station", station.pk)
    activities = selectors.activity_list(user=user, station=station)
    return render(
        request,
        "finance/stations/station_detail.html",
        {
            "station": station,
            "service_labels": _service_labels(station),
            "children": selectors.station_children(user=user, station=station)[:100],
            "page": BoundedPaginator(activities, 20).get_page(request.GET.get("page")),
            "totals": selectors.activity_totals(user=user, station=station),
            "form": form,
            "can_record": can_record,
            "can_change": rules.can_change(user, station),
            "close_form": CloseForm(),
        },
    )


def _service_labels(station: ServiceStation) -> list[str]:
    labels = dict(StationService.choices)
    return [str(labels.get(value, value)) for value in station.services]


@login_required
def station_edit(request: HttpRequest, station_id: int) -> HttpResponse:
    station = _station(request, station_id)
    if not rules.can_change(request.user, station):
        raise PermissionDenied(gettext("只有站点所在地的科技部门可以修改运行中的站点"))
    initial: dict[str, Any] = {name: getattr(station, name) for name in EDITABLE}
    initial["host"] = station.host_id
    form = StationForm(request.POST or None, acting_user=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        host = data.pop("host")
        try:
            services.station_update(
                acting_user=request.user,
                station_id=station.pk,
                version=posted_version(request, station.version),
                host_id=host.pk if host else None,
                **data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("站点已修改"))
            return redirect("finance_stations:station", station.pk)
    return render(request, "finance/stations/station_form.html", {"form": form, "station": station})


@login_required
@require_POST
def station_step(request: HttpRequest, station_id: int, action: str) -> HttpResponse:
    station = _station(request, station_id)
    steps = {
        "close": lambda: services.station_close(
            acting_user=request.user,
            station_id=station.pk,
            version=posted_version(request, station.version),
            **valid_form_data(CloseForm(request.POST)),
        ),
    }
    step_button(request, steps, action, gettext("已办理"))
    return redirect("finance_stations:station", station.pk)
