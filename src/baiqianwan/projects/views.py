"""Pages of the 大专项 and its projects. Thin: forms in, services do, selectors read."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from baiqianwan.accounts.roles import Role
from baiqianwan.core.exports import EXPORT_LIMIT, spreadsheet_export
from baiqianwan.core.files import private_file_response
from baiqianwan.core.forms import add_service_errors, attempt_step, valid_form_data
from baiqianwan.core.pagination import BoundedPaginator
from baiqianwan.core.pdf import pdf_response
from baiqianwan.core.selectors import found_or_404

from . import rules, selectors, services
from .exports import PROJECT_SCHEMA, project_rows
from .forms import (
    CONTRACT_PARTS,
    AcceptanceDecisionForm,
    AcceptanceForm,
    BudgetFormSet,
    ChangeForm,
    EnrolForm,
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
    WithdrawForm,
    contract_errors,
    contract_rows,
)
from .models import Programme, Project


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
    initial = {key: request.GET[key][:200] for key in ("title", "industry") if key in request.GET}
    if "demands" in request.GET:
        # Whole numbers only: a long list is cut between two ids, never inside one.
        ids = [part for part in request.GET["demands"].split(",")[: services.MAX_SOURCES] if part.isdigit()]
        initial["demands"] = ",".join(ids)
    return initial


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
    milestones = selectors.milestones_of(project=project)
    return render(
        request,
        "projects/project_detail.html",
        {
            **selectors.contract_context(project),
            "milestones": milestones,
            # Acceptance is asked for once every milestone is reported (the service refuses before).
            "open_milestones": sum(row.pending for row in milestones),
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
            "enrol_form": EnrolForm(),
            "withdraw_form": WithdrawForm(),
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
    parts: dict[str, list[str]] = {}
    errors: list[str] = []
    if request.method == "POST" and all(s.is_valid() for s in sets):
        indicators, milestones, budget = (contract_rows(s) for s in sets)
        try:
            services.contract_save(
                acting_user=request.user,
                project_id=project.pk,
                indicators=[services.IndicatorRow(**row, row=n) for n, row in indicators],
                milestones=[services.MilestoneRow(**row, row=n) for n, row in milestones],
                budget=[services.BudgetRow(**row, row=n) for n, row in budget],
                version=int(request.POST.get("version") or project.version),
            )
        except ValidationError as exc:
            parts, errors = contract_errors(exc)
        else:
            messages.success(request, gettext("任务书已保存；确认无误后请提交审核"))
            return redirect("projects:project", project.pk)
    titles = (gettext("考核指标"), gettext("进度节点"), gettext("分年度预算"))
    return render(
        request,
        "projects/contract_form.html",
        {
            "project": project,
            "cards": [
                (title, formset, parts.get(part, []))
                for title, formset, part in zip(titles, sets, CONTRACT_PARTS, strict=True)
            ],
            "errors": errors,
        },
    )


def _step_milestone(request: HttpRequest, project: Project) -> Any:
    data = valid_form_data(MilestoneReportForm(request.POST, request.FILES))
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
    data = valid_form_data(form)
    return services.acceptance_request(
        acting_user=request.user, project_id=project.pk, achieved=form.achieved(), summary=data["summary"]
    )


def _posted_id(request: HttpRequest, name: str) -> int:
    value = request.POST.get(name, "")
    return int(value) if value.isdigit() and len(value) < 19 else 0


# Each button of the project page: what it does, and what the page says once it is done.
PROJECT_STEPS: dict[str, tuple[Any, Any]] = {
    "contract_submit": (
        lambda r, p: services.contract_submit(acting_user=r.user, project_id=p.pk),
        gettext_lazy("任务书已提交，等待省科技厅审核"),
    ),
    "contract_review": (
        lambda r, p: services.contract_review(
            acting_user=r.user, project_id=p.pk, **valid_form_data(ReviewForm(r.POST))
        ),
        gettext_lazy("任务书审核意见已提交"),
    ),
    "milestone": (_step_milestone, gettext_lazy("进度节点已报告")),
    "fund_commit": (
        lambda r, p: services.fund_commit(
            acting_user=r.user, project_id=p.pk, **valid_form_data(FundCommitForm(r.POST))
        ),
        gettext_lazy("配套资金承诺已登记"),
    ),
    "fund_pay": (
        lambda r, p: services.fund_pay(
            acting_user=r.user,
            fund_id=_posted_id(r, "fund"),
            project_id=p.pk,
            **valid_form_data(FundPayForm(r.POST)),
        ),
        gettext_lazy("配套资金到位金额已登记"),
    ),
    "change": (
        lambda r, p: services.change_request(
            acting_user=r.user, project_id=p.pk, **valid_form_data(ChangeForm(r.POST))
        ),
        gettext_lazy("变更申请已提交，等待省科技厅审核"),
    ),
    "change_decide": (
        lambda r, p: services.change_decide(
            acting_user=r.user, change_id=_posted_id(r, "change"), **valid_form_data(ReviewForm(r.POST))
        ),
        gettext_lazy("变更审核意见已提交"),
    ),
    "acceptance": (_step_acceptance, gettext_lazy("验收申请已提交，等待省科技厅验收")),
    "acceptance_enrol": (
        lambda r, p: services.acceptance_enrol(
            acting_user=r.user, project_ids=[p.pk], call_id=valid_form_data(EnrolForm(r.POST))["call"].pk
        ),
        gettext_lazy("已纳入验收批次，请到批次组织专家评审"),
    ),
    "acceptance_withdraw": (
        lambda r, p: services.acceptance_withdraw(
            acting_user=r.user, project_id=p.pk, **valid_form_data(WithdrawForm(r.POST))
        ),
        gettext_lazy("已移出验收批次"),
    ),
    "acceptance_decide": (
        lambda r, p: services.acceptance_decide(
            acting_user=r.user, project_id=p.pk, **valid_form_data(AcceptanceDecisionForm(r.POST))
        ),
        gettext_lazy("验收结论已作出"),
    ),
}


@login_required
@require_POST
def project_step(request: HttpRequest, project_id: int, action: str) -> HttpResponse:
    """One button on the project page (or, for a payment, the funds page): its form is read, the
    service decides, and the page it came from says what happened."""
    project = _project(request, project_id)
    step, done = PROJECT_STEPS.get(action, (None, ""))
    if step is None:
        raise Http404
    try:
        attempt_step(request, lambda: step(request, project), str(done))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or gettext("您无权办理"))
    if action == "fund_pay" and request.POST.get("back") == "funds":
        return redirect("projects:funds")
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
            # A city bureau records what it paid on each of its rows (the province reads).
            "can_pay": getattr(request.user, "role", "") == Role.CITY,
        },
    )
