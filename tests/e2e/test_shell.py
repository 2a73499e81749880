"""The shell in a real browser: dashboard, the ECharts map and the role-aware menu."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role

from ..conftest import A

pytestmark = pytest.mark.e2e


def nav_labels(page: Page) -> list[str]:
    """Every entry of the menu, those inside the section dropdowns included."""
    top = page.locator("#navbar-menu .nav-link-title").all_text_contents()
    inside = page.locator("#navbar-menu .dropdown-item").all_text_contents()
    return [t.strip() for t in [*top, *inside]]


def test_town_operator_sees_dashboard_map_and_own_menu(
    make_user: Callable[..., User], login: Callable[..., Page], js_errors: list[str]
) -> None:
    user = make_user(Role.TOWN, A["town"], username="huliao_town", display_name="陈志明")
    page = login(user.username)

    expect(page.locator("h2.page-title")).to_have_text("陈志明，您好")
    expect(page.locator(".page-pretitle")).to_contain_text("乡镇（街道） · 梅州市大埔县湖寮镇")

    scope_card = page.locator(".card", has=page.get_by_role("heading", name="我的管辖范围"))
    expect(scope_card).to_be_visible()
    expect(scope_card.get_by_role("link", name="湖寮镇")).to_be_visible()
    expect(scope_card).to_contain_text("441422100000")
    expect(scope_card).to_contain_text("广东省 › 梅州市 › 大埔县 ›")

    # The map: ECharts draws into a canvas, then the Guangdong GeoJSON is fetched and registered
    # (or the script replaces the chart with its error text). Wait for either outcome.
    page.wait_for_function(
        """() => {
            const element = document.getElementById("gd-map");
            if (element.textContent.includes("地图数据加载失败")) return true;
            const chart = window.echarts && echarts.getInstanceByDom(element);
            const option = chart && chart.getOption();
            const series = option && option.series;
            return !!(series && series.length && series[0].map === "guangdong");
        }"""
    )
    map_text = page.locator("#gd-map").inner_text()
    assert "地图数据加载失败" not in map_text, f"地图没有画出来：{map_text}"
    expect(page.locator("#gd-map canvas").first).to_be_visible()
    # Every city of the data has its shape in the GeoJSON (a missing name would stay grey).
    drawn = page.evaluate(
        """() => {
            const features = echarts.getMap("guangdong").geoJSON.features;
            const names = new Set(features.map((f) => f.properties.name));
            const chart = echarts.getInstanceByDom(document.getElementById("gd-map"));
            const data = chart.getOption().series[0].data;
            return {cities: data.length, missing: data.map((d) => d.name).filter((n) => !names.has(n))};
        }"""
    )
    assert drawn == {"cities": 21, "missing": []}, drawn

    labels = nav_labels(page)
    assert "首页" in labels
    assert "行政区划" in labels
    assert "用户管理" not in labels, f"乡镇用户不应看到“用户管理”：{labels}"
    assert "审计日志" not in labels, f"乡镇用户不应看到“审计日志”：{labels}"
    assert js_errors == [], f"页面脚本报错：{js_errors}"


def test_province_user_sees_audit_and_user_management(
    make_user: Callable[..., User], login: Callable[..., Page]
) -> None:
    user = make_user(Role.PROVINCE, "440000000000", username="gd_province")
    page = login(user.username)
    labels = nav_labels(page)
    assert "审计日志" in labels, labels
    assert "用户管理" in labels, labels
    page.locator("#navbar-menu").get_by_role("button", name="系统").click()
    page.locator("#navbar-menu").get_by_role("link", name="审计日志").click()
    expect(page.locator("h2.page-title")).to_contain_text("审计")
