from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from baiqianwan.core.files import private_file_response
from baiqianwan.core.forms import add_service_errors
from baiqianwan.core.pagination import BoundedPaginator

from . import rules, selectors, services
from .forms import AcceptForm, DemandFilterForm, DemandForm, MergeForm, RateForm, ReasonForm
from .models import Connection, ConnectionStatus, DemandStatus


@login_required
def demand_list(request: HttpRequest) -> HttpResponse:
    filters = DemandFilterForm(request.GET or None)
    values = filters.values()
    demands = selectors.demand_list(user=request.user, **values)
    page = BoundedPaginator(demands, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "demands/demand_list.html",
        {
            "page": page,
            "filters": filters,
            "q": values.get("q", ""),
            # The list shows one count: the triage queue's, on the 受理台 button (managers only).
            "counts": {"submitted": selectors.triage_queue(user=request.user).count()}
            if request.user.is_manager  # type: ignore[union-attr]
            else {},
            "can_post": rules.can_post(request.user),
        },
    )


def _save_photos(request: HttpRequest, demand_id: int) -> list[str]:
    problems = []
    for upload in request.FILES.getlist("photos")[: services.MAX_ATTACHMENTS]:
        try:
            services.demand_attach(
                acting_user=request.user,
                demand_id=demand_id,
                name=upload.name or gettext("附件"),
                data=upload.read(),
            )
        except ValidationError as exc:
            problems.extend(exc.messages)
    return problems


@login_required
def demand_create(request: HttpRequest) -> HttpResponse:
    if not rules.can_post(request.user):
        raise PermissionDenied(_("您的角色不能填报科技需求"))
    form = DemandForm(request.POST or None, request.FILES or None, acting_user=request.user)
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in form.Meta.fields}
        try:
            demand = services.demand_create(
                acting_user=request.user, submit=request.POST.get("action") != "draft", **values
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            for problem in _save_photos(request, demand.pk):
                messages.warning(request, _("附件未保存：%(problem)s") % {"problem": problem})
            done = (
                _("需求“%(title)s”已提交，等待县级科技部门受理。")
                if demand.status == DemandStatus.SUBMITTED
                else _("需求“%(title)s”已保存为草稿。")
            )
            messages.success(request, done % {"title": demand.title})
            return redirect("demands:detail", demand.pk)
    return render(request, "demands/demand_form.html", {"form": form})


@login_required
def demand_edit(request: HttpRequest, demand_id: int) -> HttpResponse:
    demand = selectors.demand_get(user=request.user, pk=demand_id)
    if demand is None:
        raise Http404(_("找不到该需求"))
    if not rules.can_edit(request.user, demand):
        raise PermissionDenied(_("只有草稿或已退回的需求可以修改"))
    form = DemandForm(request.POST or None, request.FILES or None, instance=demand, acting_user=request.user)
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in form.Meta.fields}
        try:
            services.demand_update(
                acting_user=request.user,
                demand_id=demand.pk,
                version=_number(request.POST.get("version")) or -1,
                **values,
            )
            if request.POST.get("action") != "draft":
                services.demand_transition(demand_id=demand.pk, action="submit", acting_user=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            for problem in _save_photos(request, demand.pk):
                messages.warning(request, _("附件未保存：%(problem)s") % {"problem": problem})
            messages.success(request, _("需求已保存。"))
            return redirect("demands:detail", demand.pk)
    return render(request, "demands/demand_form.html", {"form": form, "demand": demand})


@login_required
def demand_detail(request: HttpRequest, demand_id: int) -> HttpResponse:
    demand = selectors.demand_get(user=request.user, pk=demand_id)
    if demand is None:
        raise Http404(_("找不到该需求，或它不在您的管辖范围内"))
    user = request.user
    triage = rules.can_triage(user, demand)
    connections = list(selectors.demand_connections(user=user, demand=demand))
    contacts = selectors.demand_contacts(user=user, demand=demand, connections=connections)
    if contacts.by_party:
        services.contact_view_record(user=user, demand=demand, whose=gettext("提出方"), request=request)
    if contacts.connections and rules.is_owner(user, demand):
        services.contact_view_record(user=user, demand=demand, whose=gettext("对接方"), request=request)
    context: dict[str, Any] = {
        "demand": demand,
        "events": selectors.demand_events(demand=demand),
        "connections": connections,
        "contacts": contacts,
        "attachments": demand.attachments.all(),
        "can_triage": triage,
        "can_edit": rules.can_edit(user, demand),
        "can_rate": rules.can_rate(user, demand) and demand.rating is None,
        "actions": services.demand_actions(user=user, demand=demand),
        "shows_contact": contacts.submitter,
        "accept_form": AcceptForm(initial={"industry": demand.industry_id, "make_public": True}),
        "reason_form": ReasonForm(),
        "merge_form": MergeForm(),
        "rate_form": RateForm(),
        "Status": DemandStatus,
        "ConnectionStatus": ConnectionStatus,
    }
    return render(request, "demands/demand_detail.html", context)


def _number(value: str | None) -> int | None:
    """A whole number from a form field, or None for anything else (never a server error)."""
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 19 else None


# Shown in the browser only when the stored bytes really are one of these; anything else downloads.
INLINE_KINDS = ("jpeg", "png")


@login_required
def demand_attachment(request: HttpRequest, demand_id: int, attachment_id: int) -> FileResponse:
    """A demand's photo or document, for whoever may see the demand (files are never under a public URL)."""
    demand = selectors.demand_get(user=request.user, pk=demand_id)
    attachment = selectors.demand_attachment_get(demand=demand, pk=attachment_id) if demand else None
    if attachment is None:
        raise Http404(_("找不到该附件"))
    return private_file_response(
        attachment.file, name=attachment.name, allowed=services.ATTACHMENT_KINDS, inline_kinds=INLINE_KINDS
    )


@login_required
@require_POST
def demand_action(request: HttpRequest, demand_id: int, action: str) -> HttpResponse:
    """The workflow buttons on the demand page: one POST per transition."""
    extra: dict[str, Any] = {"note": request.POST.get("note", "")}
    form: Any = None
    if action == "accept":
        form = AcceptForm(request.POST)
        if form.is_valid():
            extra.update(industry=form.cleaned_data["industry"], make_public=form.cleaned_data["make_public"])
    elif action == "merge":
        form = MergeForm(request.POST)
        if form.is_valid():
            target = selectors.demand_get(user=request.user, pk=form.cleaned_data["merge_into"])
            if target is None:
                messages.error(
                    request, _("找不到编号为 %(number)s 的需求") % {"number": form.cleaned_data["merge_into"]}
                )
                return redirect("demands:detail", demand_id)
            extra["merge_into"] = target
    if form is not None and not form.is_valid():
        messages.error(
            request, "；".join(f"{form.fields[f].label}：{'，'.join(e)}" for f, e in form.errors.items())
        )
        return redirect("demands:detail", demand_id)
    try:
        if action == "rate":
            rate = RateForm(request.POST)
            if not rate.is_valid():
                raise ValidationError(_("请选择 1 到 5 星"))
            services.demand_rate(
                acting_user=request.user,
                demand_id=demand_id,
                rating=rate.cleaned_data["rating"],
                feedback=rate.cleaned_data["feedback"],
            )
        else:
            services.demand_transition(
                demand_id=demand_id,
                action=action,
                acting_user=request.user,
                version=_number(request.POST.get("version")),
                **extra,
            )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("操作成功。"))
    return redirect("demands:detail", demand_id)


@login_required
def triage(request: HttpRequest) -> HttpResponse:
    if not request.user.is_manager:  # type: ignore[union-attr]
        raise PermissionDenied(_("受理台供县级以上科技管理部门使用"))
    queue = selectors.triage_queue(user=request.user)
    page = BoundedPaginator(queue, 10).get_page(request.GET.get("page"))
    return render(request, "demands/triage.html", {"page": page})


@login_required
def my_connections(request: HttpRequest) -> HttpResponse:
    connections = selectors.connections_for_target(user=request.user)
    page = BoundedPaginator(connections, 20).get_page(request.GET.get("page"))
    return render(request, "demands/connections.html", {"page": page, "ConnectionStatus": ConnectionStatus})


@login_required
@require_POST
def connection_propose(request: HttpRequest, demand_id: int) -> HttpResponse:
    try:
        services.connection_propose(
            acting_user=request.user,
            demand_id=demand_id,
            target_kind=request.POST.get("target_kind", ""),
            target_id=_number(request.POST.get("target_id")) or 0,
            reasons=request.POST.getlist("reason"),
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已发起对接，等待对方回应。"))
    return redirect("demands:detail", demand_id)


@login_required
@require_POST
def connection_respond(request: HttpRequest, connection_id: int) -> HttpResponse:
    accept = request.POST.get("accept") == "1"
    try:
        connection = services.connection_respond(
            acting_user=request.user,
            connection_id=connection_id,
            accept=accept,
            note=request.POST.get("note", ""),
            contact_name=request.POST.get("contact_name", ""),
            contact_phone=request.POST.get("contact_phone", ""),
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("demands:connections")
    if accept:
        messages.success(
            request, _("已接受对接。需求方的联系方式已在需求页显示，对方也能看到您留下的联系方式。")
        )
        return redirect("demands:detail", connection.demand_id)
    messages.success(request, _("已婉拒。"))
    return redirect("demands:connections")


@login_required
@require_POST
def connection_outcome(request: HttpRequest, connection_id: int) -> HttpResponse:
    try:
        connection = services.connection_record_outcome(
            acting_user=request.user,
            connection_id=connection_id,
            succeeded=request.POST.get("succeeded") == "1",
            outcome=request.POST.get("outcome", ""),
            solve_demand=request.POST.get("solve") == "1",
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        # Back to the demand the form was on (never to an address taken from the request).
        visible = Connection.objects.for_user(request.user).filter(pk=connection_id)
        demand_id = (
            visible.values_list("demand_id", flat=True).first() if selectors.valid_id(connection_id) else None
        )
        return redirect("demands:detail", demand_id) if demand_id else redirect("demands:list")
    messages.success(request, _("已记录对接结果。"))
    return redirect("demands:detail", connection.demand_id)
