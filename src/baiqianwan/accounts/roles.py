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
    # 三权分立 (等保2.0 三级): three administrators, none bound to a division or an organisation.
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")


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
# 三权分立: the system administrator manages accounts and settings, the security administrator
# roles, lockouts, two-factor resets and password rules, the audit administrator reads the audit
# log. Each holds only that duty and sees none of the programme's business data (rules.py).
ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
BUSINESS_ROLES = tuple(role for role in Role if role not in ADMIN_ROLES)
# Who must sign in with a second factor (when settings.REQUIRE_2FA is on); others may opt in.
TWO_FACTOR_ROLES = frozenset({Role.PROVINCE, *ADMIN_ROLES})
# Who manages user accounts anywhere in the province (create, edit, enable/disable, passwords).
USER_ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN})
# Who changes roles, unlocks locked accounts, resets two-factor login and sees the password rules.
SECURITY_ROLES = frozenset({Role.SECURITY_ADMIN})
# Who may reset another user's two-factor login after a lost device (province: business users only).
TWO_FACTOR_RESET_ROLES = frozenset({Role.SECURITY_ADMIN, Role.PROVINCE})
# Who reads the audit log (the province kept the right it had before the three administrators).
AUDIT_ROLES = frozenset({Role.PROVINCE, Role.AUDIT_ADMIN})

# Who manages users, organisations and people within their own scope.
MANAGER_ROLES = frozenset({Role.PROVINCE, Role.CITY, Role.COUNTY})
# Roles a manager of a given role may create (never a role above its own).
CREATABLE_ROLES = {
    Role.SYSTEM_ADMIN: tuple(Role),
    Role.PROVINCE: BUSINESS_ROLES,
    Role.CITY: (Role.CITY, Role.COUNTY, Role.TOWN, Role.VILLAGE, Role.ORG, Role.COMMISSIONER, Role.EXPERT),
    Role.COUNTY: (Role.COUNTY, Role.TOWN, Role.VILLAGE, Role.ORG, Role.COMMISSIONER, Role.EXPERT),
}
# Roles that see full personal numbers (身份证号, 手机号) of people in their scope.
PERSONAL_DATA_ROLES = frozenset({Role.PROVINCE, Role.CITY, Role.COUNTY, Role.ORG})
