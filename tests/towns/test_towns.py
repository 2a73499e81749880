"""The register of 创新型专业镇 and its pairing: registering is checked, the count is the live KPI,
each town's bureaus keep its profile, annual management changes the status with a reason (and a
revoked town's pairs end), the province confirms the engine's pairs and either side records what
a pair does together."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.plan.selectors import LIVE_KPIS
from baiqianwan.towns import selectors, services
from baiqianwan.towns.models import InnovativeTown, PairStatus, TownPair, TownStatus

from ..conftest import A, B

pytestmark = pytest.mark.django_db

XINHUI = "440705001000"  # 江门市新会区会城街道 (珠三角)
XIAOLAN = "442000118000"  # 中山市小榄镇 (珠三角)
HULIAO = A["town"]  # 梅州市大埔县湖寮镇 (粤东西北)
QUJIE = B["town"]  # 湛江市徐闻县 (粤东西北)


@pytest.fixture
def province(world: dict[str, Any]) -> User:
    return world["users"][Role.PROVINCE]


def register(province: User, code: str, **values: Any) -> InnovativeTown:
    defaults = {
        "leading_industry": "柑橘加工",
        "industry_codes": "A0152, C1495",
        "products": "柑橘 陈皮 加工",
        "status": TownStatus.CERTIFIED,
        "certified_on": dt.date(2024, 1, 1),
        "valid_until": dt.date(2027, 12, 31),
    }
    return services.town_register(acting_user=province, division_code=code, **{**defaults, **values})


@pytest.fixture
def register_of_four(province: User) -> dict[str, InnovativeTown]:
    return {
        "xinhui": register(
            province, XINHUI, platforms=11, enterprises=45, strengths="柑橘类加工 冷链 电商品牌"
        ),
        "xiaolan": register(
            province, XIAOLAN, leading_industry="智能装备", industry_codes="C3489", products="五金 智能锁"
        ),
        "huliao": register(
            province,
            HULIAO,
            leading_industry="蜜柚",
            products="蜜柚 柚果 加工",
            needs="柚果保鲜 加工 电商品牌",
        ),
        "qujie": register(
            province,
            QUJIE,
            leading_industry="菠萝",
            industry_codes="A0151",
            products="菠萝 罐头",
            needs="冷链 保鲜",
        ),
    }


def test_registering_is_checked_and_the_register_is_the_live_kpi(
    province: User, world: dict[str, Any], register_of_four: dict[str, InnovativeTown]
) -> None:
    assert register_of_four["huliao"].in_east_west_north
    assert not register_of_four["xinhui"].in_east_west_north
    assert LIVE_KPIS["KPI-INNOVATIVE-TOWNS"]() == 4
    with pytest.raises(ValidationError, match="已在名录中"):
        register(province, HULIAO)
    with pytest.raises(ValidationError, match="请选择一个镇"):
        register(province, A["county"])
    with pytest.raises(ValidationError, match="“X12”格式不对"):
        register(province, "441403100000", industry_codes="X12")
    with pytest.raises(ValidationError, match="有效期须晚于认定日期"):
        register(province, "441881129000", valid_until=dt.date(2023, 1, 1))
    with pytest.raises(ValidationError, match="须填写认定日期"):
        register(province, "441881129000", certified_on=None)
    with pytest.raises(PermissionDenied):
        register(world["users"][Role.CITY], "441881129000")
    register(province, "441881129000", status=TownStatus.CULTIVATING, certified_on=None, valid_until=None)
    expired = register(
        province, "440825108000", certified_on=dt.date(2019, 1, 1), valid_until=dt.date(2022, 1, 1)
    )
    assert LIVE_KPIS["KPI-INNOVATIVE-TOWNS"]() == 4  # neither a town in cultivation nor an expired one counts
    assert expired.pk
    assert InnovativeTown.all_objects.count() == 6


def test_the_towns_bureaus_keep_its_profile(
    world: dict[str, Any], register_of_four: dict[str, InnovativeTown], make_user: Callable[..., User]
) -> None:
    huliao = register_of_four["huliao"]
    town = services.town_profile_update(
        acting_user=world["users"][Role.TOWN],
        town_id=huliao.pk,
        platforms=4,
        needs="柚果保鲜、精深加工、<b>电商</b>",
    )
    assert town.platforms == 4
    assert town.needs == "柚果保鲜、精深加工、<b>电商</b>"
    with pytest.raises(ValidationError):
        services.town_profile_update(acting_user=world["users"][Role.COUNTY], town_id=huliao.pk, platforms=-1)
    with pytest.raises(PermissionDenied):
        services.town_profile_update(acting_user=world["user_b"], town_id=huliao.pk, platforms=9)
    with pytest.raises(PermissionDenied):
        services.town_profile_update(
            acting_user=make_user(Role.ORG, organisation=world["org_a"]), town_id=huliao.pk, platforms=9
        )


def test_annual_management_changes_the_status_with_a_reason_and_revoking_ends_pairs(
    province: User, register_of_four: dict[str, InnovativeTown]
) -> None:
    services.pairs_confirm(acting_user=province, pairs=[f"{XINHUI[:9]}-{HULIAO[:9]}"])
    huliao = register_of_four["huliao"]
    with pytest.raises(ValidationError, match="请写明依据"):
        services.town_status_set(
            acting_user=province, town_id=huliao.pk, status=TownStatus.RECTIFYING, note=""
        )
    services.town_status_set(
        acting_user=province,
        town_id=huliao.pk,
        status=TownStatus.RECTIFYING,
        note="2025 年度报告研发投入下降，限期整改",
    )
    assert LIVE_KPIS["KPI-INNOVATIVE-TOWNS"]() == 4  # rectifying still counts
    services.town_status_set(
        acting_user=province, town_id=huliao.pk, status=TownStatus.REVOKED, note="期末验收评分不合格，撤销"
    )
    assert LIVE_KPIS["KPI-INNOVATIVE-TOWNS"]() == 3
    assert TownPair.all_objects.get().status == PairStatus.ENDED
    assert [e.to_status for e in huliao.events.order_by("at", "id")] == ["certified", "rectifying", "revoked"]


def test_the_province_confirms_the_engines_pairs(
    province: User, register_of_four: dict[str, InnovativeTown], world: dict[str, Any]
) -> None:
    result, _towns = services.pairing_propose(acting_user=province)
    keys = {p.key for p in result.pairs}
    # 新会 (citrus processing) goes with 湖寮 (pomelo): shared codes and products, the needs met.
    assert (XINHUI[:9], HULIAO[:9]) in keys
    pair = next(p for p in result.pairs if p.key == (XINHUI[:9], HULIAO[:9]))
    assert "A0152" in pair.explanation
    with pytest.raises(ValidationError, match="两个珠三角镇不能结对"):
        services.pairing_propose(acting_user=province, locked=[f"{XINHUI[:9]}-{XIAOLAN[:9]}"])
    with pytest.raises(ValidationError, match="不是一对镇的代码"):
        services.pairing_propose(acting_user=province, locked=["123-456"])
    with pytest.raises(PermissionDenied):
        services.pairing_propose(acting_user=world["users"][Role.CITY])
    created = services.pairs_confirm(acting_user=province, pairs=[f"{XINHUI[:9]}-{HULIAO[:9]}"])
    assert len(created) == 1
    assert "锁定" not in created[0].explanation
    # Confirmed pairs stay: the next proposal keeps them and pairs the others around them.
    again, _ = services.pairing_propose(acting_user=province, forbidden=[f"{XIAOLAN[:9]}-{QUJIE[:9]}"])
    assert (XINHUI[:9], HULIAO[:9]) in {p.key for p in again.pairs if p.locked}
    assert (XIAOLAN[:9], QUJIE[:9]) not in {p.key for p in again.pairs}
    assert (
        services.pairs_confirm(acting_user=province, pairs=[f"{XINHUI[:9]}-{HULIAO[:9]}"]) == []
    )  # already in force


def test_either_side_records_what_the_pair_does(
    province: User,
    register_of_four: dict[str, InnovativeTown],
    world: dict[str, Any],
    make_user: Callable[..., User],
) -> None:
    (pair,) = services.pairs_confirm(acting_user=province, pairs=[f"{XINHUI[:9]}-{HULIAO[:9]}"])
    huliao_town = world["users"][Role.TOWN]
    activity = services.activity_record(
        acting_user=huliao_town,
        pair_id=pair.pk,
        kind="model",
        title="陈皮电商模式现场学习",
        held_on=dt.date.today() - dt.timedelta(days=3),
        summary="组织合作社到新会学习陈皮仓储和电商运营。",
    )
    assert activity.pair == pair
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.activity_record(
            acting_user=huliao_town,
            pair_id=pair.pk,
            kind="model",
            title="未来的活动",
            held_on=dt.date.today() + dt.timedelta(days=3),
            summary="尚未举行的活动内容。",
        )
    with pytest.raises(ValidationError, match="合作方式"):
        services.activity_record(
            acting_user=huliao_town,
            pair_id=pair.pk,
            kind="party",
            title="聚餐交流活动",
            held_on=dt.date.today(),
            summary="不属于三种合作方式。",
        )
    with pytest.raises(PermissionDenied):  # 湛江 is on neither side
        services.activity_record(
            acting_user=world["user_b"],
            pair_id=pair.pk,
            kind="model",
            title="越权记录活动",
            held_on=dt.date.today(),
            summary="湛江的账号为别的结对记录活动。",
        )
    assert selectors.pair_get(user=world["user_b"], pair_id=pair.pk) is None
    assert selectors.pair_get(user=huliao_town, pair_id=pair.pk) == pair


def test_pages_and_api(
    province: User,
    register_of_four: dict[str, InnovativeTown],
    world: dict[str, Any],
    client_for: Callable[[User], Client],
) -> None:
    admin = client_for(province)
    page = admin.get("/towns/pairs/", {"propose": 1, "min_score": "0.1"})
    assert page.status_code == 200
    assert "建议结对" in page.content.decode()
    posted = admin.post("/towns/pairs/confirm/", {"pair": [f"{XINHUI[:9]}-{HULIAO[:9]}"]})
    assert posted.status_code == 302
    assert TownPair.all_objects.filter(status="active").count() == 1
    for path in ("/towns/", f"/towns/{register_of_four['huliao'].pk}/", "/towns/new/", "/towns/pairs/"):
        assert admin.get(path).status_code == 200, path
    assert admin.get("/towns/", {"export": "xlsx"})["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    county_b = client_for(world["user_b"])
    assert county_b.get(f"/towns/{register_of_four['huliao'].pk}/").status_code == 404
    assert county_b.get(f"/api/v1/towns/{register_of_four['huliao'].pk}").status_code == 404
    listed = {row["id"] for row in county_b.get("/api/v1/towns").json()["items"]}
    assert listed == {register_of_four["qujie"].pk}
    bad = admin.post(
        "/api/v1/towns",
        {"division_code": XINHUI, "leading_industry": "重复登记"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    refused = client_for(world["users"][Role.CITY]).post(
        "/api/v1/towns/pairs", {"pairs": [f"{XINHUI[:9]}-{HULIAO[:9]}"]}, content_type="application/json"
    )
    assert refused.status_code == 403
