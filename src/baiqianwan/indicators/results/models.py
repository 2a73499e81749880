"""Published results: a period's scores and ranks frozen with the definition they were computed under."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.models import TimeStampedModel

from ..definitions.models import SystemVersion


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
