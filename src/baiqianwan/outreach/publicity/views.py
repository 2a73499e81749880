"""Pages of 典型案例, 通报表扬 and policies. Thin: forms in, services do, selectors read."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from baiqianwan.core.concurrency import posted_version
from baiqianwan.core.files import private_file_response
from baiqianwan.core.forms import add_service_errors, step_button, valid_form_data
from baiqianwan.core.pagination import BoundedPaginator
from baiqianwan.core.selectors import found_or_404

from ..models import CaseStatus, Commendation, PolicyDocument, ShowcaseCase
from . import rules, selectors, services
from .forms import (
    CaseFilterForm,
    CaseForm,
    CommendationForm,
    EntryForm,
    FillForm,
    PhotoForm,
    PolicyFilterForm,
    PolicyForm,
    ReviewForm,
    WithdrawForm,
)

MAX_UPLOAD_READ = 9 * 1024 * 1024


# ---- 典型案例 -------------------------------------------------------------------------------------


def _case(request: HttpRequest, case_id: int) -> ShowcaseCase:
    return found_or_404(selectors.case_get(user=request.user, case_id=case_id))


def _case_values(data: dict[str, Any]) -> dict[str, Any]:
    industry, demand, people = data.pop("industry"), data.pop("demand"), data.pop("people")
    place = data.pop("place")
    return {
        **data,
        "place_code": place.code,
        "industry_code": industry.code if industry else None,
        "demand_id": demand.pk if demand else None,
        "person_ids": [person.pk for person in people],
    }


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    filters = CaseFilterForm(request.GET or None)
    values = filters.values()
    cases = selectors.case_list(
        user=request.user,
        q=values.get("q", ""),
        region=values.get("region", ""),
        industry=values.get("industry", ""),
        status=values.get("status", ""),
    )
    return render(
        request,
        "outreach/publicity/case_list.html",
        {
            "page": BoundedPaginator(cases, 20).get_page(request.GET.get("page")),
            "filters": filters,
            "counts": selectors.case_status_counts(user=request.user),
            "can_write": rules.is_bureau(request.user),
            "is_province": rules.is_province(request.user),
        },
    )


@login_required
def case_new(request: HttpRequest) -> HttpResponse:
    if not rules.is_bureau(request.user):
        raise PermissionDenied(gettext("只有省科技厅和地市、县（市、区）科技部门可以撰写典型案例"))
    form = CaseForm(request.POST or None, acting_user=request.user)
    if request.method == "POST" and form.is_valid():
        values = _case_values(dict(form.cleaned_data))
        try:
            case = services.case_create(acting_user=request.user, **values)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("案例已保存为草稿，请上传现场照片后报送省科技厅审核"))
            return redirect("outreach_publicity:case", case.pk)
    return render(request, "outreach/publicity/case_form.html", {"form": form, "case": None})


@login_required
def case_edit(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    if not rules.can_edit_case(request.user, case):
        raise PermissionDenied(gettext("案例{status}，不能修改").format(status=case.get_status_display()))
    initial = {
        "place": case.place_id,
        "title": case.title,
        "summary": case.summary,
        "body": case.body,
        "results": case.results,
        "industry": case.industry_id,
        "demand": case.demand_id,
        "people": [p.pk for p in case.people.all()],
    }
    form = CaseForm(request.POST or None, acting_user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = _case_values(dict(form.cleaned_data))
        try:
            services.case_update(
                acting_user=request.user,
                case_id=case.pk,
                version=posted_version(request, case.version),
                **values,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("案例已修改"))
            return redirect("outreach_publicity:case", case.pk)
    return render(request, "outreach/publicity/case_form.html", {"form": form, "case": case})


@login_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    user = request.user
    can_edit = rules.can_edit_case(user, case)
    photo_form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(
                gettext("案例{status}，不能上传照片").format(status=case.get_status_display())
            )
        if photo_form.is_valid():
            upload = photo_form.cleaned_data["image"]
            try:
                services.photo_add(
                    acting_user=user,
                    case_id=case.pk,
                    name=upload.name,
                    data=upload.read(MAX_UPLOAD_READ),
                    caption=photo_form.cleaned_data["caption"],
                )
            except ValidationError as exc:
                add_service_errors(photo_form, exc)
            else:
                messages.success(request, gettext("照片已上传"))
                return redirect("outreach_publicity:case", case.pk)
    return render(
        request,
        "outreach/publicity/case_detail.html",
        {
            "case": case,
            "photo_form": photo_form,
            "can_edit": can_edit,
            "can_review": rules.can_review_case(user, case),
            "can_withdraw": rules.can_withdraw_case(user, case),
            "review_form": ReviewForm(),
            "withdraw_form": WithdrawForm(),
            "published": case.status == CaseStatus.PUBLISHED,
        },
    )


@login_required
def case_photo(request: HttpRequest, case_id: int, photo_id: int) -> Any:
    case = _case(request, case_id)
    photo = next((p for p in case.photos.all() if p.pk == photo_id), None)
    if photo is None:
        raise Http404
    return private_file_response(
        photo.image, name=str(photo.image.name).rsplit("/", 1)[-1], allowed=("jpeg", "png")
    )


@login_required
@require_POST
def case_step(request: HttpRequest, case_id: int, action: str) -> HttpResponse:
    case = _case(request, case_id)
    user, version = request.user, posted_version(request, case.version)
    steps = {
        "submit": lambda: services.case_submit(acting_user=user, case_id=case.pk, version=version),
        "publish": lambda: services.case_review(
            acting_user=user,
            case_id=case.pk,
            publish=True,
            version=version,
            **valid_form_data(ReviewForm(request.POST)),
        ),
        "return": lambda: services.case_review(
            acting_user=user,
            case_id=case.pk,
            publish=False,
            version=version,
            **valid_form_data(ReviewForm(request.POST)),
        ),
        "withdraw": lambda: services.case_withdraw(
            acting_user=user, case_id=case.pk, version=version, **valid_form_data(WithdrawForm(request.POST))
        ),
        "remove-photo": lambda: services.photo_remove(acting_user=user, photo_id=request.POST.get("photo")),
    }
    step_button(request, steps, action, gettext("已办理"))
    return redirect("outreach_publicity:case", case.pk)


# ---- 通报表扬 -------------------------------------------------------------------------------------


def _commendation(request: HttpRequest, commendation_id: int) -> Commendation:
    return found_or_404(selectors.commendation_get(user=request.user, commendation_id=commendation_id))


def _province_only(request: HttpRequest) -> None:
    if not rules.can_publish(request.user):
        raise PermissionDenied(gettext("通报表扬和政策文件由省科技厅发布"))


@login_required
def commendation_list(request: HttpRequest) -> HttpResponse:
    items = selectors.commendation_list(user=request.user)
    return render(
        request,
        "outreach/publicity/commendation_list.html",
        {
            "page": BoundedPaginator(items, 20).get_page(request.GET.get("page")),
            "can_write": rules.can_publish(request.user),
        },
    )


@login_required
def commendation_new(request: HttpRequest) -> HttpResponse:
    _province_only(request)
    form = CommendationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.commendation_create(acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("outreach_publicity:commendation", item.pk)
    return render(request, "outreach/publicity/commendation_form.html", {"form": form, "item": None})


@login_required
def commendation_edit(request: HttpRequest, commendation_id: int) -> HttpResponse:
    _province_only(request)
    item = _commendation(request, commendation_id)
    initial = {name: getattr(item, name) for name in ("title", "document_number", "year", "intro")}
    form = CommendationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.commendation_update(
                acting_user=request.user,
                commendation_id=item.pk,
                version=posted_version(request, item.version),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("outreach_publicity:commendation", item.pk)
    return render(request, "outreach/publicity/commendation_form.html", {"form": form, "item": item})


@login_required
def commendation_detail(request: HttpRequest, commendation_id: int) -> HttpResponse:
    item = _commendation(request, commendation_id)
    can_write = rules.can_publish(request.user) and not item.is_published
    entry_form = EntryForm(request.POST or None)
    if request.method == "POST":
        _province_only(request)
        if entry_form.is_valid():
            data = dict(entry_form.cleaned_data)
            place = data.pop("place")
            try:
                services.entry_add(
                    acting_user=request.user,
                    commendation_id=item.pk,
                    place_code=place.code if place else None,
                    **data,
                )
            except ValidationError as exc:
                add_service_errors(entry_form, exc)
            else:
                messages.success(request, gettext("已加入名单"))
                return redirect("outreach_publicity:commendation", item.pk)
    entries = selectors.commendation_entries(item)
    return render(
        request,
        "outreach/publicity/commendation_detail.html",
        {
            "item": item,
            "page": BoundedPaginator(entries, 50).get_page(request.GET.get("page")),
            "entry_form": entry_form,
            "fill_form": FillForm(),
            "can_write": can_write,
            "can_publish": rules.can_publish(request.user),
        },
    )


@login_required
@require_POST
def commendation_step(request: HttpRequest, commendation_id: int, action: str) -> HttpResponse:
    item = _commendation(request, commendation_id)
    user, version = request.user, posted_version(request, item.version)

    def fill() -> None:
        added = services.commendation_fill(
            acting_user=user, commendation_id=item.pk, **valid_form_data(FillForm(request.POST))
        )
        messages.info(request, gettext("从平台记录加入 {n} 条").format(n=added))

    steps = {
        "fill": fill,
        "publish": lambda: services.commendation_publish(
            acting_user=user, commendation_id=item.pk, publish=True, version=version
        ),
        "unpublish": lambda: services.commendation_publish(
            acting_user=user, commendation_id=item.pk, publish=False, version=version
        ),
        "remove-entry": lambda: services.entry_remove(acting_user=user, entry_id=request.POST.get("entry")),
    }
    step_button(request, steps, action, gettext("已办理"))
    return redirect("outreach_publicity:commendation", item.pk)


# ---- 政策与解读 -----------------------------------------------------------------------------------


def _policy(request: HttpRequest, policy_id: int) -> PolicyDocument:
    return found_or_404(selectors.policy_get(user=request.user, policy_id=policy_id))


def _policy_values(data: dict[str, Any]) -> dict[str, Any]:
    interprets = data.pop("interprets")
    return {**data, "interprets_id": interprets.pk if interprets else None}


@login_required
def policy_list(request: HttpRequest) -> HttpResponse:
    filters = PolicyFilterForm(request.GET or None)
    values = filters.values()
    items = selectors.policy_list(user=request.user, kind=values.get("kind", ""), q=values.get("q", ""))
    return render(
        request,
        "outreach/publicity/policy_list.html",
        {
            "page": BoundedPaginator(items, 20).get_page(request.GET.get("page")),
            "filters": filters,
            "can_write": rules.can_publish(request.user),
        },
    )


@login_required
def policy_new(request: HttpRequest) -> HttpResponse:
    _province_only(request)
    form = PolicyForm(request.POST or None, acting_user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.policy_create(acting_user=request.user, **_policy_values(dict(form.cleaned_data)))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("outreach_publicity:policy", item.pk)
    return render(request, "outreach/publicity/policy_form.html", {"form": form, "item": None})


@login_required
def policy_edit(request: HttpRequest, policy_id: int) -> HttpResponse:
    _province_only(request)
    item = _policy(request, policy_id)
    initial = {
        name: getattr(item, name)
        for name in ("kind", "title", "issuer", "document_number", "issued_on", "body")
    }
    initial["interprets"] = item.interprets_id
    form = PolicyForm(request.POST or None, acting_user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_update(
                acting_user=request.user,
                policy_id=item.pk,
                version=posted_version(request, item.version),
                **_policy_values(dict(form.cleaned_data)),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("outreach_publicity:policy", item.pk)
    return render(request, "outreach/publicity/policy_form.html", {"form": form, "item": item})


@login_required
def policy_detail(request: HttpRequest, policy_id: int) -> HttpResponse:
    item = _policy(request, policy_id)
    return render(
        request,
        "outreach/publicity/policy_detail.html",
        {
            "item": item,
            "interpretations": item.interpretations.filter(
                pk__in=selectors.policy_list(user=request.user).values("pk")
            ),
            "can_write": rules.can_publish(request.user),
        },
    )


@login_required
@require_POST
def policy_step(request: HttpRequest, policy_id: int, action: str) -> HttpResponse:
    item = _policy(request, policy_id)
    user, version = request.user, posted_version(request, item.version)
    steps = {
        "publish": lambda: services.policy_publish(
            acting_user=user, policy_id=item.pk, publish=True, version=version
        ),
        "unpublish": lambda: services.policy_publish(
            acting_user=user, policy_id=item.pk, publish=False, version=version
        ),
    }
    step_button(request, steps, action, gettext("已办理"))
    return redirect("outreach_publicity:policy", item.pk)
