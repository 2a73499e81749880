"""The public portal's pages: no account needed, its own look, readable on a phone. Thin: forms
in, the owning apps' services do (a farmer's demand, an objection), the portal's selectors read only
what is published."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.cache import cache_page, never_cache
from django.views.decorators.http import require_GET

from baiqianwan.calls import services as calls
from baiqianwan.core.files import private_file_response
from baiqianwan.core.forms import add_service_errors
from baiqianwan.core.pagination import BoundedPaginator
from baiqianwan.demands import services as demands
from baiqianwan.outreach.publicity import selectors as publicity

from . import captcha, selectors
from .forms import (
    CaseSearchForm,
    DemandLookupForm,
    ListingSearchForm,
    ObjectionForm,
    ObjectionLookupForm,
    PublicDemandForm,
)

LICENCE = "CC BY 4.0"
PROVENANCE = gettext_lazy(
    "广东省科学技术厅 百千万科技支撑平台：由平台登记的业务记录按地市和年份汇总，每次下载时实时统计。"
)
DONE_KEY = "portal_done"
EVIDENCE_READ = 9 * 1024 * 1024  # a little over the limit, so an oversized picture is named as such


def _captcha_ok(request: HttpRequest, form: Any) -> bool:
    if captcha.passed(request.session, form.data.get("captcha")):
        return True
    form.add_error("captcha", gettext("验证码不正确或已过期，请看新的图片重新输入"))
    return False


@cache_page(60)
def home(request: HttpRequest) -> HttpResponse:
    cities = selectors.solved_by_city()
    return render(
        request,
        "portal/home.html",
        {
            "headline": selectors.headline(),
            "map_data": cities,
            "map_max": max((city["value"] for city in cities), default=1) or 1,
            "latest_cases": list(publicity.published_cases()[:4]),
            "latest_policies": list(publicity.published_policies()[:2]),
            "latest_honours": list(publicity.published_commendations()[:2]),
        },
    )


@never_cache
@require_GET
def captcha_image(request: HttpRequest) -> HttpResponse:
    return HttpResponse(captcha.new_image(request.session), content_type="image/png")


@never_cache
def demand_new(request: HttpRequest) -> HttpResponse:
    """A farmer asks for help: what, where, a mobile number; the county's desk receives it."""
    form = PublicDemandForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _captcha_ok(request, form):
        data = dict(form.cleaned_data)
        data.pop("captcha")
        try:
            demand = demands.public_demand_submit(**data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            request.session[DONE_KEY] = demand.public_reference
            return redirect("portal:demand_done")
    return render(request, "portal/demand_form.html", {"form": form})


@never_cache
def demand_done(request: HttpRequest) -> HttpResponse:
    reference = request.session.get(DONE_KEY)
    if not reference:
        return redirect("portal:demand_new")
    return render(request, "portal/demand_done.html", {"reference": reference})


@never_cache
def demand_status(request: HttpRequest) -> HttpResponse:
    """Follow a demand by its reference and the mobile number it was sent with (POST: the number
    stays out of addresses and logs)."""
    form = DemandLookupForm(request.POST or None)
    demand = None
    if request.method == "POST" and form.is_valid():
        demand = demands.public_demand_lookup(**form.cleaned_data)
        if demand is None:
            form.add_error(None, gettext("没有找到：请核对查询编号和手机号码"))
    return render(request, "portal/demand_status.html", {"form": form, "demand": demand})


@cache_page(60)
def notices(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/notices.html",
        {
            "calls": selectors.calls_in_publicity(),
            "deals": selectors.deals_published()[:50],
            "rounds": selectors.dispatch_rounds(),
        },
    )


@never_cache
def call_notice(request: HttpRequest, call_id: int) -> HttpResponse:
    """A list in its 公示 period, and the objection form."""
    call = selectors.call_in_publicity(call_id)
    if call is None:
        raise Http404
    listed = selectors.call_list(call)
    form = ObjectionForm(
        request.POST or None,
        request.FILES or None,
        listed=[(a.pk, f"{a.reference} {a.title}") for a in listed],
    )
    if request.method == "POST" and form.is_valid() and _captcha_ok(request, form):
        data = form.cleaned_data
        evidence = data.get("evidence")
        try:
            objection = calls.objection_file(
                call_id=call.pk,
                application_id=int(data["application"]) if data["application"] else None,
                name=data["name"],
                contact=data["contact"],
                reason=data["reason"],
                evidence_name=evidence.name if evidence else "",
                evidence_data=evidence.read(EVIDENCE_READ) if evidence else None,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return render(request, "portal/objection_filed.html", {"objection": objection, "call": call})
    return render(request, "portal/call_notice.html", {"call": call, "listed": listed, "form": form})


@never_cache
def objection_status(request: HttpRequest) -> HttpResponse:
    form = ObjectionLookupForm(request.POST or None)
    objection = None
    if request.method == "POST" and form.is_valid():
        objection = selectors.objection_lookup(**form.cleaned_data)
        if objection is None:
            form.add_error(None, gettext("没有找到：请核对受理编号和联系方式"))
    return render(request, "portal/objection_status.html", {"form": form, "objection": objection})


def listings(request: HttpRequest) -> HttpResponse:
    """The technology market's listings, for enterprises and farmers without an account."""
    filters = ListingSearchForm(request.GET or None)
    values = filters.cleaned_data if filters.is_valid() else {}
    found = selectors.listings_published(q=values.get("q", ""), mode=values.get("mode", ""))
    return render(
        request,
        "portal/listings.html",
        {"page": BoundedPaginator(found, 20).get_page(request.GET.get("page")), "filters": filters},
    )


@cache_page(60)
def listing(request: HttpRequest, listing_id: int) -> HttpResponse:
    found = selectors.listing_published(listing_id)
    if found is None:
        raise Http404
    return render(request, "portal/listing.html", {"listing": found})


@cache_page(60)
def data(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/data.html", {"licence": LICENCE, "provenance": PROVENANCE})


DATASETS = {"demands_solved", "deals_registered"}


@cache_page(60)
def data_download(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    if name not in DATASETS or fmt not in ("csv", "json"):
        raise Http404
    rows = selectors.open_data()[name]
    if fmt == "json":
        body = json.dumps(
            {"dataset": name, "licence": LICENCE, "provenance": str(PROVENANCE), "rows": rows},
            ensure_ascii=False,
            indent=1,
        )
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    else:
        out = io.StringIO()
        out.write("\ufeff")  # Excel opens UTF-8 with the mark as Chinese, not as mojibake
        writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else ["city_code"])
        writer.writeheader()
        writer.writerows(rows)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


# ---- 典型案例 -------------------------------------------------------------------------------------


def cases(request: HttpRequest) -> HttpResponse:
    """Published cases: searched with the matching engine (简体 or 繁体), by city and industry."""
    filters = CaseSearchForm(
        request.GET or None, cities=selectors.city_choices(), industries=publicity.published_case_industries()
    )
    values = filters.cleaned_data if filters.is_valid() else {}
    found = publicity.published_cases(
        q=values.get("q", ""), region=values.get("city", ""), industry=values.get("industry", "")
    )
    return render(
        request,
        "portal/cases.html",
        {"page": BoundedPaginator(found, 12).get_page(request.GET.get("page")), "filters": filters},
    )


@cache_page(60)
def case(request: HttpRequest, case_id: int) -> HttpResponse:
    found = publicity.published_case(case_id)
    if found is None:
        raise Http404
    return render(request, "portal/case.html", {"case": found})


def case_photo(request: HttpRequest, case_id: int, photo_id: int) -> Any:
    photo = publicity.published_photo(case_id, photo_id)
    if photo is None:
        raise Http404
    response = private_file_response(
        photo.image, name=f"{photo.pk}.{'png' if photo.kind == 'png' else 'jpg'}", allowed=("jpeg", "png")
    )
    # A published photo is public: browsers and proxies may keep it for a day.
    response["Cache-Control"] = "public, max-age=86400"
    response["Cross-Origin-Resource-Policy"] = "same-site"
    return response


# ---- 通报表扬 and policies --------------------------------------------------------------------------


@cache_page(60)
def honours(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/honours.html", {"items": publicity.published_commendations()[:100]})


def honour(request: HttpRequest, commendation_id: int) -> HttpResponse:
    item = publicity.published_commendation(commendation_id)
    if item is None:
        raise Http404
    entries = publicity.commendation_entries(item)
    return render(
        request,
        "portal/honour.html",
        {"item": item, "page": BoundedPaginator(entries, 50).get_page(request.GET.get("page"))},
    )


@cache_page(60)
def policies(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/policies.html", {"items": publicity.published_policies()[:200]})


@cache_page(60)
def policy(request: HttpRequest, policy_id: int) -> HttpResponse:
    item = publicity.published_policy(policy_id)
    if item is None:
        raise Http404
    return render(
        request,
        "portal/policy.html",
        {"item": item, "interpretations": publicity.published_interpretations(item)},
    )


# ---- the commissioner dispatch list -------------------------------------------------------------


def dispatch(request: HttpRequest, round_id: int) -> HttpResponse:
    found = selectors.dispatch_round(round_id)
    if found is None:
        raise Http404
    city = str(request.GET.get("city") or "")
    cities = selectors.city_choices()
    if city not in dict(cities):
        city = ""
    rows = selectors.dispatch_list(found, city=city)
    return render(
        request,
        "portal/dispatch.html",
        {
            "round": found,
            "cities": cities,
            "city": city,
            "page": BoundedPaginator(rows, 50).get_page(request.GET.get("page")),
        },
    )
