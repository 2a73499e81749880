"""The 上市后备 pool: a city recommends its own enterprises once; the province and that city move them
forward or out with a reason, each a ReserveEvent; services recorded by whoever has the entry in
scope; the city × stage table."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from baiqianwan.accounts.roles import Role
from baiqianwan.finance.funds import selectors, services
from baiqianwan.finance.models import ReserveEnterprise, ReserveService

pytestmark = pytest.mark.django_db

DAY = dt.date(2024, 4, 1)


def recommend(funds: dict[str, Any], who: str = "city", enterprise: str = "dabu_ent", **values: Any) -> Any:
    return services.reserve_recommend(
        acting_user=funds[who], enterprise_id=funds[enterprise].pk, recommended_on=DAY, **values
    )


def test_a_city_recommends_its_own_enterprises_once(funds: dict[str, Any]) -> None:
    entry = recommend(funds, target_board="深交所創業板")
    assert (entry.stage, entry.stage_since, entry.target_board) == ("cultivate", DAY, "深交所创业板")
    assert [e.action for e in entry.events.all()] == ["recommend"]
    with pytest.raises(ValidationError) as exc:
        recommend(funds)
    assert "不能重复推荐" in exc.value.message_dict["enterprise"][0]
    with pytest.raises(ValidationError) as exc:
        recommend(funds, enterprise="xuwen_ent")  # 湛江's
    assert "只能推荐本市企业" in exc.value.message_dict["enterprise"][0]
    with pytest.raises(ValidationError) as exc:
        recommend(funds, enterprise="org_a")  # a cooperative of 梅州
    assert "只有企业" in exc.value.message_dict["enterprise"][0]
    for who in ("province", "county", "bank_user"):
        with pytest.raises(PermissionDenied):
            recommend(funds, who=who, enterprise="tianhe_ent")
    assert ReserveEnterprise.all_objects.count() == 1


def test_stages_move_forward_only_or_out_with_a_reason(funds: dict[str, Any]) -> None:
    entry = recommend(funds)
    move = lambda who, **v: services.reserve_stage(  # noqa: E731
        acting_user=funds[who], entry_id=entry.pk, **{"on": dt.date(2024, 9, 1), **v}
    )
    for who in ("county", "zhanjiang", "manager_user"):
        with pytest.raises(PermissionDenied):
            move(who, stage="coaching")
    entry = move("city", stage="coaching")
    with pytest.raises(ValidationError) as exc:
        move("province", stage="cultivate")
    assert "只能向后变更" in exc.value.message_dict["stage"][0]
    with pytest.raises(ValidationError) as exc:
        move("province", stage="filing", on=dt.date(2024, 8, 1))  # before it reached 辅导
    assert set(exc.value.message_dict) == {"on"}
    with pytest.raises(ValidationError) as exc:
        move("province", exit=True, reason="")
    assert set(exc.value.message_dict) == {"reason"}
    entry = move("province", stage="listed", on=dt.date(2025, 3, 1))  # skipping 申报
    with pytest.raises(ValidationError, match="已上市"):
        move("province", exit=True, reason="主动撤回上市申请")
    events = [(e.action, e.from_status, e.to_status) for e in entry.events.all()]
    assert events == [
        ("recommend", "", "cultivate"),
        ("stage", "cultivate", "coaching"),
        ("stage", "coaching", "listed"),
    ]


def test_an_exit_ends_moves_and_services(funds: dict[str, Any]) -> None:
    entry = recommend(funds)
    services.reserve_stage(
        acting_user=funds["city"],
        entry_id=entry.pk,
        on=dt.date(2024, 6, 1),
        exit=True,
        reason="企业被并购，不再独立上市",
    )
    entry.refresh_from_db()
    assert entry.exited
    with pytest.raises(ValidationError):
        services.reserve_service_record(
            acting_user=funds["county"],
            entry_id=entry.pk,
            given_on=dt.date(2024, 7, 1),
            kind="training",
            provider="某证券",
        )


def test_services_by_whoever_has_it_in_scope(funds: dict[str, Any]) -> None:
    entry = recommend(funds)
    record = lambda who, **v: services.reserve_service_record(  # noqa: E731
        acting_user=funds[who],
        entry_id=entry.pk,
        **{"given_on": dt.date(2024, 5, 1), "kind": "roadshow", "provider": "深交所广东服务基地", **v},
    )
    record("county")
    record("province", kind="coaching", provider="广发证券")
    for who in ("zhanjiang", "bank_user"):
        with pytest.raises(PermissionDenied):
            record(who)
    for values, field in (
        ({"kind": "party"}, "kind"),
        ({"given_on": dt.date(2024, 1, 1)}, "given_on"),
        ({"provider": "<a href=x>证券</a>"}, "provider"),
        ({"provider": ""}, "provider"),
    ):
        with pytest.raises(ValidationError) as exc:
            record("county", **values)
        assert set(exc.value.message_dict) == {field}
    assert ReserveService.objects.filter(entry=entry).count() == 2
    assert [e.action for e in entry.events.all()] == ["recommend", "service", "service"]


def test_the_count_table_by_city_and_stage(funds: dict[str, Any], make_org: Any, make_user: Any) -> None:
    recommend(funds)
    second = make_org("梅州金柚生物科技有限公司", "enterprise", "441402000000")
    entry = services.reserve_recommend(acting_user=funds["city"], enterprise_id=second.pk, recommended_on=DAY)
    services.reserve_stage(acting_user=funds["city"], entry_id=entry.pk, stage="filing", on=DAY)
    recommend(funds, who="zhanjiang", enterprise="xuwen_ent")
    table = selectors.reserve_table(user=funds["province"])
    rows = {row["name"]: row["stages"] for row in table["rows"]}
    assert rows == {"梅州市": [1, 0, 1, 0], "湛江市": [1, 0, 0, 0]}
    assert table["totals"] == [2, 0, 1, 0]
    north = next(r for r in table["regions"] if r["region"] == "north")
    assert north["total"] == 2
    assert selectors.reserve_table(user=funds["city"])["total"] == 2
    assert selectors.reserve_table(user=funds["users"][Role.ORG])["total"] == 0
