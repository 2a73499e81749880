"""Writes of the 攻关 projects: the 大专项 and its task list from demands, publishing the guide as a
call, projects from the call's decision, the contract, milestones with reminders and 督办, the
cities' matching funds, changes, acceptance — each step one transaction with its history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext

from baiqianwan.calls import services as call_services
from baiqianwan.calls.models import Application, ApplicationEvent, ApplicationStatus, Call
from baiqianwan.core.concurrency import version_check
from baiqianwan.core.files import check_upload
from baiqianwan.core.money import WAN_YUAN
from baiqianwan.core.money import amount as money_amount
from baiqianwan.core.pdf import render_pdf
from baiqianwan.core.text import strip_control_characters, to_simplified
from baiqianwan.demands.models import Demand
from baiqianwan.demands.services import demands_solved_elsewhere
from baiqianwan.regions.classification import is_east_west_north
from baiqianwan.regions.models import Division
from baiqianwan.supply.models import Achievement, IpType, Maturity

from . import notices, rules, selectors
from .models import (
    ZERO,
    BudgetLine,
    ChangeKind,
    ChangeRequest,
    ChangeStatus,
    FundingSource,
    MatchingFund,
    Milestone,
    MilestoneStatus,
    Programme,
    ProgrammeStatus,
    Project,
    ProjectEvent,
    ProjectIndicator,
    ProjectStatus,
    Topic,
    TopicSource,
    TopicStatus,
)

CALL_TYPE = "research_project"
MAX_AMOUNT = Decimal("99999999.99")  # 万元: a bound far above any real project, below the column's
MAX_TOPICS = 200
MAX_SOURCES = 500
MAX_ROWS = 40
REMIND_EVERY = dt.timedelta(days=7)
DUE_SOON = dt.timedelta(days=7)
ESCALATE_AFTER = dt.timedelta(days=30)  # as the plan's own 督办: 30 days overdue goes to the bureau
EVIDENCE_KINDS = ("pdf", "jpeg", "png")
EVIDENCE_MAX = 20 * 1024 * 1024


def _text(value: Any, limit: int) -> str:
    return to_simplified(strip_control_characters(str(value or ""))).strip()[:limit]


def amount(value: Any, field: str, label: str) -> Decimal:
    """A sum of money in 万元, two decimals, not negative, not absurd; else a message naming it."""
    return money_amount(value, field, label, unit=WAN_YUAN, maximum=MAX_AMOUNT)


def _event(project: Project, actor: Any, action: str, before: str, note: str = "") -> None:
    ProjectEvent.objects.create(
        project=project,
        actor=actor,
        action=action,
        from_status=before,
        to_status=project.status,
        note=note[:500],
    )


def province_only(acting_user: Any) -> None:
    if not rules.can_manage(acting_user):
        raise PermissionDenied(gettext("只有省科技厅可以编制大专项和审核项目"))


# ---- the 大专项 and its task list -----------------------------------------------------------------


@transaction.atomic
def programme_create(
    *, acting_user: Any, year: int, title: str, province_budget: Any, summary: str = ""
) -> Programme:
    province_only(acting_user)
    programme = Programme(
        year=year,
        title=_text(title, 120),
        summary=_text(summary, 5000),
        province_budget=amount(province_budget, "province_budget", gettext("省财政资金")),
        created_by=acting_user,
    )
    if len(programme.title) < 4:
        raise ValidationError({"title": gettext("专项名称至少 4 个字")})
    if not 2020 <= year <= 2040:
        raise ValidationError({"year": gettext("年度须在 2020 至 2040 之间")})
    programme.full_clean()
    programme.save()
    return programme


def _programme_locked(acting_user: Any, programme_id: int, version: int | None = None) -> Programme:
    province_only(acting_user)
    programme = Programme.objects.select_for_update().filter(pk=programme_id).first()
    if programme is None:
        raise PermissionDenied(gettext("找不到该大专项"))
    version_check(current=programme.version, expected=version)
    return programme


def _draft(programme: Programme) -> None:
    if programme.status != ProgrammeStatus.DRAFT:
        raise ValidationError(gettext("指南已发布，任务清单不能再改"))


def _source_demands(programme: Programme, demand_ids: Sequence[int], topic: Topic | None) -> list[Demand]:
    """The demands named, each accepted and not yet the source of another task of this programme."""
    ids = list(dict.fromkeys(int(i) for i in demand_ids))
    if not ids:
        raise ValidationError({"demands": gettext("请至少选择一项来源需求")})
    if len(ids) > MAX_SOURCES:
        raise ValidationError({"demands": gettext("一个任务最多 {n} 项来源需求").format(n=MAX_SOURCES)})
    demands = {d.pk: d for d in Demand.all_objects.filter(pk__in=ids)}
    for position, pk in enumerate(ids, start=1):
        demand = demands.get(pk)
        if demand is None:
            raise ValidationError(
                {"demands": gettext("第 {n} 项来源需求 #{id} 不存在").format(n=position, id=pk)}
            )
        if demand.status not in selectors.OPEN_DEMAND:
            raise ValidationError(
                {
                    "demands": gettext(
                        "需求 #{id}“{title}”当前为“{status}”，只有已受理、未解决的需求可列入"
                    ).format(id=pk, title=demand.title, status=demand.get_status_display())
                }
            )
    # A demand is one task's source, in any programme: a later list does not take it again.
    taken = TopicSource.objects.filter(demand_id__in=ids)
    if topic is not None:
        taken = taken.exclude(topic=topic)
    clash = taken.select_related("topic", "demand").first()
    if clash is not None:
        raise ValidationError(
            {
                "demands": gettext("需求 #{id}“{title}”已列入任务 {code}").format(
                    id=clash.demand_id, title=clash.demand.title, code=clash.topic.choice_label
                )
            }
        )
    return [demands[pk] for pk in ids]


def _check_budget(programme: Programme, topic: Topic) -> None:
    others = programme.topics.exclude(pk=topic.pk).aggregate(total=Sum("budget"))["total"] or ZERO
    if others + topic.budget > programme.province_budget:
        raise ValidationError(
            {
                "budget": gettext("各任务资金上限合计 {total} 万元，超过专项省财政资金 {budget} 万元").format(
                    total=others + topic.budget, budget=programme.province_budget
                )
            }
        )


@transaction.atomic
def topic_save(
    *,
    acting_user: Any,
    programme_id: int,
    title: str,
    problem: str,
    budget: Any,
    demand_ids: Sequence[int],
    industry_id: str | None = None,
    topic_id: int | None = None,
) -> Topic:
    """A task of the list, new or changed, with the demands it comes from (while the list is a draft)."""
    programme = _programme_locked(acting_user, programme_id)
    _draft(programme)
    if topic_id is None:
        if programme.topics.count() >= MAX_TOPICS:
            raise ValidationError(gettext("一个专项最多 {n} 个任务").format(n=MAX_TOPICS))
        numbers = [int(code.rsplit("-", 1)[-1]) for code in programme.topics.values_list("code", flat=True)]
        topic = Topic(programme=programme, code=f"{programme.year}-{max(numbers, default=0) + 1:02d}")
    else:
        found = programme.topics.filter(pk=topic_id).first()
        if found is None:
            raise PermissionDenied(gettext("找不到该任务"))
        topic = found
    topic.title = _text(title, 80)
    topic.problem = _text(problem, 3000)
    topic.budget = amount(budget, "budget", gettext("资金上限"))
    topic.industry_id = industry_id
    if len(topic.title) < 4:
        raise ValidationError({"title": gettext("任务名称至少 4 个字")})
    if len(topic.problem) < 10:
        raise ValidationError({"problem": gettext("请写明需解决的技术问题（至少 10 字）")})
    if topic.budget <= 0:
        raise ValidationError({"budget": gettext("资金上限须大于 0")})
    demands = _source_demands(programme, demand_ids, topic if topic.pk else None)
    _check_budget(programme, topic)
    topic.full_clean(exclude=["programme"])
    topic.save()
    topic.sources.exclude(demand__in=demands).delete()
    kept = set(topic.sources.values_list("demand_id", flat=True))
    TopicSource.objects.bulk_create(TopicSource(topic=topic, demand=d) for d in demands if d.pk not in kept)
    programme.version += 1
    programme.save(update_fields=["version", "updated_at"])
    return topic


@transaction.atomic
def topic_delete(*, acting_user: Any, programme_id: int, topic_id: int) -> None:
    programme = _programme_locked(acting_user, programme_id)
    _draft(programme)
    deleted, _ = programme.topics.filter(pk=topic_id).delete()
    if not deleted:
        raise PermissionDenied(gettext("找不到该任务"))
    programme.version += 1
    programme.save(update_fields=["version", "updated_at"])


@transaction.atomic
def programme_publish(
    *,
    acting_user: Any,
    programme_id: int,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    guide: str,
    version: int | None = None,
) -> Programme:
    """The task list becomes a 攻关 call: each task one option of the form; the places are the tasks.
    The demands' submitters are told their demand is now a task."""
    programme = _programme_locked(acting_user, programme_id, version)
    _draft(programme)
    topics = list(programme.topics.order_by("code"))
    if not topics:
        raise ValidationError(gettext("任务清单为空，请先从需求中列入任务"))
    call = call_services.call_create(
        acting_user=acting_user,
        call_type_code=CALL_TYPE,
        title=f"{programme.title}申报指南"[:120],
        year=programme.year,
        guide=guide,
        opens_at=opens_at,
        closes_at=closes_at,
        places=len(topics),
    )
    call.choices = {"topic": [t.choice_label for t in topics]}
    call.save(update_fields=["choices", "updated_at"])
    call_services.call_publish(acting_user=acting_user, call_id=call.pk)
    programme.call = call
    programme.status = ProgrammeStatus.PUBLISHED
    programme.version += 1
    programme.save()
    notices.topics_listed(topics, actor=acting_user)
    return programme


# ---- projects from the decision -------------------------------------------------------------


def _topic_of(programme: Programme, application: Application) -> Topic:
    code = str(application.values.get("topic", "")).split(" ", 1)[0]
    topic = programme.topics.filter(code=code).first()
    if topic is None:
        raise ValidationError(
            gettext("申报 {reference} 所选任务“{topic}”不在任务清单中").format(
                reference=application.reference, topic=application.values.get("topic", "")
            )
        )
    return topic


def _months_later(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 + months, 12)
    last = [31, 29 if (day.year + year) % 4 == 0 else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month]
    return day.replace(year=day.year + year, month=month + 1, day=min(day.day, last)) - dt.timedelta(days=1)


def projects_from_decision(call: Call, approved: list[Application], acting_user: Any) -> None:
    """Each approved application of a 大专项's call becomes a project to contract (called by the
    call's decision, in its transaction)."""
    programme = Programme.objects.filter(call=call).first()
    if programme is None:
        return  # a 攻关 call published outside a 大专项 has no task list to fund
    today = timezone.localdate()
    created = []
    for application in approved:
        topic = _topic_of(programme, application)
        place = Division.objects.filter(pk=application.values.get("place") or "").first()
        partners = list(application.partners.select_related("organisation"))
        ewn = application.in_east_west_north or any(
            is_east_west_north(p.organisation.division_id or "") for p in partners
        )
        project = Project.all_objects.create(
            reference=f"GG{application.reference}",  # 攻关, then the application's own number
            programme=programme,
            topic=topic,
            application=application,
            title=application.title,
            organisation=application.applicant,
            division_id=application.division_id,
            place=place,
            in_east_west_north=ewn or bool(place and is_east_west_north(place.code)),
            lead=application.lead,
            starts_on=today,
            ends_on=_months_later(today, int(application.values.get("months") or 24)),
            province_funding=amount(
                application.values.get("province_funding", 0), "province_funding", "省财政资金"
            ),
            goals=str(application.values.get("goals", ""))[:2000],
        )
        _event(project, acting_user, "create", "", call.decision_number or "")
        topic.status = TopicStatus.FUNDED
        topic.save(update_fields=["status", "updated_at"])
        created.append(project)
    notices.projects_created(created, actor=acting_user)


# ---- the contract (任务书) --------------------------------------------------------------------


# Each row may carry its number on the form (`row`), so a refusal names the row the user sees even
# when blank rows were left out; without it rows are numbered in order.


@dataclass(frozen=True)
class IndicatorRow:
    name: str
    unit: str
    planned: Any
    row: int = 0


@dataclass(frozen=True)
class MilestoneRow:
    title: str
    due: dt.date
    deliverable: str = ""
    row: int = 0


@dataclass(frozen=True)
class BudgetRow:
    year: int
    source: str
    amount: Any
    row: int = 0


def _project_locked(acting_user: Any, project_id: int, version: int | None = None) -> Project:
    project = (
        Project.objects.for_user(acting_user).select_for_update(of=("self",)).filter(pk=project_id).first()
    )
    if project is None:
        raise PermissionDenied(gettext("找不到该项目，或您无权处理"))
    version_check(current=project.version, expected=version)
    return project


def _lead_only(acting_user: Any, project: Project) -> None:
    if not rules.speaks_for(acting_user, project):
        raise PermissionDenied(gettext("只有项目承担单位可以办理"))


def _clean_indicators(rows: Sequence[IndicatorRow]) -> list[ProjectIndicator]:
    if not rows:
        raise ValidationError({"indicators": gettext("任务书至少要有一项考核指标")})
    if len(rows) > MAX_ROWS:
        raise ValidationError({"indicators": gettext("考核指标最多 {n} 项").format(n=MAX_ROWS)})
    cleaned = []
    for position, row in enumerate(rows, start=1):
        n = row.row or position
        name, unit = _text(row.name, 60), _text(row.unit, 10)
        if len(name) < 2:
            raise ValidationError(
                {f"indicators.{n}": gettext("第 {n} 项考核指标：请填写指标名称").format(n=n)}
            )
        if not unit:
            raise ValidationError(
                {f"indicators.{n}": gettext("第 {n} 项考核指标“{name}”：请填写单位").format(n=n, name=name)}
            )
        planned = amount(row.planned, f"indicators.{n}", gettext("第 {n} 项考核指标的计划值").format(n=n))
        if planned <= 0:
            raise ValidationError(
                {
                    f"indicators.{n}": gettext("第 {n} 项考核指标“{name}”：计划值须大于 0").format(
                        n=n, name=name
                    )
                }
            )
        cleaned.append(ProjectIndicator(name=name, unit=unit, planned=planned))
    return cleaned


def _clean_milestones(project: Project, rows: Sequence[MilestoneRow]) -> list[Milestone]:
    if not rows:
        raise ValidationError({"milestones": gettext("任务书至少要有一个进度节点")})
    if len(rows) > MAX_ROWS:
        raise ValidationError({"milestones": gettext("进度节点最多 {n} 个").format(n=MAX_ROWS)})
    cleaned = []
    for position, row in enumerate(rows, start=1):
        n = row.row or position
        title = _text(row.title, 120)
        if len(title) < 2:
            raise ValidationError(
                {f"milestones.{n}": gettext("第 {n} 个进度节点：请填写节点名称").format(n=n)}
            )
        if not project.starts_on <= row.due <= project.ends_on:
            raise ValidationError(
                {
                    f"milestones.{n}": gettext(
                        "第 {n} 个进度节点“{title}”的日期 {due} 不在执行期 {start} 至 {end} 内"
                    ).format(n=n, title=title, due=row.due, start=project.starts_on, end=project.ends_on)
                }
            )
        cleaned.append(Milestone(title=title, due=row.due, deliverable=_text(row.deliverable, 200)))
    return cleaned


def _clean_budget(project: Project, rows: Sequence[BudgetRow]) -> list[BudgetLine]:
    if len(rows) > MAX_ROWS:
        raise ValidationError({"budget": gettext("预算最多 {n} 行").format(n=MAX_ROWS)})
    lines: dict[tuple[int, str], BudgetLine] = {}
    for position, row in enumerate(rows, start=1):
        n = row.row or position
        if row.source not in FundingSource.values:
            raise ValidationError(
                {f"budget.{n}": gettext("第 {n} 行预算：来源须是省财政资金、地市配套或单位自筹").format(n=n)}
            )
        if not project.starts_on.year <= row.year <= project.ends_on.year:
            raise ValidationError(
                {
                    f"budget.{n}": gettext("第 {n} 行预算：年度 {year} 不在执行期 {start}–{end} 年内").format(
                        n=n, year=row.year, start=project.starts_on.year, end=project.ends_on.year
                    )
                }
            )
        if (row.year, row.source) in lines:
            raise ValidationError({f"budget.{n}": gettext("第 {n} 行预算：同一年度同一来源重复").format(n=n)})
        lines[(row.year, row.source)] = BudgetLine(
            year=row.year,
            source=row.source,
            amount=amount(row.amount, f"budget.{n}", gettext("第 {n} 行预算金额").format(n=n)),
        )
    province = sum((line.amount for line in lines.values() if line.source == FundingSource.PROVINCE), ZERO)
    if province != project.province_funding:
        raise ValidationError(
            {
                "budget": gettext(
                    "省财政资金分年度合计 {total} 万元，与立项金额 {funding} 万元不一致"
                ).format(total=province, funding=project.province_funding)
            }
        )
    return list(lines.values())


@transaction.atomic
def contract_save(
    *,
    acting_user: Any,
    project_id: int,
    indicators: Sequence[IndicatorRow],
    milestones: Sequence[MilestoneRow],
    budget: Sequence[BudgetRow],
    version: int | None = None,
) -> Project:
    """The lead unit's contract: every indicator, milestone and budget line replaced at once; every
    problem named by row, nothing stored unless all is right."""
    project = _project_locked(acting_user, project_id, version)
    _lead_only(acting_user, project)
    if project.status != ProjectStatus.CONTRACT:
        raise ValidationError(
            gettext("任务书只能在填报阶段修改（现为“{status}”）").format(status=project.get_status_display())
        )
    new_indicators = _clean_indicators(indicators)
    new_milestones = _clean_milestones(project, milestones)
    new_budget = _clean_budget(project, budget)
    project.indicators.all().delete()
    project.milestones.all().delete()
    project.budget.all().delete()
    for row in (*new_indicators, *new_milestones, *new_budget):
        row.project = project  # type: ignore[attr-defined]
    ProjectIndicator.objects.bulk_create(new_indicators)
    Milestone.objects.bulk_create(new_milestones)
    BudgetLine.objects.bulk_create(new_budget)
    project.version += 1
    project.save(update_fields=["version", "updated_at"])
    return project


@transaction.atomic
def contract_submit(*, acting_user: Any, project_id: int, version: int | None = None) -> Project:
    project = _project_locked(acting_user, project_id, version)
    _lead_only(acting_user, project)
    if project.status != ProjectStatus.CONTRACT:
        raise ValidationError(gettext("任务书已提交"))
    if not (project.indicators.exists() and project.milestones.exists()):
        raise ValidationError(gettext("请先填写考核指标和进度节点"))
    before = project.status
    project.status = ProjectStatus.CONTRACT_SUBMITTED
    project.return_reason = ""
    project.version += 1
    project.save()
    _event(project, acting_user, "contract_submit", before)
    notices.contract_submitted(project, actor=acting_user)
    return project


@transaction.atomic
def contract_review(
    *, acting_user: Any, project_id: int, approve: bool, note: str = "", version: int | None = None
) -> Project:
    """The province signs the contract (execution starts) or returns it with the reason."""
    province_only(acting_user)
    project = _project_locked(acting_user, project_id, version)
    if project.status != ProjectStatus.CONTRACT_SUBMITTED:
        raise ValidationError(gettext("任务书不在待审核状态"))
    note = _text(note, 500)
    before = project.status
    if approve:
        project.status = ProjectStatus.ACTIVE
        project.contract_approved_at = timezone.now()
    else:
        if len(note) < 2:
            raise ValidationError({"note": gettext("退回时请说明原因")})
        project.status = ProjectStatus.CONTRACT
        project.return_reason = note
    project.version += 1
    project.save()
    _event(project, acting_user, "contract_approve" if approve else "contract_return", before, note)
    notices.contract_reviewed(project, approve=approve, actor=acting_user)
    return project


def contract_pdf(project: Project) -> bytes:
    """The 任务书 as signed: goals, indicators, milestones, budget by year and source, partners."""
    if project.status in (ProjectStatus.CONTRACT, ProjectStatus.CONTRACT_SUBMITTED):
        raise ValidationError(gettext("任务书审核通过后才能下载"))
    return render_pdf("projects/contract_pdf.html", selectors.contract_context(project))


# ---- execution ------------------------------------------------------------------------------


def _active(project: Project) -> None:
    if project.status != ProjectStatus.ACTIVE:
        raise ValidationError(
            gettext("项目现为“{status}”，不能办理").format(status=project.get_status_display())
        )


@transaction.atomic
def milestone_report(
    *,
    acting_user: Any,
    project_id: int,
    milestone_id: int,
    report: str,
    evidence_name: str = "",
    evidence: bytes | None = None,
) -> Milestone:
    project = _project_locked(acting_user, project_id)
    _lead_only(acting_user, project)
    _active(project)
    milestone = project.milestones.select_for_update().filter(pk=milestone_id).first()
    if milestone is None:
        raise PermissionDenied(gettext("找不到该进度节点"))
    if milestone.status == MilestoneStatus.REPORTED:
        raise ValidationError(gettext("该节点已报告"))
    milestone.report = _text(report, 3000)
    if len(milestone.report) < 10:
        raise ValidationError({"report": gettext("请写明完成情况（至少 10 字）")})
    if evidence:
        name = _text(evidence_name, 120) or "evidence"
        check_upload(
            name=name, data=evidence, allowed=EVIDENCE_KINDS, max_bytes=EVIDENCE_MAX, field="evidence"
        )
        milestone.evidence.save(name, ContentFile(evidence), save=False)
        milestone.evidence_name = name
    milestone.status = MilestoneStatus.REPORTED
    milestone.reported_at = timezone.now()
    milestone.save()
    late = timezone.localdate() > milestone.due
    _event(
        project, acting_user, "milestone", project.status, f"{milestone.title}{'（逾期）' if late else ''}"
    )
    return milestone


@dataclass(frozen=True)
class TickResult:
    reminded: int
    escalated: int


@transaction.atomic
def projects_tick(*, today: dt.date | None = None) -> TickResult:
    """Daily: a lead whose milestone is due within a week or overdue is reminded (at most weekly);
    30 days overdue, the bureau of the place and the province are asked to 督办, once."""
    today = today or timezone.localdate()
    now = timezone.now()
    reminded = escalated = 0
    pending = (
        Milestone.objects.select_for_update(of=("self",))
        .filter(
            project__status=ProjectStatus.ACTIVE, status=MilestoneStatus.PENDING, due__lte=today + DUE_SOON
        )
        .select_related("project")
        .order_by("due", "pk")
    )
    for milestone in pending:
        if milestone.reminded_at is None or now - milestone.reminded_at >= REMIND_EVERY:
            notices.milestone_reminder(milestone, today=today)
            milestone.reminded_at = now
            reminded += 1
        if milestone.escalated_at is None and today - milestone.due >= ESCALATE_AFTER:
            notices.milestone_escalated(milestone, today=today)
            milestone.escalated_at = now
            escalated += 1
        milestone.save(update_fields=["reminded_at", "escalated_at"])
    return TickResult(reminded, escalated)


# ---- matching funds -------------------------------------------------------------------------


@transaction.atomic
def fund_commit(*, acting_user: Any, project_id: int, year: int, committed: Any) -> MatchingFund:
    """A city bureau commits its matching funds for a year (or changes the commitment, never below
    what it has paid)."""
    project = _project_locked(acting_user, project_id)
    city = rules.city_code(acting_user.division_id)
    if not rules.can_fund(acting_user, project, city):
        raise PermissionDenied(gettext("只有项目实施地或承担单位所在地的地市科技局可以承诺配套"))
    if project.finished:
        raise ValidationError(gettext("项目已结束，不能再承诺配套"))
    if not project.starts_on.year <= year <= project.ends_on.year:
        raise ValidationError(
            {
                "year": gettext("年度 {year} 不在执行期 {start}–{end} 年内").format(
                    year=year, start=project.starts_on.year, end=project.ends_on.year
                )
            }
        )
    value = amount(committed, "committed", gettext("承诺配套"))
    fund = (
        MatchingFund.all_objects.select_for_update().filter(project=project, city_id=city, year=year).first()
    )
    if fund is None:
        fund = MatchingFund(project=project, city_id=city, year=year, paid=ZERO)
    if value < fund.paid:
        raise ValidationError(
            {
                "committed": gettext("承诺配套 {value} 万元少于已到位的 {paid} 万元").format(
                    value=value, paid=fund.paid
                )
            }
        )
    fund.committed = value
    fund.version += 1
    fund.save()
    _event(
        project,
        acting_user,
        "fund_commit",
        project.status,
        gettext("{year} 年承诺配套 {value} 万元").format(year=year, value=value),
    )
    return fund


@transaction.atomic
def fund_pay(
    *, acting_user: Any, fund_id: int, paid: Any, project_id: int | None = None, version: int | None = None
) -> MatchingFund:
    """The amount a city has paid so far for one project and year; never above the commitment.
    With `project_id` (a page of that project), the fund must be one of its own."""
    fund = (
        MatchingFund.objects.for_user(acting_user).select_for_update(of=("self",)).filter(pk=fund_id).first()
    )
    if fund is not None and project_id is not None and fund.project_id != project_id:
        fund = None
    if fund is None or not rules.can_fund(acting_user, fund.project, fund.city_id):
        raise PermissionDenied(gettext("找不到该配套记录，或您无权修改"))
    version_check(current=fund.version, expected=version)
    value = amount(paid, "paid", gettext("已到位配套"))
    if value > fund.committed:
        raise ValidationError(
            {
                "paid": gettext("已到位 {paid} 万元超过承诺的 {committed} 万元").format(
                    paid=value, committed=fund.committed
                )
            }
        )
    fund.paid = value
    fund.version += 1
    fund.save()
    _event(
        fund.project,
        acting_user,
        "fund_pay",
        fund.project.status,
        gettext("{year} 年配套到位 {value} 万元").format(year=fund.year, value=value),
    )
    return fund


# ---- changes --------------------------------------------------------------------------------


@transaction.atomic
def change_request(
    *,
    acting_user: Any,
    project_id: int,
    kind: str,
    reason: str,
    new_end: dt.date | None = None,
    detail: str = "",
) -> ChangeRequest:
    project = _project_locked(acting_user, project_id)
    _lead_only(acting_user, project)
    _active(project)
    if kind not in ChangeKind.values:
        raise ValidationError({"kind": gettext("变更类型须是延期、预算调整、人员变更或终止")})
    if project.changes.filter(status=ChangeStatus.PENDING).exists():
        raise ValidationError(gettext("已有一项变更待审核，请等审核后再申请"))
    change = ChangeRequest(
        project=project,
        kind=kind,
        reason=_text(reason, 2000),
        detail=_text(detail, 500),
        requested_by=acting_user,
    )
    if len(change.reason) < 10:
        raise ValidationError({"reason": gettext("请写明变更理由（至少 10 字）")})
    if kind == ChangeKind.EXTENSION:
        if new_end is None or new_end <= project.ends_on:
            raise ValidationError(
                {"new_end": gettext("延期至的日期须晚于现结束日期 {end}").format(end=project.ends_on)}
            )
        if new_end > project.ends_on + dt.timedelta(days=366):
            raise ValidationError({"new_end": gettext("延期不能超过一年")})
        change.new_end = new_end
    elif kind in (ChangeKind.BUDGET, ChangeKind.MEMBER) and len(change.detail) < 4:
        raise ValidationError({"detail": gettext("请写明变更内容")})
    change.save()
    _event(project, acting_user, "change_request", project.status, change.get_kind_display())
    notices.change_requested(change, actor=acting_user)
    return change


@transaction.atomic
def change_decide(*, acting_user: Any, change_id: int, approve: bool, note: str) -> ChangeRequest:
    """The province agrees (an extension moves the end date; a termination ends the project) or
    refuses, always with its reason."""
    province_only(acting_user)
    change = ChangeRequest.objects.select_for_update().filter(pk=change_id).first()
    if change is None:
        raise PermissionDenied(gettext("找不到该变更申请"))
    if change.status != ChangeStatus.PENDING:
        raise ValidationError(gettext("该变更已审核"))
    note = _text(note, 500)
    if len(note) < 2:
        raise ValidationError({"note": gettext("请填写审核意见")})
    project = _project_locked(acting_user, change.project_id)
    before = project.status
    if approve:
        if change.kind == ChangeKind.EXTENSION and change.new_end:
            project.ends_on = change.new_end
        elif change.kind == ChangeKind.TERMINATION:
            project.status = ProjectStatus.TERMINATED
            project.finished_at = timezone.now()
            project.result_note = note
        project.version += 1
        project.save()
    change.status = ChangeStatus.APPROVED if approve else ChangeStatus.REFUSED
    change.decided_by, change.decided_at, change.decision_note = acting_user, timezone.now(), note
    change.save()
    _event(
        project,
        acting_user,
        "change_approve" if approve else "change_refuse",
        before,
        f"{change.get_kind_display()}：{note}",
    )
    notices.change_decided(change, actor=acting_user)
    return change


# ---- acceptance -----------------------------------------------------------------------------


@transaction.atomic
def acceptance_request(
    *, acting_user: Any, project_id: int, achieved: dict[int, Any], summary: str, version: int | None = None
) -> Project:
    """The lead unit's self-assessment: what was achieved against every contract indicator."""
    project = _project_locked(acting_user, project_id, version)
    _lead_only(acting_user, project)
    _active(project)
    open_milestones = project.milestones.filter(status=MilestoneStatus.PENDING).count()
    if open_milestones:
        raise ValidationError(gettext("还有 {n} 个进度节点未报告，不能申请验收").format(n=open_milestones))
    indicators = list(project.indicators.all())
    for n, indicator in enumerate(indicators, start=1):
        if indicator.pk not in achieved or achieved[indicator.pk] in (None, ""):
            raise ValidationError(
                {
                    f"achieved.{indicator.pk}": gettext("第 {n} 项考核指标“{name}”：请填写完成值").format(
                        n=n, name=indicator.name
                    )
                }
            )
        indicator.achieved = amount(achieved[indicator.pk], f"achieved.{indicator.pk}", indicator.name)
    project.self_assessment = _text(summary, 5000)
    if len(project.self_assessment) < 20:
        raise ValidationError({"summary": gettext("请写明自评情况（至少 20 字）")})
    ProjectIndicator.objects.bulk_update(indicators, ["achieved"])
    before = project.status
    project.status = ProjectStatus.ACCEPTING
    project.version += 1
    project.save()
    _event(project, acting_user, "acceptance_request", before)
    notices.acceptance_requested(project, actor=acting_user)
    return project


ACCEPTANCE_RESULTS = {
    "passed": ProjectStatus.PASSED,
    "concluded": ProjectStatus.CONCLUDED,
    "failed": ProjectStatus.FAILED,
}


@transaction.atomic
def acceptance_decide(
    *,
    acting_user: Any,
    project_id: int,
    result: str,
    note: str,
    achievement_title: str = "",
    achievement_abstract: str = "",
    version: int | None = None,
) -> Project:
    """通过/结题/不通过 recorded by the province with the experts' opinion (an acceptance meeting
    held off the platform). A project enrolled in an acceptance batch is decided by that batch."""
    province_only(acting_user)
    project = _project_locked(acting_user, project_id, version)
    if project.status != ProjectStatus.ACCEPTING:
        raise ValidationError(gettext("项目不在验收阶段"))
    if project.acceptance_application is not None:
        raise ValidationError(
            gettext("项目已纳入验收批次“{call}”，由专家评审和公示后的决定给出结论").format(
                call=project.acceptance_application.call.title
            )
        )
    status = ACCEPTANCE_RESULTS.get(result)
    if status is None:
        raise ValidationError({"result": gettext("验收结论须是通过、结题或不通过")})
    note = _text(note, 1000)
    if len(note) < 4:
        raise ValidationError({"note": gettext("请填写验收意见")})
    return _acceptance_conclude(
        project,
        acting_user,
        status=status,
        note=note,
        achievement_title=achievement_title,
        achievement_abstract=achievement_abstract,
    )


def _acceptance_conclude(
    project: Project,
    acting_user: Any,
    *,
    status: str,
    note: str,
    achievement_title: str = "",
    achievement_abstract: str = "",
) -> Project:
    """The acceptance's outcome: a project that passes or concludes enters its result in the
    achievement library, and the demands its task came from are solved."""
    before = project.status
    project.status, project.result_note, project.finished_at = status, note, timezone.now()
    solved: list[Demand] = []
    if status != ProjectStatus.FAILED:
        title = _text(achievement_title, 120) or project.title
        abstract = _text(achievement_abstract, 5000) or project.self_assessment
        if len(title) < 4 or len(abstract) < 20:
            raise ValidationError({"achievement_abstract": gettext("请填写成果名称和成果简介（至少 20 字）")})
        project.achievement = Achievement.all_objects.create(
            title=title,
            abstract=abstract,
            keywords=project.topic.title[:200],
            industry=project.topic.industry,
            maturity=Maturity.SMALL_BATCH,
            ip_type=IpType.KNOW_HOW,
            organisation=project.organisation,
            is_public=True,
        )
        solved = demands_solved_elsewhere(
            demand_ids=list(project.topic.sources.values_list("demand_id", flat=True)),
            acting_user=acting_user,
            note=gettext("攻关项目 {reference}“{title}”通过验收，成果已入成果库").format(
                reference=project.reference, title=project.title
            ),
        )
        project.topic.status = TopicStatus.SOLVED
        project.topic.save(update_fields=["status", "updated_at"])
    project.version += 1
    project.save()
    _event(project, acting_user, "acceptance", before, note)
    notices.acceptance_decided(project, solved=len(solved), actor=acting_user)
    return project


# ---- expert acceptance in a batch of the calls engine ------------------------------------------


def _acceptance_values(project: Project) -> dict[str, str]:
    """What the experts read: the contract's indicators planned against achieved, the milestones,
    the money by source with the cities' 配套, the partners and the self-assessment."""
    indicators = "\n".join(
        gettext("{name}：计划 {planned} {unit}，完成 {achieved} {unit}").format(
            name=i.name, planned=i.planned, achieved=i.achieved, unit=i.unit
        )
        for i in project.indicators.all()
    )
    milestones = "\n".join(
        gettext("{due} {title}：{status}").format(due=m.due, title=m.title, status=m.get_status_display())
        for m in project.milestones.order_by("due")
    )
    sources = project.budget.values("source").annotate(total=Sum("amount")).order_by("source")
    labels = dict(FundingSource.choices)
    budget = [f"{labels.get(row['source'], row['source'])} {row['total']} 万元" for row in sources]
    for fund in project.funds.select_related("city").order_by("year", "city_id"):
        budget.append(
            gettext("{city}{year}年配套：承诺 {committed} 万元，到位 {paid} 万元").format(
                city=fund.city.name, year=fund.year, committed=fund.committed, paid=fund.paid
            )
        )
    partners = "、".join(
        f"{p.organisation.name}（{p.organisation.division.full_name if p.organisation.division_id else ''}）"
        for p in project.application.partners.select_related("organisation__division")
    )
    return {
        "project_reference": project.reference,
        "period": f"{project.starts_on} — {project.ends_on}",
        "indicators": indicators,
        "milestones": milestones or gettext("无"),
        "budget": "；".join(budget) or gettext("无"),
        "partners": partners,
        "summary": project.self_assessment,
    }


@transaction.atomic
def acceptance_enrol(*, acting_user: Any, project_ids: Sequence[int], call_id: int) -> list[Project]:
    """Put projects awaiting acceptance into an acceptance batch: each enters the calls engine as an
    application already checked, and the experts the reviews engine assigns score it."""
    province_only(acting_user)
    call = Call.objects.select_for_update().select_related("call_type").filter(pk=call_id).first()
    if call is None or call.call_type.definition.get("result") != "acceptance":
        raise ValidationError({"call": gettext("请选择攻关项目验收批次")})
    ids = [int(i) for i in project_ids if str(i).isdigit() and len(str(i)) < 19]
    if not ids:
        raise ValidationError({"projects": gettext("请选择要纳入验收的项目")})
    projects = list(
        Project.objects.for_user(acting_user)
        .select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("topic", "application", "organisation")
        .order_by("pk")
    )
    if len(projects) < len(set(ids)):
        raise PermissionDenied(gettext("找不到其中部分项目，或您无权处理"))
    for project in projects:
        if project.status != ProjectStatus.ACCEPTING:
            raise ValidationError(
                gettext("项目 {reference} 现为“{status}”，承担单位申请验收后才能纳入").format(
                    reference=project.reference, status=project.get_status_display()
                )
            )
        if project.acceptance_application is not None:
            raise ValidationError(
                gettext("项目 {reference} 已纳入验收批次“{call}”").format(
                    reference=project.reference, call=project.acceptance_application.call.title
                )
            )
        project.acceptance_application = call_services.application_enrol(
            acting_user=acting_user,
            call=call,
            applicant=project.organisation,
            title=project.title,
            values=_acceptance_values(project),
            division_id=project.division_id,
            note=project.reference,
        )
        project.version += 1
        project.save(update_fields=["acceptance_application", "version", "updated_at"])
        _event(project, acting_user, "acceptance_enrol", project.status, call.title)
    return projects


@transaction.atomic
def acceptance_withdraw(
    *, acting_user: Any, project_id: int, reason: str, version: int | None = None
) -> Project:
    """Take a project out of its acceptance batch before the experts are assigned (enrolled by
    mistake, or to be accepted in another batch or at a meeting); it waits for acceptance again."""
    province_only(acting_user)
    project = _project_locked(acting_user, project_id, version)
    application = project.acceptance_application
    if application is None:
        raise ValidationError(gettext("项目没有纳入验收批次"))
    if application.status != ApplicationStatus.ACCEPTED:
        raise ValidationError(
            gettext("验收批次“{call}”已开始评审（{status}），不能再移出").format(
                call=application.call.title, status=application.get_status_display()
            )
        )
    reason = _text(reason, 500)
    if len(reason) < 4:
        raise ValidationError({"reason": gettext("请写明移出的原因")})
    application.status = ApplicationStatus.WITHDRAWN
    application.version += 1
    application.save(update_fields=["status", "version", "updated_at"])
    ApplicationEvent.objects.create(
        application=application,
        actor=acting_user,
        action="withdraw",
        from_status=ApplicationStatus.ACCEPTED,
        to_status=ApplicationStatus.WITHDRAWN,
        note=reason,
    )
    project.acceptance_application = None
    project.version += 1
    project.save(update_fields=["acceptance_application", "version", "updated_at"])
    _event(project, acting_user, "acceptance_withdraw", project.status, f"{application.call.title}：{reason}")
    return project


def acceptance_from_decision(call: Call, approved: list[Application], acting_user: Any) -> None:
    """An acceptance batch decided after its 公示: the projects the experts passed (on the list)
    pass, with the result entered in the library; the others fail, with their score."""
    passed = {a.pk for a in approved}
    for project in (
        Project.all_objects.select_for_update(of=("self",))
        .filter(acceptance_application__call=call, status=ProjectStatus.ACCEPTING)
        .select_related("acceptance_application", "topic")
        .order_by("pk")
    ):
        application = project.acceptance_application
        assert application is not None  # the filter above
        score = application.score if application.score is not None else "—"
        if application.pk in passed:
            note = gettext("专家验收评审 {score} 分，通过（{call}）").format(score=score, call=call.title)
            _acceptance_conclude(project, acting_user, status=ProjectStatus.PASSED, note=note)
        else:
            note = gettext("专家验收评审 {score} 分，未入通过名单，不通过（{call}）").format(
                score=score, call=call.title
            )
            _acceptance_conclude(project, acting_user, status=ProjectStatus.FAILED, note=note)
