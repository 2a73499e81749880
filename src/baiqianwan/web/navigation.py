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
    section: str = ""


def _everyone(user: Any) -> bool:
    return bool(user.is_authenticated)


def _managers(user: Any) -> bool:
    return bool(getattr(user, "is_manager", False))


def _organisation_users(user: Any) -> bool:
    return bool(getattr(user, "is_manager", False) or getattr(user, "organisation_id", None))


def _answers_connections(user: Any) -> bool:
    """Experts, commissioners and organisation staff answer the 对接 proposed to them."""
    return bool(
        getattr(user, "organisation_id", None) or getattr(user, "role", "") in ("expert", "commissioner")
    )


def _province(user: Any) -> bool:
    return bool(getattr(user, "is_province", False))


MENU = [
    NavItem(_("首页"), "home", "ti-home", _everyone),
    NavItem(_("实施方案"), "plan:page", "ti-list-check", _everyone),
    NavItem(_("科技需求"), "demands:list", "ti-bulb", _everyone),
    NavItem(_("成果"), "supply:achievement_list", "ti-certificate", _everyone),
    NavItem(_("专家"), "supply:expert_list", "ti-school", _everyone),
    NavItem(_("智能匹配"), "matching:search", "ti-arrows-shuffle", _everyone),
    NavItem(_("我的对接"), "demands:connections", "ti-link", _answers_connections),
    NavItem(_("特派员选派"), "commissioners:rounds", "ti-users-group", _everyone),
    NavItem(_("行政区划"), "regions:tree", "ti-map-2", _everyone),
    NavItem(_("单位"), "orgs:organisation_list", "ti-building", _organisation_users),
    NavItem(_("人员"), "orgs:person_list", "ti-users", _organisation_users),
    NavItem(_("用户管理"), "accounts:user_list", "ti-user-cog", _managers),
    NavItem(_("审计日志"), "audit", "ti-shield-check", _province),
    NavItem(_("后台任务"), "jobs", "ti-loader", _everyone),
]


def menu_for(user: Any, path: str) -> list[dict[str, Any]]:
    items = []
    for item in MENU:
        if not item.visible(user):
            continue
        url = reverse(item.url_name)
        active = path == url if url == "/" else path.startswith(url)
        items.append({"label": item.label, "url": url, "icon": item.icon, "active": active})
    return items
