"""Demo users: one or more for every role, bound to real places and demo organisations."""

from __future__ import annotations

import base64

from django_otp.plugins.otp_totp.models import TOTPDevice

from baiqianwan.orgs.models import Organisation
from baiqianwan.regions.models import Division

from .models import User
from .roles import TWO_FACTOR_ROLES, Role

DEMO_PASSWORD = "Bqw@2025demo"  # noqa: S105  (printed for the demo; never used outside it)
# The demo accounts that must sign in with a second factor (the province and the three
# administrators) share this published TOTP key, so one entry in any authenticator app serves them
# all. `bqw demo` prints it. A demonstration key, never a real one.
DEMO_TOTP_SECRET = "BQWDEMOBQWDEMOBQWDEMOBQWDEMOBQWD"  # noqa: S105

# (username, display name, role, division code or None, organisation name or None)
USERS = [
    ("gd_admin", "省科技厅农村科技处", Role.PROVINCE, "440000000000", None),
    ("mz_city", "梅州市科技局", Role.CITY, "441400000000", None),
    ("qy_city", "清远市科技局", Role.CITY, "441800000000", None),
    ("gz_city", "广州市科技局", Role.CITY, "440100000000", None),
    ("dg_city", "东莞市科技局", Role.CITY, "441900000000", None),
    ("dabu_county", "大埔县科工商务局", Role.COUNTY, "441422000000", None),
    ("yingde_county", "英德市科技局", Role.COUNTY, "441881000000", None),
    ("huliao_town", "湖寮镇人民政府", Role.TOWN, "441422100000", None),
    ("lianjiangkou_town", "连江口镇人民政府", Role.TOWN, "441881129000", None),
    ("changjiao_village", "长教村委会", Role.VILLAGE, "441422100202", None),
    ("lianzhang_village", "连樟村委会", Role.VILLAGE, "441881129202", None),
    ("scau_org", "华南农业大学科技处", Role.ORG, None, "华南农业大学"),
    ("gdaas_org", "广东省农业科学院成果转化处", Role.ORG, None, "广东省农业科学院"),
    ("bank_org", "梅州客商银行普惠金融部", Role.ORG, None, "梅州客商银行"),
    ("commissioner_li", "李建华（科技特派员）", Role.COMMISSIONER, "441422000000", None),
    ("expert_chen", "陈晓燕（评审专家）", Role.EXPERT, "440100000000", None),
    ("sys_admin", "信息中心系统管理员", Role.SYSTEM_ADMIN, None, None),
    ("sec_admin", "信息中心安全管理员", Role.SECURITY_ADMIN, None, None),
    ("audit_admin", "监察室审计管理员", Role.AUDIT_ADMIN, None, None),
]


def demo_users() -> list[tuple[str, str, str]]:
    rows = []
    for username, display_name, role, division_code, organisation_name in USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "display_name": display_name,
                "role": role,
                "division": Division.objects.get(code=division_code) if division_code else None,
                "organisation": Organisation.all_objects.get(name=organisation_name)
                if organisation_name
                else None,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.full_clean()
            user.save()
        if role in TWO_FACTOR_ROLES:
            demo_authenticator(user)
        rows.append((username, str(Role(role).label), user.binding_label))
    return rows


def demo_authenticator(user: User) -> TOTPDevice:
    """A confirmed authenticator on the published demo key (DEMO_TOTP_SECRET)."""
    key = base64.b32decode(DEMO_TOTP_SECRET).hex()
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=True, defaults={"name": "演示身份验证器", "key": key}
    )
    return device


def desk_user(role: str, division: Division) -> User:
    """A bureau's (or a town's) desk account for demo records of places without a demo login; it
    cannot sign in."""
    suffix = division.code[:9] if role == Role.TOWN else division.code[:6]
    user, created = User.objects.get_or_create(
        username=f"desk_{role}_{suffix}",
        defaults={
            "display_name": f"{division.name}{'人民政府' if role == Role.TOWN else '科技部门'}",
            "role": role,
            "division": division,
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
