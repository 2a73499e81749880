"""创新型专业镇 (政策 三(五)): the register of towns with their leading industry, certification and
status through annual management, the pairs of a 珠三角 town with a 粤东西北 town, and what each
pair does together."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.models import RecordEvent, TimeStampedModel, acted_by
from baiqianwan.core.scope import ScopedModel

MAX_COUNT = 100000


class TownStatus(models.TextChoices):
    CULTIVATING = "cultivating", _("培育")
    CERTIFIED = "certified", _("认定")
    REVIEWING = "reviewing", _("复核")
    RECTIFYING = "rectifying", _("整改")
    REVOKED = "revoked", _("已撤销")


# The towns that count as 创新型专业镇 (KPI-INNOVATIVE-TOWNS) and take part in pairing: certified,
# including those under review or rectifying within their validity.
COUNTED = (TownStatus.CERTIFIED, TownStatus.REVIEWING, TownStatus.RECTIFYING)


class InnovativeTown(ScopedModel, TimeStampedModel):
    """One town of the register, with the profile the pairing reads."""

    division = models.OneToOneField(
        "regions.Division",
        verbose_name=_("镇（街道）"),
        on_delete=models.PROTECT,
        related_name="innovative_town",
    )
    in_east_west_north = models.BooleanField(_("粤东西北"), default=False)
    leading_industry = models.CharField(_("主导产业"), max_length=60)
    industry_codes = models.JSONField(_("国民经济行业代码"), default=list, blank=True)
    products = models.CharField(_("主导产品"), max_length=300, blank=True)
    platforms = models.PositiveIntegerField(
        _("创新平台数"), default=0, validators=[MaxValueValidator(MAX_COUNT)]
    )
    enterprises = models.PositiveIntegerField(
        _("高新技术企业数"), default=0, validators=[MaxValueValidator(MAX_COUNT)]
    )
    strengths = models.CharField(_("创新资源与优势"), max_length=300, blank=True)
    needs = models.CharField(_("技术需求"), max_length=500, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=TownStatus.choices, default=TownStatus.CULTIVATING
    )
    certified_on = models.DateField(_("认定日期"), null=True, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    application = models.OneToOneField(
        "calls.Application",
        verbose_name=_("认定申报"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="innovative_town",
    )
    version = models.PositiveIntegerField(_("版本"), default=0)

    scope_division_path = "division"

    class Meta:
        verbose_name = _("创新型专业镇")
        verbose_name_plural = _("创新型专业镇")
        ordering = ["division_id"]

    def __str__(self) -> str:
        return f"{self.division.full_name}（{self.leading_industry}）"

    @property
    def counted(self) -> bool:
        return self.status in COUNTED


class TownAction(models.TextChoices):
    REGISTER = "register", _("列入名录")
    PROFILE = "profile", _("更新概况")
    STATUS = "status", _("变更状态")
    REVIEW = "review", _("年度管理")


class TownEvent(RecordEvent):
    town = models.ForeignKey(
        InnovativeTown, verbose_name=_("专业镇"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("操作"), max_length=20, choices=TownAction.choices)

    class Meta(RecordEvent.Meta):
        verbose_name = _("专业镇记录")
        verbose_name_plural = _("专业镇记录")

    def __str__(self) -> str:
        return f"{self.town_id} {self.action}"


class ReviewKind(models.TextChoices):
    ANNUAL = "annual", _("年度报告")
    MIDTERM = "midterm", _("中期评估")
    FINAL = "final", _("期末验收")


class ReviewOutcome(models.TextChoices):
    PASS = "pass", _("通过")
    RECTIFY = "rectify", _("整改")
    REVOKE = "revoke", _("撤销")


class TownReview(TimeStampedModel):
    """One step of a certified town's management: its yearly report, the mid-term review or the
    acceptance at the end of its validity, judged on the acceptance scoring of that year (the score
    and grade are kept as they were when the province decided)."""

    town = models.ForeignKey(
        InnovativeTown, verbose_name=_("专业镇"), on_delete=models.CASCADE, related_name="reviews"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("类型"), max_length=8, choices=ReviewKind.choices)
    score = models.DecimalField(_("验收评价得分"), max_digits=7, decimal_places=2)
    grade = models.CharField(_("等级"), max_length=10)
    rank = models.PositiveIntegerField(_("排名"), null=True, blank=True)
    system_version = models.CharField(_("评价体系版本"), max_length=80)
    outcome = models.CharField(_("结论"), max_length=8, choices=ReviewOutcome.choices)
    note = models.CharField(_("意见"), max_length=500)
    decided_by = acted_by(_("决定人"))

    class Meta:
        verbose_name = _("专业镇年度管理")
        verbose_name_plural = _("专业镇年度管理")
        ordering = ["-year", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["town", "year", "kind"], name="one_review_per_town_year_kind")
        ]

    def __str__(self) -> str:
        return f"{self.town_id} {self.year} {self.kind}"


class PairStatus(models.TextChoices):
    ACTIVE = "active", _("结对中")
    ENDED = "ended", _("已结束")


class TownPair(ScopedModel, TimeStampedModel):
    """A confirmed pair: a 珠三角 town and a 粤东西北 town, with the score and the reasons the
    proposal gave (kept as they were when the province confirmed it)."""

    pearl = models.ForeignKey(
        InnovativeTown, verbose_name=_("珠三角专业镇"), on_delete=models.PROTECT, related_name="pearl_pairs"
    )
    ewn = models.ForeignKey(
        InnovativeTown, verbose_name=_("粤东西北专业镇"), on_delete=models.PROTECT, related_name="ewn_pairs"
    )
    score = models.FloatField(_("关联度得分"))
    explanation = models.CharField(_("结对理由"), max_length=1000)
    status = models.CharField(_("状态"), max_length=8, choices=PairStatus.choices, default=PairStatus.ACTIVE)
    confirmed_by = acted_by(_("确认人"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)

    # Each town's bureaus see its pairs.
    scope_division_path = ("pearl__division", "ewn__division")

    class Meta:
        verbose_name = _("专业镇结对")
        verbose_name_plural = _("专业镇结对")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["pearl", "ewn"], condition=models.Q(status="active"), name="one_active_pair_per_towns"
            )
        ]

    def __str__(self) -> str:
        return f"{self.pearl_id} ↔ {self.ewn_id}"


class ActivityKind(models.TextChoices):
    RESEARCH = "research", _("共性技术研发")
    MODEL = "model", _("模式借鉴")
    STANDARD = "standard", _("标准联动")


class JointActivity(TimeStampedModel):
    """What a pair did together (三(五)三是) and what came of it."""

    pair = models.ForeignKey(
        TownPair, verbose_name=_("结对"), on_delete=models.CASCADE, related_name="activities"
    )
    kind = models.CharField(_("合作方式"), max_length=10, choices=ActivityKind.choices)
    title = models.CharField(_("活动"), max_length=120)
    held_on = models.DateField(_("日期"))
    summary = models.TextField(_("内容"), max_length=2000)
    results = models.CharField(_("成效"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("结对合作活动")
        verbose_name_plural = _("结对合作活动")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title
