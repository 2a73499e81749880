from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from baiqianwan.core.forms import add_service_errors

from . import selectors, services
from .models import Goal, Kpi, KpiValue, Measure, ProgressStatus, Section


class ProgressForm(forms.Form):
    period = forms.CharField(label=_("报告期"), max_length=10, help_text=_("如 2025、2025H1 或 2025Q3"))
    status = forms.ChoiceField(label=_("进展状态"), choices=ProgressStatus.choices)
    summary = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 4}), max_length=3000)


@login_required
def plan_page(request: HttpRequest) -> HttpResponse:
    """The plan as it reads in the policy, with a status on every measure."""
    return render(
        request,
        "plan/plan.html",
        {
            "goals": selectors.goals_by_year(),
            "this_year": timezone.localdate().year,
            "tasks": selectors.sections(user=request.user, kind=Section.Kind.TASK),
            "safeguards": selectors.sections(user=request.user, kind=Section.Kind.SAFEGUARD),
            "summary": selectors.status_summary(user=request.user),
            "can_report": request.user.is_province or request.user.role == "city",  # type: ignore[union-attr]
        },
    )


@login_required
def report(request: HttpRequest, code: str) -> HttpResponse:
    measure = Measure.objects.select_related("section").filter(code=code).first()
    if measure is None:
        raise Http404(gettext("找不到该工作举措"))
    form = ProgressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.progress_report_submit(acting_user=request.user, measure=measure, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("已提交“{title}”的进展报告。").format(title=measure.title))
            return redirect("plan:page")
    return render(request, "plan/report.html", {"form": form, "measure": measure})


@login_required
def overdue(request: HttpRequest) -> HttpResponse:
    """督办清单: the reports owed for the last closed half-year, by unit."""
    if not (request.user.is_province or request.user.role == "city"):  # type: ignore[union-attr]
        raise PermissionDenied(gettext("督办清单供省科技厅和地市科技局使用"))
    today = timezone.localdate()
    rows = selectors.overdue_reports(user=request.user, today=today)
    by_unit: dict[str, list[selectors.DueReport]] = {}
    for row in rows:
        by_unit.setdefault(row.reporter, []).append(row)
    period, due = selectors.closed_period(today)
    return render(
        request,
        "plan/overdue.html",
        {
            "by_unit": sorted(by_unit.items(), key=lambda item: -len(item[1])),
            "period": period,
            "due": due,
            "total": len(rows),
        },
    )


class KpiValueForm(forms.Form):
    year = forms.IntegerField(label=_("年份"), min_value=2023, max_value=2035)
    value = forms.FloatField(label=_("数值"), min_value=0)
    note = forms.CharField(
        label=_("说明"), max_length=300, required=False, help_text=_("如统计口径、数据来源")
    )
    evidence = forms.FileField(
        label=_("佐证材料"),
        required=False,
        help_text=_("PDF、JPG、PNG 或 Excel，不超过 20 MB；更正数值时可不重新上传"),
    )


def _sees_evidence(user: object) -> bool:
    return bool(getattr(user, "is_province", False) or getattr(user, "role", "") == "city")


@login_required
def kpi_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One KPI: its definition, its values by year with evidence, the goals it measures, the trend."""
    kpi = Kpi.objects.filter(code=code).first()
    if kpi is None:
        raise Http404(gettext("找不到该目标指标"))
    form = KpiValueForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.pop("evidence")
        try:
            services.kpi_value_report(
                acting_user=request.user,
                kpi=kpi,
                evidence_name=upload.name if upload else "",
                evidence=upload.read() if upload else b"",
                **form.cleaned_data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                gettext("已填报{name} {year} 年的数值。").format(
                    name=kpi.name, year=form.cleaned_data["year"]
                ),
            )
            return redirect("plan:kpi", kpi.code)
    return render(
        request,
        "plan/kpi.html",
        {
            "kpi": kpi,
            "detail": selectors.kpi_detail(kpi),
            "form": form,
            "can_report": request.user.is_province and kpi.source == Kpi.Source.REPORTED,  # type: ignore[union-attr]
            "sees_evidence": _sees_evidence(request.user),
            "can_set_targets": request.user.is_province,  # type: ignore[union-attr]
            "this_year": timezone.localdate().year,
        },
    )


@login_required
def kpi_evidence(request: HttpRequest, code: str, year: int) -> FileResponse:
    if not _sees_evidence(request.user):
        raise PermissionDenied(gettext("佐证材料供省科技厅和地市科技局查阅"))
    row = KpiValue.objects.filter(kpi_id=code, year=year).exclude(evidence="").first()
    if row is None:
        raise Http404(gettext("没有佐证材料"))
    return FileResponse(row.evidence.open("rb"), as_attachment=True, filename=row.evidence_name)


@login_required
@require_POST
def goal_target(request: HttpRequest, code: str) -> HttpResponse:
    goal = Goal.objects.filter(code=code).first()
    if goal is None:
        raise Http404(gettext("找不到该目标"))
    raw = str(request.POST.get("value", "")).strip()
    try:
        try:
            value = float(raw) if raw else None
        except ValueError:
            raise ValidationError(
                {"value": gettext("目标值应为数字，不能是“{value}”").format(value=raw[:20])}
            ) from None
        services.goal_target_set(
            acting_user=request.user, goal=goal, value=value, note=str(request.POST.get("note", ""))
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(
            request,
            gettext("已设定 {year} 年工作目标值。").format(year=goal.year)
            if value is not None
            else gettext("已清除工作目标值。"),
        )
    return redirect("plan:kpi", goal.kpi_id)
