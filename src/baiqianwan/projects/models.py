"""攻关 projects (政策 三(一), 四(二)): the 大专项 with its task list drawn from accepted demands,
the projects its call funds, their contract (任务书: indicators, milestones, budget by year and
source), the cities' matching funds, change requests, acceptance and history.

Money is 万元 with two decimals (Decimal, never float), as the application form asks for it.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.models import RecordEvent, TimeStampedModel, acted_by
from baiqianwan.core.scope import ScopedModel

ZERO = Decimal("0.00")


def money(verbose_name: object, **kwargs: object) -> models.DecimalField:
    """An amount in 万元: up to 9,999,999,999.99, never negative."""
    return models.DecimalField(
        verbose_name,  # type: ignore[arg-type]
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(ZERO)],
        **kwargs,  # type: ignore[arg-type]
    )


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", _("编制中")
    PUBLISHED = "published", _("已发布指南")


class Programme(TimeStampedModel):
    """A 大专项 of one year: its task list and the call that funds it. Province-wide: every bureau
    sees the list, only the province edits it."""

    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("专项名称"), max_length=120)
    summary = models.TextField(_("专项说明"), max_length=5000, blank=True)
    province_budget = money(_("省财政资金（万元）"))
    status = models.CharField(
        _("状态"), max_length=12, choices=ProgrammeStatus.choices, default=ProgrammeStatus.DRAFT
    )
    call = models.OneToOneField(
        "calls.Call",
        verbose_name=_("申报指南"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programme",
    )
    created_by = acted_by(_("创建人"))
    version = models.PositiveIntegerField(_("版本"), default=0)

    class Meta:
        verbose_name = _("大专项")
        verbose_name_plural = _("大专项")
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return self.title


class TopicStatus(models.TextChoices):
    LISTED = "listed", _("已列入任务清单")
    FUNDED = "funded", _("已立项")
    SOLVED = "solved", _("已解决")


class Topic(TimeStampedModel):
    """One task (任务) of the list: a technical problem several places asked about, with the
    demands it came from."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("大专项"), on_delete=models.CASCADE, related_name="topics"
    )
    code = models.CharField(_("任务编号"), max_length=12)
    title = models.CharField(_("任务名称"), max_length=80)
    problem = models.TextField(_("需解决的技术问题"), max_length=3000)
    industry = models.ForeignKey(
        "industries.Industry", verbose_name=_("产业"), null=True, blank=True, on_delete=models.PROTECT
    )
    budget = money(_("省财政资金上限（万元）"))
    status = models.CharField(
        _("状态"), max_length=10, choices=TopicStatus.choices, default=TopicStatus.LISTED
    )
    demands = models.ManyToManyField(
        "demands.Demand", verbose_name=_("来源需求"), through="TopicSource", related_name="topics"
    )

    class Meta:
        verbose_name = _("攻关任务")
        verbose_name_plural = _("攻关任务")
        ordering = ["programme", "code"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="one_topic_code_per_programme")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def choice_label(self) -> str:
        """How the call's form lists it; the project is found again from the code in front."""
        return f"{self.code} {self.title}"


class TopicSource(models.Model):
    topic = models.ForeignKey(
        Topic, verbose_name=_("攻关任务"), on_delete=models.CASCADE, related_name="sources"
    )
    demand = models.ForeignKey(
        "demands.Demand", verbose_name=_("需求"), on_delete=models.PROTECT, related_name="topic_sources"
    )
    # One demand is one task's source within a programme (checked by the service: the constraint
    # cannot span the topic's programme).
    added_at = models.DateTimeField(_("列入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("任务来源需求")
        verbose_name_plural = _("任务来源需求")
        constraints = [models.UniqueConstraint(fields=["topic", "demand"], name="one_source_per_topic")]

    def __str__(self) -> str:
        return f"{self.topic_id} ← {self.demand_id}"


class ProjectStatus(models.TextChoices):
    CONTRACT = "contract", _("任务书填报")
    CONTRACT_SUBMITTED = "contract_sent", _("任务书待审核")
    ACTIVE = "active", _("执行中")
    ACCEPTING = "accepting", _("验收中")
    PASSED = "passed", _("通过验收")
    FAILED = "failed", _("未通过验收")
    CONCLUDED = "concluded", _("结题")
    TERMINATED = "terminated", _("终止")


FINISHED = (ProjectStatus.PASSED, ProjectStatus.FAILED, ProjectStatus.CONCLUDED, ProjectStatus.TERMINATED)


class Project(ScopedModel, TimeStampedModel):
    """A funded task: the approved application, the contract the lead unit fills in and the
    province approves, then execution to acceptance."""

    reference = models.CharField(_("项目编号"), max_length=30, unique=True)
    programme = models.ForeignKey(
        Programme, verbose_name=_("大专项"), on_delete=models.PROTECT, related_name="projects"
    )
    topic = models.ForeignKey(
        Topic, verbose_name=_("攻关任务"), on_delete=models.PROTECT, related_name="projects"
    )
    application = models.OneToOneField(
        "calls.Application", verbose_name=_("申报书"), on_delete=models.PROTECT, related_name="project"
    )
    title = models.CharField(_("项目名称"), max_length=120)
    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("承担单位"), on_delete=models.PROTECT, related_name="projects"
    )
    division = models.ForeignKey(
        "regions.Division", verbose_name=_("承担单位所在地"), on_delete=models.PROTECT, related_name="+"
    )
    place = models.ForeignKey(
        "regions.Division",
        verbose_name=_("主要实施地点"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    in_east_west_north = models.BooleanField(_("粤东西北参与"), default=False)
    lead = models.ForeignKey(
        "orgs.Person",
        verbose_name=_("项目负责人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    province_funding = money(_("省财政资金（万元）"))
    goals = models.TextField(_("研究目标"), max_length=2000, blank=True)
    status = models.CharField(
        _("状态"), max_length=14, choices=ProjectStatus.choices, default=ProjectStatus.CONTRACT
    )
    return_reason = models.CharField(_("退回原因"), max_length=500, blank=True)
    contract_approved_at = models.DateTimeField(_("任务书审核通过"), null=True, blank=True)
    self_assessment = models.TextField(_("自评报告"), max_length=5000, blank=True)
    result_note = models.CharField(_("验收意见"), max_length=1000, blank=True)
    # The expert acceptance: the project's entry in an acceptance batch of the calls engine.
    acceptance_application = models.OneToOneField(
        "calls.Application",
        verbose_name=_("验收评审"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accepted_project",
    )
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    achievement = models.ForeignKey(
        "supply.Achievement",
        verbose_name=_("形成的成果"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("版本"), default=0)

    # Bureaus see the projects led from or carried out in their region, and the cities those
    # whose matching funds they owe; units see the projects they lead or take part in.
    scope_division_path = ("division", "place", "funds__city")
    scope_organisation_path = ("organisation", "application__partners__organisation")

    class Meta:
        verbose_name = _("攻关项目")
        verbose_name_plural = _("攻关项目")
        ordering = ["-starts_on", "reference"]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED


class ProjectIndicator(models.Model):
    """A contract indicator (考核指标): planned, and at acceptance what was achieved."""

    project = models.ForeignKey(
        Project, verbose_name=_("攻关项目"), on_delete=models.CASCADE, related_name="indicators"
    )
    name = models.CharField(_("指标"), max_length=60)
    unit = models.CharField(_("单位"), max_length=10)
    planned = models.DecimalField(
        _("计划值"), max_digits=14, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    achieved = models.DecimalField(
        _("完成值"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
    )

    class Meta:
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")
        ordering = ["project", "id"]

    def __str__(self) -> str:
        return f"{self.name} {self.planned}{self.unit}"

    @property
    def met(self) -> bool | None:
        return None if self.achieved is None else self.achieved >= self.planned


class MilestoneStatus(models.TextChoices):
    PENDING = "pending", _("未报告")
    REPORTED = "reported", _("已报告")


class Milestone(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("攻关项目"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("节点"), max_length=120)
    due = models.DateField(_("计划完成日期"))
    deliverable = models.CharField(_("交付内容"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=MilestoneStatus.choices, default=MilestoneStatus.PENDING
    )
    report = models.TextField(_("完成情况"), max_length=3000, blank=True)
    evidence = models.FileField(_("佐证材料"), upload_to="projects/%Y/%m/", blank=True)
    evidence_name = models.CharField(_("材料文件名"), max_length=120, blank=True)
    reported_at = models.DateTimeField(_("报告时间"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("最近提醒"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("提请督办"), null=True, blank=True)

    class Meta:
        verbose_name = _("进度节点")
        verbose_name_plural = _("进度节点")
        ordering = ["project", "due", "id"]

    def __str__(self) -> str:
        return f"{self.due} {self.title}"


class FundingSource(models.TextChoices):
    PROVINCE = "province", _("省财政资金")
    CITY = "city", _("地市配套")
    SELF = "self", _("单位自筹")


class BudgetLine(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("攻关项目"), on_delete=models.CASCADE, related_name="budget"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    source = models.CharField(_("来源"), max_length=10, choices=FundingSource.choices)
    amount = money(_("金额（万元）"))

    class Meta:
        verbose_name = _("预算")
        verbose_name_plural = _("预算")
        ordering = ["project", "year", "source"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "year", "source"], name="one_budget_line_per_year_source"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.source} {self.amount}"


class MatchingFund(ScopedModel, TimeStampedModel):
    """A city's matching funds (配套) for one project and year: committed, and paid so far."""

    project = models.ForeignKey(
        Project, verbose_name=_("攻关项目"), on_delete=models.CASCADE, related_name="funds"
    )
    city = models.ForeignKey(
        "regions.Division", verbose_name=_("地市"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    committed = money(_("承诺配套（万元）"))
    paid = money(_("已到位（万元）"), default=ZERO)
    version = models.PositiveIntegerField(_("版本"), default=0)

    scope_division_path = "city"
    scope_organisation_path = "project__organisation"

    class Meta:
        verbose_name = _("地市配套资金")
        verbose_name_plural = _("地市配套资金")
        ordering = ["year", "city", "project"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "city", "year"], name="one_matching_fund_per_city_year"
            ),
            models.CheckConstraint(
                condition=models.Q(paid__lte=models.F("committed")), name="paid_within_commitment"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.city_id} {self.year} {self.committed}"

    @property
    def owed(self) -> Decimal:
        return self.committed - self.paid


class ChangeKind(models.TextChoices):
    EXTENSION = "extension", _("延期")
    BUDGET = "budget", _("预算调整")
    MEMBER = "member", _("人员变更")
    TERMINATION = "termination", _("终止")


class ChangeStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已同意")
    REFUSED = "refused", _("不同意")


class ChangeRequest(TimeStampedModel):
    project = models.ForeignKey(
        Project, verbose_name=_("攻关项目"), on_delete=models.CASCADE, related_name="changes"
    )
    kind = models.CharField(_("变更类型"), max_length=12, choices=ChangeKind.choices)
    reason = models.TextField(_("变更理由"), max_length=2000)
    new_end = models.DateField(_("延期至"), null=True, blank=True)
    detail = models.CharField(_("变更内容"), max_length=500, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.PENDING
    )
    requested_by = acted_by(_("申请人"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_note = models.CharField(_("审核意见"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("项目变更")
        verbose_name_plural = _("项目变更")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.kind}"


class ProjectAction(models.TextChoices):
    CREATE = "create", _("立项")
    CONTRACT_SUBMIT = "contract_submit", _("提交任务书")
    CONTRACT_APPROVE = "contract_approve", _("任务书审核通过")
    CONTRACT_RETURN = "contract_return", _("任务书退回")
    MILESTONE = "milestone", _("报告进度节点")
    FUND_COMMIT = "fund_commit", _("承诺配套")
    FUND_PAY = "fund_pay", _("配套到位")
    CHANGE_REQUEST = "change_request", _("申请变更")
    CHANGE_APPROVE = "change_approve", _("同意变更")
    CHANGE_REFUSE = "change_refuse", _("不同意变更")
    ACCEPTANCE_REQUEST = "acceptance_request", _("申请验收")
    ACCEPTANCE_ENROL = "acceptance_enrol", _("纳入验收批次")
    ACCEPTANCE_WITHDRAW = "acceptance_withdraw", _("移出验收批次")
    ACCEPTANCE = "acceptance", _("验收结论")


class ProjectEvent(RecordEvent):
    project = models.ForeignKey(
        Project, verbose_name=_("攻关项目"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("操作"), max_length=20, choices=ProjectAction.choices)

    class Meta(RecordEvent.Meta):
        verbose_name = _("项目记录")
        verbose_name_plural = _("项目记录")

    def __str__(self) -> str:
        return f"{self.project_id} {self.action}"
