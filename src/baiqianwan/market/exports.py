"""The listings and the deals as spreadsheets (every cell written through core.spreadsheets.safe_cell,
so a stored formula or markup is text in the file)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from baiqianwan.core.spreadsheets import Column, SheetSchema

from .models import Deal, Listing

LISTING_SCHEMA = SheetSchema(
    title="成果挂牌",
    columns=[
        Column("title", "挂牌名称", width=36),
        Column("achievement", "科技成果", width=36),
        Column("industry", "应用产业", width=16),
        Column("mode", "转化方式", width=10),
        Column("price_min", "最低价格（元）", width=16),
        Column("price_max", "最高价格（元）", width=16),
        Column("seller", "挂牌单位", width=30),
        Column("seller_place", "挂牌单位所在地", width=24),
        Column("status", "状态", width=10),
        Column("listed_at", "挂牌日期", width=12),
    ],
)


def listing_rows(listings: Iterable[Listing]) -> Iterable[list[Any]]:
    for listing in listings:
        yield [
            listing.title,
            listing.achievement.title,
            listing.achievement.industry.name if listing.achievement.industry else "",
            listing.get_mode_display(),
            str(listing.price_min) if listing.price_min is not None else "面议",
            str(listing.price_max) if listing.price_max is not None else "面议",
            listing.seller.name,
            listing.seller.division.full_name,
            listing.get_status_display(),
            listing.listed_at.date().isoformat() if listing.listed_at else "",
        ]


DEAL_SCHEMA = SheetSchema(
    title="技术交易",
    columns=[
        Column("contract_number", "技术合同登记编号", width=20, text=True),
        Column("registered_on", "登记日期", width=12),
        Column("title", "合同名称", width=36),
        Column("achievement", "科技成果", width=36),
        Column("mode", "转化方式", width=10),
        Column("contract_value", "合同金额（元）", width=18),
        Column("seller", "卖方", width=30),
        Column("buyer", "买方", width=30),
        Column("place", "实施地", width=30),
        Column("east_west_north", "粤东西北实施", width=12),
        Column("publicity", "须公示", width=8),
        Column("status", "状态", width=14),
    ],
)


def deal_rows(deals: Iterable[Deal]) -> Iterable[list[Any]]:
    for deal in deals:
        yield [
            deal.contract_number,
            deal.registered_on.isoformat(),
            deal.title,
            deal.achievement.title,
            deal.get_mode_display(),
            str(deal.contract_value),
            deal.seller.name,
            deal.buyer.name,
            deal.place.full_name,
            "是" if deal.in_east_west_north else "否",
            "是" if deal.publicity else "否",
            deal.get_status_display(),
        ]
