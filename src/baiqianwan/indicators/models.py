"""Indicator collection (政策 四(三) 统计监测与考核): versioned definitions, data sets, submissions.

The formulas, scoring and validation are the plain-Python engine in ``engine/``; this app stores
what it needs: the definition files (each version with its content hash, so a published score can
be recomputed exactly), the data sets units fill in per period, their submissions moving up the
approval chain, period locks with their exceptions, and published results.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.models import TimeStampedModel
from baiqianwan.core.scope import ScopedModel

LEVEL_CHOICES = [
    ("city", _("地级市")),
    ("county", _("县（市、区）")),
    ("town", _("乡镇（街道）")),
    ("village", _("村（居）")),
]


class SystemVersion(TimeStampedModel):
    """One version of an indicator system file; never changed once stored."""

    code = models.CharField(_("体系编码"), max_length=60)
    name = models.CharField(_("体系名称"), max_length=120)
    version = models.CharField(_("版本"), max_length=30)
    content_hash = models.CharField(_("内容摘要（SHA-256）"), max_length=64, unique=True)
    definition = models.JSONField(_("定义"))
    is_current = models.BooleanField(_("现行版本"), default=False)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导入人"), on_delete=models.PROTECT, null=True, blank=True
    )

    class Meta:
        verbose_name = _("指标体系版本")
        verbose_name_plural = _("指标体系版本")
        ordering = ["code", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(is_current=True), name="one_current_version_per_system"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


class Frequency(models.TextChoices):
    YEAR = "year", _("年度")
    HALF = "half", _("半年")
    QUARTER = "quarter", _("季度")


class DataSet(TimeStampedModel):
    """A form units fill in each period: which elements, at which level, due when, approved by whom."""

    code = models.CharField(_("报表编码"), max_length=60, unique=True)
    name = models.CharField(_("报表名称"), max_length=120)
    system_code = models.CharField(_("所属指标体系"), max_length=60)
    level = models.CharField(_("填报单位层级"), max_length=10, choices=LEVEL_CHOICES)
    frequency = models.CharField(
        _("填报周期"), max_length=10, choices=Frequency.choices, default=Frequency.YEAR
    )
    elements = models.JSONField(_("数据元素"), help_text=_("数据元素编码的列表，按表格列的顺序"))
    due_days = models.PositiveSmallIntegerField(_("截止（期末后天数）"), default=15)
    lock_days = models.PositiveSmallIntegerField(_("锁定（截止后天数）"), default=30)
    approval_chain = models.JSONField(
        _("审核层级"), default=list, help_text=_('自下而上，如 ["county", "city"]；可跳过某一级')
    )
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("报表")
        verbose_name_plural = _("报表")
        ordering = ["level", "code"]

    def __str__(self) -> str:
        return self.name


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("审核中")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已审定")


class Submission(ScopedModel, TimeStampedModel):
    """One unit's values for one data set and period, moving up the approval chain."""

    dataset = models.ForeignKey(
        DataSet, verbose_name=_("报表"), on_delete=models.PROTECT, related_name="submissions"
    )
    period = models.CharField(_("统计期"), max_length=7, help_text=_("2025、2025H1 或 2025Q3"))
    unit = models.ForeignKey(
        "regions.Division", verbose_name=_("填报单位"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT
    )
    stage = models.CharField(_("待审核层级"), max_length=10, blank=True, choices=LEVEL_CHOICES)
    values = models.JSONField(_("数据"), default=dict)
    flags = models.JSONField(
        _("提示"), default=list, blank=True, help_text=_("与历史数据相差较大等需要核实的情况")
    )
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    approved_at = models.DateTimeField(_("审定时间"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("最后修改人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )

    scope_division_path = "unit"

    class Meta:
        verbose_name = _("报表填报")
        verbose_name_plural = _("报表填报")
        ordering = ["dataset_id", "period", "unit_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "period", "unit"], name="one_submission_per_unit_period"
            )
        ]
        indexes = [models.Index(fields=["dataset", "period", "status"])]

    def __str__(self) -> str:
        return f"{self.dataset} {self.period} {self.unit_id}"


class SubmissionEvent(models.Model):
    """The submission's history: saved, submitted, approved, returned, un-approved, with reasons."""

    submission = models.ForeignKey(
        Submission, verbose_name=_("填报"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("操作"), max_length=12)
    level = models.CharField(_("层级"), max_length=10, blank=True)
    from_status = models.CharField(_("原状态"), max_length=10, blank=True)
    to_status = models.CharField(_("新状态"), max_length=10, blank=True)
    reason = models.CharField(_("说明"), max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("填报记录")
        verbose_name_plural = _("填报记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.submission_id} {self.action}"


class LockException(ScopedModel, TimeStampedModel):
    """A locked period reopened for one unit until a time, with the reason."""

    dataset = models.ForeignKey(DataSet, verbose_name=_("报表"), on_delete=models.CASCADE, related_name="+")
    period = models.CharField(_("统计期"), max_length=7)
    unit = models.ForeignKey(
        "regions.Division", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    until = models.DateTimeField(_("有效至"))
    reason = models.CharField(_("原因"), max_length=200)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("批准人"), on_delete=models.PROTECT
    )

    scope_division_path = "unit"

    class Meta:
        verbose_name = _("锁定例外")
        verbose_name_plural = _("锁定例外")
        ordering = ["-until"]

    def __str__(self) -> str:
        return gettext("{dataset} {period} {unit_id} 至 {until:%Y-%m-%d}").format(
            dataset=self.dataset, period=self.period, unit_id=self.unit_id, until=self.until
        )


class PublishedResult(TimeStampedModel):
    """Scores of one system for one period as published, with the definition they were computed under."""

    system = models.ForeignKey(SystemVersion, verbose_name=_("指标体系版本"), on_delete=models.PROTECT)
    period = models.CharField(_("统计期"), max_length=7)
    scores = models.JSONField(_("结果"), help_text=_("{编码: {单位代码: 得分}}"))
    ranks = models.JSONField(_("排名"), default=dict)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发布人"), on_delete=models.PROTECT
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    # Scores of regions, not of people: every signed-in user may read published results.

    class Meta:
        verbose_name = _("考核结果")
        verbose_name_plural = _("考核结果")
        ordering = ["-period", "-created_at"]

    def __str__(self) -> str:
        return f"{self.system} {self.period}"
