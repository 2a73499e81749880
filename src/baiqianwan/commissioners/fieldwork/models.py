"""服务日志: a commissioner's day of service in a village, with its photos, confirmed by the host town."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.models import TimeStampedModel, acted_by
from baiqianwan.core.scope import ScopedModel

from ..rounds.models import Assignment

ON_SITE_DAYS_REQUIRED = 365  # 累计在岗服务不少于 1 年


class Activity(models.TextChoices):
    TRAINING = "training", _("技术培训")
    GUIDANCE = "guidance", _("现场指导")
    INTRODUCTION = "introduction", _("技术引进")
    APPLICATION = "application", _("项目申报")
    PRODUCT = "product", _("产品开发")
    DEMONSTRATION = "demonstration", _("示范推广")
    CONSULTING = "consulting", _("咨询服务")


class LogStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待乡镇确认")
    CONFIRMED = "confirmed", _("已确认")
    RETURNED = "returned", _("已退回")


class ServiceLog(ScopedModel, TimeStampedModel):
    """服务日志: a day (or half day) of service in a village, confirmed by the host town."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("派驻安排"), on_delete=models.PROTECT, related_name="logs"
    )
    served_on = models.DateField(_("服务日期"))
    village = models.ForeignKey(
        "regions.Division", verbose_name=_("服务村（社区）"), on_delete=models.PROTECT, related_name="+"
    )
    activity = models.CharField(_("服务内容"), max_length=14, choices=Activity.choices)
    days = models.DecimalField(
        _("在岗天数"),
        max_digits=3,
        decimal_places=1,
        default=1,
        validators=[MinValueValidator(0.5), MaxValueValidator(1)],
        help_text=_("半天填 0.5"),
    )
    people_trained = models.PositiveIntegerField(_("培训人数"), default=0)
    problems_solved = models.PositiveIntegerField(_("解决问题数"), default=0)
    description = models.TextField(_("服务情况"), max_length=2000)
    latitude = models.DecimalField(_("纬度"), max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=8, decimal_places=5, null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=LogStatus.choices, default=LogStatus.SUBMITTED
    )
    reviewed_by = acted_by(_("确认人"))
    reviewed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    return_reason = models.CharField(_("退回原因"), max_length=200, blank=True)

    scope_division_path = "assignment__need__town"
    scope_organisation_path = "assignment__nomination__organisation"
    scope_owner_path = "assignment__nomination__expert__user"

    class Meta:
        verbose_name = _("服务日志")
        verbose_name_plural = _("服务日志")
        ordering = ["-served_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "served_on", "village", "activity"],
                name="one_log_per_day_village_activity",
            )
        ]

    def __str__(self) -> str:
        return f"{self.served_on} {self.get_activity_display()}"


class ServiceLogPhoto(TimeStampedModel):
    log = models.ForeignKey(
        ServiceLog, verbose_name=_("服务日志"), on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField(_("照片"), upload_to="service-logs/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=120)
    content_type = models.CharField(_("类型"), max_length=30)
    size = models.PositiveIntegerField(_("大小（字节）"))

    class Meta:
        verbose_name = _("服务照片")
        verbose_name_plural = _("服务照片")

    def __str__(self) -> str:
        return self.name
