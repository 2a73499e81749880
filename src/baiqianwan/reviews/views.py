"""The review pages: the expert's queue and score sheet (phone-first, blind-aware), and the
province's review management and results. Views are thin: selectors read, services write."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from baiqianwan.calls.models import Call, CallStatus
from baiqianwan.calls.selectors import call_type_of
from baiqianwan.core.exports import EXPORT_LIMIT, spreadsheet_export
from baiqianwan.core.files import FILE_KINDS, file_kind
from baiqianwan.core.forms import add_service_errors
from baiqianwan.core.pagination import BoundedPaginator

from . import rules, selectors, services
from .exports import RESULTS_SCHEMA, result_rows
from .forms import (
    STATISTIC_CHOICES,
    DeclineForm,
    PoolAddForm,
    PoolSearchForm,
    ProvisionalForm,
    ResultsFilterForm,
    SheetForm,
    comment_field,
    score_field,
)
from .models import AssignmentStatus

CANDIDATES_SHOWN = 20


def _problems(form: Any) -> str:
    """A refused form's errors as one message, each after its field's label."""
    return "；".join(
        f"{form.fields[name].label}：{'，'.join(str(m) for m in errors)}"
        if name in form.fields
        else "，".join(str(m) for m in errors)
        for name, errors in form.errors.items()
    )


# ---- the expert ------------------------------------------------------------------------------


def _require_reviewer(request: HttpRequest) -> None:
    if not rules.is_reviewer(request.user):
        raise PermissionDenied(_("评审任务供评审专家使用"))


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    _require_reviewer(request)
    tasks = selectors.expert_queue(user=request.user)
    page = BoundedPaginator(tasks, 20).get_page(request.GET.get("page"))
    return render(request, "reviews/queue.html", {"page": page, "Status": AssignmentStatus})


def _task(request: HttpRequest, assignment_id: int) -> Any:
    assignment = selectors.expert_assignment(user=request.user, assignment_id=assignment_id)
    if assignment is None:
        raise Http404(_("找不到该评审任务"))
    return assignment


def _sheet_initial(view: selectors.TaskView) -> dict[str, Any]:
    sheet = view.sheet
    if sheet is None:
        return {"version": 0}
    initial: dict[str, Any] = {"overall": sheet.overall, "version": sheet.version}
    for criterion in view.rubric:
        initial[score_field(criterion.code)] = sheet.scores.get(criterion.code, "")
        initial[comment_field(criterion.code)] = sheet.comments.get(criterion.code, "")
    return initial


@login_required
def task(request: HttpRequest, assignment_id: int) -> HttpResponse:
    _require_reviewer(request)
    assignment = _task(request, assignment_id)
    view = selectors.task_view(assignment=assignment)
    form = SheetForm(request.POST or None, rubric=view.rubric, initial=_sheet_initial(view))
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        try:
            services.sheet_save(
                acting_user=request.user,
                assignment_id=assignment.pk,
                scores=form.scores(),
                comments=form.comments(),
                overall=form.cleaned_data["overall"],
                submit=submit,
                version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                form.add_service_errors(exc.message_dict)
            else:
                add_service_errors(form, exc)
        else:
            messages.success(request, _("评分已提交，谢谢！") if submit else _("草稿已保存。"))
            return redirect("reviews:queue") if submit else redirect("reviews:task", assignment.pk)
    return render(
        request,
        "reviews/task.html",
        {
            "view": view,
            "form": form,
            "decline_form": DeclineForm(),
            "editable": assignment.status == AssignmentStatus.ASSIGNED,
        },
    )


@login_required
@require_POST
def task_decline(request: HttpRequest, assignment_id: int) -> HttpResponse:
    _require_reviewer(request)
    assignment = _task(request, assignment_id)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _problems(form))
        return redirect("reviews:task", assignment.pk)
    try:
        services.assignment_decline(
            acting_user=request.user,
            assignment_id=assignment.pk,
            reason=form.cleaned_data["reason"],
            conflict=form.cleaned_data["conflict"],
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("reviews:task", assignment.pk)
    messages.success(
        request,
        _("已声明回避，该申报将另行安排专家。")
        if form.cleaned_data["conflict"]
        else _("已谢绝，该申报将另行安排专家。"),
    )
    return redirect("reviews:queue")


@login_required
def task_attachment(request: HttpRequest, assignment_id: int, attachment_id: int) -> FileResponse:
    """An application's file, for the expert assigned to it only; in a blind review it downloads
    under the material's name, never the applicant's file name."""
    _require_reviewer(request)
    found = selectors.task_attachment(
        user=request.user, assignment_id=assignment_id, attachment_id=attachment_id
    )
    if found is None:
        raise Http404(_("找不到该材料"))
    attachment, name = found
    handle = attachment.file.open("rb")
    kind = file_kind(handle.read(16), FILE_KINDS)
    handle.seek(0)
    response = FileResponse(handle, content_type=FILE_KINDS[kind][1] if kind else "application/octet-stream")
    headers = {
        "Content-Disposition": content_disposition_header(True, name) or "attachment",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, no-store",
    }
    for header, value in headers.items():
        response[header] = value
    return response


# ---- the province ----------------------------------------------------------------------------


def _act(request: HttpRequest, write: Callable[[], Any], done: Callable[[Any], str]) -> None:
    """Run a service for a button; say what it did, or why it refused."""
    try:
        result = write()
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, done(result))


def _managed_call(request: HttpRequest, call_id: int) -> Call:
    if not rules.can_manage_review(request.user):
        raise PermissionDenied(_("只有省科技厅可以组织评审"))
    call = selectors.review_call(user=request.user, call_id=call_id)
    if call is None:
        raise Http404(_("找不到该申报指南"))
    return call


@login_required
def review_calls(request: HttpRequest) -> HttpResponse:
    if not rules.can_manage_review(request.user):
        raise PermissionDenied(_("只有省科技厅可以组织评审"))
    page = BoundedPaginator(selectors.review_calls(user=request.user), 20).get_page(request.GET.get("page"))
    return render(request, "reviews/calls.html", {"page": page})


@login_required
def manage(request: HttpRequest, call_id: int) -> HttpResponse:
    call = _managed_call(request, call_id)
    search = PoolSearchForm(request.GET or None)
    values = search.values()
    candidates = (
        list(
            selectors.pool_candidates(
                user=request.user,
                call=call,
                q=values.get("q", ""),
                industry=values.get("industry", ""),
                seniority=values.get("seniority", ""),
            )[:CANDIDATES_SHOWN]
        )
        if search.is_bound
        else []
    )
    pool = BoundedPaginator(selectors.pool_list(call=call), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/manage.html",
        {
            "call": call,
            "search": search,
            "candidates": candidates,
            "shown": CANDIDATES_SHOWN,
            "add_form": PoolAddForm(candidates=candidates),
            "page": pool,
            "rounds": list(selectors.rounds(call=call)[:3]),
            "reviewers": selectors.reviewers(call=call),
            "progress": selectors.progress(call=call),
            "conflicts": list(selectors.conflicts(call=call)[:200]),
            "Status": AssignmentStatus,
        },
    )


@login_required
@require_POST
def pool_add(request: HttpRequest, call_id: int) -> HttpResponse:
    call = _managed_call(request, call_id)
    candidates = list(
        selectors.pool_candidates(user=request.user, call=call).filter(
            pk__in=[v for v in request.POST.getlist("experts") if v.isascii() and v.isdigit() and len(v) < 12]
        )
    )
    form = PoolAddForm(request.POST, candidates=candidates)
    if not form.is_valid():
        messages.error(request, _problems(form))
        return redirect("reviews:manage", call.pk)
    _act(
        request,
        lambda: services.pool_add(
            acting_user=request.user,
            call_id=call.pk,
            expert_ids=form.cleaned_data["experts"],
            capacity=form.cleaned_data["capacity"],
        ),
        lambda added: _("已将 %(n)s 位专家加入评审专家库。") % {"n": added},
    )
    return redirect("reviews:manage", call.pk)


@login_required
@require_POST
def assign(request: HttpRequest, call_id: int) -> HttpResponse:
    call = _managed_call(request, call_id)
    _act(
        request,
        lambda: services.assignments_make(acting_user=request.user, call_id=call.pk),
        lambda made: (
            _("已分配 %(filled)s / %(needed)s 个评审名额，用时 %(seconds)s 秒。")
            % {"filled": made.filled, "needed": made.needed, "seconds": made.seconds}
        ),
    )
    return redirect("reviews:manage", call.pk)


@login_required
def results(request: HttpRequest, call_id: int) -> HttpResponse:
    call = _managed_call(request, call_id)
    options = ResultsFilterForm(request.GET or None)
    values = options.values()
    statistic = values.get("statistic") or call_type_of(call).review.statistic
    normalise = bool(values.get("normalise")) or statistic == "normalised"
    rows = selectors.results(call=call, statistic=statistic, normalise=normalise)
    labels = dict(STATISTIC_CHOICES)
    if request.GET.get("export") == "xlsx":
        return spreadsheet_export(
            request,
            schema=RESULTS_SCHEMA,
            rows=result_rows(rows[:EXPORT_LIMIT]),
            name=gettext("评审结果"),
            count=len(rows),
            note=f"{call.title}，{labels[statistic]}",
        )
    return render(
        request,
        "reviews/results.html",
        {
            "call": call,
            "rows": rows,
            "options": options,
            "statistic": statistic,
            "statistic_label": labels[statistic],
            "normalise": normalise,
            # Rows with too few sheets to leave any out: their 去高低平均 is their mean.
            "reserved": selectors.reserved_share(call=call),
            # Once selected by rule, each row says whether it is in, and with which grade.
            "selected": call.status in (CallStatus.PROVISIONAL, CallStatus.PUBLICITY, CallStatus.DECIDED),
            "untrimmed": statistic == "trimmed_mean" and any(not row.stats.trimmed for row in rows),
            "provisional_form": ProvisionalForm(initial={"statistic": statistic, "normalise": normalise}),
        },
    )


@login_required
@require_POST
def provisional(request: HttpRequest, call_id: int) -> HttpResponse:
    call = _managed_call(request, call_id)
    form = ProvisionalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _problems(form))
        return redirect("reviews:results", call.pk)
    _act(
        request,
        lambda: services.provisional_apply(
            acting_user=request.user,
            call_id=call.pk,
            top=form.cleaned_data["top"],
            min_score=form.cleaned_data["min_score"],
            per_city=form.cleaned_data["per_city"],
            statistic=form.cleaned_data["statistic"] or None,
            normalise=form.cleaned_data["normalise"],
        ),
        lambda chosen: _("已按规则拟定 %(n)s 项入选，公示前仍可调整。") % {"n": len(chosen)},
    )
    return redirect("reviews:results", call.pk)
