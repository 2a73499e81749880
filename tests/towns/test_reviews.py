"""Annual management of a certified 创新型专业镇 on the acceptance scoring: the register's towns
take part in the scoring, the province concludes each yearly report, mid-term review and final
acceptance on that year's approved data (a 不合格 town cannot pass), a final pass renews the
certification, a revocation ends the town's pairs; every refusal names its field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.indicators.acceptance import selectors as acceptance
from baiqianwan.indicators.definitions.models import DataSet
from baiqianwan.towns import services
from baiqianwan.towns.models import InnovativeTown, PairStatus, TownPair, TownReview, TownStatus

from ..indicators.acceptance.test_acceptance import AT_TARGET, _approved
from .test_towns import HULIAO, XIAOLAN, XINHUI, register

pytestmark = pytest.mark.django_db

# Half of every indicator's target: far below 60, 不合格.
POOR = {k: (v / 2 if isinstance(v, int | float) else v) for k, v in AT_TARGET.items()}


@pytest.fixture
def province(world: dict[str, Any]) -> User:
    return world["users"][Role.PROVINCE]


@pytest.fixture
def loaded(divisions: None) -> DataSet:
    from baiqianwan.indicators.acceptance import services as acceptance_services
    from baiqianwan.indicators.definitions import services as definition_services

    definition_services.system_load_shipped()
    return acceptance_services.acceptance_dataset_ensure()


@pytest.fixture
def scored(loaded: DataSet, province: User) -> dict[str, InnovativeTown]:
    """新会 certified in 2023 reports at target; 湖寮 reports half of every target."""
    towns = {
        "xinhui": register(
            province, XINHUI, certified_on=dt.date(2023, 12, 20), valid_until=dt.date(2026, 12, 19)
        ),
        "huliao": register(
            province, HULIAO, certified_on=dt.date(2023, 12, 20), valid_until=dt.date(2026, 12, 19)
        ),
    }
    for code, values in ((XINHUI, AT_TARGET), (HULIAO, POOR)):
        _approved(loaded, code, "2024", {**values, "leading_industry_output": 40000})
        _approved(loaded, code, "2025", values)
    return towns


def test_the_register_takes_part_in_the_acceptance_scoring(scored: dict[str, InnovativeTown]) -> None:
    taking_part = acceptance.participants(year="2025")
    assert taking_part[XINHUI] == taking_part[HULIAO] == "创新型专业镇名录"
    rows = {row.code: row for row in acceptance.evaluate(year="2025").towns}
    assert rows[XINHUI].grade == "优秀"
    assert rows[HULIAO].grade == "不合格"


def test_conclusions_follow_the_scoring(scored: dict[str, InnovativeTown], province: User) -> None:
    xinhui, huliao = scored["xinhui"], scored["huliao"]
    other = register(province, XIAOLAN, certified_on=dt.date(2023, 12, 20))
    pair = TownPair.all_objects.create(pearl=other, ewn=huliao, score=0.5, explanation="柑橘加工相近")
    review = services.town_review_record(
        acting_user=province,
        town_id=xinhui.pk,
        year=2025,
        kind="midterm",
        outcome="pass",
        note="各项指标达到目标",
    )
    assert (review.grade, review.score, review.rank) == ("优秀", 100, 1)
    assert review.system_version
    with pytest.raises(ValidationError, match="本认定期内已有中期评估结论"):
        services.town_review_record(
            acting_user=province,
            town_id=xinhui.pk,
            year=2024,
            kind="midterm",
            outcome="pass",
            note="再评一次",
        )
    # A 不合格 town cannot pass; rectification first, then revocation ends its pair.
    with pytest.raises(ValidationError, match="验收评价为不合格") as refused:
        services.town_review_record(
            acting_user=province, town_id=huliao.pk, year=2025, kind="annual", outcome="pass", note="同意通过"
        )
    assert "outcome" in refused.value.message_dict
    services.town_review_record(
        acting_user=province,
        town_id=huliao.pk,
        year=2025,
        kind="annual",
        outcome="rectify",
        note="限期一年整改",
    )
    assert InnovativeTown.all_objects.get(pk=huliao.pk).status == TownStatus.RECTIFYING
    services.town_review_record(
        acting_user=province,
        town_id=huliao.pk,
        year=2025,
        kind="final",
        outcome="revoke",
        note="整改后仍不合格",
    )
    assert InnovativeTown.all_objects.get(pk=huliao.pk).status == TownStatus.REVOKED
    assert TownPair.all_objects.get(pk=pair.pk).status == PairStatus.ENDED
    # A revoked town is no longer managed.
    with pytest.raises(ValidationError, match="只有已认定的专业镇进行年度管理"):
        services.town_review_record(
            acting_user=province, town_id=huliao.pk, year=2024, kind="annual", outcome="pass", note="补评"
        )


def test_a_final_acceptance_passed_renews_the_certification(
    scored: dict[str, InnovativeTown], province: User
) -> None:
    xinhui = scored["xinhui"]
    services.town_review_record(
        acting_user=province, town_id=xinhui.pk, year=2025, kind="final", outcome="pass", note="期满验收优秀"
    )
    assert InnovativeTown.all_objects.get(pk=xinhui.pk).valid_until == dt.date(2029, 12, 19)
    # The new period's mid-term comes after the year of the final acceptance.
    with pytest.raises(ValidationError, match="2025 年已通过期末验收，新认定期的中期评估从 2026 年起"):
        services.town_review_record(
            acting_user=province,
            town_id=xinhui.pk,
            year=2025,
            kind="midterm",
            outcome="pass",
            note="新一期中期评估",
        )


def test_refusals_name_the_field_and_store_nothing(
    scored: dict[str, InnovativeTown], province: User, world: dict[str, Any]
) -> None:
    xinhui = scored["xinhui"]
    cases = [
        ({"year": 2022}, "year", "不在本镇的认定有效期"),
        ({"year": 2023}, "year", "验收评价数据未报送"),
        ({"year": "20x5"}, "year", "四位数字"),
        ({"kind": "yearly"}, "kind", "类型须是"),
        ({"outcome": "=1+1"}, "outcome", "结论须是"),
        ({"note": "好"}, "note", "请写明意见"),
    ]
    for change, field, message in cases:
        values = {"year": 2025, "kind": "annual", "outcome": "pass", "note": "各项指标达到目标", **change}
        with pytest.raises(ValidationError, match=message) as refused:
            services.town_review_record(acting_user=province, town_id=xinhui.pk, **values)
        assert field in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        services.town_review_record(
            acting_user=world["users"][Role.CITY],
            town_id=xinhui.pk,
            year=2025,
            kind="annual",
            outcome="pass",
            note="越权结论",
        )
    assert not TownReview.objects.exists()


def test_the_town_page_shows_the_scores_and_takes_the_conclusion(
    scored: dict[str, InnovativeTown], province: User, client_for: Callable[[User], Client]
) -> None:
    xinhui = scored["xinhui"]
    browser = client_for(province)
    page = browser.get(f"/towns/{xinhui.pk}/").content.decode()
    assert "年度管理与验收评价" in page
    assert "优秀" in page
    response = browser.post(
        f"/towns/{xinhui.pk}/reviews/",
        {"year": "2025", "kind": "annual", "outcome": "pass", "note": "年度报告各项指标达到目标"},
        follow=True,
    )
    assert "年度管理结论已记录" in response.content.decode()
    response = browser.post(
        f"/towns/{xinhui.pk}/reviews/",
        {"year": "", "kind": "annual", "outcome": "pass", "note": "x"},
        follow=True,
    )
    assert "年度：这个字段是必填项" in response.content.decode()
    api = browser.get(f"/api/v1/towns/{xinhui.pk}/reviews").json()
    assert [(r["year"], r["kind"], r["outcome"], r["grade"]) for r in api] == [
        (2025, "annual", "pass", "优秀")
    ]
