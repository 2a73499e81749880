"""Collection: one unit's values for one data set and period, their history, and period locks."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.models import TimeStampedModel
from baiqianwan.core.scope import ScopedModel

from ..definitions.models import LEVEL_CHOICES, DataSet


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("审核中")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已审定")


EDITABLE = (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)


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
