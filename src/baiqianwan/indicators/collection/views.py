"""Pages of indicator collection (指标填报): data sets and periods, units, the entry form, Excel,
the review queue, and completeness. Views are thin: reads from ``selectors``, writes through
``services`` and ``workbook``."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from baiqianwan.core.audit import audit_event_record
from baiqianwan.core.exports import spreadsheet_export, xlsx_response
from baiqianwan.core.forms import add_service_errors
from baiqianwan.core.models import AuditEvent
from baiqianwan.core.spreadsheets import Column, SheetSchema
from baiqianwan.regions.models import Division

from ..definitions.models import LEVEL_NAMES, DataSet
from ..definitions.selectors import check_period
from . import rules, selectors, services, workbook
from .forms import (
    EntryForm,
    LockExceptionForm,
    ReviewActionForm,
    ReviewFilterForm,
    UnitFilterForm,
    UploadForm,
    shown_value,
)
from .models import EDITABLE, Submission, SubmissionStatus

SUBMIT_BATCH = 1000  # units one “全部报送” click handles; the rest follow with another click


def _dataset(user: Any, code: str) -> DataSet:
    dataset = selectors.dataset_get(user=user, code=code)
    if dataset is None:
        raise Http404(gettext("找不到该报表，或您不参与该报表的填报和审核"))
    return dataset


def _period(dataset: DataSet, period: str) -> str:
    try:
        return check_period(dataset, period)
    except ValidationError as exc:
        raise Http404("；".join(exc.messages)) from exc


def _units_url(dataset: DataSet, period: str, **query: Any) -> str:
    url = reverse("indicators:collect_units", args=[dataset.code, period])
    query = {k: v for k, v in query.items() if v}
    return f"{url}?{urlencode(query)}" if query else url


def _entry_url(submission: Submission) -> str:
    return reverse("indicators:entry", args=[submission.dataset.code, submission.period, submission.unit_id])


# ---- (a) data sets and periods -----------------------------------------------------------------


@login_required
def collect(request: HttpRequest) -> HttpResponse:
    overview = selectors.collection_overview(user=request.user)
    if not overview and not rules.level_of(request.user):
        raise PermissionDenied(gettext("指标填报由各级科技部门和乡镇、村使用"))
    return render(
        request,
        "indicators/collect.html",
        {
            "overview": overview,
            "statuses": selectors.STATUS_FILTERS,
            "queue_count": selectors.review_queue(user=request.user).count(),
            "level": rules.level_of(request.user),
        },
    )


# ---- (b) units of one data set and period --------------------------------------------------------


@login_required
def collect_units(request: HttpRequest, dataset_code: str, period: str) -> HttpResponse:
    user = request.user
    dataset = _dataset(user, dataset_code)
    period = _period(dataset, period)
    values = UnitFilterForm(request.GET or None).values()
    status, region = values.get("status", ""), values.get("region", "")
    q = (values.get("q") or "").strip()
    job_id = values.get("job")
    uploaded = workbook.upload_units(user=user, job_id=job_id, dataset=dataset, period=period)
    # Filtering by the uploaded units' codes is one IN list; past that size, show them all.
    codes = uploaded if uploaded is not None and len(uploaded) <= 5000 else None
    units = selectors.unit_status_list(
        user=user, dataset=dataset, period=period, status=status, region=region, q=q, codes=codes
    )
    page = Paginator(units, 50).get_page(request.GET.get("page"))
    state = selectors.period_state(dataset, period)
    annotated: list[Any] = list(page)  # divisions with the submission's fields (unit_status_list)
    rows = [
        {
            "unit": unit,
            "stage_label": LEVEL_NAMES.get(unit.submission_stage or "", ""),
            "on_time": selectors.on_time(unit.submitted_at, state.deadline, unit.submission_status or ""),
        }
        for unit in annotated
    ]
    return render(
        request,
        "indicators/collect_units.html",
        {
            "dataset": dataset,
            "period": period,
            "state": state,
            "page": page,
            "rows": rows,
            "statuses": selectors.STATUS_FILTERS,
            "regions": selectors.region_choices(user=user, dataset=dataset),
            "filters": {"status": status, "region": region, "q": q},
            "uploaded": uploaded,
            "job_id": job_id if uploaded is not None else "",
            "can_upload": rules.can_upload(user, dataset),
            "shows_completeness": rules.completeness_available(user, dataset),
            "overdue": state.deadline < timezone.localdate(),
        },
    )


# ---- (c) the entry form --------------------------------------------------------------------------


def _entry_context(
    request: HttpRequest, dataset: DataSet, period: str, unit: Division, submission: Submission | None
) -> dict[str, Any]:
    user = request.user
    state = selectors.period_state(dataset, period, unit_code=unit.code)
    editable_status = submission is None or submission.status in EDITABLE
    can_fill = rules.can_fill(user, dataset, unit)
    open_to_user = not state.locked or user.is_province  # type: ignore[union-attr]
    events = selectors.submission_history(submission=submission) if submission else []
    history = [
        {
            "event": e,
            "label": selectors.ACTION_LABELS.get(e.action, e.action),
            "level": LEVEL_NAMES.get(e.level, ""),
        }
        for e in reversed(events)
    ]
    context: dict[str, Any] = {
        "dataset": dataset,
        "period": period,
        "unit": unit,
        "submission": submission,
        "state": state,
        "can_edit": can_fill and editable_status and open_to_user,
        "chain": [LEVEL_NAMES.get(level, level) for level in rules.chain_for(dataset, unit)],
        "status_label": selectors.STATUS_LABELS[submission.status if submission else selectors.NOT_STARTED],
        "stage_label": LEVEL_NAMES.get(submission.stage, "") if submission else "",
        "history": history,
        "return_reason": next((e.reason for e in reversed(events) if e.action == "return"), "")
        if submission is not None and submission.status == SubmissionStatus.RETURNED
        else "",
        "can_review": bool(submission) and rules.can_review(user, submission),  # type: ignore[arg-type]
        "can_unapprove": bool(submission) and rules.can_unapprove(user, submission),  # type: ignore[arg-type]
        "can_grant": rules.can_grant_exception(user, dataset, period, unit),
        "exceptions": selectors.lock_exceptions(dataset=dataset, period=period, unit=unit),
        "check_errors": [],
        "check_warnings": [],
    }
    if submission is not None and editable_status and submission.values:
        _, system = selectors.system_of(dataset)
        errors, warnings = services.check_values(system, dataset, unit, period, submission.values)
        context["check_errors"], context["check_warnings"] = errors, warnings
    return context


@login_required
def entry(request: HttpRequest, dataset_code: str, period: str, unit_code: str) -> HttpResponse:
    user = request.user
    dataset = _dataset(user, dataset_code)
    period = _period(dataset, period)
    unit = selectors.unit_get(user=user, dataset=dataset, code=unit_code)
    if unit is None:
        raise Http404(gettext("找不到该单位，或它不在您的管辖范围内"))
    submission = selectors.submission_for(user=user, dataset=dataset, period=period, unit=unit)
    context = _entry_context(request, dataset, period, unit, submission)
    elements = selectors.dataset_elements(dataset)
    initial = {
        e.code: shown_value(e, (submission.values if submission else {}).get(e.code)) for e in elements
    }
    initial["version"] = submission.version if submission else None
    if request.method == "POST" and not context["can_edit"]:
        messages.error(request, gettext("该报表现在不能修改，未保存"))
        return redirect(request.path)
    if request.method == "POST":
        form = EntryForm(request.POST, elements=elements, readonly=False, initial=initial)
        if form.is_valid():
            try:
                saved = services.submission_save(
                    acting_user=user,
                    dataset=dataset,
                    period=period,
                    unit=unit,
                    values=form.values(),
                    version=form.cleaned_data["version"],
                )
            except (ValidationError, PermissionDenied) as exc:
                _form_errors(form, exc)
            else:
                if request.POST.get("action") != "submit":
                    messages.success(request, gettext("已保存草稿。核对无误后请点击“报送”"))
                    return redirect(request.path)
                _submit(request, saved, confirmed=form.cleaned_data["confirmed"])
                return redirect(request.path)
    else:
        form = EntryForm(initial=initial, elements=elements, readonly=not context["can_edit"])
    previous_period, previous = selectors.previous_values(dataset=dataset, period=period, unit=unit)
    context["form"] = form
    context["rows"] = form.rows(previous)
    context["previous_label"] = selectors.period_label(previous_period) if previous_period else ""
    return render(request, "indicators/entry.html", context)


def _form_errors(form: EntryForm, exc: ValidationError | PermissionDenied) -> None:
    if isinstance(exc, PermissionDenied):
        form.add_error(None, str(exc) or gettext("没有权限"))
    else:
        add_service_errors(form, exc)


def _submit(request: HttpRequest, submission: Submission, *, confirmed: bool) -> None:
    try:
        sent = services.submission_submit(
            acting_user=request.user, submission=submission, confirm_warnings=confirmed
        )
    except (ValidationError, PermissionDenied) as exc:
        text = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, gettext("已保存草稿，但未能报送：{text}").format(text=text))
        return
    if sent.status == SubmissionStatus.APPROVED:
        messages.success(request, gettext("已报送并审定"))
    else:
        messages.success(
            request,
            gettext("已报送，等待{get}审核").format(get=LEVEL_NAMES.get(sent.stage, sent.stage)),
        )


@login_required
def submission_page(request: HttpRequest, submission_id: int) -> HttpResponse:
    """The address notifications link to; the form lives at the data set/period/unit address."""
    submission = selectors.submission_get(user=request.user, pk=submission_id)
    if submission is None:
        raise Http404(gettext("找不到该报表，或它不在您的管辖范围内"))
    return redirect(_entry_url(submission))


@login_required
@require_POST
def submission_action(request: HttpRequest, submission_id: int, action: str) -> HttpResponse:
    submission = selectors.submission_get(user=request.user, pk=submission_id)
    if submission is None:
        raise Http404(gettext("找不到该报表，或它不在您的管辖范围内"))
    form = ReviewActionForm(request.POST)
    version = form.seen()  # the version the page showed
    reason = form.cleaned_data.get("reason", "")
    try:
        if action == "approve":
            done = services.submission_approve(
                acting_user=request.user, submission=submission, version=version
            )
            messages.success(
                request,
                gettext("已审定，数据锁定")
                if done.status == SubmissionStatus.APPROVED
                else gettext("审核通过，已转{get}审核").format(get=LEVEL_NAMES.get(done.stage, done.stage)),
            )
        elif action == "return":
            services.submission_return(
                acting_user=request.user, submission=submission, reason=reason, version=version
            )
            messages.success(request, gettext("已退回，填报单位会收到通知"))
        elif action == "unapprove":
            services.submission_unapprove(
                acting_user=request.user, submission=submission, reason=reason, version=version
            )
            messages.success(request, gettext("已撤销审定，报表回到审核中"))
        else:
            raise Http404(gettext("没有这种操作"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or gettext("没有权限"))
    return redirect(_entry_url(submission))


@login_required
@require_POST
def lock_exception(request: HttpRequest, dataset_code: str, period: str, unit_code: str) -> HttpResponse:
    dataset = _dataset(request.user, dataset_code)
    period = _period(dataset, period)
    unit = selectors.unit_get(user=request.user, dataset=dataset, code=unit_code)
    if unit is None:
        raise Http404(gettext("找不到该单位，或它不在您的管辖范围内"))
    form = LockExceptionForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([str(message) for message in form.errors["days"]])
        granted = services.lock_exception_grant(
            acting_user=request.user,
            dataset=dataset,
            period=period,
            unit=unit,
            days=form.cleaned_data["days"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, gettext("临时开放未成功：") + "；".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            gettext("已为{name}临时开放至 {localtime:%Y-%m-%d %H:%M}").format(
                name=unit.name, localtime=timezone.localtime(granted.until)
            ),
        )
    return redirect("indicators:entry", dataset.code, period, unit.code)


# ---- Excel --------------------------------------------------------------------------------------


@login_required
def template_download(request: HttpRequest, dataset_code: str, period: str) -> HttpResponse:
    dataset = _dataset(request.user, dataset_code)
    period = _period(dataset, period)
    data, count = workbook.template_build(user=request.user, dataset=dataset, period=period)
    audit_event_record(
        kind=AuditEvent.Kind.EXPORT,
        request=request,
        detail=f"下载{dataset.name}（{selectors.period_label(period)}）填报模板，{count} 个单位",
    )
    return xlsx_response(data, gettext("{name}-{period}-填报模板").format(name=dataset.name, period=period))


@login_required
def upload(request: HttpRequest, dataset_code: str, period: str) -> HttpResponse:
    dataset = _dataset(request.user, dataset_code)
    period = _period(dataset, period)
    if not rules.can_upload(request.user, dataset):
        raise PermissionDenied(gettext("您不填报“{name}”").format(name=dataset.name))
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        handle = form.cleaned_data["file"]
        try:
            job = workbook.upload_job_start(
                acting_user=request.user,
                dataset=dataset,
                period=period,
                filename=handle.name,
                data=handle.read(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("job_detail", job.pk)
    return render(
        request,
        "indicators/upload.html",
        {
            "dataset": dataset,
            "period": period,
            "state": selectors.period_state(dataset, period),
            "form": form,
            "elements": [
                (selectors.element_header(e), selectors.KIND_HINTS.get(e.kind, ""))
                for e in selectors.dataset_elements(dataset)
            ],
        },
    )


@login_required
@require_POST
def submit_all(request: HttpRequest, dataset_code: str, period: str) -> HttpResponse:
    """“全部报送”: the drafts and returned submissions of an upload (or of every unit in scope)."""
    user = request.user
    dataset = _dataset(user, dataset_code)
    period = _period(dataset, period)
    job_id = request.POST.get("job", "")
    codes = workbook.upload_units(user=user, job_id=job_id, dataset=dataset, period=period)
    # A very large upload is nearly every draft in scope anyway: past one IN list, take them all.
    batch, total = selectors.waiting_submissions(
        user=user,
        dataset=dataset,
        period=period,
        codes=codes if codes is not None and len(codes) <= 5000 else None,
        limit=SUBMIT_BATCH,
    )
    rest = total - len(batch)
    done, failed = services.submission_submit_many(
        acting_user=user, submissions=batch, confirm_warnings=request.POST.get("confirmed") == "1"
    )
    if done:
        messages.success(request, gettext("已报送 {len} 个单位").format(len=len(done)))
    for submission, reason in failed[:20]:
        messages.error(
            request,
            gettext("{full_name}未能报送：{reason}").format(
                full_name=submission.unit.full_name, reason=reason
            ),
        )
    if len(failed) > 20:
        messages.error(
            request,
            gettext("另有 {value} 个单位未能报送，请按“草稿”筛选后逐个处理").format(value=len(failed) - 20),
        )
    if rest > 0:
        messages.info(request, gettext("还有 {rest} 个单位待报送，请再次点击“全部报送”").format(rest=rest))
    if not done and not failed:
        messages.info(request, gettext("没有待报送的草稿"))
    return redirect(_units_url(dataset, period, job=job_id if codes is not None else ""))


# ---- (d) the review queue ---------------------------------------------------------------------------


@login_required
def review(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("submission") if i.isdigit()]
        # Every chosen row goes to the service, which checks it again (it may have moved on since).
        chosen = selectors.submissions_chosen(user=user, ids=ids)
        if not chosen:
            messages.info(request, gettext("请先勾选要审核通过的报表"))
            return redirect(request.get_full_path())
        done, failed = services.submission_approve_many(acting_user=user, submissions=chosen)
        if done:
            messages.success(request, gettext("已审核通过 {len} 份报表").format(len=len(done)))
        for submission, reason in failed:
            messages.error(
                request,
                gettext("{full_name}（{period}）未通过：{reason}").format(
                    full_name=submission.unit.full_name, period=submission.period, reason=reason
                ),
            )
        return redirect(request.get_full_path())
    filters = ReviewFilterForm(request.GET or None).values()
    dataset = selectors.dataset_get(user=user, code=filters.get("dataset", ""))
    period = (filters.get("period") or "").strip()
    queue = selectors.review_queue(user=user, dataset=dataset, period=period)
    page = Paginator(queue, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "indicators/review.html",
        {
            "page": page,
            "level": rules.level_of(user),
            "level_name": LEVEL_NAMES.get(rules.level_of(user), ""),
            "datasets": selectors.dataset_list(user=user),
            "filters": {"dataset": dataset.code if dataset else "", "period": period},
        },
    )


# ---- (e) completeness and timeliness -------------------------------------------------------------

COMPLETENESS_SCHEMA = SheetSchema(
    title="完成情况",
    columns=[
        Column("region", "区域", width=20),
        Column("expected", "应报单位数", width=12),
        Column("submitted", "已报送", width=10),
        Column("submitted_share", "报送率（%）", width=12),
        Column("approved", "已审定", width=10),
        Column("approved_share", "审定率（%）", width=12),
        Column("on_time", "按时报送", width=10),
        Column("on_time_share", "及时率（%）", width=12),
    ],
)


@login_required
def completeness(request: HttpRequest, dataset_code: str, period: str) -> HttpResponse:
    dataset = _dataset(request.user, dataset_code)
    period = _period(dataset, period)
    found = selectors.completeness(user=request.user, dataset=dataset, period=period)
    if found is None:
        raise PermissionDenied(gettext("完成情况按下级区划统计，供省、市、县科技部门查看下级报表"))
    rows, total = found
    if request.GET.get("format") == "xlsx":
        return spreadsheet_export(
            request,
            schema=COMPLETENESS_SCHEMA,
            rows=[
                [
                    r.name,
                    r.expected,
                    r.submitted,
                    r.submitted_share,
                    r.approved,
                    r.approved_share,
                    r.on_time,
                    r.on_time_share,
                ]
                for r in [*rows, total]
            ],
            name=gettext("{name}-{period}-完成情况").format(name=dataset.name, period=period),
            count=len(rows),
        )
    return render(
        request,
        "indicators/completeness.html",
        {
            "dataset": dataset,
            "period": period,
            "state": selectors.period_state(dataset, period),
            "rows": rows,
            "total": total,
        },
    )
