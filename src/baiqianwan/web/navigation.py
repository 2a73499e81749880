"""The role-aware menu: each entry says who sees it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: Any
    url_name: str
    icon: str
    visible: Callable[[Any], bool]
    section: Any = ""  # a lazy translation: the dropdown's label


def _everyone(user: Any) -> bool:
    """Every business user; the three administrators see only their duty's pages (三权分立)."""
    return bool(user.is_authenticated) and not getattr(user, "is_administrator", False)


def _signed_in(user: Any) -> bool:
    return bool(user.is_authenticated)


def _sees_users(user: Any) -> bool:
    return bool(getattr(user, "sees_user_list", False))


def _manages_security(user: Any) -> bool:
    return bool(getattr(user, "manages_security", False))


def _reads_audit_log(user: Any) -> bool:
    return bool(getattr(user, "reads_audit_log", False))


def _system_admin(user: Any) -> bool:
    return bool(getattr(user, "manages_all_users", False))


def _organisation_users(user: Any) -> bool:
    return bool(getattr(user, "is_manager", False) or getattr(user, "organisation_id", None))


def _answers_connections(user: Any) -> bool:
    """Experts, commissioners and organisation staff answer the 对接 proposed to them."""
    return bool(
        getattr(user, "organisation_id", None) or getattr(user, "role", "") in ("expert", "commissioner")
    )


def _province(user: Any) -> bool:
    return bool(getattr(user, "is_province", False))


def _diligence_users(user: Any) -> bool:
    """尽职免责 cases are the units' own and the province's business."""
    return _province(user) or (
        getattr(user, "role", "") == "org" and bool(getattr(user, "organisation_id", None))
    )


def _region_users(user: Any) -> bool:
    """The province and the region offices, towns and villages fill in and review indicator reports."""
    return _province(user) or getattr(user, "role", "") in ("city", "county", "town", "village")


def _funds_ledger(user: Any) -> bool:
    """The province and the city bureaus keep the matching-funds ledger."""
    return _province(user) or getattr(user, "role", "") == "city"


def _reviews_applications(user: Any) -> bool:
    """评审专家 score the applications given to them."""
    return getattr(user, "role", "") == "expert"


def _reserve_pool(user: Any) -> bool:
    """The 上市后备 pool: the province and the region's bureaus and offices, and units (their own entry)."""
    return _province(user) or getattr(user, "role", "") in ("city", "county", "town", "org")


# Sections group related pages under one dropdown so the bar stays on one line.
COMMISSIONERS = _("科技特派员")
CALLS = _("申报评审")
ASSESSMENT = _("监测考核")
MARKET = _("技术市场")
FINANCE = _("科技金融")
TALENT = _("人才与科普")
PUBLICITY = _("宣传公示")
SYSTEM = _("系统")

MENU = [
    NavItem(_("首页"), "home", "ti-home", _signed_in),
    NavItem(_("实施方案"), "plan:page", "ti-list-check", _everyone),
    NavItem(_("指标填报"), "indicators:collect", "ti-table", _region_users, ASSESSMENT),
    NavItem(_("考核结果"), "indicators:results", "ti-chart-bar", _everyone, ASSESSMENT),
    NavItem(_("指标体系"), "indicators:definitions", "ti-adjustments", _province, ASSESSMENT),
    NavItem(
        _("专业镇验收"),
        "indicators:acceptance",
        "ti-award",
        lambda user: _province(user) or getattr(user, "role", "") in ("city", "county", "town"),
        ASSESSMENT,
    ),
    NavItem(_("申报指南"), "calls:calls", "ti-file-certificate", _everyone, CALLS),
    NavItem(_("科创载体名录"), "calls:carriers", "ti-building-factory-2", _everyone, CALLS),
    NavItem(_("申报类型"), "calls:types", "ti-adjustments-horizontal", _province, CALLS),
    NavItem(_("大专项任务清单"), "projects:programmes", "ti-list-details", _everyone, CALLS),
    NavItem(_("攻关项目"), "projects:projects", "ti-flask", _everyone, CALLS),
    NavItem(_("项目配套资金"), "projects:funds", "ti-coin-yuan", _funds_ledger, CALLS),
    NavItem(_("创新型专业镇"), "towns:towns", "ti-building-community", _everyone, CALLS),
    NavItem(_("专业镇结对"), "towns:pairs", "ti-arrows-exchange", _everyone, CALLS),
    NavItem(_("科技需求"), "demands:list", "ti-bulb", _everyone),
    NavItem(_("成果"), "supply:achievement_list", "ti-certificate", _everyone, MARKET),
    NavItem(_("成果挂牌"), "market:listings", "ti-building-store", _everyone, MARKET),
    NavItem(_("挂牌咨询"), "market:enquiries", "ti-message-question", _organisation_users, MARKET),
    NavItem(_("技术交易"), "market:deals", "ti-file-dollar", _everyone, MARKET),
    NavItem(_("交易公示"), "market:publicity", "ti-speakerphone", _everyone, MARKET),
    NavItem(_("交易统计"), "market:stats", "ti-chart-arrows", _everyone, MARKET),
    NavItem(_("尽职免责"), "market:diligence", "ti-scale", _diligence_users, MARKET),
    NavItem(_("转化活动"), "market:events", "ti-presentation", _everyone, MARKET),
    NavItem(_("科技信贷"), "finance:home", "ti-building-bank", _everyone, FINANCE),
    NavItem(_("信贷产品"), "finance:products", "ti-credit-card", _everyone, FINANCE),
    NavItem(_("找贷款"), "finance:match", "ti-search", _everyone, FINANCE),
    NavItem(_("贷款申请"), "finance:applications", "ti-file-text", _organisation_users, FINANCE),
    NavItem(_("贷款"), "finance:loans", "ti-cash", _organisation_users, FINANCE),
    NavItem(_("风险补偿"), "finance:claims", "ti-shield-half", _organisation_users, FINANCE),
    NavItem(_("补偿测算"), "finance:calculator", "ti-calculator", _everyone, FINANCE),
    NavItem(_("创新创业子基金"), "finance_funds:funds", "ti-coins", _everyone, FINANCE),
    NavItem(_("上市后备企业"), "finance_funds:reserve", "ti-trending-up", _reserve_pool, FINANCE),
    NavItem(_("金融服务站点"), "finance_stations:stations", "ti-map-pins", _everyone, FINANCE),
    NavItem(_("县域研究机构"), "talent:outposts", "ti-microscope", _everyone, TALENT),
    NavItem(_("致富带头人"), "talent:leaders", "ti-plant-2", _everyone, TALENT),
    NavItem(_("致富共同体"), "talent:groups", "ti-users", _everyone, TALENT),
    NavItem(_("人才工程入选"), "talent:selections", "ti-medal", _everyone, TALENT),
    NavItem(_("服务县镇村的人才"), "talent:serving", "ti-chart-pie", _everyone, TALENT),
    NavItem(_("科普活动"), "outreach:events", "ti-atom", _everyone, TALENT),
    NavItem(_("科普区域平衡"), "outreach:balance", "ti-scale", _everyone, TALENT),
    NavItem(_("科学教师培训"), "outreach:courses", "ti-school", _everyone, TALENT),
    NavItem(_("智库联盟"), "outreach:members", "ti-bulb", _everyone, TALENT),
    NavItem(_("深调研报告"), "outreach:reports", "ti-file-text", _everyone, TALENT),
    NavItem(_("智库研讨会"), "outreach:seminars", "ti-presentation", _everyone, TALENT),
    NavItem(_("典型案例"), "outreach_publicity:cases", "ti-news", _everyone, PUBLICITY),
    NavItem(_("通报表扬"), "outreach_publicity:commendations", "ti-award", _everyone, PUBLICITY),
    NavItem(_("政策与解读"), "outreach_publicity:policies", "ti-file-description", _everyone, PUBLICITY),
    NavItem(_("公众服务门户"), "portal:home", "ti-world", _everyone, PUBLICITY),
    NavItem(_("专家"), "supply:expert_list", "ti-school", _everyone),
    NavItem(_("智能匹配"), "matching:search", "ti-arrows-shuffle", _everyone),
    NavItem(_("我的对接"), "demands:connections", "ti-link", _answers_connections),
    NavItem(_("评审任务"), "reviews:queue", "ti-clipboard-check", _reviews_applications),
    NavItem(_("专家评审"), "reviews:calls", "ti-gavel", _province),
    NavItem(_("特派员选派"), "commissioners:rounds", "ti-users-group", _everyone, COMMISSIONERS),
    NavItem(_("特派员团队"), "commissioners:teams", "ti-tent", _everyone, COMMISSIONERS),
    NavItem(_("特派员概览"), "commissioners:overview", "ti-chart-dots-3", _everyone, COMMISSIONERS),
    NavItem(_("行政区划"), "regions:tree", "ti-map-2", _everyone, SYSTEM),
    NavItem(_("单位"), "orgs:organisation_list", "ti-building", _organisation_users, SYSTEM),
    NavItem(_("人员"), "orgs:person_list", "ti-users", _organisation_users, SYSTEM),
    NavItem(_("用户管理"), "accounts:user_list", "ti-user-cog", _sees_users, SYSTEM),
    NavItem(_("安全管理"), "accounts:security", "ti-lock", _manages_security, SYSTEM),
    NavItem(_("系统配置"), "system_settings", "ti-adjustments-alt", _system_admin, SYSTEM),
    NavItem(_("审计日志"), "audit", "ti-shield-check", _reads_audit_log, SYSTEM),
    NavItem(_("后台任务"), "jobs", "ti-loader", _everyone, SYSTEM),
]
SECTION_ICONS = {
    str(COMMISSIONERS): "ti-users-group",
    str(CALLS): "ti-file-certificate",
    str(ASSESSMENT): "ti-chart-bar",
    str(MARKET): "ti-building-store",
    str(FINANCE): "ti-building-bank",
    str(TALENT): "ti-school",
    str(PUBLICITY): "ti-speakerphone",
    str(SYSTEM): "ti-settings",
}


def menu_for(user: Any, path: str) -> list[dict[str, Any]]:
    """Top-level entries; a section's entries sit under one entry with ``children``."""
    items: list[dict[str, Any]] = []
    sections: dict[str, dict[str, Any]] = {}
    # The three administrators have a few pages, all of one duty: each is on the bar itself.
    flat = bool(getattr(user, "is_administrator", False))
    for item in MENU:
        if not item.visible(user):
            continue
        url = reverse(item.url_name)
        active = path == url if url == "/" else path.startswith(url)
        entry = {"label": item.label, "url": url, "icon": item.icon, "active": active}
        if not item.section or flat:
            items.append(entry)
            continue
        key = str(item.section)
        if key not in sections:
            sections[key] = {
                "label": item.section,
                "icon": SECTION_ICONS.get(key, item.icon),
                "children": [],
                "active": False,
                "id": f"nav-section-{len(sections)}",
            }
            items.append(sections[key])
        sections[key]["children"].append(entry)
        sections[key]["active"] = sections[key]["active"] or active
    return items
