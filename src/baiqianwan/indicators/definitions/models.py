"""Indicator systems and the data sets units fill in: versioned definitions, report settings.

Each stored definition keeps its content hash, so a published score can be recomputed exactly.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.models import TimeStampedModel, VersionedDefinition

LEVEL_CHOICES = [
    ("city", _("地级市")),
    ("county", _("县（市、区）")),
    ("town", _("乡镇（街道）")),
    ("village", _("村（居）")),
]


LEVEL_ORDER = ["village", "town", "county", "city", "province"]
LEVEL_NAMES = {
    "village": _("村"),
    "town": _("乡镇"),
    "county": _("县（市、区）"),
    "city": _("地级市"),
    "province": _("省"),
}
DEFAULT_CHAINS = {"village": ["town", "county"], "town": ["county", "city"], "county": ["city", "province"]}

# The shipped systems and the data sets the pages know by code.
MONITORING_SYSTEM = "county_town_system"
MONITORING_TOWN_DATASET = f"{MONITORING_SYSTEM}.town"
ACCEPTANCE_SYSTEM = "specialised_town_acceptance"
ACCEPTANCE_DATASET = f"{ACCEPTANCE_SYSTEM}.town"
SPECIALISED_FLAG = "is_specialised_town"  # the town report's 是否创新型专业镇


class SystemVersion(VersionedDefinition):
    """One version of an indicator system file; never changed once stored."""

    class Meta:
        verbose_name = _("指标体系版本")
        verbose_name_plural = _("指标体系版本")
        ordering = ["code", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(is_current=True), name="one_current_version_per_system"
            )
        ]


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
