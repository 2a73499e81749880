from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.models import TimeStampedModel
from baiqianwan.core.scope import ScopedModel


class Maturity(models.TextChoices):
    LAB = "lab", _("实验室阶段")
    PILOT = "pilot", _("中试阶段")
    SMALL_BATCH = "small_batch", _("小批量应用")
    INDUSTRIAL = "industrial", _("产业化推广")


class IpType(models.TextChoices):
    PATENT = "patent", _("专利")
    VARIETY = "variety", _("植物新品种")
    SOFTWARE = "software", _("软件著作权")
    KNOW_HOW = "know_how", _("技术秘密")
    STANDARD = "standard", _("标准")


class TransferMode(models.TextChoices):
    ASSIGNMENT = "assignment", _("转让")
    LICENCE = "licence", _("许可")
    EQUITY = "equity", _("作价入股")
    JOINT = "joint", _("合作开发")
    SERVICE = "service", _("技术服务")


class PriceRange(models.TextChoices):
    NEGOTIABLE = "negotiable", _("面议")
    UNDER_100K = "lt100k", _("10 万元以下")
    TO_500K = "100k_500k", _("10–50 万元")
    TO_2M = "500k_2m", _("50–200 万元")
    OVER_2M = "gt2m", _("200 万元以上")


class Achievement(ScopedModel, TimeStampedModel):
    """A 科技成果 offered for transfer (policy 三(二))."""

    title = models.CharField(_("成果名称"), max_length=120)
    abstract = models.TextField(_("成果简介"), max_length=5000)
    keywords = models.CharField(_("关键词"), max_length=200, blank=True)
    industry = models.ForeignKey(
        "industries.Industry",
        verbose_name=_("应用产业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="achievements",
    )
    maturity = models.CharField(_("成熟度"), max_length=12, choices=Maturity.choices)
    ip_type = models.CharField(_("知识产权类型"), max_length=12, choices=IpType.choices)
    transfer_modes = models.JSONField(_("转化方式"), default=list)
    price = models.CharField(
        _("价格区间"), max_length=12, choices=PriceRange.choices, default=PriceRange.NEGOTIABLE
    )
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("成果所有单位"),
        on_delete=models.PROTECT,
        related_name="achievements",
    )
    contact_name = models.CharField(_("联系人"), max_length=40, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    is_public = models.BooleanField(_("在技术市场公开"), default=True)

    scope_division_path = "organisation__division"
    scope_organisation_path = "organisation"
    scope_public_field = "is_public"

    class Meta:
        verbose_name = _("科技成果")
        verbose_name_plural = _("科技成果")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def transfer_mode_labels(self) -> list[str]:
        labels = dict(TransferMode.choices)
        return [str(labels.get(mode, mode)) for mode in self.transfer_modes]


class Availability(models.TextChoices):
    AVAILABLE = "available", _("可接受对接")
    BUSY = "busy", _("近期繁忙")
    UNAVAILABLE = "unavailable", _("暂不接受")


class Dialect(models.TextChoices):
    CANTONESE = "cantonese", _("粤语")
    HAKKA = "hakka", _("客家话")
    TEOCHEW = "teochew", _("潮汕话")
    LEIZHOU = "leizhou", _("雷州话")


class ExpertProfile(ScopedModel, TimeStampedModel):
    """An expert's profile: serves matching now, and commissioners and reviewers later."""

    person = models.OneToOneField(
        "orgs.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="expert_profile"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("平台账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="expert_profile",
    )
    industries = models.ManyToManyField("industries.Industry", verbose_name=_("服务产业"), blank=True)
    keywords = models.CharField(_("研究方向关键词"), max_length=300)
    bio = models.TextField(_("个人简介"), max_length=3000, blank=True)
    home_city = models.ForeignKey(
        "regions.Division", verbose_name=_("常驻城市"), on_delete=models.PROTECT, related_name="+"
    )
    dialects = models.JSONField(_("方言"), default=list, blank=True)
    availability = models.CharField(
        _("可对接状态"), max_length=12, choices=Availability.choices, default=Availability.AVAILABLE
    )
    is_public = models.BooleanField(_("公开到专家库"), default=True)

    scope_division_path = "person__organisation__division"
    scope_organisation_path = "person__organisation"
    scope_owner_path = "user"
    scope_public_field = "is_public"

    class Meta:
        verbose_name = _("专家")
        verbose_name_plural = _("专家")
        ordering = ["person__name"]

    def __str__(self) -> str:
        return self.person.name

    @property
    def dialect_labels(self) -> list[str]:
        labels = dict(Dialect.choices)
        return [str(labels.get(d, d)) for d in self.dialects]
