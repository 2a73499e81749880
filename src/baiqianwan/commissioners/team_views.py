"""Pages of teams in the field: the team list and page, 工作站, and 服务日志 with the town's queue."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from baiqianwan.core.exports import EXPORT_LIMIT, spreadsheet_export
from baiqianwan.core.forms import add_service_errors
from baiqianwan.orgs.models import Organisation
from baiqianwan.regions.classification import PROVINCE_CODE
from baiqianwan.regions.widgets import DivisionField, DivisionPicker

from . import teams
from .models import Activity, Assignment, LogStatus, ServiceLog, Team, Workstation

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# ---- forms -------------------------------------------------------------------------------------


class WorkstationForm(forms.Form):
    name = forms.CharField(label=_("工作站名称"), max_length=80, help_text=_("如：湖寮镇科技特派团工作站"))
    host = forms.ModelChoiceField(
        label=_("依托单位"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("（未在平台登记，填写下方名称）"),
        help_text=_("已在平台登记的单位"),
    )
    host_name = forms.CharField(
        label=_("依托单位名称"), max_length=80, required=False, help_text=_("依托单位未在平台登记时填写")
    )
    address = forms.CharField(label=_("地址"), max_length=120)
    facilities = forms.CharField(
        label=_("场地与设施"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("如：办公室 60 平方米、检测室、示范基地 200 亩"),
    )
    established_on = forms.DateField(label=_("建站日期"), widget=DATE_INPUT)
    latitude = forms.DecimalField(
        label=_("纬度"),
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.00001"}),
        help_text=_("选填，如 24.35110"),
    )
    longitude = forms.DecimalField(
        label=_("经度"),
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.00001"}),
        help_text=_("选填，如 116.69480"),
    )

    def __init__(self, *args: Any, acting_user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        division = getattr(acting_user, "division", None)
        root = division.code if division is not None and not acting_user.is_province else PROVINCE_CODE
        town = DivisionField(label=gettext("所在乡镇"), root=root, min_level="town", max_level="town")
        town.error_messages["invalid_choice"] = gettext("请选择您管辖范围内的乡镇（街道）")
        self.fields = {"name": self.fields.pop("name"), "town": town, **self.fields}
        if getattr(acting_user, "role", "") == "town":
            self.initial.setdefault("town", acting_user.division_id)
        self.fields["host"].queryset = Organisation.objects.for_user(acting_user).order_by("name")  # type: ignore[attr-defined]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; each is checked by the service, not here."""

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class VillagePicker(DivisionPicker):
    """The picker rooted at the team's town: one list of its villages, one of which must be chosen."""

    template_name = "commissioners/widgets/village_picker.html"

    def __init__(self, *, town: Any):
        super().__init__(root=town.code, max_level="village")
        self.town_name = town.name

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["town_name"] = self.town_name
        return context


DAY_CHOICES = [("1", _("1 天")), ("0.5", _("半天（0.5 天）"))]


class LogForm(forms.Form):
    served_on = forms.DateField(label=_("服务日期"), widget=DATE_INPUT)
    activity = forms.ChoiceField(label=_("服务内容"), choices=[("", _("请选择")), *Activity.choices])
    days = forms.ChoiceField(label=_("在岗天数"), choices=DAY_CHOICES, widget=forms.RadioSelect, initial="1")
    people_trained = forms.IntegerField(
        label=_("培训人数"),
        required=False,
        initial=0,
        widget=forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
    )
    problems_solved = forms.IntegerField(
        label=_("解决问题数"),
        required=False,
        initial=0,
        widget=forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
    )
    description = forms.CharField(
        label=_("服务情况"),
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": _("做了什么、为谁服务、解决了什么问题")}),
    )
    latitude = forms.DecimalField(label=_("纬度"), required=False, widget=forms.HiddenInput)
    longitude = forms.DecimalField(label=_("经度"), required=False, widget=forms.HiddenInput)
    photos = MultipleFileField(label=_("现场照片"), required=False)

    def __init__(self, *args: Any, town: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        village = DivisionField(
            label=gettext("服务村（社区）"), root=town.code, min_level="village", max_level="village"
        )
        village.widget = VillagePicker(town=town)
        village.error_messages["invalid_choice"] = gettext("请选择{name}下辖的村（社区）").format(
            name=town.name
        )
        self.fields = {"served_on": self.fields.pop("served_on"), "village": village, **self.fields}
        self.fields["served_on"].widget.attrs["max"] = timezone.localdate().isoformat()

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "served_on": data["served_on"],
            "village_code": data["village"].code,
            "activity": data["activity"],
            "days": data["days"],
            "people_trained": data.get("people_trained") or 0,
            "problems_solved": data.get("problems_solved") or 0,
            "description": data["description"],
            "latitude": data.get("latitude"),
            "longitude": data.get("longitude"),
        }


# ---- helpers -----------------------------------------------------------------------------------


def _int(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


def _team(request: HttpRequest, team_id: int) -> Team:
    team = teams.team_get(user=request.user, pk=team_id)
    if team is None:
        raise Http404(gettext("找不到该团队，或它不在您的管辖范围内"))
    return team


def _log(request: HttpRequest, log_id: int) -> ServiceLog:
    log = teams.log_get(user=request.user, pk=log_id)
    if log is None:
        raise Http404(gettext("找不到该服务日志，或它不在您的管辖范围内"))
    return log


def _queue_size(user: Any) -> int:
    return teams.log_queue(user=user).count()


# ---- 团队 ---------------------------------------------------------------------------------------


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    filters = {
        "city": str(request.GET.get("city", ""))[:4],
        "county": str(request.GET.get("county", ""))[:6],
        "q": str(request.GET.get("q", "")).strip()[:40],
    }
    found = teams.team_list(user=user, **filters)
    page = Paginator(found, 20).get_page(request.GET.get("page"))
    cities, counties = teams.team_filter_places(user=user, city=filters["city"])
    return render(
        request,
        "commissioners/teams.html",
        {
            "page": page,
            "rows": teams.team_rows(list(page.object_list)),
            "filters": filters,
            "cities": cities,
            "counties": counties,
            "can_log": teams.loggable_assignments(user=user).exists(),
            "queue": _queue_size(user),
            "required": teams.ON_SITE_DAYS_REQUIRED,
        },
    )


@login_required
def team_detail(request: HttpRequest, team_id: int) -> HttpResponse:
    user: Any = request.user
    team = _team(request, team_id)
    members = teams.team_members(team)
    can_lead = teams.can_change_leader(user, team)
    can_link = teams.can_manage_town(user, team.town_id)
    return render(
        request,
        "commissioners/team.html",
        {
            "team": team,
            "members": members,
            "history": teams.team_history(team),
            "numbers": teams.team_numbers(team),
            "logs": teams.log_list(user=user, team_id=team.pk)[:10],
            "required": teams.ON_SITE_DAYS_REQUIRED,
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
            "workstations": Workstation.objects.for_user(user, "change").filter(town_id=team.town_id)
            if can_link
            else [],
            "mine": teams.loggable_assignments(user=user).filter(need_id=team.need_id).first(),
        },
    )


@login_required
@require_POST
def team_leader(request: HttpRequest, team_id: int) -> HttpResponse:
    team = _team(request, team_id)
    try:
        chosen = teams.team_leader_change(
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
        linked = teams.team_workstation_set(
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


# ---- 工作站 -------------------------------------------------------------------------------------


@login_required
def workstation_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    filters = {
        "q": str(request.GET.get("q", "")).strip()[:40],
        "city": str(request.GET.get("city", ""))[:4],
        "county": str(request.GET.get("county", ""))[:6],
    }
    found = teams.workstation_list(user=user, **filters)
    page = Paginator(found, 20).get_page(request.GET.get("page"))
    linked: dict[int, list[Team]] = {}
    for t in Team.all_objects.filter(workstation__in=list(page.object_list)).order_by("started_on"):
        linked.setdefault(t.workstation_id or 0, []).append(t)
    cities, counties = teams.workstation_filter_places(user=user, city=filters["city"])
    return render(
        request,
        "commissioners/workstations.html",
        {
            "page": page,
            "rows": [(w, linked.get(w.pk, [])) for w in page.object_list],
            "filters": filters,
            "cities": cities,
            "counties": counties,
            "can_create": user.is_province or user.role in teams.REGION_MANAGERS,
        },
    )


@login_required
def workstation_edit(request: HttpRequest, workstation_id: int | None = None) -> HttpResponse:
    user: Any = request.user
    instance = None
    if workstation_id is not None:
        instance = teams.workstation_get(user=user, pk=workstation_id, action="change")
        if instance is None:
            raise Http404(gettext("找不到该工作站，或它不在您的管辖范围内"))
    if not (user.is_province or user.role in teams.REGION_MANAGERS):
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
                saved = teams.workstation_create(acting_user=user, **values)
            else:
                saved = teams.workstation_update(acting_user=user, workstation_id=instance.pk, **values)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("已保存工作站“{name}”。").format(name=saved.name))
            return redirect("commissioners:workstations")
    return render(request, "commissioners/workstation_form.html", {"form": form, "instance": instance})


# ---- 服务日志 -----------------------------------------------------------------------------------


def _log_filters(request: HttpRequest) -> dict[str, Any]:
    status = str(request.GET.get("status", ""))
    return {
        "status": status if status in LogStatus.values else "",
        "team_id": _int(request.GET.get("team")),
        "q": str(request.GET.get("q", "")).strip()[:40],
        "date_from": _date(request.GET.get("from")),
        "date_to": _date(request.GET.get("to")),
    }


@login_required
def log_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    filters = _log_filters(request)
    found = teams.log_list(user=user, **filters)
    if request.GET.get("export") == "xlsx":
        return spreadsheet_export(
            request,
            schema=teams.LOG_SHEET,
            rows=teams.log_rows(found[:EXPORT_LIMIT]),
            name=gettext("科技特派员服务日志"),
            count=found.count(),
        )
    page = Paginator(found, 20).get_page(request.GET.get("page"))
    team = teams.team_get(user=user, pk=filters["team_id"]) if filters["team_id"] else None
    return render(
        request,
        "commissioners/logs.html",
        {
            "page": page,
            "filters": filters,
            "team": team,
            "statuses": LogStatus.choices,
            "can_log": teams.loggable_assignments(user=user).exists(),
            "queue": _queue_size(user),
            "reviewer": user.role in teams.LOG_REVIEWERS,
        },
    )


@login_required
def log_queue(request: HttpRequest) -> HttpResponse:
    """The host town's list of logs waiting for confirmation; several can be confirmed at once."""
    user: Any = request.user
    if request.method == "POST":
        confirmed, problems = 0, []
        # The phone list and the table both carry a box per log; each log is confirmed once.
        for log_id in dict.fromkeys(request.POST.getlist("log")):
            if not log_id.isdigit():
                continue
            try:
                teams.log_confirm(acting_user=user, log_id=int(log_id))
                confirmed += 1
            except (ValidationError, PermissionDenied) as exc:
                problems.append(f"#{log_id}：{'；'.join(getattr(exc, 'messages', [str(exc)]))}")
        if confirmed:
            messages.success(
                request, gettext("已确认 {confirmed} 条服务日志，计入在岗天数。").format(confirmed=confirmed)
            )
        for problem in problems:
            messages.error(request, problem)
        if not confirmed and not problems:
            messages.warning(request, gettext("请先勾选要确认的服务日志。"))
        return redirect("commissioners:log_queue")
    waiting = teams.log_queue(user=user).prefetch_related("photos")
    page = Paginator(waiting, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "commissioners/log_queue.html",
        {"page": page, "reviewer": user.role in teams.LOG_REVIEWERS},
    )


def _uploads(request: HttpRequest) -> list[Any]:
    return list(request.FILES.getlist("photos"))


@login_required
def log_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    assignments = list(teams.loggable_assignments(user=user))
    if not assignments:
        return render(request, "commissioners/log_form.html", {"no_assignment": True})
    wanted = _int(request.POST.get("assignment") or request.GET.get("assignment"))
    assignment: Assignment = next((a for a in assignments if a.pk == wanted), assignments[0])
    form = LogForm(
        request.POST or None,
        request.FILES or None,
        town=assignment.need.town,
        initial={"served_on": timezone.localdate(), "days": "1"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            log = teams.log_create(
                acting_user=user, assignment_id=assignment.pk, photos=_uploads(request), **form.values()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                gettext("已提交{served_on:%m月%d日}的服务日志，等待{name}确认。").format(
                    served_on=log.served_on, name=assignment.need.town.name
                ),
            )
            if request.POST.get("next") == "new":
                return redirect(f"/commissioners/logs/new/?assignment={assignment.pk}")
            return redirect("commissioners:log", log.pk)
    return render(
        request,
        "commissioners/log_form.html",
        {"form": form, "assignment": assignment, "assignments": assignments, "max_photos": teams.MAX_PHOTOS},
    )


@login_required
def log_edit(request: HttpRequest, log_id: int) -> HttpResponse:
    user: Any = request.user
    log = _log(request, log_id)
    if not teams.is_author(user, log) or log.status == LogStatus.CONFIRMED:
        raise PermissionDenied(gettext("只有填写人本人可以修改未确认的服务日志"))
    initial = {
        "served_on": log.served_on,
        "village": log.village_id,
        "activity": log.activity,
        "days": "0.5" if log.days < 1 else "1",
        "people_trained": log.people_trained,
        "problems_solved": log.problems_solved,
        "description": log.description,
        "latitude": log.latitude,
        "longitude": log.longitude,
    }
    form = LogForm(
        request.POST or None, request.FILES or None, town=log.assignment.need.town, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = teams.log_update(
                acting_user=user,
                log_id=log.pk,
                photos=_uploads(request),
                remove_photo_ids=[int(p) for p in request.POST.getlist("remove_photo") if p.isdigit()],
                **form.values(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                gettext("已重新提交服务日志，等待{name}确认。").format(name=saved.assignment.need.town.name),
            )
            return redirect("commissioners:log", saved.pk)
    return render(
        request,
        "commissioners/log_form.html",
        {
            "form": form,
            "log": log,
            "assignment": log.assignment,
            "photos": log.photos.all(),
            "max_photos": teams.MAX_PHOTOS,
        },
    )


@login_required
def log_detail(request: HttpRequest, log_id: int) -> HttpResponse:
    user: Any = request.user
    log = _log(request, log_id)
    return render(
        request,
        "commissioners/log.html",
        {
            "log": log,
            "team": getattr(log.assignment.need, "team", None),
            "photos": log.photos.all(),
            "can_review": log.status == LogStatus.SUBMITTED and teams.can_review_log(user, log),
            "can_edit": log.status != LogStatus.CONFIRMED
            and teams.is_author(user, log)
            and log.assignment.status == "accepted",
        },
    )


@login_required
@require_POST
def log_action(request: HttpRequest, log_id: int, action: str) -> HttpResponse:
    log = _log(request, log_id)
    try:
        if action == "confirm":
            teams.log_confirm(acting_user=request.user, log_id=log.pk)
            messages.success(request, gettext("已确认，计入该科技特派员的在岗天数。"))
        elif action == "return":
            teams.log_return(
                acting_user=request.user, log_id=log.pk, reason=str(request.POST.get("reason", ""))
            )
            messages.success(request, gettext("已退回，科技特派员会收到通知。"))
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    if request.POST.get("back") == "queue":
        return redirect("commissioners:log_queue")
    return redirect("commissioners:log", log.pk)


@login_required
def log_photo(request: HttpRequest, log_id: int, photo_id: int) -> FileResponse:
    log = _log(request, log_id)
    photo = log.photos.filter(pk=photo_id).first()
    if photo is None:
        raise Http404(gettext("找不到该照片"))
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=3600"
    return response
