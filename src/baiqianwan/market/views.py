"""Pages of the technology market. Thin: forms in, services do, selectors read."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from baiqianwan.core.exports import EXPORT_LIMIT, spreadsheet_export
from baiqianwan.core.forms import add_service_errors, step_button, valid_form_data
from baiqianwan.core.pagination import BoundedPaginator
from baiqianwan.core.selectors import found_or_404, valid_id
from baiqianwan.supply.models import Achievement

from . import rules, selectors, services
from .exports import DEAL_SCHEMA, LISTING_SCHEMA, deal_rows, listing_rows
from .forms import (
    DealFilterForm,
    DealForm,
    EnquiryFilterForm,
    EnquiryForm,
    ListingFilterForm,
    ListingForm,
    PaymentFormSet,
    ReasonForm,
    ReplyForm,
)
from .models import Deal, DealStatus, Listing


def _listing(request: HttpRequest, listing_id: int) -> Listing:
    return found_or_404(selectors.listing_get(user=request.user, listing_id=listing_id))


def _deal(request: HttpRequest, deal_id: int) -> Deal:
    return found_or_404(selectors.deal_get(user=request.user, deal_id=deal_id))


def _posted_id(value: Any) -> int | None:
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) <= 19 and valid_id(int(text)) else None


# ---- listings ---------------------------------------------------------------------------------


@login_required
def listing_list(request: HttpRequest) -> HttpResponse:
    filters = ListingFilterForm(request.GET or None)
    values = filters.values()
    listings = selectors.listing_list(
        user=request.user,
        q=values.get("q", ""),
        mode=values.get("mode", ""),
        industry=values.get("industry", ""),
        region=values.get("region", ""),
        status=values.get("status", ""),
        mine=values.get("mine"),
    )
    if request.GET.get("export") == "xlsx":
        rows = listings[:EXPORT_LIMIT]
        return spreadsheet_export(
            request, schema=LISTING_SCHEMA, rows=listing_rows(rows), name=gettext("成果挂牌"), count=len(rows)
        )
    return render(
        request,
        "market/listing_list.html",
        {
            "page": BoundedPaginator(listings, 20).get_page(request.GET.get("page")),
            "filters": filters,
            "q": values.get("q", ""),
            "can_list": rules.can_list(request.user),
        },
    )


@login_required
def listing_new(request: HttpRequest) -> HttpResponse:
    if not rules.can_list(request.user):
        raise PermissionDenied(gettext("只有单位账号可以挂牌成果"))
    chosen = _posted_id(request.GET.get("achievement"))
    extra = Achievement.objects.for_user(request.user).filter(pk=chosen).first() if chosen else None
    form = ListingForm(
        request.POST or None,
        acting_user=request.user,
        extra_achievement=extra,
        initial={"achievement": extra.pk if extra else None},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        achievement = data.pop("achievement")
        try:
            listing = services.listing_create(acting_user=request.user, achievement_id=achievement.pk, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, gettext("已挂牌") if listing.status == "listed" else gettext("已保存为草稿")
            )
            return redirect("market:listing", listing.pk)
    return render(request, "market/listing_form.html", {"form": form, "listing": None})


@login_required
def listing_detail(request: HttpRequest, listing_id: int) -> HttpResponse:
    listing = _listing(request, listing_id)
    user = request.user
    form = EnquiryForm(request.POST or None)
    can_enquire = rules.can_enquire(user, listing)
    if request.method == "POST" and can_enquire and form.is_valid():
        try:
            enquiry = services.enquiry_create(acting_user=user, listing_id=listing.pk, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("咨询已发送，挂牌单位回复后会通知您"))
            return redirect("market:enquiry", enquiry.pk)
    return render(
        request,
        "market/listing_detail.html",
        {
            "listing": listing,
            "form": form,
            "can_enquire": can_enquire,
            "can_edit": rules.can_edit_listing(user, listing),
            "sells": rules.speaks_for(user, listing.seller_id),
            "can_buy": rules.can_register_deal(user) and listing.status == "listed",
            "enquiries": selectors.listing_enquiries(user=user, listing=listing)[:50],
            "deals": selectors.deal_list(user=user).filter(listing=listing)[:20],
            "events": listing.events.select_related("actor"),
            "withdraw_form": ReasonForm(),
        },
    )


@login_required
def listing_edit(request: HttpRequest, listing_id: int) -> HttpResponse:
    listing = _listing(request, listing_id)
    if not rules.can_edit_listing(request.user, listing):
        raise PermissionDenied(gettext("只有挂牌单位可以修改草稿或挂牌中的挂牌"))
    initial = {
        name: getattr(listing, name)
        for name in ("title", "mode", "price_min", "price_max", "licence_terms", "authority")
    }
    form = ListingForm(request.POST or None, acting_user=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.listing_update(
                acting_user=request.user,
                listing_id=listing.pk,
                version=_posted_id(request.POST.get("version")) or listing.version,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("挂牌已修改"))
            return redirect("market:listing", listing.pk)
    return render(request, "market/listing_form.html", {"form": form, "listing": listing})


def _listing_steps(request: HttpRequest, listing: Listing) -> dict[str, Any]:
    return {
        "publish": lambda: services.listing_publish(acting_user=request.user, listing_id=listing.pk),
        "withdraw": lambda: services.listing_withdraw(
            acting_user=request.user, listing_id=listing.pk, **valid_form_data(ReasonForm(request.POST))
        ),
    }


@login_required
@require_POST
def listing_step(request: HttpRequest, listing_id: int, action: str) -> HttpResponse:
    listing = _listing(request, listing_id)
    step_button(request, _listing_steps(request, listing), action, gettext("已办理"))
    return redirect("market:listing", listing.pk)


# ---- enquiries --------------------------------------------------------------------------------


@login_required
def enquiry_list(request: HttpRequest) -> HttpResponse:
    filters = EnquiryFilterForm(request.GET or None)
    enquiries = selectors.enquiry_list(user=request.user, status=filters.values().get("status", ""))
    return render(
        request,
        "market/enquiry_list.html",
        {"page": BoundedPaginator(enquiries, 20).get_page(request.GET.get("page")), "filters": filters},
    )


@login_required
def enquiry_detail(request: HttpRequest, enquiry_id: int) -> HttpResponse:
    enquiry = found_or_404(selectors.enquiry_get(user=request.user, enquiry_id=enquiry_id))
    can_reply = rules.can_reply(request.user, enquiry)
    form = ReplyForm(request.POST or None, initial={"reply": enquiry.reply})
    if request.method == "POST" and can_reply and form.is_valid():
        try:
            services.enquiry_reply(acting_user=request.user, enquiry_id=enquiry.pk, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("已回复，咨询单位会收到通知"))
            return redirect("market:enquiry", enquiry.pk)
    return render(
        request, "market/enquiry_detail.html", {"enquiry": enquiry, "form": form, "can_reply": can_reply}
    )


# ---- deals ------------------------------------------------------------------------------------


@login_required
def deal_list(request: HttpRequest) -> HttpResponse:
    filters = DealFilterForm(request.GET or None)
    values = filters.values()
    deals = selectors.deal_list(
        user=request.user,
        q=values.get("q", ""),
        mode=values.get("mode", ""),
        status=values.get("status", ""),
        region=values.get("region", ""),
        east_west_north=values.get("east_west_north"),
        publicity=values.get("publicity"),
    )
    if request.GET.get("export") == "xlsx":
        rows = deals[:EXPORT_LIMIT]
        return spreadsheet_export(
            request, schema=DEAL_SCHEMA, rows=deal_rows(rows), name=gettext("技术交易"), count=len(rows)
        )
    return render(
        request,
        "market/deal_list.html",
        {
            "page": BoundedPaginator(deals, 20).get_page(request.GET.get("page")),
            "filters": filters,
            "can_register": rules.can_register_deal(request.user),
        },
    )


def _payment_rows(formset: Any) -> list[services.PaymentRow]:
    return [services.PaymentRow(**form.cleaned_data) for form in formset if form.cleaned_data]


def _deal_values(form: DealForm, formset: Any) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    achievement = data.pop("achievement", None)
    place = data.pop("place")
    demand = data.pop("demand", None)
    return {
        **data,
        "achievement_id": achievement.pk if achievement else None,
        "place_code": place.code if place else "",
        "demand_id": demand,
        "payments": _payment_rows(formset),
    }


@login_required
def deal_new(request: HttpRequest) -> HttpResponse:
    if not rules.can_register_deal(request.user):
        raise PermissionDenied(gettext("技术交易由买方或卖方的单位账号登记"))
    listing_id = _posted_id(request.POST.get("listing") or request.GET.get("listing"))
    listing = selectors.listing_get(user=request.user, listing_id=listing_id) if listing_id else None
    seller_side = listing is None or rules.speaks_for(request.user, listing.seller_id)
    initial = {"title": listing.title, "mode": listing.mode} if listing else {}
    form = DealForm(request.POST or None, acting_user=request.user, seller_side=seller_side, initial=initial)
    formset = PaymentFormSet(request.POST or None, prefix="p")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        values = _deal_values(form, formset)
        if listing is not None:
            values.pop("achievement_id", None)
        try:
            deal = services.deal_register(
                acting_user=request.user, listing_id=listing.pk if listing else None, **values
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("交易已登记，等待对方确认"))
            return redirect("market:deal", deal.pk)
    return render(
        request,
        "market/deal_form.html",
        {"form": form, "formset": formset, "listing": listing, "deal": None},
    )


@login_required
def deal_detail(request: HttpRequest, deal_id: int) -> HttpResponse:
    deal = _deal(request, deal_id)
    user = request.user
    return render(
        request,
        "market/deal_detail.html",
        {
            "deal": deal,
            "payments": deal.payments.all(),
            "events": selectors.deal_events(deal=deal),
            "side": rules.side_of(user, deal),
            "can_edit": rules.can_edit_deal(user, deal),
            "can_confirm": rules.can_confirm_as_party(user, deal) or rules.can_confirm_as_bureau(user, deal),
            "as_bureau": deal.status == DealStatus.BUREAU,
            "reject_form": ReasonForm(),
        },
    )


@login_required
def deal_edit(request: HttpRequest, deal_id: int) -> HttpResponse:
    deal = _deal(request, deal_id)
    if not rules.can_edit_deal(request.user, deal):
        raise PermissionDenied(gettext("只有交易双方可以在对方确认前或退回后修改交易"))
    seller_side = rules.side_of(request.user, deal) == "seller"
    initial = {
        "buyer_uscc": deal.buyer.uscc,
        "title": deal.title,
        "mode": deal.mode,
        "contract_value": deal.contract_value,
        "place": deal.place_id,
        "contract_number": deal.contract_number,
        "registered_on": deal.registered_on,
        "demand": deal.demand_id,
        "summary": deal.summary,
    }
    form = DealForm(request.POST or None, acting_user=request.user, seller_side=seller_side, initial=initial)
    if "achievement" in form.fields:
        del form.fields["achievement"]
    formset = PaymentFormSet(
        request.POST or None,
        prefix="p",
        initial=[{"due_on": p.due_on, "amount": p.amount} for p in deal.payments.all()],
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        values = _deal_values(form, formset)
        values.pop("achievement_id", None)
        try:
            services.deal_update(
                acting_user=request.user,
                deal_id=deal.pk,
                version=_posted_id(request.POST.get("version")) or deal.version,
                **values,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("交易已修改，等待对方确认"))
            return redirect("market:deal", deal.pk)
    return render(
        request,
        "market/deal_form.html",
        {"form": form, "formset": formset, "listing": deal.listing, "deal": deal},
    )


def _deal_steps(request: HttpRequest, deal: Deal) -> dict[str, Any]:
    version = _posted_id(request.POST.get("version"))
    return {
        "confirm": lambda: services.deal_confirm(acting_user=request.user, deal_id=deal.pk, version=version),
        "reject": lambda: services.deal_reject(
            acting_user=request.user,
            deal_id=deal.pk,
            version=version,
            **valid_form_data(ReasonForm(request.POST)),
        ),
    }


@login_required
@require_POST
def deal_step(request: HttpRequest, deal_id: int, action: str) -> HttpResponse:
    deal = _deal(request, deal_id)
    step_button(request, _deal_steps(request, deal), action, gettext("已办理"))
    return redirect("market:deal", deal.pk)


@login_required
def publicity(request: HttpRequest) -> HttpResponse:
    """交易公示: registered deals at or above the value the settings name."""
    deals = selectors.publicity_list()
    return render(
        request,
        "market/publicity.html",
        {
            "page": BoundedPaginator(deals, 20).get_page(request.GET.get("page")),
            "threshold": services.publicity_threshold(),
        },
    )


@login_required
def stats(request: HttpRequest) -> HttpResponse:
    figures = selectors.deal_stats(user=request.user)
    return render(
        request,
        "market/stats.html",
        {
            "stats": figures,
            "regions": list(zip(figures["by_seller_region"], figures["by_place_region"], strict=True)),
            "flows": [{**flow, "value": str(flow["value"])} for flow in figures["flows"]],
        },
    )
