"""Roles (DESIGN §1) and what each may do. Pure data and small predicates."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from baiqianwan.regions.classification import Level


class Role(models.TextChoices):
    PROVINCE = "province", _("省科技厅")
    CITY = "city", _("地市科技局")
    COUNTY = "county", _("县（市、区）科技部门")
    TOWN = "town", _("乡镇（街道）")
    VILLAGE = "village", _("村（居）委会")
    COMMISSIONER = "commissioner", _("科技特派员")
    ORG = "org", pgettext_lazy("role", "单位")
    EXPERT = "expert", _("评审专家")


# Region roles are bound to a division of this level (东莞、中山 have no county level:
# their towns are managed by the city bureau).
ROLE_LEVEL = {
    Role.PROVINCE: Level.PROVINCE,
    Role.CITY: Level.CITY,
    Role.COUNTY: Level.COUNTY,
    Role.TOWN: Level.TOWN,
    Role.VILLAGE: Level.VILLAGE,
}
REGION_ROLES = frozenset(ROLE_LEVEL)
ORGANISATION_ROLES = frozenset({Role.ORG})
PERSONAL_ROLES = frozenset({Role.COMMISSIONER, Role.EXPERT})

# Who manages users, organisations and people within their own scope.
MANAGER_ROLES = frozenset({Role.PROVINCE, Role.CITY, Role.COUNTY})
# Roles a manager of a given role may create (never a role above its own).
CREATABLE_ROLES = {
    Role.PROVINCE: tuple(Role),
    Role.CITY: (Role.CITY, Role.COUNTY, Role.TOWN, Role.VILLAGE, Role.ORG, Role.COMMISSIONER, Role.EXPERT),
    Role.COUNTY: (Role.COUNTY, Role.TOWN, Role.VILLAGE, Role.ORG, Role.COMMISSIONER, Role.EXPERT),
}
# Roles that see full personal numbers (身份证号, 手机号) of people in their scope.
PERSONAL_DATA_ROLES = frozenset({Role.PROVINCE, Role.CITY, Role.COUNTY, Role.ORG})
