"""年度考核 and 省级重点派驻任务: the yearly scheme, each commissioner's record, and the funded key tasks."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.models import TimeStampedModel
from baiqianwan.core.scope import ScopedModel

from ..rounds.models import Assignment, Team


class AssessmentScheme(ScopedModel, TimeStampedModel):
    """A year's assessment rules: weights of the sending unit and the host, and the 优秀 quota."""

    year = models.PositiveSmallIntegerField(_("考核年度"), unique=True)
    unit_weight = models.PositiveSmallIntegerField(_("派出单位评分权重（%）"), default=50)
    host_weight = models.PositiveSmallIntegerField(_("服务乡镇评分权重（%）"), default=50)
    excellent_quota = models.PositiveSmallIntegerField(_("优秀比例上限（%）"), default=30)
    excellent_mark = models.PositiveSmallIntegerField(_("优秀最低分"), default=90)
    pass_mark = models.PositiveSmallIntegerField(_("合格最低分"), default=60)
    finalised = models.BooleanField(_("已定档"), default=False)

    # Everyone taking part reads the rules; only the province changes them.
    scope_public_field = "is_visible"
    is_visible = models.BooleanField(_("公开"), default=True)

    class Meta:
        verbose_name = _("年度考核方案")
        verbose_name_plural = _("年度考核方案")
        ordering = ["-year"]

    def __str__(self) -> str:
        return gettext("{year} 年度考核").format(year=self.year)


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


class AssessmentRecord(ScopedModel, TimeStampedModel):
    scheme = models.ForeignKey(
        AssessmentScheme, verbose_name=_("考核方案"), on_delete=models.CASCADE, related_name="records"
    )
    assignment = models.ForeignKey(
        Assignment, verbose_name=_("派驻安排"), on_delete=models.PROTECT, related_name="assessments"
    )
    unit_score = models.DecimalField(
        _("派出单位评分"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    unit_comment = models.CharField(_("派出单位评语"), max_length=300, blank=True)
    host_score = models.DecimalField(
        _("服务乡镇评分"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    host_comment = models.CharField(_("服务乡镇评语"), max_length=300, blank=True)
    total = models.DecimalField(_("综合得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    grade = models.CharField(_("等次"), max_length=10, choices=Grade.choices, blank=True)

    scope_division_path = "assignment__need__town"
    scope_organisation_path = "assignment__nomination__organisation"
    scope_owner_path = "assignment__nomination__expert__user"

    class Meta:
        verbose_name = _("年度考核结果")
        verbose_name_plural = _("年度考核结果")
        ordering = ["scheme_id", "-total"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "assignment"], name="one_assessment_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.scheme.year} {self.assignment}"


class KeyTaskStatus(models.TextChoices):
    ACTIVE = "active", _("实施中")
    ACCEPTED = "accepted", _("已验收")
    OVERDUE = "overdue", _("逾期")
    TERMINATED = "terminated", _("已终止")


class KeyTask(ScopedModel, TimeStampedModel):
    """省级重点派驻任务: a funded task a team carries out, tracked like a provincial project."""

    team = models.ForeignKey(
        Team, verbose_name=_("承担团队"), on_delete=models.PROTECT, related_name="key_tasks"
    )
    code = models.CharField(_("任务编号"), max_length=30, unique=True)
    title = models.CharField(_("任务名称"), max_length=120)
    goals = models.TextField(_("考核指标"), help_text=_("每行一项，如：推广新品种 500 亩"))
    budget = models.DecimalField(_("省财政资助（万元）"), max_digits=8, decimal_places=2)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    progress = models.PositiveSmallIntegerField(
        _("完成进度（%）"), default=0, validators=[MaxValueValidator(100)]
    )
    progress_note = models.TextField(_("最新进展"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=KeyTaskStatus.choices, default=KeyTaskStatus.ACTIVE
    )

    scope_division_path = "team__town"
    scope_owner_path = "team__need__assignments__nomination__expert__user"

    class Meta:
        verbose_name = _("省级重点派驻任务")
        verbose_name_plural = _("省级重点派驻任务")
        ordering = ["ends_on"]

    def __str__(self) -> str:
        return self.title
