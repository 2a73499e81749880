"""待确认的派驻: who has not answered yet, the unit confirming for its people, reminders."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from . import confirmations
from .models import ConfirmedVia


def _page(request: HttpRequest, *, typed: dict[str, Any] | None = None, status: int = 200) -> HttpResponse:
    rows = list(confirmations.unconfirmed_list(user=request.user))
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
                    confirmations.can_confirm_for(user, a),
                )
                for a in rows
            ],
            "can_remind": bool(rows) and (user.is_province or user.organisation_id is not None),
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
    assignment = confirmations.unconfirmed_list(user=request.user).filter(pk=assignment_id).first()
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
            confirmations.unconfirmed_list(user=request.user).filter(pk=int(picked)).first()
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
