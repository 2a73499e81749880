"""What the browser test of 攻关 projects needs besides the pages: the demands of twelve counties
that become one task, the parties to the call, and reading the contract form's rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone
from playwright.sync_api import Page

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.demands.models import Demand, DemandStatus
from baiqianwan.regions.models import Division

# 蜜柚黄龙病 as twelve counties of 梅州, 河源 and 潮州 put it: (county, how the crop is called there).
COUNTIES = [
    ("441422000000", "蜜柚"),  # 梅州市大埔县
    ("441403000000", "金柚"),  # 梅州市梅县区
    ("441423000000", "蜜柚"),  # 梅州市丰顺县
    ("441424000000", "柚子"),  # 梅州市五华县
    ("441426000000", "沙田柚"),  # 梅州市平远县
    ("441427000000", "蜜柚"),  # 梅州市蕉岭县
    ("441621000000", "柚子"),  # 河源市紫金县
    ("441622000000", "蜜柚"),  # 河源市龙川县
    ("441624000000", "沙田柚"),  # 河源市和平县
    ("445103000000", "蜜柚"),  # 潮州市潮安区
    ("445122000000", "柚子"),  # 潮州市饶平县
    ("445102000000", "金柚"),  # 潮州市湘桥区
]
TITLES = [
    "我村{c}得了黄龙病怎么办",
    "{c}黄龙病防控技术需求",
    "{c}园黄龙病蔓延，求防治和无病苗木",
    "{c}叶片斑驳黄化，疑似黄龙病",
]
DESCRIPTION = (
    "村里{c}园发现黄龙病，叶片斑驳黄化、果小味酸，病树越来越多，急需早期检测和防控技术，以及无病苗木。"
)


def source_demands(make_user: Callable[..., User]) -> list[Demand]:
    """One accepted, still open demand about 蜜柚黄龙病 from a village of each of the twelve counties,
    each posted by its village's operator."""
    demands = []
    for n, (county, crop) in enumerate(COUNTIES):
        village = Division.objects.filter(code__startswith=county[:6], level="village").order_by("code")[0]
        operator = make_user(Role.VILLAGE, village.code, username=f"village{n}")
        demands.append(
            Demand.all_objects.create(
                title=TITLES[n % len(TITLES)].format(c=crop),
                description=DESCRIPTION.format(c=crop),
                industry_id="FRUIT-POMELO",
                division=village,
                submitter_kind="village",
                submitted_by=operator,
                contact_name="村委会",
                contact_phone=f"1380013{n:04d}",
                status=DemandStatus.ACCEPTED,
                submitted_at=timezone.now(),
                accepted_at=timezone.now(),
            )
        )
    return demands


def contract_row(page: Page, heading: str, row: int) -> Any:
    """Row `row` (from 0) of the contract form's card `heading` (考核指标, 进度节点, 分年度预算)."""
    block = page.locator(".card", has=page.get_by_role("heading", name=heading, exact=True))
    return block.locator("tbody tr").nth(row)


def fill_row(row: Any, values: dict[str, str]) -> None:
    """Fill a contract row's cells by field name (the select by its option's label)."""
    for name, value in values.items():
        field = row.locator(f'[name$="-{name}"]')
        if field.evaluate("element => element.tagName") == "SELECT":
            field.select_option(label=value)
        else:
            field.fill(value)
