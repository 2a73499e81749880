from __future__ import annotations

from django.db import models

from baiqianwan.core.models import TimeStampedModel
from baiqianwan.core.scope import ScopedModel
from baiqianwan.core.validators import mask_id_number, mask_mobile


class OrganisationKind(models.TextChoices):
    UNIVERSITY = "university", "高校"
    INSTITUTE = "institute", "科研院所"
    ENTERPRISE = "enterprise", "企业"
    COOPERATIVE = "cooperative", "农民专业合作社"
    FAMILY_FARM = "family_farm", "家庭农场"
    BANK = "bank", "银行"
    FUND = "fund", "投资基金"
    GOVERNMENT = "government", "政府部门"
    NEW_RD = "new_rd", "新型研发机构"
    EXTENSION = "extension", "农技推广机构"
    SOCIETY = "society", "社会组织"
    OTHER = "other", "其他"


class Organisation(ScopedModel, TimeStampedModel):
    name = models.CharField("单位名称", max_length=120, db_index=True)
    kind = models.CharField("单位类型", max_length=20, choices=OrganisationKind.choices, db_index=True)
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    division = models.ForeignKey(
        "regions.Division", verbose_name="所在地", on_delete=models.PROTECT, related_name="organisations"
    )
    address = models.CharField("地址", max_length=200, blank=True)
    contact_name = models.CharField("联系人", max_length=40, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    website = models.CharField("网址", max_length=200, blank=True)
    is_active = models.BooleanField("有效", default=True)

    scope_division_path = "division"
    scope_organisation_path = "id"

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["division_id", "name"]

    def __str__(self) -> str:
        return self.name


class Person(ScopedModel, TimeStampedModel):
    """A researcher, expert, commissioner or contact; personal numbers are shown masked."""

    class Gender(models.TextChoices):
        MALE = "male", "男"
        FEMALE = "female", "女"

    name = models.CharField("姓名", max_length=40, db_index=True)
    gender = models.CharField("性别", max_length=8, choices=Gender.choices, blank=True)
    id_number = models.CharField("身份证号", max_length=18, unique=True)
    mobile = models.CharField("手机号码", max_length=11)
    email = models.EmailField("电子邮箱", blank=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name="所在单位", on_delete=models.PROTECT, related_name="people"
    )
    title = models.CharField("职称", max_length=40, blank=True)
    position = models.CharField("职务", max_length=40, blank=True)
    fields = models.CharField("专业领域", max_length=200, blank=True)

    scope_division_path = "organisation__division"
    scope_organisation_path = "organisation_id"

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"
        ordering = ["organisation_id", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def mobile_masked(self) -> str:
        return mask_mobile(self.mobile)
