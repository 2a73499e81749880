"""The ledgers of people serving counties, towns and villages.

- 科研院校县域研究机构 (三(七)一是): a university's or institute's 县域研究院, 工作站, 试验站 or 分中心 in a
  county, with its staff on site, the agreement with the county government and its yearly results.
  Those open today are KPI-COUNTY-OUTPOSTS; their staff on site are one part of KPI-TALENT-SERVING.
- 致富带头人 (三(六)二是): rural entrepreneurs a 科技特派员 supports, registered with their consent,
  with the jobs and income they report each year, and the 农业科技致富共同体 they form.
- 人才工程入选 (三(八)二是): people selected by a provincial talent programme while serving a county.

Money is 元 with two decimals (Decimal, never float).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.models import TimeStampedModel, acted_by
from baiqianwan.core.money import money_field
from baiqianwan.core.scope import ScopedModel
from baiqianwan.core.validators import mask_mobile


class OutpostKind(models.TextChoices):
    INSTITUTE = "institute", _("县域研究院")
    STATION = "station", _("工作站")
    EXPERIMENT = "experiment", _("试验站")
    BRANCH = "branch", _("分中心")


class Outpost(ScopedModel, TimeStampedModel):
    """A research outpost a university or institute set up in a county (政策 三(七)一是)."""

    name = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(_("类型"), max_length=12, choices=OutpostKind.choices, db_index=True)
    host = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("依托单位"),
        on_delete=models.PROTECT,
        related_name="talent_outposts",
    )
    county = models.ForeignKey(
        "regions.Division", verbose_name=_("所在县（市、区）"), on_delete=models.PROTECT, related_name="+"
    )
    fields = models.CharField(_("研究领域"), max_length=200, blank=True)
    staff_on_site = models.PositiveIntegerField(_("驻点科研人员数"), default=0)
    staff = models.ManyToManyField(
        "orgs.Person", verbose_name=_("驻点人员"), blank=True, related_name="talent_outposts"
    )
    partner = models.CharField(_("合作县政府"), max_length=120, blank=True)
    agreement_signed_on = models.DateField(_("协议签订日期"), null=True, blank=True)
    agreement_years = models.PositiveSmallIntegerField(_("协议期限（年）"), null=True, blank=True)
    opened_on = models.DateField(_("设立日期"))
    closed_on = models.DateField(_("撤销日期"), null=True, blank=True)
    in_east_west_north = models.BooleanField(_("在粤东西北"), default=False, db_index=True)
    is_public = models.BooleanField(_("对所有用户公开"), default=True)
    created_by = acted_by(_("登记人"))
    version = models.PositiveIntegerField(_("版本"), default=0)

    scope_division_path = "county"
    scope_organisation_path = "host"
    scope_public_field = "is_public"

    class Meta:
        verbose_name = _("县域研究机构")
        verbose_name_plural = _("县域研究机构")
        ordering = ["county", "name"]
        constraints = [
            models.UniqueConstraint(fields=["county", "name"], name="one_outpost_name_per_county"),
        ]

    def __str__(self) -> str:
        return self.name


class OutpostResult(ScopedModel, TimeStampedModel):
    """What an outpost did in one year: demands solved, achievements transferred, people trained."""

    outpost = models.ForeignKey(
        Outpost, verbose_name=_("县域研究机构"), on_delete=models.CASCADE, related_name="results"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    demands_solved = models.PositiveIntegerField(_("解决需求数"), default=0)
    achievements_transferred = models.PositiveIntegerField(_("转化成果数"), default=0)
    people_trained = models.PositiveIntegerField(_("培训人数"), default=0)
    summary = models.CharField(_("年度成效"), max_length=1000, blank=True)
    recorded_by = acted_by(_("填报人"))

    scope_division_path = "outpost__county"
    scope_organisation_path = "outpost__host"
    scope_public_field = "outpost__is_public"

    class Meta:
        verbose_name = _("县域研究机构年度成效")
        verbose_name_plural = _("县域研究机构年度成效")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["outpost", "year"], name="one_result_per_outpost_year")
        ]

    def __str__(self) -> str:
        return f"{self.outpost_id} {self.year}"


class Leader(ScopedModel, TimeStampedModel):
    """A rural entrepreneur a 科技特派员 supports (科技型农村致富带头人), registered with consent."""

    name = models.CharField(_("姓名"), max_length=40, db_index=True)
    mobile = models.CharField(_("手机号码"), max_length=11)
    division = models.ForeignKey(
        "regions.Division", verbose_name=_("所在村镇"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("创办的企业或合作社"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    enterprise_name = models.CharField(_("企业或合作社名称"), max_length=120, blank=True)
    industry = models.CharField(_("产业"), max_length=60)
    consent_on = models.DateField(_("同意登记日期"))
    commissioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("帮扶科技特派员"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    commissioner_person = models.ForeignKey(
        "orgs.Person",
        verbose_name=_("特派员本人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("帮扶情况"), max_length=500, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=0)

    scope_division_path = "division"
    scope_owner_path = "commissioner"

    class Meta:
        verbose_name = _("致富带头人")
        verbose_name_plural = _("致富带头人")
        ordering = ["division", "name"]
        constraints = [models.UniqueConstraint(fields=["mobile"], name="one_leader_per_mobile")]

    def __str__(self) -> str:
        return self.name

    @property
    def mobile_masked(self) -> str:
        return mask_mobile(self.mobile)


class LeaderReport(ScopedModel, TimeStampedModel):
    """A leader's year: jobs created and the income effect, one report per year."""

    leader = models.ForeignKey(
        Leader, verbose_name=_("致富带头人"), on_delete=models.CASCADE, related_name="reports"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    jobs_created = models.PositiveIntegerField(_("带动就业人数"), default=0)
    income_effect = money_field(_("带动增收（元）"))
    note = models.CharField(_("说明"), max_length=500, blank=True)
    recorded_by = acted_by(_("填报人"))

    scope_division_path = "leader__division"
    scope_owner_path = "leader__commissioner"

    class Meta:
        verbose_name = _("致富带头人年度成效")
        verbose_name_plural = _("致富带头人年度成效")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["leader", "year"], name="one_report_per_leader_year")]

    def __str__(self) -> str:
        return f"{self.leader_id} {self.year}"


class LeaderGroup(ScopedModel, TimeStampedModel):
    """A 农业科技致富共同体: leaders of one county joined under a commissioner or an institute."""

    name = models.CharField(_("名称"), max_length=120)
    county = models.ForeignKey(
        "regions.Division", verbose_name=_("所在县（市、区）"), on_delete=models.PROTECT, related_name="+"
    )
    industry = models.CharField(_("产业"), max_length=60)
    lead_commissioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("牵头科技特派员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lead_organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("牵头单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    members = models.ManyToManyField(Leader, verbose_name=_("成员"), related_name="groups", blank=True)
    founded_on = models.DateField(_("成立日期"))
    note = models.CharField(_("说明"), max_length=500, blank=True)
    created_by = acted_by(_("登记人"))

    scope_division_path = "county"
    scope_organisation_path = "lead_organisation"
    scope_owner_path = "lead_commissioner"

    class Meta:
        verbose_name = _("农业科技致富共同体")
        verbose_name_plural = _("农业科技致富共同体")
        ordering = ["county", "name"]
        constraints = [models.UniqueConstraint(fields=["county", "name"], name="one_group_name_per_county")]

    def __str__(self) -> str:
        return self.name


class TalentSelection(ScopedModel, TimeStampedModel):
    """A person selected by a provincial talent programme, serving a county (三(八)二是)."""

    person = models.ForeignKey(
        "orgs.Person", verbose_name=_("入选人员"), on_delete=models.PROTECT, related_name="+"
    )
    programme = models.CharField(_("人才工程"), max_length=60)
    year = models.PositiveSmallIntegerField(_("入选年度"), db_index=True)
    county = models.ForeignKey(
        "regions.Division",
        verbose_name=_("服务县（市、区）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = acted_by(_("登记人"))

    scope_division_path = "county"

    class Meta:
        verbose_name = _("人才工程入选")
        verbose_name_plural = _("人才工程入选")
        ordering = ["-year", "programme"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "programme", "year"], name="one_selection_per_person_programme_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.year}"
