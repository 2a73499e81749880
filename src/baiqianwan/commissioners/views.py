from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from baiqianwan.regions.models import Division
from baiqianwan.supply.models import ExpertProfile

from . import services
from .models import FIELDS, DispatchRound, Nomination, TownNeed

FIELD_CHOICES = [(f, f) for f in FIELDS]


class RoundForm(forms.Form):
    name = forms.CharField(label="批次名称", max_length=60, help_text="如：2025年第二批")
    year = forms.IntegerField(label="年度", min_value=2023, max_value=2035)


class NeedForm(forms.Form):
    town = forms.CharField(label="乡镇区划代码", min_length=12, max_length=12)
    areas = forms.MultipleChoiceField(
        label="需求领域", choices=FIELD_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    slots = forms.IntegerField(label="人数（含团队负责人 1 名）", min_value=1, max_value=10, initial=3)
    note = forms.CharField(label="具体需求", max_length=300, required=False)


class NominationForm(forms.Form):
    expert = forms.ModelChoiceField(label="候选专家", queryset=ExpertProfile.objects.none())
    areas = forms.MultipleChoiceField(
        label="服务领域", choices=FIELD_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    capacity = forms.IntegerField(label="可服务乡镇数", min_value=1, max_value=5, initial=1)
    in_station_team = forms.BooleanField(label="已是驻镇帮镇扶村工作队成员", required=False)
    in_sanzhi = forms.BooleanField(label="已是三支一扶人员", required=False)

    def __init__(self, *args: Any, acting_user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        experts = ExpertProfile.objects.for_user(acting_user, "change").select_related("person")
        self.fields["expert"].queryset = experts  # type: ignore[attr-defined]


def _form_errors(form: forms.Form) -> list[str]:
    return [
        f"{form.fields[name].label}：{'，'.join(str(e) for e in errors)}"
        for name, errors in form.errors.items()
    ]


def _round(request: HttpRequest, round_id: int) -> DispatchRound:
    dispatch_round = DispatchRound.objects.for_user(request.user).filter(pk=round_id).first()
    if dispatch_round is None:
        raise Http404("找不到该批次")
    return dispatch_round


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.round_create(acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, "；".join(exc.messages))
        else:
            return redirect("commissioners:round", created.pk)
    rounds = (
        DispatchRound.objects.for_user(request.user)
        .annotate(
            need_count=Count("needs", distinct=True), nomination_count=Count("nominations", distinct=True)
        )
        .order_by("-created_at")
    )
    return render(request, "commissioners/rounds.html", {"rounds": rounds, "form": form})


@login_required
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    dispatch_round = _round(request, round_id)
    needs = TownNeed.objects.for_user(request.user).filter(round=dispatch_round).select_related("town")
    nominations = (
        Nomination.objects.for_user(request.user)
        .filter(round=dispatch_round)
        .select_related("expert__person", "organisation")
    )
    assignments: Any = dispatch_round.assignments.select_related(
        "need__town", "nomination__expert__person"
    ).order_by("need__town_id", "-leader")
    if not request.user.is_province:  # type: ignore[union-attr]
        visible_needs = {n.pk for n in needs}
        visible_nominations = {n.pk for n in nominations}
        assignments = [
            a for a in assignments if a.need_id in visible_needs or a.nomination_id in visible_nominations
        ]
    return render(
        request,
        "commissioners/round.html",
        {
            "round": dispatch_round,
            "needs": needs,
            "nominations": nominations,
            "assignments": assignments,
            "need_form": NeedForm(),
            "nomination_form": NominationForm(acting_user=request.user),
            "result": dispatch_round.result,
        },
    )


@login_required
@require_POST
def round_action(request: HttpRequest, round_id: int, action: str) -> HttpResponse:
    dispatch_round = _round(request, round_id)
    try:
        if action == "need":
            form = NeedForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_form_errors(form))
            values = dict(form.cleaned_data)
            values["fields"] = values.pop("areas")
            town = Division.objects.filter(code=values.pop("town")).first()
            if town is None:
                raise ValidationError("找不到该乡镇")
            services.need_submit(acting_user=request.user, dispatch_round=dispatch_round, town=town, **values)
        elif action == "nominate":
            nomination_form = NominationForm(request.POST, acting_user=request.user)
            if not nomination_form.is_valid():
                raise ValidationError(_form_errors(nomination_form))
            nominated = dict(nomination_form.cleaned_data)
            nominated["fields"] = nominated.pop("areas")
            services.nominate(acting_user=request.user, dispatch_round=dispatch_round, **nominated)
        elif action == "solve":
            solution = services.round_solve(
                acting_user=request.user,
                dispatch_round=dispatch_round,
                objective=request.POST.get("objective", "max_filled_then_score"),
                east_west_north_first=request.POST.get("ewn") == "1",
            )
            messages.info(
                request,
                f"已求得最优方案：填补 {solution['filled']} 个岗位，用时 {solution['seconds']:.2f} 秒。",
            )
        elif action == "publish":
            count = services.round_publish(acting_user=request.user, dispatch_round=dispatch_round)
            messages.success(request, f"已发布 {count} 项派驻安排，并通知入选的科技特派员。")
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("commissioners:round", dispatch_round.pk)
