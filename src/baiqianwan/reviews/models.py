"""Expert review of a call's applications: the pool of experts with their loads, conflicts of
interest with their reasons, assignments (declined ones kept, so a replacement never brings the
same expert back), and score sheets against the call type's rubric.

The assignment solver and the aggregation are the plain-Python engine in ``engine/``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.models import TimeStampedModel


class PoolMember(TimeStampedModel):
    """An expert invited to review a call, with how many applications they take at most."""

    call = models.ForeignKey(
        "calls.Call", verbose_name=_("申报指南"), on_delete=models.CASCADE, related_name="pool"
    )
    expert = models.ForeignKey(
        "supply.ExpertProfile", verbose_name=_("专家"), on_delete=models.PROTECT, related_name="pools"
    )
    capacity = models.PositiveSmallIntegerField(_("评审上限（项）"), default=10)

    class Meta:
        verbose_name = _("评审专家库成员")
        verbose_name_plural = _("评审专家库成员")
        constraints = [models.UniqueConstraint(fields=["call", "expert"], name="one_pool_entry_per_expert")]

    def __str__(self) -> str:
        return f"{self.call_id}:{self.expert_id}"


class ConflictReason(models.TextChoices):
    SAME_ORGANISATION = "same_org", _("与申报单位同单位")
    PARTNER = "partner", _("与共建单位同单位")
    NAMED = "named", _("列名于申报团队")
    CO_APPLICANT = "co_applicant", _("三年内与申报方共同申报")
    DECLARED = "declared", _("专家本人声明回避")


class Conflict(models.Model):
    """Why an expert may not review an application (computed from the platform's records, or declared)."""

    application = models.ForeignKey(
        "calls.Application", verbose_name=_("申报"), on_delete=models.CASCADE, related_name="conflicts"
    )
    expert = models.ForeignKey(
        "supply.ExpertProfile", verbose_name=_("专家"), on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("回避原因"), max_length=14, choices=ConflictReason.choices)
    detail = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("回避关系")
        verbose_name_plural = _("回避关系")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "expert", "reason"], name="one_conflict_per_reason"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id}:{self.expert_id} {self.reason}"


class AssignmentStatus(models.TextChoices):
    ASSIGNED = "assigned", _("待评审")
    DECLINED = "declined", _("已谢绝")
    SUBMITTED = "submitted", _("已提交")


class ReviewAssignment(TimeStampedModel):
    application = models.ForeignKey(
        "calls.Application",
        verbose_name=_("申报"),
        on_delete=models.CASCADE,
        related_name="review_assignments",
    )
    expert = models.ForeignKey(
        "supply.ExpertProfile",
        verbose_name=_("专家"),
        on_delete=models.PROTECT,
        related_name="review_assignments",
    )
    affinity = models.FloatField(_("相关度"), default=0)
    status = models.CharField(
        _("状态"), max_length=10, choices=AssignmentStatus.choices, default=AssignmentStatus.ASSIGNED
    )
    decline_reason = models.CharField(_("谢绝原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("评审分配")
        verbose_name_plural = _("评审分配")
        ordering = ["application_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "expert"], name="one_assignment_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.application_id}:{self.expert_id}"


class ScoreSheet(TimeStampedModel):
    """One reviewer's scores for one application, criterion by criterion, with comments."""

    assignment = models.OneToOneField(
        ReviewAssignment, verbose_name=_("评审分配"), on_delete=models.CASCADE, related_name="sheet"
    )
    scores = models.JSONField(_("各项得分"), default=dict, blank=True)
    comments = models.JSONField(_("各项意见"), default=dict, blank=True)
    overall = models.TextField(_("总体意见"), max_length=3000, blank=True)
    total = models.DecimalField(_("加权总分"), max_digits=6, decimal_places=2, null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=0)

    class Meta:
        verbose_name = _("评分表")
        verbose_name_plural = _("评分表")

    def __str__(self) -> str:
        return f"{self.assignment_id}"


class RoundKind(models.TextChoices):
    SOLVE = "solve", _("首次分配")
    FILL = "fill", _("补齐缺额")
    REPLACE = "replace", _("专家谢绝后补派")


class AssignmentRound(TimeStampedModel):
    """One run of the reviewer assignment for a call: what it filled and why each gap is a gap."""

    call = models.ForeignKey(
        "calls.Call", verbose_name=_("申报指南"), on_delete=models.CASCADE, related_name="assignment_rounds"
    )
    created_by = models.ForeignKey(
        "accounts.User", verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("方式"), max_length=10, choices=RoundKind.choices, default=RoundKind.SOLVE)
    needed = models.PositiveIntegerField(_("所需评审名额"))
    filled = models.PositiveIntegerField(_("已分配名额"))
    affinity = models.FloatField(_("相关度合计"), default=0)
    seconds = models.FloatField(_("用时（秒）"), default=0)
    gaps = models.JSONField(_("未配足的申报及原因"), default=list, blank=True)

    class Meta:
        verbose_name = _("评审分配记录")
        verbose_name_plural = _("评审分配记录")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.call_id} {self.filled}/{self.needed}"
