"""Pages of a dispatch round: needs, nominations, the two-way choice, the plan, and confirmations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from baiqianwan.core.exports import xlsx_response
from baiqianwan.core.spreadsheets import (
    ImportRejectedError,
    SpreadsheetError,
    read_sheet,
    write_workbook,
)

from . import confirmations, models, rules, selectors, services
from .forms import MANUAL_PLAN, NeedForm, NominationForm, RoundForm
from .models import (
    AssignmentStatus,
    ConfirmedVia,
    ConstraintKind,
    DispatchRound,
    RoundStatus,
    TownNeed,
)


def _round(request: HttpRequest, round_id: int) -> DispatchRound:
    dispatch_round = selectors.round_get(user=request.user, pk=round_id)
    if dispatch_round is None:
        raise Http404(gettext("找不到该批次"))
    return dispatch_round


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.round_create(acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, "；".join(exc.messages))
        else:
            messages.success(
                request,
                gettext("已新建批次“{name}”。请通知乡镇填报需求、各单位推荐候选人；截止日期见下方。").format(
                    name=created.name
                ),
            )
            return redirect("commissioners:round", created.pk)
    rounds = selectors.round_list(user=request.user, with_counts=True)
    return render(request, "commissioners/rounds.html", {"rounds": rounds, "form": form})


@login_required
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    return _round_page(request, _round(request, round_id))


def _round_page(
    request: HttpRequest,
    dispatch_round: DispatchRound,
    *,
    need_form: NeedForm | None = None,
    nomination_form: NominationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The round page; a refused need or nomination comes back in its form, as typed, with why."""
    needs = selectors.need_list(user=request.user, round_id=dispatch_round.pk)
    nominations = selectors.nomination_list(user=request.user, round_id=dispatch_round.pk)
    assignments = list(selectors.round_assignments(user=request.user, dispatch_round=dispatch_round))
    serving = selectors.serving_team_list(user=request.user, dispatch_round=dispatch_round)
    candidates = (
        selectors.candidate_options(user=request.user, dispatch_round=dispatch_round)
        if dispatch_round.status != RoundStatus.PUBLISHED
        else []
    )
    own_town = getattr(request.user, "role", "") == "town"
    return render(
        request,
        "commissioners/round.html",
        {
            "round": dispatch_round,
            "needs": needs,
            "nominations": nominations,
            "assignments": assignments,
            "need_form": need_form or NeedForm(acting_user=request.user),
            "nomination_form": nomination_form or NominationForm(acting_user=request.user),
            # The unit's picker says who may serve before anyone is nominated.
            "candidates": candidates,
            "excluded_count": sum(1 for c in candidates if c.excluded),
            # A town with a serving team learns it on arrival, and is not offered the form.
            "serving_teams": serving,
            "own_team": serving[0] if own_town and serving else None,
            "result": dispatch_round.result,
            "constraints": (
                selectors.round_constraints(dispatch_round=dispatch_round)
                if rules.can_manage_rounds(request.user)
                else []
            ),
            "mine": [a for a in assignments if a.nomination.expert.user_id == request.user.pk],
            "my_nominations": [n for n in nominations if rules.speaks_for(request.user, n)],
            "deadlines": [
                (gettext("乡镇需求"), dispatch_round.needs_due),
                (gettext("单位推荐"), dispatch_round.nominations_due),
                (gettext("双向选择"), dispatch_round.choices_due),
            ],
            "today": timezone.localdate(),
            "has_proposals": selectors.round_has_proposals(dispatch_round=dispatch_round),
            "holding": models.HOLDING,
        },
        status=status,
    )


F = TypeVar("F", bound=forms.Form)


# Service argument -> form field, so a refusal lands on the field the user filled.
FORM_FIELD = {"fields": "areas"}


def _refused(form: F, exc: ValidationError | PermissionDenied) -> F:
    """Put a refusal from the service on the form's fields (or the form itself), keeping the input."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            field = FORM_FIELD.get(name, name)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
    return form


@login_required
@require_POST
def round_action(request: HttpRequest, round_id: int, action: str) -> HttpResponse:
    dispatch_round = _round(request, round_id)
    if action == "need":
        return _need_submit(request, dispatch_round)
    if action == "nominate":
        return _nominate(request, dispatch_round)
    try:
        if action == "solve":
            job = services.round_solve_job(
                acting_user=request.user,
                dispatch_round=dispatch_round,
                objective=str(request.POST.get("objective", "max_filled_then_score")),
                east_west_north_first=request.POST.get("ewn") == "1",
            )
            job.refresh_from_db()
            if not job.finished:  # on a worker: follow its progress (and cancel it) on the job page
                return redirect("job_detail", job.pk)
            if job.status == job.Status.SUCCEEDED:
                messages.info(request, f"{job.message}。")
            else:
                messages.error(request, job.message)
        elif action == "publish":
            if request.POST.get("confirmed") != "1":  # first say what will happen, then publish
                return _publish_confirm(request, dispatch_round)
            count = services.round_publish(acting_user=request.user, dispatch_round=dispatch_round)
            messages.success(
                request, gettext("已发布 {count} 项派驻安排，并通知入选的科技特派员。").format(count=count)
            )
        elif action == "fill_gaps":
            solution = services.round_fill_gaps(acting_user=request.user, dispatch_round=dispatch_round)
            messages.info(
                request,
                gettext(
                    "补充选派：保留 {kept} 人，新增 {added} 人（待发布），用时 {seconds:.2f} 秒。"
                ).format(kept=solution["kept"], added=solution["added"], seconds=solution["seconds"]),
            )
        elif action == "compare":
            upload = request.FILES.get("file")
            if upload is None:
                raise ValidationError(gettext("请选择人工方案 Excel 文件"))
            try:
                rows = read_sheet(upload.read(), MANUAL_PLAN, max_bytes=5 * 1024 * 1024)
            except ImportRejectedError as exc:
                raise ValidationError([str(e) for e in exc.errors[:20]]) from exc
            except SpreadsheetError as exc:
                raise ValidationError(str(exc)) from exc
            services.round_compare(acting_user=request.user, dispatch_round=dispatch_round, rows=rows)
            messages.info(request, gettext("已与人工方案比较，结果见下方。"))
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("commissioners:round", dispatch_round.pk)


def _publish_confirm(request: HttpRequest, dispatch_round: DispatchRound) -> HttpResponse:
    if not rules.can_manage_rounds(request.user):
        raise ValidationError(gettext("派驻方案由省科技厅发布"))
    summary = selectors.publish_summary(dispatch_round=dispatch_round)
    if not summary.invitations:
        raise ValidationError(gettext("没有待发布的派驻安排，请先生成派驻方案"))
    return render(
        request, "commissioners/publish_confirm.html", {"round": dispatch_round, "summary": summary}
    )


def _submit(
    request: HttpRequest,
    dispatch_round: DispatchRound,
    form: NeedForm | NominationForm,
    call: Callable[..., Any],
) -> Any:
    """Call the service with the form's values, or return the round page with the form as typed
    and why it was refused (4xx)."""

    def again(status: int) -> HttpResponse:
        if isinstance(form, NeedForm):
            return _round_page(request, dispatch_round, need_form=form, status=status)
        return _round_page(request, dispatch_round, nomination_form=form, status=status)

    if not form.is_valid():
        return again(400)
    values = dict(form.cleaned_data)
    values["fields"] = values.pop("areas")
    try:
        return call(acting_user=request.user, dispatch_round=dispatch_round, **values)
    except (ValidationError, PermissionDenied) as exc:
        _refused(form, exc)
        return again(403 if isinstance(exc, PermissionDenied) else 400)


def _need_submit(request: HttpRequest, dispatch_round: DispatchRound) -> HttpResponse:
    need = _submit(
        request, dispatch_round, NeedForm(request.POST, acting_user=request.user), services.need_submit
    )
    if isinstance(need, HttpResponse):
        return need
    messages.success(
        request,
        gettext("已提交{full_name}的需求：团队负责人 1 名").format(full_name=need.town.full_name)
        + (gettext("、成员 {value} 名").format(value=need.slots - 1) if need.slots > 1 else "")
        + "。",
    )
    return redirect("commissioners:round", dispatch_round.pk)


def _nominate(request: HttpRequest, dispatch_round: DispatchRound) -> HttpResponse:
    form = NominationForm(request.POST, acting_user=request.user)
    nomination = _submit(request, dispatch_round, form, services.nominate)
    if isinstance(nomination, HttpResponse):
        return nomination
    name = nomination.expert.person.name
    if nomination.eligible:
        messages.success(request, gettext("已推荐{name}。").format(name=name))
    else:
        messages.warning(
            request,
            gettext("已推荐{name}，但不符合条件：{excluded_reason}。").format(
                name=name, excluded_reason=nomination.excluded_reason
            ),
        )
    return redirect("commissioners:round", dispatch_round.pk)


@login_required
def manual_plan_template(request: HttpRequest, round_id: int) -> HttpResponse:
    dispatch_round = _round(request, round_id)
    rows = [
        (
            a.need.town_id,
            a.need.town.full_name,
            a.nomination.expert.person.name,
            a.nomination.organisation.name,
            gettext("是") if a.leader else gettext("否"),
        )
        for a in selectors.round_assignments(user=request.user, dispatch_round=dispatch_round, holding=True)
    ]
    return xlsx_response(
        write_workbook(MANUAL_PLAN, rows, template=not rows),
        gettext("{name}-派驻方案").format(name=dispatch_round.name),
    )


def _ranked(request: HttpRequest) -> list[int]:
    """Ids from inputs named rank_<id>, ordered by the number typed in (blank = not chosen)."""
    pairs = []
    for key, value in request.POST.items():
        number = str(value).strip()
        if key.startswith("rank_") and number.isdigit() and key[5:].isdigit():
            pairs.append((int(number), int(key[5:])))
    return [pk for _, pk in sorted(pairs)]


def _back(request: HttpRequest, default: str) -> str:
    """Return to the page the form was on, but only to a page of this site."""
    back = request.POST.get("back", "")
    if back.startswith("/") and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return back
    return default


def _need(request: HttpRequest, need_id: int) -> TownNeed:
    need = selectors.need_get(user=request.user, pk=need_id)
    if need is None:
        raise Http404(gettext("找不到该乡镇需求"))
    return need


@login_required
def need_detail(request: HttpRequest, need_id: int) -> HttpResponse:
    """A town's need: its demands, the shortlist with reasons, the town's ranking, the team."""
    need = _need(request, need_id)
    if request.method == "POST":
        ranked = _ranked(request)
        try:
            services.town_rank(acting_user=request.user, need=need, nomination_ids=ranked)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, gettext("已保存 {len} 个志愿。").format(len=len(ranked)))
        return redirect("commissioners:need", need.pk)
    candidates = selectors.shortlist(need, top=20)
    ranks = selectors.need_rankings(need=need)
    constraints = selectors.need_constraints(need=need)
    return render(
        request,
        "commissioners/need.html",
        {
            "need": need,
            "round": need.round,
            "demands": selectors.town_demand_titles(need.town_id),
            "candidates": [
                (c, ranks.get(c.nomination.pk), constraints.get(c.nomination.pk)) for c in candidates
            ],
            "can_rank": need.round.status != "published"
            and selectors.need_changeable(user=request.user, need=need),
            "assignments": selectors.need_assignments(need=need),
            "team_slots": selectors.team_slots(need=need),
        },
    )


@login_required
@require_POST
def constraint_action(request: HttpRequest, need_id: int) -> HttpResponse:
    need = _need(request, need_id)
    # The shortlist's buttons send "pin:12", "leader:12", "forbid:12" or "clear:12";
    # the round page's small forms send kind, nomination and leader separately.
    kind, _, picked = str(request.POST.get("constraint", "")).partition(":")
    if not picked:
        kind, picked = str(request.POST.get("kind", "")), str(request.POST.get("nomination", ""))
    leader = kind == "leader" or request.POST.get("leader") == "1"
    kind = "pin" if kind == "leader" else kind
    nomination = selectors.round_nomination_get(need=need, pk=int(picked)) if picked.isdigit() else None
    try:
        if nomination is None:
            raise ValidationError(gettext("找不到该候选人"))
        if kind == "clear":
            existing = selectors.constraint_get(need=need, nomination=nomination)
            if existing is not None:
                services.constraint_clear(acting_user=request.user, constraint=existing)
        else:
            services.constraint_set(
                acting_user=request.user,
                need=need,
                nomination=nomination,
                kind=kind,
                leader=leader,
                reason=str(request.POST.get("reason", "")),
            )
            label = ConstraintKind(kind).label
            who = nomination.expert.person.name
            messages.success(
                request,
                gettext("已设置{label}：{who} — {name}。重新求解后生效。").format(
                    label=label, who=who, name=need.town.name
                ),
            )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect(_back(request, f"/commissioners/needs/{need.pk}/"))


@login_required
def nomination_detail(request: HttpRequest, nomination_id: int) -> HttpResponse:
    """The candidate's side of 双向选择: the towns they would serve, in order."""
    nomination = selectors.nomination_get(user=request.user, pk=nomination_id)
    if nomination is None:
        raise Http404(gettext("找不到该候选人"))
    if request.method == "POST":
        ranked = _ranked(request)
        try:
            services.candidate_prefer(acting_user=request.user, nomination=nomination, need_ids=ranked)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, gettext("已保存 {len} 个志愿乡镇。").format(len=len(ranked)))
        return redirect("commissioners:nomination", nomination.pk)
    return render(
        request,
        "commissioners/nomination.html",
        {
            "nomination": nomination,
            "round": nomination.round,
            "needs": selectors.nomination_fitting_needs(nomination=nomination),
            "can_prefer": nomination.round.status != "published"
            and rules.can_prefer(request.user, nomination),
        },
    )


@login_required
@require_POST
def assignment_action(request: HttpRequest, assignment_id: int, action: str) -> HttpResponse:
    assignment = selectors.assignment_get(user=request.user, pk=assignment_id)
    if assignment is None:
        raise Http404(gettext("找不到该派驻安排"))
    reason = str(request.POST.get("reason", ""))
    try:
        if action in ("accept", "decline"):
            services.assignment_respond(
                acting_user=request.user, assignment=assignment, accept=action == "accept", note=reason
            )
            messages.success(
                request,
                gettext("已接受派驻，欢迎加入服务团队。") if action == "accept" else gettext("已谢绝邀请。"),
            )
        elif action in AssignmentStatus.values:
            done = services.assignment_end(
                acting_user=request.user, assignment=assignment, status=action, reason=reason
            )
            messages.success(
                request,
                gettext("已{status}，乡镇与省科技厅已收到通知。").format(status=done.get_status_display()),
            )
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect(_back(request, f"/commissioners/rounds/{assignment.round_id}/"))


@login_required
def attention(request: HttpRequest) -> HttpResponse:
    """Towns below strength after withdrawals, recalls or declined invitations."""
    gaps = selectors.needs_attention(request.user)
    rounds = sorted({gap.need.round for gap in gaps}, key=lambda r: r.pk)
    return render(request, "commissioners/attention.html", {"gaps": gaps, "rounds": rounds})


def _page(request: HttpRequest, *, typed: dict[str, Any] | None = None, status: int = 200) -> HttpResponse:
    rows = list(selectors.unconfirmed_list(user=request.user))
    today = timezone.localdate()
    user: Any = request.user
    return render(
        request,
        "commissioners/confirmations.html",
        {
            "rows": [
                (
                    a,
                    (today - a.started_on).days if a.started_on else 0,
                    rules.can_confirm_for(user, a),
                )
                for a in rows
            ],
            "can_remind": bool(rows) and rules.can_send_reminders(user),
            "ways": [(w.value, w.label) for w in confirmations.UNIT_WAYS],
            "typed": typed or {},
            "remind_after": confirmations.REMIND_AFTER_DAYS,
        },
        status=status,
    )


@login_required
def confirmation_list(request: HttpRequest) -> HttpResponse:
    return _page(request)


@login_required
@require_POST
def confirmation_confirm(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """The unit records the appointee's answer for them; a refusal comes back as typed."""
    assignment = selectors.unconfirmed_get(user=request.user, pk=assignment_id)
    if assignment is None:
        raise Http404(gettext("找不到该待确认的派驻"))
    via, note = str(request.POST.get("via", "")), str(request.POST.get("note", ""))
    try:
        confirmations.assignment_confirm_for(
            acting_user=request.user, assignment=assignment, via=via, note=note
        )
    except (ValidationError, PermissionDenied) as exc:
        error = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        typed = {"id": assignment.pk, "via": via, "note": note, "error": error}
        return _page(request, typed=typed, status=403 if isinstance(exc, PermissionDenied) else 400)
    way = ConfirmedVia(via).label
    messages.success(
        request,
        gettext("已代{name}确认接受派驻（{way}）。").format(
            name=assignment.nomination.expert.person.name, way=way
        ),
    )
    return redirect("commissioners:confirmations")


@login_required
@require_POST
def confirmation_remind(request: HttpRequest) -> HttpResponse:
    """Remind one appointee (``assignment``) or everyone the user sees who has not answered."""
    chosen = None
    picked = str(request.POST.get("assignment", ""))
    if picked:
        found = (
            selectors.unconfirmed_get(user=request.user, pk=int(picked))
            if picked.isdigit() and len(picked) < 12
            else None
        )
        if found is None:
            raise Http404(gettext("找不到该待确认的派驻"))
        chosen = [found]
    try:
        count = confirmations.confirmation_remind(acting_user=request.user, assignments=chosen)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        if count:
            messages.success(request, gettext("已提醒 {count} 人，并通知其派出单位。").format(count=count))
        else:
            messages.info(request, gettext("今天已经提醒过，明天可再次提醒。"))
    return redirect("commissioners:confirmations")
