from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Industry(models.Model):
    """Guangdong rural industries, two levels (data/industries/industries.json)."""

    code = models.CharField(_("代码"), max_length=40, primary_key=True)
    name = models.CharField(_("名称"), max_length=40)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    keywords = models.JSONField(_("关键词"), default=list, blank=True)
    position = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("产业分类")
        verbose_name_plural = _("产业分类")
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return f"{self.parent.name} / {self.name}" if self.parent_id and self.parent else self.name
