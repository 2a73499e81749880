from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from baiqianwan.core.selectors import found_or_404
from baiqianwan.demands import rules
from baiqianwan.demands.selectors import demand_get
from baiqianwan.matching.engine import KIND_LABELS
from baiqianwan.supply.selectors import expert_get

from . import selectors, services
from .forms import SEARCH_KINDS, SearchFilterForm


@login_required
def demand_recommendations(request: HttpRequest, demand_id: int) -> HttpResponse:
    demand = found_or_404(demand_get(user=request.user, pk=demand_id))
    triage = rules.can_triage(request.user, demand)
    context = selectors.demand_recommendations(user=request.user, demand=demand)
    context.update(
        demand=demand,
        can_connect=triage and demand.status in ("accepted", "matching"),
        # Possible duplicates are for the bureau that may merge them, not for the submitter.
        similar=selectors.similar_demands(user=request.user, demand=demand, top=3) if triage else [],
        labels=KIND_LABELS,
    )
    return render(request, "matching/_demand_recommendations.html", context)


@login_required
def demand_similar(request: HttpRequest, demand_id: int) -> HttpResponse:
    demand = found_or_404(demand_get(user=request.user, pk=demand_id))
    similar = selectors.similar_demands(user=request.user, demand=demand)
    return render(request, "matching/_similar.html", {"demand": demand, "similar": similar})


@login_required
def expert_recommendations(request: HttpRequest, expert_id: int) -> HttpResponse:
    expert = found_or_404(expert_get(user=request.user, pk=expert_id))
    recommendations = selectors.demands_for_expert(user=request.user, expert=expert)
    return render(
        request, "matching/_expert_demands.html", {"expert": expert, "recommendations": recommendations}
    )


@login_required
def search(request: HttpRequest) -> HttpResponse:
    values = SearchFilterForm(request.GET or None).values()
    text, kind = values.get("q", ""), values.get("kind", "")
    kinds = (kind,) if kind else tuple(SEARCH_KINDS)
    results: list[selectors.Recommendation] = []
    result = None
    if text:
        results, result = selectors.search(
            user=request.user,
            text=text,
            kinds=kinds,
            top=20,
            prefer_region=getattr(request.user, "division_id", None) or None,
        )
    return render(
        request,
        "matching/search.html",
        {"q": text, "kind": kind, "kinds": SEARCH_KINDS, "results": results, "result": result},
    )


@login_required
@require_POST
def rebuild(request: HttpRequest) -> HttpResponse:
    if not request.user.is_province:  # type: ignore[union-attr]
        raise PermissionDenied(_("只有省级管理员可以重建索引"))
    job = services.index_rebuild_job(acting_user=request.user)
    messages.info(request, _("已开始重建匹配索引。"))
    return redirect("job_detail", job.pk)
