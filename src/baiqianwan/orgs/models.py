from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.models import TimeStampedModel
from baiqianwan.core.scope import ScopedModel
from baiqianwan.core.validators import mask_id_number, mask_mobile


class OrganisationKind(models.TextChoices):
    UNIVERSITY = "university", _("高校")
    INSTITUTE = "institute", _("科研院所")
    ENTERPRISE = "enterprise", _("企业")
    COOPERATIVE = "cooperative", _("农民专业合作社")
    FAMILY_FARM = "family_farm", _("家庭农场")
    BANK = "bank", _("银行")
    FUND = "fund", _("投资基金")
    GOVERNMENT = "government", _("政府部门")
    NEW_RD = "new_rd", _("新型研发机构")
    EXTENSION = "extension", _("农技推广机构")
    SOCIETY = "society", _("社会组织")
    OTHER = "other", _("其他")


class Organisation(ScopedModel, TimeStampedModel):
    name = models.CharField(_("单位名称"), max_length=120, db_index=True)
    kind = models.CharField(_("单位类型"), max_length=20, choices=OrganisationKind.choices, db_index=True)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    division = models.ForeignKey(
        "regions.Division", verbose_name=_("所在地"), on_delete=models.PROTECT, related_name="organisations"
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=40, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    website = models.CharField(_("网址"), max_length=200, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    # Raised by every edit: an edit made from an older version is refused (core/concurrency.py).
    version = models.PositiveIntegerField(_("版本"), default=0)

    scope_division_path = "division"
    scope_organisation_path = "id"

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["division_id", "name"]

    def __str__(self) -> str:
        return self.name


class Person(ScopedModel, TimeStampedModel):
    """A researcher, expert, commissioner or contact; personal numbers are shown masked."""

    class Gender(models.TextChoices):
        MALE = "male", _("男")
        FEMALE = "female", _("女")

    name = models.CharField(_("姓名"), max_length=40, db_index=True)
    gender = models.CharField(_("性别"), max_length=8, choices=Gender.choices, blank=True)
    id_number = models.CharField(_("身份证号"), max_length=18, unique=True)
    mobile = models.CharField(_("手机号码"), max_length=11)
    email = models.EmailField(_("电子邮箱"), blank=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("所在单位"), on_delete=models.PROTECT, related_name="people"
    )
    title = models.CharField(_("职称"), max_length=40, blank=True)
    position = models.CharField(_("职务"), max_length=40, blank=True)
    fields = models.CharField(_("专业领域"), max_length=200, blank=True)

    scope_division_path = "organisation__division"
    scope_organisation_path = "organisation_id"

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["organisation_id", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def mobile_masked(self) -> str:
        return mask_mobile(self.mobile)
