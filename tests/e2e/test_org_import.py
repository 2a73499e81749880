"""Excel import of organisations through the browser: template, cell errors, all-or-nothing."""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.core.fakes import make_uscc
from baiqianwan.orgs.models import Organisation

from ..conftest import A

pytestmark = pytest.mark.e2e

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORT_PAGE = "/imports/organisations/"


@pytest.fixture
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    """Uploaded files go to a temporary directory, not the project's var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


def xlsx(headers: list[str], rows: list[list[str]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "单位"
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(page: Page, name: str, data: bytes) -> None:
    page.goto(IMPORT_PAGE)
    page.locator('input[type="file"]').set_input_files({"name": name, "mimeType": XLSX, "buffer": data})
    page.get_by_role("button", name="上传并导入").click()
    page.wait_for_url("**/jobs/*/")


def row(name: str, uscc: str) -> list[str]:
    return [name, "农民专业合作社", uscc, A["town"], "大埔县湖寮镇茶阳路 8 号", "罗振华", "13926001234"]


@pytest.mark.usefixtures("_media_in_tmp")
def test_county_imports_organisations_all_or_nothing(
    make_user: Callable[..., User],
    login: Callable[..., Page],
    live_server: LiveServer,
    js_errors: list[str],
) -> None:
    county = make_user(Role.COUNTY, A["county"], username="dabu_import")
    page = login(county.username)
    page.goto(IMPORT_PAGE)
    expect(page.locator("h2.page-title")).to_have_text("Excel 导入单位")

    # The template link is on the page and downloads the workbook whose first row we must use.
    template_link = page.get_by_role("link", name="单位导入模板")
    expect(template_link).to_be_visible()
    with page.expect_download() as download_info:
        template_link.click()
    download = download_info.value
    assert download.suggested_filename.startswith("单位导入模板")
    assert download.suggested_filename.endswith(".xlsx")
    template = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    headers = [c.value for c in template.worksheets[0][1]]
    assert headers[:3] == ["单位名称*", "单位类型*", "统一社会信用代码*"]

    rng = random.Random(1)
    good = make_uscc(rng, kind="cooperative", division_code=A["town"])
    second = make_uscc(rng, kind="cooperative", division_code=A["town"])
    bad = second[:-1] + ("0" if second[-1] != "0" else "1")  # wrong check character
    before = Organisation.all_objects.count()

    # One valid row and one bad 统一社会信用代码: the whole file is refused, cell by cell.
    upload(
        page, "单位-有错.xlsx", xlsx(headers, [row("湖寮蜜柚专业合作社", good), row("长教茶叶合作社", bad)])
    )
    status = page.locator("#job-status")
    expect(status.locator(".badge").first).to_be_visible()
    expect(status.locator(".alert-danger")).to_contain_text("文件中有 1 处错误，未导入任何数据")
    errors = page.locator("#job-errors tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.locator("td")).to_have_text(
        [
            "单位",
            "3",
            "C",
            "C3",
            "统一社会信用代码",
            f"统一社会信用代码校验位错误：应为 {second[-1]}，实际为 {bad[-1]}",
        ]
    )
    assert Organisation.all_objects.count() == before, "有错误的文件不应导入任何单位"

    # Corrected: both rows go in.
    upload(page, "单位.xlsx", xlsx(headers, [row("湖寮蜜柚专业合作社", good), row("长教茶叶合作社", second)]))
    expect(status.locator(".alert-success")).to_contain_text("已导入 2 个单位")
    expect(page.locator("#job-errors")).to_have_count(0)
    assert Organisation.all_objects.count() == before + 2

    page.goto("/orgs/")
    listed = page.locator("tbody tr", has=page.get_by_role("link", name="湖寮蜜柚专业合作社"))
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text(good)
    expect(listed).to_contain_text("梅州市大埔县湖寮镇")
    expect(listed).to_contain_text("农民专业合作社")
    expect(page.get_by_role("link", name="长教茶叶合作社")).to_be_visible()
    assert js_errors == [], f"页面脚本报错：{js_errors}"
