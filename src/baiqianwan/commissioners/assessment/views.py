"""Pages of the yearly assessment, the provincial key tasks and the commissioners' overview."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from baiqianwan.core.audit import audit_event_record
from baiqianwan.core.exports import EXPORT_LIMIT, spreadsheet_export, xlsx_response
from baiqianwan.core.forms import add_service_errors
from baiqianwan.core.models import AuditEvent
from baiqianwan.core.spreadsheets import ImportRejectedError, SpreadsheetError, write_workbook

from . import rules, selectors, services
from .forms import KeyTaskFilterForm, KeyTaskForm, RecordFilterForm, SchemeForm, SchemeRulesForm
from .models import AssessmentScheme, Grade, KeyTaskStatus


def _back(request: HttpRequest, default: str) -> str:
    """Return to the page the form was on, but only to a page of this site."""
    back = str(request.POST.get("back", ""))
    if back.startswith("/") and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return back
    return default


def _scheme(request: HttpRequest, scheme_id: int) -> AssessmentScheme:
    scheme = selectors.assessment_scheme_get(user=request.user, pk=scheme_id)
    if scheme is None:
        raise Http404(gettext("找不到该考核方案"))
    return scheme


def _int(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


def _errors(exc: ValidationError) -> str:
    return "；".join(exc.messages)


@login_required
def assessment_list(request: HttpRequest) -> HttpResponse:
    form = SchemeForm(request.POST or None)
    if request.method == "POST":
        if not rules.can_manage_assessment(request.user):
            raise PermissionDenied(gettext("年度考核方案由省科技厅管理"))
        if form.is_valid():
            try:
                created = services.assessment_scheme_create(acting_user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    gettext("已创建 {year} 年度考核，纳入考核 {count} 人。").format(
                        year=created.year, count=selectors.assessment_record_count(scheme=created)
                    ),
                )
                return redirect("commissioners:assessment", created.pk)
    schemes = selectors.assessment_scheme_list(user=request.user, with_people=True)
    return render(request, "commissioners/assessment_list.html", {"schemes": schemes, "form": form})


@login_required
def assessment_detail(request: HttpRequest, scheme_id: int) -> HttpResponse:
    scheme = _scheme(request, scheme_id)
    user: Any = request.user
    rules_form = SchemeRulesForm(
        request.POST or None, initial={f: getattr(scheme, f) for f in services.SCHEME_FIELDS}
    )
    if request.method == "POST" and rules_form.is_valid():
        try:
            services.assessment_scheme_update(acting_user=user, scheme=scheme, **rules_form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(rules_form, exc)
        else:
            messages.success(request, gettext("考核规则已保存。"))
            return redirect("commissioners:assessment", scheme.pk)
    filter_form = RecordFilterForm(request.GET or None)
    filters = filter_form.values()
    records = selectors.assessment_record_list(user=user, scheme=scheme, **filters)
    names = selectors.city_names()
    if request.GET.get("export") == "xlsx":
        return spreadsheet_export(
            request,
            schema=selectors.RESULTS_SHEET,
            rows=selectors.results_rows(records[:EXPORT_LIMIT], names),
            name=gettext("{year}年度考核结果").format(year=scheme.year),
            count=records.count(),
        )
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    side = rules.scoring_side(user)
    rows = [(r, side is not None and not scheme.finalised and rules.can_score(user, r)) for r in page]
    cities, organisations = selectors.record_filter_choices(user=user, scheme=scheme)
    summary = selectors.scheme_summary(scheme, user=user)
    missing = (
        selectors.missing_scores(scheme) if rules.can_manage_assessment(user) and not scheme.finalised else []
    )
    return render(
        request,
        "commissioners/assessment.html",
        {
            "scheme": scheme,
            "summary": summary,
            "page": page,
            "rows": rows,
            "side": side,
            "side_label": rules.SIDE_LABELS.get(side or "", ""),
            "rules": rules_form,
            "missing": missing[:30],
            "missing_count": len(missing),
            "cities": cities,
            "organisations": organisations,
            "filters": filters,
            "filter_form": filter_form,
            "grades": Grade.choices,
            "filtered": any(filters.values()),
            "cities_by_code": names,
        },
    )


@login_required
@require_POST
def assessment_score(request: HttpRequest, scheme_id: int, record_id: int) -> HttpResponse:
    scheme = _scheme(request, scheme_id)
    record = selectors.assessment_record_get(user=request.user, pk=record_id)
    if record is None or record.scheme_id != scheme.pk:
        raise Http404(gettext("找不到该考核记录"))
    try:
        services.assessment_score(
            acting_user=request.user,
            record=record,
            score=request.POST.get("score", ""),
            comment=str(request.POST.get("comment", "")),
        )
    except ValidationError as exc:
        messages.error(request, f"{record.assignment.nomination.expert.person.name}：{_errors(exc)}")
    else:
        messages.success(
            request,
            gettext("已保存{name}的评分。").format(name=record.assignment.nomination.expert.person.name),
        )
    return redirect(_back(request, f"/commissioners/assessment/{scheme.pk}/"))


@login_required
def score_sheet(request: HttpRequest, scheme_id: int) -> HttpResponse:
    """The scores this user gives, as a sheet to fill in and upload again."""
    scheme = _scheme(request, scheme_id)
    side = rules.scoring_side(request.user)
    if side is None:
        raise PermissionDenied(gettext("只有派出单位和服务乡镇（或其所在县）有评分表"))
    rows = selectors.score_sheet_rows(user=request.user, scheme=scheme)
    audit_event_record(
        kind=AuditEvent.Kind.EXPORT,
        request=request,
        detail=f"导出{scheme.year}年度考核评分表（{rules.SIDE_LABELS[side]}）{len(rows)} 条",
    )
    return xlsx_response(
        write_workbook(services.SCORE_SHEET, rows, template=True),
        gettext("{year}年度考核评分表").format(year=scheme.year),
    )


@login_required
@require_POST
def score_upload(request: HttpRequest, scheme_id: int) -> HttpResponse:
    scheme = _scheme(request, scheme_id)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise ValidationError(gettext("请选择填好的评分表（.xlsx）"))
        count = services.score_sheet_import(acting_user=request.user, scheme=scheme, data=upload.read())
    except ImportRejectedError as exc:
        shown = [str(e) for e in exc.errors[:20]]
        more = (
            gettext("（另有 {value} 处）").format(value=len(exc.errors) - 20) if len(exc.errors) > 20 else ""
        )
        messages.error(request, f"{exc}：" + "；".join(shown) + more)
    except SpreadsheetError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, gettext("已导入 {count} 条评分。").format(count=count))
    return redirect("commissioners:assessment", scheme.pk)


@login_required
@require_POST
def assessment_action(request: HttpRequest, scheme_id: int, action: str) -> HttpResponse:
    scheme = _scheme(request, scheme_id)
    try:
        if action == "finalise":
            outcome = services.assessment_finalise(acting_user=request.user, scheme=scheme)
            messages.success(
                request,
                gettext("已定档：优秀 {count} 人、合格 {count2} 人、不合格 {count3} 人。评分已锁定。").format(
                    count=outcome.count(Grade.EXCELLENT),
                    count2=outcome.count(Grade.PASS),
                    count3=outcome.count(Grade.FAIL),
                ),
            )
        elif action == "unfinalise":
            services.assessment_unfinalise(
                acting_user=request.user, scheme=scheme, reason=str(request.POST.get("reason", ""))
            )
            messages.warning(request, gettext("已撤销定档，评分重新开放；等次将在再次定档时重新计算。"))
        elif action == "sync":
            added, removed = services.assessment_records_sync(acting_user=request.user, scheme=scheme)
            messages.info(
                request,
                gettext("考核名单已更新：新增 {added} 人，移出 {removed} 人。").format(
                    added=added, removed=removed
                ),
            )
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return redirect("commissioners:assessment", scheme.pk)


@login_required
def key_task_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = KeyTaskForm(request.POST or None, acting_user=user)
    if request.method == "POST":
        if not rules.can_manage_assessment(user):
            raise PermissionDenied(gettext("省级重点派驻任务由省科技厅下达"))
        if form.is_valid():
            try:
                task = services.key_task_create(acting_user=user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, gettext("已下达任务 {code}。").format(code=task.code))
                return redirect("commissioners:key_task", task.pk)
    filter_form = KeyTaskFilterForm(request.GET or None)
    filters = filter_form.values()
    tasks = selectors.key_task_list(user=user, **filters)
    if request.GET.get("export") == "xlsx":
        return spreadsheet_export(
            request,
            schema=selectors.KEY_TASK_SHEET,
            rows=selectors.key_task_rows(list(tasks[:EXPORT_LIMIT])),
            name=gettext("省级重点派驻任务"),
            count=tasks.count(),
        )
    page = Paginator(tasks, 20).get_page(request.GET.get("page"))
    counts = selectors.key_task_counts(user=user)
    return render(
        request,
        "commissioners/key_tasks.html",
        {
            "page": page,
            "form": form,
            "statuses": KeyTaskStatus.choices,
            "counts": counts,
            "filters": filters,
            "filter_form": filter_form,
            "cities": selectors.key_task_cities(user=user),
            "show_form": rules.can_manage_assessment(user)
            and (request.method == "POST" or request.GET.get("new")),
        },
    )


@login_required
def key_task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    user: Any = request.user
    task = selectors.key_task_get(user=user, pk=task_id)
    if task is None:
        raise Http404(gettext("找不到该任务"))
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "progress":
                services.key_task_progress(
                    acting_user=user,
                    task=task,
                    progress=request.POST.get("progress", ""),
                    note=str(request.POST.get("note", "")),
                )
                messages.success(request, gettext("已更新任务进展。"))
            elif action in (KeyTaskStatus.ACCEPTED, KeyTaskStatus.TERMINATED):
                done = services.key_task_close(
                    acting_user=user, task=task, status=action, reason=str(request.POST.get("reason", ""))
                )
                messages.success(
                    request, gettext("任务已标记为“{status}”。").format(status=done.get_status_display())
                )
            else:
                raise Http404
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        return redirect("commissioners:key_task", task.pk)
    closed = task.status in services.CLOSING
    return render(
        request,
        "commissioners/key_task.html",
        {
            "task": task,
            "status": getattr(task, "shown_status", task.status),
            "status_label": KeyTaskStatus(getattr(task, "shown_status", task.status)).label,
            "goals": [line for line in task.goals.splitlines() if line.strip()],
            "can_report": not closed and rules.can_report_progress(user, task),
            "can_close": not closed and rules.can_manage_assessment(user),
            "members": selectors.key_task_members(task),
        },
    )


@login_required
def overview_page(request: HttpRequest) -> HttpResponse:
    numbers = selectors.overview_get(user=request.user)
    if request.GET.get("export") == "xlsx":
        rows = selectors.overview_rows(numbers)
        return spreadsheet_export(
            request,
            schema=selectors.OVERVIEW_SHEET,
            rows=rows,
            name=gettext("科技特派员分市统计"),
            count=len(numbers.cities),
            note=gettext("截至 {on:%Y-%m-%d}").format(on=numbers.on),
        )
    task_counts = selectors.key_task_counts(user=request.user)
    latest = selectors.assessment_scheme_list(user=request.user).first()
    map_data = [
        {
            "name": c.name,
            "code": c.code,
            "region": c.region_label,
            "value": c.on_duty,
            "serving": c.serving,
            "teams": c.teams,
            "towns": c.towns,
            "villages": c.villages,
        }
        for c in numbers.cities
    ]
    top = max((c.on_duty for c in numbers.cities), default=0)
    return render(
        request,
        "commissioners/overview.html",
        {
            "o": numbers,
            "map_data": map_data,
            "map_max": max(top, 1),
            "field_max": max((n for _, n in numbers.fields), default=0) or 1,
            "task_counts": task_counts,
            "task_total": sum(task_counts.values()),
            "latest_scheme": latest,
        },
    )
