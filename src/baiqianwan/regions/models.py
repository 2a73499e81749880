from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .classification import LEVEL_LABELS, REGION_LABELS, Level, Region, scope_prefix

LEVEL_CHOICES = [(level.value, LEVEL_LABELS[level]) for level in Level]
REGION_CHOICES = [(region.value, REGION_LABELS[region]) for region in Region]


class Division(models.Model):
    """A unit of the statistical division registry (统计用区划代码); its code is its key."""

    code = models.CharField(_("区划代码"), max_length=12, primary_key=True)
    name = models.CharField(_("名称"), max_length=64, db_index=True)
    full_name = models.CharField(_("全称"), max_length=160, db_index=True)
    level = models.CharField(_("层级"), max_length=10, choices=LEVEL_CHOICES, db_index=True)
    kind = models.CharField(_("类型"), max_length=16, db_index=True)
    region = models.CharField(_("区域"), max_length=8, choices=REGION_CHOICES, blank=True, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        indexes = [models.Index(fields=["parent", "code"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def level_enum(self) -> Level:
        return Level(self.level)

    @property
    def prefix(self) -> str:
        """Every descendant's code starts with this; the scope of a user bound here."""
        return scope_prefix(self.level_enum, self.code)

    @property
    def region_label(self) -> str:
        return REGION_LABELS[Region(self.region)] if self.region else ""

    def contains(self, code: str) -> bool:
        return code.startswith(self.prefix)
