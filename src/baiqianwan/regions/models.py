from __future__ import annotations

from django.db import models
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from .classification import LEVEL_LABELS, REGION_LABELS, Level, Region, scope_prefix

# classification.py stays free of Django; its labels and the unit types it derives from the codes
# are listed here so that they are translated where they are shown (the stored values stay Chinese).
CLASSIFICATION_MESSAGES = (
    gettext_noop("省"),
    gettext_noop("地级市"),
    gettext_noop("县级"),
    gettext_noop("乡级"),
    gettext_noop("村级"),
    gettext_noop("珠三角"),
    gettext_noop("粤东"),
    gettext_noop("粤西"),
    gettext_noop("粤北"),
    gettext_noop("街道"),
    gettext_noop("镇"),
    gettext_noop("乡"),
    gettext_noop("类似乡级单位"),
    gettext_noop("居委会"),
    gettext_noop("村委会"),
    gettext_noop("类似居委会"),
    gettext_noop("类似村委会"),
    gettext_noop("自治县"),
    gettext_noop("县"),
    gettext_noop("县级市"),
    gettext_noop("市辖区"),
    gettext_noop("其他"),
)

LEVEL_CHOICES = [(level.value, _(LEVEL_LABELS[level])) for level in Level]
REGION_CHOICES = [(region.value, _(REGION_LABELS[region])) for region in Region]


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
        return gettext(REGION_LABELS[Region(self.region)]) if self.region else ""

    @property
    def kind_label(self) -> str:
        """The unit type (镇, 街道, 村委会…) in the language in use."""
        return gettext(self.kind)

    def contains(self, code: str) -> bool:
        return code.startswith(self.prefix)
