"""Pages of the 大专项 and its projects. Thin: forms in, services do, selectors read."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from baiqianwan.core.exports import EXPORT_LIMIT, spreadsheet_export
from baiqianwan.core.files import private_file_response
from baiqianwan.core.forms import add_service_errors, attempt_step
from baiqianwan.core.forms import cleaned_or_refused as _valid
from baiqianwan.core.pagination import BoundedPaginator
from baiqianwan.core.pdf import pdf_response
from baiqianwan.core.selectors import found_or_404

from . import rules, selectors, services
from .exports import PROJECT_SCHEMA, project_rows
from .forms import (
    AcceptanceDecisionForm,
    AcceptanceForm,
    BudgetFormSet,
    ChangeForm,
    FundCommitForm,
    FundPayForm,
    IndicatorFormSet,
    MilestoneFormSet,
    MilestoneReportForm,
    ProgrammeForm,
    ProjectFilterForm,
    PublishForm,
    ReviewForm,
    TopicForm,
)
from .models import Programme, Project, ProjectStatus


def _project(request: HttpRequest, project_id: int) -> Project:
    return found_or_404(selectors.project_get(user=request.user, project_id=project_id))


def _programme(request: HttpRequest, programme_id: int) -> Programme:
    return found_or_404(selectors.programme_get(user=request.user, programme_id=programme_id))


# ---- 大专项 ----------------------------------------------------------------------------------


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("projects:programme", programme.pk)
    return render(
        request,
        "projects/programme_list.html",
        {
            "programmes": selectors.programme_list(user=request.user),
            "form": form,
            "can_manage": rules.can_manage(request.user),
        },
    )


@login_required
def programme_detail(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = _programme(request, programme_id)
    can_manage = rules.can_manage(request.user)
    editing = can_manage and programme.status == "draft"
    topic_form = TopicForm(request.POST or None, initial=_topic_initial(request))
    if request.method == "POST" and editing and topic_form.is_valid():
        data = topic_form.cleaned_data
        try:
            services.topic_save(
                acting_user=request.user,
                programme_id=programme.pk,
                title=data["title"],
                problem=data["problem"],
                budget=data["budget"],
                industry_id=data["industry"].pk if data["industry"] else None,
                demand_ids=data["demands"],
            )
        except ValidationError as exc:
            add_service_errors(topic_form, exc)
        else:
            messages.success(request, gettext("已列入任务清单"))
            return redirect("projects:programme", programme.pk)
    return render(
        request,
        "projects/programme_detail.html",
        {
            "programme": programme,
            "topics": selectors.topics_of(programme=programme),
            "can_manage": can_manage,
            "editing": editing,
            "topic_form": topic_form,
            "publish_form": PublishForm(),
            "candidates": selectors.topic_candidates(programme=programme) if editing else [],
            "projects": selectors.project_list(user=request.user, programme_id=programme.pk)[:50],
        },
    )


def _topic_initial(request: HttpRequest) -> dict[str, Any]:
    """A candidate group's 列入 button fills the form: its demands and a suggested name."""
    return {key: request.GET[key][:4000] for key in ("title", "industry", "demands") if key in request.GET}


@login_required
@require_POST
def topic_delete(request: HttpRequest, programme_id: int, topic_id: int) -> HttpResponse:
    attempt_step(
        request,
        lambda: services.topic_delete(acting_user=request.user, programme_id=programme_id, topic_id=topic_id),
        gettext("已移出任务清单"),
    )
    return redirect("projects:programme", programme_id)


@login_required
def programme_publish(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = _programme(request, programme_id)
    form = PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_publish(
                acting_user=request.user, programme_id=programme.pk, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("指南已发布，来源需求的提出方已收到通知"))
            return redirect("projects:programme", programme.pk)
    if not rules.can_manage(request.user):
        raise PermissionDenied(gettext("只有省科技厅可以发布指南"))
    return render(request, "projects/publish.html", {"programme": programme, "form": form})


@login_required
def topic_detail(request: HttpRequest, programme_id: int, topic_id: int) -> HttpResponse:
    programme = _programme(request, programme_id)
    topic = found_or_404(selectors.topics_of(programme=programme).filter(pk=topic_id).first())
    return render(
        request,
        "projects/topic_detail.html",
        {
            "programme": programme,
            "topic": topic,
            "sources": selectors.topic_sources(user=request.user, topic=topic),
            "projects": selectors.project_list(user=request.user).filter(topic=topic),
        },
    )


# ---- projects -------------------------------------------------------------------------------


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    filters = ProjectFilterForm(request.GET or None)
    values = filters.values()
    projects = selectors.project_list(
        user=request.user,
        q=values.get("q", ""),
        status=values.get("status", ""),
        programme_id=values.get("programme"),
        east_west_north=bool(values.get("east_west_north")),
    )
    if request.GET.get("export") == "xlsx":
        rows = projects[:EXPORT_LIMIT]
        return spreadsheet_export(
            request, schema=PROJECT_SCHEMA, rows=project_rows(rows), name=gettext("攻关项目"), count=len(rows)
        )
    page = BoundedPaginator(projects, 20).get_page(request.GET.get("page"))
    return render(request, "projects/project_list.html", {"page": page, "filters": filters})


@login_required
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    user = request.user
    lead = rules.speaks_for(user, project)
    cities = [c for c in rules.funding_cities(project) if rules.can_fund(user, project, c)]
    return render(
        request,
        "projects/project_detail.html",
        {
            **selectors.contract_context(project),
            "milestones": selectors.milestones_of(project=project),
            "lead": lead,
            "can_manage": rules.can_manage(user),
            "can_fund": bool(cities),
            "pending_changes": selectors.pending_changes(project=project),
            "events": project.events.select_related("actor"),
            "review_form": ReviewForm(),
            "report_form": MilestoneReportForm(),
            "commit_form": FundCommitForm(initial={"year": project.starts_on.year}),
            "pay_form": FundPayForm(),
            "change_form": ChangeForm(),
            "acceptance_form": AcceptanceForm(indicators=list(project.indicators.all())),
            "decision_form": AcceptanceDecisionForm(initial={"achievement_title": project.title}),
        },
    )


@login_required
def contract_edit(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    if not rules.speaks_for(request.user, project):
        raise PermissionDenied(gettext("只有项目承担单位可以填报任务书"))
    initial = selectors.contract_initial(project)
    data = request.POST or None
    sets = (
        IndicatorFormSet(data, prefix="i", initial=initial["indicators"]),
        MilestoneFormSet(data, prefix="m", initial=initial["milestones"]),
        BudgetFormSet(data, prefix="b", initial=initial["budget"]),
    )
    errors: list[str] = []
    if request.method == "POST" and all(s.is_valid() for s in sets):
        indicators, milestones, budget = ([f.cleaned_data for f in s if f.cleaned_data] for s in sets)
        try:
            services.contract_save(
                acting_user=request.user,
                project_id=project.pk,
                indicators=[services.IndicatorRow(**row) for row in indicators],
                milestones=[services.MilestoneRow(**row) for row in milestones],
                budget=[services.BudgetRow(**row) for row in budget],
                version=int(request.POST.get("version") or project.version),
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, gettext("任务书已保存；确认无误后请提交审核"))
            return redirect("projects:project", project.pk)
    return render(
        request,
        "projects/contract_form.html",
        {"project": project, "sets": sets, "errors": errors},
    )


def _step_milestone(request: HttpRequest, project: Project) -> Any:
    data = _valid(MilestoneReportForm(request.POST, request.FILES))
    upload = data.get("evidence")
    return services.milestone_report(
        acting_user=request.user,
        project_id=project.pk,
        milestone_id=_posted_id(request, "milestone"),
        report=data["report"],
        evidence_name=upload.name if upload else "",
        evidence=upload.read() if upload else None,
    )


def _step_acceptance(request: HttpRequest, project: Project) -> Any:
    form = AcceptanceForm(request.POST, indicators=list(project.indicators.all()))
    data = _valid(form)
    return services.acceptance_request(
        acting_user=request.user, project_id=project.pk, achieved=form.achieved(), summary=data["summary"]
    )


def _posted_id(request: HttpRequest, name: str) -> int:
    value = request.POST.get(name, "")
    return int(value) if value.isdigit() and len(value) < 19 else 0


PROJECT_STEPS: dict[str, Any] = {
    "contract_submit": lambda r, p: services.contract_submit(acting_user=r.user, project_id=p.pk),
    "contract_review": lambda r, p: services.contract_review(
        acting_user=r.user, project_id=p.pk, **_valid(ReviewForm(r.POST))
    ),
    "milestone": _step_milestone,
    "fund_commit": lambda r, p: services.fund_commit(
        acting_user=r.user, project_id=p.pk, **_valid(FundCommitForm(r.POST))
    ),
    "fund_pay": lambda r, p: services.fund_pay(
        acting_user=r.user, fund_id=_posted_id(r, "fund"), **_valid(FundPayForm(r.POST))
    ),
    "change": lambda r, p: services.change_request(
        acting_user=r.user, project_id=p.pk, **_valid(ChangeForm(r.POST))
    ),
    "change_decide": lambda r, p: services.change_decide(
        acting_user=r.user, change_id=_posted_id(r, "change"), **_valid(ReviewForm(r.POST))
    ),
    "acceptance": _step_acceptance,
    "acceptance_decide": lambda r, p: services.acceptance_decide(
        acting_user=r.user, project_id=p.pk, **_valid(AcceptanceDecisionForm(r.POST))
    ),
}


@login_required
@require_POST
def project_step(request: HttpRequest, project_id: int, action: str) -> HttpResponse:
    """One button on the project page: its form is read, the service decides."""
    project = _project(request, project_id)
    step = PROJECT_STEPS.get(action)
    if step is None:
        raise Http404
    try:
        attempt_step(request, lambda: step(request, project), gettext("已办理"))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or gettext("您无权办理"))
    return redirect("projects:project", project.pk)


@login_required
def contract_pdf(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    try:
        data = services.contract_pdf(project)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("projects:project", project.pk)
    return pdf_response(data, f"任务书-{project.reference}.pdf", fallback=f"contract-{project.reference}.pdf")


@login_required
def evidence_download(request: HttpRequest, project_id: int, milestone_id: int) -> HttpResponse:
    project = _project(request, project_id)
    milestone = found_or_404(project.milestones.filter(pk=milestone_id).exclude(evidence="").first())
    return private_file_response(
        milestone.evidence, name=milestone.evidence_name, allowed=services.EVIDENCE_KINDS
    )


@login_required
def funds(request: HttpRequest) -> HttpResponse:
    """What each city committed and paid; the province sees 省市联动 by region and the arrears."""
    if getattr(request.user, "role", "") not in ("province", "city"):
        raise PermissionDenied(gettext("配套资金台账供省科技厅和地市科技局使用"))
    rows = selectors.funds_for(user=request.user)
    page = BoundedPaginator(rows, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/funds.html",
        {
            "page": page,
            "regions": selectors.region_totals(user=request.user),
            "arrears": selectors.city_arrears(user=request.user),
            "pay_form": FundPayForm(),
            "active": ProjectStatus.ACTIVE,
        },
    )
