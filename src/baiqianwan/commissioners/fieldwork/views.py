"""Pages of 服务日志: the list and export, the town's queue, writing, correcting and reviewing a log."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from baiqianwan.core.exports import EXPORT_LIMIT, spreadsheet_export
from baiqianwan.core.forms import add_service_errors

from ..rounds.models import Assignment
from . import rules, selectors, services
from .forms import LogFilterForm, LogForm
from .models import LogStatus, ServiceLog


def _int(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


def _log(request: HttpRequest, log_id: int) -> ServiceLog:
    log = selectors.log_get(user=request.user, pk=log_id)
    if log is None:
        raise Http404(gettext("找不到该服务日志，或它不在您的管辖范围内"))
    return log


def _queue_size(user: Any) -> int:
    return selectors.log_queue(user=user).count()


@login_required
def log_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    filter_form = LogFilterForm(request.GET or None)
    filters = filter_form.values()
    found = selectors.log_list(user=user, **filters)
    if request.GET.get("export") == "xlsx":
        return spreadsheet_export(
            request,
            schema=selectors.LOG_SHEET,
            rows=selectors.log_rows(found[:EXPORT_LIMIT]),
            name=gettext("科技特派员服务日志"),
            count=found.count(),
        )
    page = Paginator(found, 20).get_page(request.GET.get("page"))
    team = selectors.log_team_get(user=user, pk=filters["team_id"]) if filters.get("team_id") else None
    return render(
        request,
        "commissioners/logs.html",
        {
            "page": page,
            "filters": filters,
            "filter_form": filter_form,
            "team": team,
            "statuses": LogStatus.choices,
            "can_log": selectors.loggable_assignments(user=user).exists(),
            "queue": _queue_size(user),
            "reviewer": rules.is_reviewer(user),
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
                services.log_confirm(acting_user=user, log_id=int(log_id))
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
    waiting = selectors.log_queue(user=user, photos=True)
    page = Paginator(waiting, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "commissioners/log_queue.html",
        {"page": page, "reviewer": rules.is_reviewer(user)},
    )


def _uploads(request: HttpRequest) -> list[Any]:
    return list(request.FILES.getlist("photos"))


@login_required
def log_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    assignments = list(selectors.loggable_assignments(user=user))
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
            log = services.log_create(
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
        {
            "form": form,
            "assignment": assignment,
            "assignments": assignments,
            "max_photos": services.MAX_PHOTOS,
        },
    )


@login_required
def log_edit(request: HttpRequest, log_id: int) -> HttpResponse:
    user: Any = request.user
    log = _log(request, log_id)
    if not rules.can_correct_log(user, log):
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
            saved = services.log_update(
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
            "max_photos": services.MAX_PHOTOS,
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
            "can_review": log.status == LogStatus.SUBMITTED and rules.can_review_log(user, log),
            "can_edit": rules.can_correct_log(user, log) and log.assignment.status == "accepted",
        },
    )


@login_required
@require_POST
def log_action(request: HttpRequest, log_id: int, action: str) -> HttpResponse:
    log = _log(request, log_id)
    try:
        if action == "confirm":
            services.log_confirm(acting_user=request.user, log_id=log.pk)
            messages.success(request, gettext("已确认，计入该科技特派员的在岗天数。"))
        elif action == "return":
            services.log_return(
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
    photo = selectors.log_photo_get(log=log, pk=photo_id)
    if photo is None:
        raise Http404(gettext("找不到该照片"))
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=3600"
    return response
