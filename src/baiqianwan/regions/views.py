from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.text import normalise_query

from . import selectors
from .classification import LEVEL_LABELS, PROVINCE_CODE, Level
from .forms import DivisionFilterForm


@login_required
def tree(request: HttpRequest, code: str = PROVINCE_CODE) -> HttpResponse:
    """A unit, its ancestors, and its children with their own children counts; or search results."""
    values = DivisionFilterForm(request.GET or None).values()
    query = values.pop("q", "")
    if query:
        results = selectors.division_search(query=query, **values)
        page = Paginator(results.select_related("parent"), 30).get_page(request.GET.get("page"))
        return render(
            request,
            "regions/search.html",
            {
                "page": page,
                "q": query,
                "q_simplified": normalise_query(query),
                "levels": [(lvl.value, gettext(LEVEL_LABELS[lvl])) for lvl in Level],
            },
        )
    division = selectors.division_get(code=code)
    if division is None:
        raise Http404(_("找不到该区划"))
    children = selectors.division_children(code=code).annotate(children_count=Count("children"))
    kinds: dict[str, int] = {}
    for child in children:
        kinds[child.kind] = kinds.get(child.kind, 0) + 1
    return render(
        request,
        "regions/tree.html",
        {
            "division": division,
            "ancestors": selectors.division_ancestors(division=division),
            "children": children,
            "kinds": kinds,
            "level_label": gettext(LEVEL_LABELS[division.level_enum]),
        },
    )
