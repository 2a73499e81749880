from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.exports import EXPORT_LIMIT, spreadsheet_export
from baiqianwan.core.forms import add_service_errors
from baiqianwan.core.pagination import BoundedPaginator

from . import selectors, services
from .forms import AchievementFilterForm, AchievementForm, ExpertForm, SupplyFilterForm
from .importing import ACHIEVEMENT_SCHEMA, EXPERT_SCHEMA, achievement_rows, expert_rows


@login_required
def achievement_list(request: HttpRequest) -> HttpResponse:
    filters = AchievementFilterForm(request.GET or None)
    values = filters.values()
    achievements = selectors.achievement_list(user=request.user, **values)
    if request.GET.get("export") == "xlsx":
        return spreadsheet_export(
            request,
            schema=ACHIEVEMENT_SCHEMA,
            rows=achievement_rows(achievements[:EXPORT_LIMIT]),
            name=gettext("科技成果"),
            count=achievements.count(),
        )
    page = BoundedPaginator(achievements, 20).get_page(request.GET.get("page"))
    return render(
        request, "supply/achievement_list.html", {"page": page, "filters": filters, "q": values.get("q", "")}
    )


@login_required
def achievement_detail(request: HttpRequest, achievement_id: int) -> HttpResponse:
    achievement = selectors.achievement_get(user=request.user, pk=achievement_id)
    if achievement is None:
        raise Http404(_("找不到该成果"))
    can_edit = selectors.achievement_get(user=request.user, pk=achievement_id, action="change") is not None
    return render(
        request, "supply/achievement_detail.html", {"achievement": achievement, "can_edit": can_edit}
    )


@login_required
def achievement_edit(request: HttpRequest, achievement_id: int | None = None) -> HttpResponse:
    instance = None
    if achievement_id is not None:
        instance = selectors.achievement_get(user=request.user, pk=achievement_id, action="change")
        if instance is None:
            raise Http404(_("找不到该成果，或您无权修改"))
    form = AchievementForm(request.POST or None, instance=instance, acting_user=request.user)
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in form.Meta.fields}
        try:
            if instance is None:
                achievement = services.achievement_create(acting_user=request.user, **values)
            else:
                achievement = services.achievement_update(
                    acting_user=request.user, achievement_id=instance.pk, **values
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存成果“%(title)s”。") % {"title": achievement.title})
            return redirect("supply:achievement_detail", achievement.pk)
    title = _("修改科技成果") if instance else _("登记科技成果")
    return render(
        request,
        "supply/form.html",
        {"form": form, "instance": instance, "kind": _("科技成果"), "title": title},
    )


@login_required
def expert_list(request: HttpRequest) -> HttpResponse:
    filters = SupplyFilterForm(request.GET or None)
    values = filters.values()
    experts = selectors.expert_list(user=request.user, **values)
    if request.GET.get("export") == "xlsx":
        full = request.user.sees_personal_data  # type: ignore[union-attr]
        return spreadsheet_export(
            request,
            schema=EXPERT_SCHEMA,
            rows=expert_rows(experts[:EXPORT_LIMIT], full=full),
            name=gettext("专家库"),
            count=experts.count(),
            note=gettext("含完整个人信息") if full else gettext("个人信息已脱敏"),
        )
    page = BoundedPaginator(experts, 20).get_page(request.GET.get("page"))
    return render(
        request, "supply/expert_list.html", {"page": page, "filters": filters, "q": values.get("q", "")}
    )


@login_required
def expert_detail(request: HttpRequest, expert_id: int) -> HttpResponse:
    expert = selectors.expert_get(user=request.user, pk=expert_id)
    if expert is None:
        raise Http404(_("找不到该专家"))
    can_edit = selectors.expert_get(user=request.user, pk=expert_id, action="change") is not None
    return render(request, "supply/expert_detail.html", {"expert": expert, "can_edit": can_edit})


@login_required
def expert_edit(request: HttpRequest, expert_id: int | None = None) -> HttpResponse:
    instance = None
    if expert_id is not None:
        instance = selectors.expert_get(user=request.user, pk=expert_id, action="change")
        if instance is None:
            raise Http404(_("找不到该专家档案，或您无权修改"))
    form = ExpertForm(request.POST or None, instance=instance, acting_user=request.user)
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in form.Meta.fields if k != "person" or instance is None}
        try:
            if instance is None:
                expert = services.expert_create(
                    acting_user=request.user, industries=list(form.cleaned_data["industries"]), **values
                )
            else:
                expert = services.expert_update(
                    acting_user=request.user,
                    expert_id=instance.pk,
                    industries=list(form.cleaned_data["industries"]),
                    **values,
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存专家档案“%(name)s”。") % {"name": expert.person.name})
            return redirect("supply:expert_detail", expert.pk)
    title = _("修改专家档案") if instance else _("登记专家档案")
    return render(
        request,
        "supply/form.html",
        {"form": form, "instance": instance, "kind": _("专家档案"), "title": title},
    )
