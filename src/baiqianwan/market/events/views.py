"""Pages of the transfer events: the list with its filters and totals, recording and correcting an
event, publishing it, and its page with what was shown and the deals that followed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from baiqianwan.core.forms import add_service_errors, step_button
from baiqianwan.core.pagination import BoundedPaginator
from baiqianwan.core.selectors import found_or_404

from ..models import TransferEvent
from ..views import _posted_id
from . import rules, selectors, services
from .forms import TransferEventFilterForm, TransferEventForm


def _event(request: HttpRequest, event_id: int) -> TransferEvent:
    return found_or_404(selectors.transfer_event_get(user=request.user, event_id=event_id))


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    filters = TransferEventFilterForm(request.GET or None)
    values = filters.values()
    events = selectors.transfer_event_list(
        user=request.user,
        q=values.get("q", ""),
        region=values.get("region", ""),
        kind=values.get("kind", ""),
        year=values.get("year"),
        east_west_north=values.get("east_west_north"),
    )
    return render(
        request,
        "market/event_list.html",
        {
            "page": BoundedPaginator(events, 20).get_page(request.GET.get("page")),
            "filters": filters,
            "totals": selectors.transfer_event_totals(events),
            "can_record": rules.can_record(request.user),
        },
    )


@login_required
def event_new(request: HttpRequest) -> HttpResponse:
    if not rules.can_record(request.user):
        raise PermissionDenied(gettext("转化活动由主办单位或活动所在地的科技部门登记"))
    form = TransferEventForm(request.POST or None, acting_user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.transfer_event_create(acting_user=request.user, **form.values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, gettext("活动已发布") if event.is_public else gettext("活动已保存为草稿")
            )
            return redirect("market:event", event.pk)
    return render(request, "market/event_form.html", {"form": form, "event": None})


@login_required
def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _event(request, event_id)
    return render(
        request,
        "market/event_detail.html",
        {
            "event": event,
            "achievements": selectors.event_achievements(user=request.user, event=event),
            "deals": selectors.event_deals(user=request.user, event=event),
            "deals_total": event.deals.count(),
            "can_edit": rules.can_edit(request.user, event),
            "can_publish": rules.can_publish(request.user, event),
        },
    )


@login_required
def event_edit(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _event(request, event_id)
    if not rules.can_edit(request.user, event):
        raise PermissionDenied(gettext("只有主办单位或活动所在地的科技部门可以修改活动"))
    initial = {
        "title": event.title,
        "host_level": event.host_level,
        "kind": event.kind,
        "place": event.place_id,
        "held_on": event.held_on,
        "industry": event.industry_id,
        "attendance": event.attendance,
        "summary": event.summary,
        "achievement_ids": ", ".join(str(pk) for pk in event.achievements.values_list("pk", flat=True)),
        "deal_ids": ", ".join(str(pk) for pk in event.deals.values_list("pk", flat=True)),
    }
    form = TransferEventForm(request.POST or None, acting_user=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.transfer_event_update(
                acting_user=request.user,
                event_id=event.pk,
                version=_posted_id(request.POST.get("version")) or event.version,
                **form.values(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("活动已修改"))
            return redirect("market:event", event.pk)
    return render(request, "market/event_form.html", {"form": form, "event": event})


@login_required
@require_POST
def event_step(request: HttpRequest, event_id: int, action: str) -> HttpResponse:
    event = _event(request, event_id)
    version = _posted_id(request.POST.get("version"))
    steps = {
        "publish": lambda: services.transfer_event_publish(
            acting_user=request.user, event_id=event.pk, version=version
        )
    }
    step_button(request, steps, action, gettext("活动已发布"))
    return redirect("market:event", event.pk)
