"""Pages of teams in the field: the team list and page, the leader and 工作站 changes, 工作站."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from baiqianwan.core.forms import add_service_errors

from ..fieldwork import models as fieldwork_models
from ..fieldwork import selectors as fieldwork_selectors
from ..rounds.models import Team
from . import rules, selectors, services
from .forms import TeamFilterForm, WorkstationFilterForm, WorkstationForm


def _int(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


def _team(request: HttpRequest, team_id: int) -> Team:
    team = selectors.team_get(user=request.user, pk=team_id)
    if team is None:
        raise Http404(gettext("找不到该团队，或它不在您的管辖范围内"))
    return team


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    filter_form = TeamFilterForm(request.GET or None)
    filters = filter_form.values()
    found = selectors.team_list(user=user, **filters)
    page = Paginator(found, 20).get_page(request.GET.get("page"))
    cities, counties = selectors.team_filter_places(user=user, city=filters.get("city", ""))
    return render(
        request,
        "commissioners/teams.html",
        {
            "page": page,
            "rows": selectors.team_rows(list(page.object_list)),
            "filters": filters,
            "filter_form": filter_form,
            "cities": cities,
            "counties": counties,
            "can_log": fieldwork_selectors.loggable_assignments(user=user).exists(),
            "queue": fieldwork_selectors.log_queue(user=user).count(),
            "required": fieldwork_models.ON_SITE_DAYS_REQUIRED,
        },
    )


@login_required
def team_detail(request: HttpRequest, team_id: int) -> HttpResponse:
    user: Any = request.user
    team = _team(request, team_id)
    members = selectors.team_members(team)
    can_lead = rules.can_change_leader(user, team)
    can_link = rules.can_manage_town(user, team.town_id)
    return render(
        request,
        "commissioners/team.html",
        {
            "team": team,
            "members": members,
            "history": selectors.team_history(team),
            "numbers": selectors.team_numbers(team),
            "logs": fieldwork_selectors.log_list(user=user, team_id=team.pk)[:10],
            "required": fieldwork_models.ON_SITE_DAYS_REQUIRED,
            "today": timezone.localdate(),
            "can_lead": can_lead,
            "leader_choices": [
                m
                for m in members
                if m.on_duty and not m.assignment.leader and m.assignment.nomination.can_lead
            ]
            if can_lead
            else [],
            "can_link": can_link,
            "workstations": selectors.workstation_choices(user=user, town_code=team.town_id)
            if can_link
            else [],
            "mine": fieldwork_selectors.loggable_assignment_get(user=user, need_id=team.need_id),
        },
    )


@login_required
@require_POST
def team_leader(request: HttpRequest, team_id: int) -> HttpResponse:
    team = _team(request, team_id)
    try:
        chosen = services.team_leader_change(
            acting_user=request.user,
            team=team,
            assignment_id=_int(request.POST.get("assignment")) or 0,
            reason=str(request.POST.get("reason", "")),
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(
            request, gettext("已将{name}调整为团队负责人。").format(name=chosen.nomination.expert.person.name)
        )
    return redirect("commissioners:team", team.pk)


@login_required
@require_POST
def team_workstation(request: HttpRequest, team_id: int) -> HttpResponse:
    team = _team(request, team_id)
    try:
        linked = services.team_workstation_set(
            acting_user=request.user, team=team, workstation_id=_int(request.POST.get("workstation"))
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(
            request,
            gettext("已关联工作站“{name}”。").format(name=linked.workstation.name)
            if linked.workstation
            else gettext("已解除工作站关联。"),
        )
    return redirect("commissioners:team", team.pk)


@login_required
def workstation_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    filter_form = WorkstationFilterForm(request.GET or None)
    filters = filter_form.values()
    found = selectors.workstation_list(user=user, **filters)
    page = Paginator(found, 20).get_page(request.GET.get("page"))
    linked = selectors.workstation_teams(workstations=list(page.object_list))
    cities, counties = selectors.workstation_filter_places(user=user, city=filters.get("city", ""))
    return render(
        request,
        "commissioners/workstations.html",
        {
            "page": page,
            "rows": [(w, linked.get(w.pk, [])) for w in page.object_list],
            "filters": filters,
            "filter_form": filter_form,
            "cities": cities,
            "counties": counties,
            "can_create": rules.can_register_workstation(user),
        },
    )


@login_required
def workstation_edit(request: HttpRequest, workstation_id: int | None = None) -> HttpResponse:
    user: Any = request.user
    instance = None
    if workstation_id is not None:
        instance = selectors.workstation_get(user=user, pk=workstation_id, action="change")
        if instance is None:
            raise Http404(gettext("找不到该工作站，或它不在您的管辖范围内"))
    if not rules.can_register_workstation(user):
        raise PermissionDenied(gettext("工作站由乡镇及以上科技管理部门登记"))
    initial = (
        {
            "name": instance.name,
            "town": instance.town_id,
            "host": instance.host_id,
            "host_name": instance.host_name,
            "address": instance.address,
            "facilities": instance.facilities,
            "established_on": instance.established_on,
            "latitude": instance.latitude,
            "longitude": instance.longitude,
        }
        if instance
        else {"established_on": timezone.localdate()}
    )
    form = WorkstationForm(request.POST or None, initial=initial, acting_user=user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        town, host = data.pop("town"), data.pop("host")
        values = {**data, "town_code": town.code, "host_id": host.pk if host else None}
        try:
            if instance is None:
                saved = services.workstation_create(acting_user=user, **values)
            else:
                saved = services.workstation_update(acting_user=user, workstation_id=instance.pk, **values)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("已保存工作站“{name}”。").format(name=saved.name))
            return redirect("commissioners:workstations")
    return render(request, "commissioners/workstation_form.html", {"form": form, "instance": instance})
