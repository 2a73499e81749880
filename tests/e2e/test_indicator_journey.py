"""Journey 3 (collection): 连江口镇 reports in Excel, 英德市 and 清远市 approve, the data locks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl.utils import get_column_letter
from playwright.sync_api import Page, expect

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.indicators.collection import selectors
from baiqianwan.indicators.collection.models import Submission, SubmissionStatus

from ..indicators.factories import fill, town_set_with_a_percentage, town_values

pytestmark = pytest.mark.e2e

TOWN, COUNTY, CITY = "441881129000", "441881000000", "441800000000"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UNITS = "/indicators/collect/county_town_system.town/2026/"  # 2026 locks on 2027-02-15


@pytest.fixture
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(page: Page, name: str, data: bytes) -> None:
    page.goto(UNITS)
    page.get_by_role("link", name="上传 Excel").click()
    page.locator('input[type="file"]').set_input_files({"name": name, "mimeType": XLSX, "buffer": data})
    page.get_by_role("button", name="上传并导入").click()
    page.wait_for_url("**/jobs/*/")


@pytest.mark.usefixtures("_media_in_tmp")
def test_a_town_reports_in_excel_and_the_county_and_city_approve(
    make_user: Callable[..., User], login: Callable[..., Page], page: Page, js_errors: list[str]
) -> None:
    dataset = town_set_with_a_percentage()
    town = make_user(Role.TOWN, TOWN, username="lianjiangkou", display_name="连江口镇人民政府")
    county = make_user(Role.COUNTY, COUNTY, username="yingde", display_name="英德市科技局")
    city = make_user(Role.CITY, CITY, username="qingyuan", display_name="清远市科技局")
    province = make_user(Role.PROVINCE, "440000000000", username="gd", display_name="省科技厅")

    # The town finds its report for 2026 and downloads the template.
    login(town.username)
    page.locator("#navbar-menu").get_by_role("button", name="监测考核").click()
    page.get_by_role("link", name="指标填报").click()
    expect(page.locator(".page-title")).to_have_text("指标填报")
    page.get_by_role("link", name="2026 年").first.click()
    expect(page.locator("#units")).to_contain_text("清远市英德市连江口镇")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载 Excel 模板").click()
    template = Path(download_info.value.path()).read_bytes()

    # She fills it in Excel; two cells are wrong: a percentage of 130 and text in a number column.
    values = town_values(dataset)
    headers = {e.code: selectors.element_header(e) for e in selectors.dataset_elements(dataset)}
    good = {headers[code]: value for code, value in values.items()}
    wrong = {**good, headers["rd_firm_share"]: 130, headers["hnte"]: "见附件"}
    upload(page, "连江口镇2026年报.xlsx", fill(template, {TOWN: wrong}))
    status = page.locator("#job-status")
    expect(status.locator(".alert-danger")).to_contain_text("文件中有 2 处错误，未导入任何数据")
    errors = page.locator("#job-errors tbody tr")
    expect(errors).to_have_count(2)
    letters = {code: get_column_letter(3 + i) for i, code in enumerate(dataset.elements)}
    first, second = sorted(["rd_firm_share", "hnte"], key=lambda c: letters[c])
    expected = {
        "rd_firm_share": ["有研发活动的规上工业企业占比", "百分比应在 0 到 100 之间，不能是 130"],
        "hnte": ["高新技术企业数", "应填数字，不能填“见附件”"],
    }
    for row, code in zip((errors.nth(0), errors.nth(1)), (first, second), strict=True):
        expect(row.locator("td")).to_have_text(
            ["填报数据", "2", letters[code], f"{letters[code]}2", *expected[code]]
        )
    assert not Submission.all_objects.exists(), "有错误的文件不应导入任何数据"

    # Fixed, the file goes in as a draft, and she submits it from the list.
    upload(page, "连江口镇2026年报.xlsx", fill(template, {TOWN: good}))
    expect(status.locator(".alert-success")).to_contain_text("已导入 1 个单位的数据")
    status.get_by_role("link", name="查看结果").click()
    banner = page.locator("#upload-banner")
    expect(banner).to_contain_text("本次 Excel 导入了 1 个单位的数据")
    expect(page.locator("#units")).to_contain_text("草稿")
    banner.get_by_role("button", name="全部报送").click()
    expect(page.get_by_text("已报送 1 个单位")).to_be_visible()
    submission = Submission.all_objects.get(unit_id=TOWN, period="2026")
    assert (submission.status, submission.stage) == (SubmissionStatus.SUBMITTED, "county")
    assert submission.values["rd_firm_share"] == 40.0
    page.context.clear_cookies()

    # 英德市 reviews it from its queue and approves.
    login(county.username)
    page.goto("/indicators/collect/")
    page.get_by_role("link", name="待我审核").click()
    page.get_by_role("link", name="清远市英德市连江口镇").click()
    expect(page.locator("#entry-status")).to_contain_text("待县（市、区）审核")
    page.locator("#review-box").get_by_role("button", name="审核通过").click()
    expect(page.get_by_text("审核通过，已转地级市审核")).to_be_visible()
    page.context.clear_cookies()

    # 清远市 approves in its queue; the data is final.
    login(city.username)
    page.goto("/indicators/collect/review/")
    page.get_by_label("选择 清远市英德市连江口镇").check()
    page.get_by_role("button", name="审核通过所选").click()
    expect(page.get_by_text("已审核通过 1 份报表")).to_be_visible()
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.APPROVED
    page.context.clear_cookies()

    # The town sees 已审定, and the form is locked.
    login(town.username)
    page.goto(f"/indicators/submissions/{submission.pk}/")
    expect(page.locator("#entry-status")).to_contain_text("已审定")
    expect(page.locator("#readonly-reason")).to_contain_text("已审定，数据已锁定，不能修改")
    expect(page.locator('input[name="hnte"]')).to_be_disabled()
    expect(page.get_by_role("button", name="报送")).to_have_count(0)
    expect(page.locator("#history")).to_contain_text("审核通过")
    page.context.clear_cookies()

    # The province previews the 2026 results: the town is ranked with a score, and the map colours it.
    login(province.username)
    page.goto("/indicators/results/?period=2026&level=town&preview=1")
    row = page.locator("table", has_text="全省排名").locator("tbody tr", has_text="连江口镇").first
    expect(row.locator("td").first).to_have_text("1")  # the only town with approved 2026 data
    page.goto("/indicators/results/map/?period=2026&level=town&preview=1")
    # The map's GeoJSON and data arrive after the page: wait until the chart holds its series.
    page.wait_for_function(
        """() => {
            const node = document.querySelector('[_echarts_instance_]');
            const chart = node && window.echarts && echarts.getInstanceByDom(node);
            const option = chart && chart.getOption();
            return Boolean(option && option.series && option.series.length && option.series[0].data);
        }"""
    )
    coloured = page.evaluate(
        """() => {
            const node = document.querySelector('[_echarts_instance_]');
            const data = echarts.getInstanceByDom(node).getOption().series[0].data;
            const scored = (d) => d.value !== null && d.value !== undefined && d.value !== '-';
            return data.filter(scored).map((d) => d.name);
        }"""
    )
    assert coloured, "地图上没有着色的区域"
    assert js_errors == [], f"页面脚本报错：{js_errors}"
