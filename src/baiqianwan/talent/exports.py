"""The ledgers as spreadsheets (every cell written through core.spreadsheets.safe_cell, so a stored
formula or markup is text in the file). Mobile numbers are masked unless the reader may see them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from baiqianwan.core.spreadsheets import Column, SheetSchema

from .models import Leader, Outpost, TalentSelection

OUTPOST_SCHEMA = SheetSchema(
    title="县域研究机构",
    columns=[
        Column("name", "名称", width=36),
        Column("kind", "类型", width=12),
        Column("host", "依托单位", width=30),
        Column("county", "所在县（市、区）", width=30),
        Column("fields", "研究领域", width=36),
        Column("staff_on_site", "驻点科研人员数", width=10),
        Column("partner", "合作县政府", width=24),
        Column("agreement_signed_on", "协议签订日期", width=12),
        Column("agreement_years", "协议期限（年）", width=10),
        Column("opened_on", "设立日期", width=12),
        Column("closed_on", "撤销日期", width=12),
        Column("east_west_north", "粤东西北", width=10),
    ],
)


def outpost_rows(outposts: Iterable[Outpost]) -> Iterable[list[Any]]:
    for o in outposts:
        yield [
            o.name,
            o.get_kind_display(),
            o.host.name,
            o.county.full_name,
            o.fields,
            o.staff_on_site,
            o.partner,
            o.agreement_signed_on.isoformat() if o.agreement_signed_on else "",
            o.agreement_years or "",
            o.opened_on.isoformat(),
            o.closed_on.isoformat() if o.closed_on else "",
            "是" if o.in_east_west_north else "否",
        ]


LEADER_SCHEMA = SheetSchema(
    title="致富带头人",
    columns=[
        Column("name", "姓名", width=12),
        Column("mobile", "手机号码", width=14, text=True),
        Column("division", "所在村镇", width=40),
        Column("industry", "产业", width=20),
        Column("enterprise", "企业或合作社", width=30),
        Column("commissioner", "帮扶科技特派员", width=16),
        Column("consent_on", "同意登记日期", width=12),
    ],
)


def leader_rows(leaders: Iterable[Leader], *, full_mobile: Any) -> Iterable[list[Any]]:
    for leader in leaders:
        yield [
            leader.name,
            leader.mobile if full_mobile(leader) else leader.mobile_masked,
            leader.division.full_name,
            leader.industry,
            leader.enterprise_name,
            leader.commissioner.display_name,
            leader.consent_on.isoformat(),
        ]


SELECTION_SCHEMA = SheetSchema(
    title="人才工程入选",
    columns=[
        Column("person", "入选人员", width=12),
        Column("organisation", "单位", width=30),
        Column("programme", "人才工程", width=20),
        Column("year", "入选年度", width=10),
        Column("county", "服务县（市、区）", width=30),
    ],
)


def selection_rows(selections: Iterable[TalentSelection]) -> Iterable[list[Any]]:
    for s in selections:
        yield [
            s.person.name,
            s.person.organisation.name,
            s.programme,
            s.year,
            s.county.full_name if s.county else "",
        ]
