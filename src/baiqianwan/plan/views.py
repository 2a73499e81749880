from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from baiqianwan.core.forms import add_service_errors

from . import selectors, services
from .models import Measure, ProgressStatus, Section


class ProgressForm(forms.Form):
    period = forms.CharField(label="报告期", max_length=10, help_text="如 2025、2025H1 或 2025Q3")
    status = forms.ChoiceField(label="进展状态", choices=ProgressStatus.choices)
    summary = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 4}), max_length=3000)


@login_required
def plan_page(request: HttpRequest) -> HttpResponse:
    """The plan as it reads in the policy, with a status on every measure."""
    return render(
        request,
        "plan/plan.html",
        {
            "goals": selectors.goals_by_year(),
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
        raise Http404("找不到该工作举措")
    form = ProgressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.progress_report_submit(acting_user=request.user, measure=measure, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已提交“{measure.title}”的进展报告。")
            return redirect("plan:page")
    return render(request, "plan/report.html", {"form": form, "measure": measure})


@login_required
def overdue(request: HttpRequest) -> HttpResponse:
    """督办清单: the reports owed for the last closed half-year, by unit."""
    if not (request.user.is_province or request.user.role == "city"):  # type: ignore[union-attr]
        raise PermissionDenied("督办清单供省科技厅和地市科技局使用")
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
