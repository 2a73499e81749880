"""What is read: the portal shows published cases, lists and policies only, whatever state the others
are in; the case search finds a case whether the words are typed in 简体 or 繁体; a bureau's list holds
its region's cases in every state and the others' published ones."""

from __future__ import annotations

from typing import Any

import pytest

from baiqianwan.outreach.models import CaseStatus
from baiqianwan.outreach.publicity import selectors, services

from ...conftest import A, B
from .conftest import BODY, case, published

pytestmark = pytest.mark.django_db

TEA_BODY = (
    "湖寮镇山区茶园多，茶叶加工设备陈旧，成品茶品质不稳定。科技特派员帮助茶企引进杀青、揉捻和烘干一体化设备，"
    "制定炒茶加工技术规范，推广茶园绿色防控技术，茶叶加工效率和一致性显著提高，坪上炒茶在评比中获奖，带动茶农增收。"
)
LONGAN_BODY = (
    "湖寮镇龙眼园多为老树，树冠高大、管理困难，产量不稳。科技特派员推广龙眼矮化修剪和高接换种技术，"
    "配套花果期水肥管理、病虫害绿色防控和桂圆烘干加工技术，桂圆肉品质提高，龙眼收购价保持稳定，果农收入明显增加。"
)


@pytest.fixture
def shelf(cast: dict[str, Any]) -> dict[str, Any]:
    """Published: a tea case and a longan case; and one case in each other state, all about tea."""
    tea = published(
        cast,
        title="湖寮镇茶叶加工工艺提升",
        summary="科技特派员帮助茶企引进一体化加工设备，茶叶加工效率和一致性显著提高。",
        body=TEA_BODY,
        industry_code="TEA-GREEN",
    )
    longan = published(
        cast,
        title="湖寮镇龙眼老果园改造",
        summary="科技特派员推广龙眼矮化修剪和高接换种，桂圆肉品质提高，果农增收。",
        body=LONGAN_BODY,
        industry_code="FRUIT-LONGAN",
    )
    others: dict[str, Any] = {}
    for state in ("draft", "submitted", "returned", "withdrawn"):
        made = case(
            cast,
            photo=True,
            title=f"湖寮镇茶叶案例（{state}）",
            summary="科技特派员帮助茶企改进茶叶加工工艺，茶叶品质稳定提升。",
            body=TEA_BODY,
            industry_code="TEA-BLACK",
        )
        if state != "draft":
            services.case_submit(acting_user=cast["county"], case_id=made.pk)
        if state == "returned":
            services.case_review(
                acting_user=cast["province"], case_id=made.pk, publish=False, note="请补充数据"
            )
        if state == "withdrawn":
            services.case_review(acting_user=cast["province"], case_id=made.pk, publish=True)
            services.case_withdraw(acting_user=cast["province"], case_id=made.pk, note="数据待核实")
        made.refresh_from_db()
        assert made.status == state
        others[state] = made
    return {"tea": tea, "longan": longan, **others}


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("茶叶加工", "tea"),
        ("茶葉加工", "tea"),
        ("龙眼", "longan"),
        ("龍眼", "longan"),
        ("龍眼高接換種", "longan"),
    ],
)
def test_the_published_search_reads_simplified_and_traditional_alike(
    shelf: dict[str, Any], query: str, found: str
) -> None:
    hits = list(selectors.published_cases(q=query))
    assert hits, query
    assert hits[0].pk == shelf[found].pk
    assert {c.status for c in hits} == {CaseStatus.PUBLISHED}


def test_unpublished_cases_never_reach_the_portal(shelf: dict[str, Any]) -> None:
    hidden = [shelf[s] for s in ("draft", "submitted", "returned", "withdrawn")]
    shown = {shelf["tea"].pk, shelf["longan"].pk}
    assert {c.pk for c in selectors.published_cases()} == shown
    assert {c.pk for c in selectors.published_cases(q="茶叶")} <= shown
    assert {c.pk for c in selectors.published_cases(region=A["city"])} == shown
    assert list(selectors.published_cases(region=B["city"])) == []
    assert {c.pk for c in selectors.published_cases(industry="TEA")} == {shelf["tea"].pk}
    assert [code for code, _ in selectors.published_case_industries()] == ["FRUIT-LONGAN", "TEA-GREEN"]
    for made in hidden:
        assert selectors.published_case(made.pk) is None
        photo = made.photos.get()
        assert selectors.published_photo(made.pk, photo.pk) is None
    tea_photo = shelf["tea"].photos.get()
    assert selectors.published_photo(shelf["tea"].pk, tea_photo.pk) == tea_photo
    assert selectors.published_photo(shelf["longan"].pk, tea_photo.pk) is None  # not that case's photo
    assert selectors.published_case("1 OR 1=1") is None


def test_a_bureau_lists_its_region_in_every_state_and_others_see_what_is_published(
    cast: dict[str, Any], shelf: dict[str, Any]
) -> None:
    assert len(list(selectors.case_list(user=cast["county"]))) == 6
    assert len(list(selectors.case_list(user=cast["city"]))) == 6
    counts = selectors.case_status_counts(user=cast["county"])
    assert counts == {"draft": 1, "submitted": 1, "returned": 1, "published": 2, "withdrawn": 1}
    for who in ("xuwen", "org"):
        seen = {c.pk for c in selectors.case_list(user=cast[who])}
        assert seen == {shelf["tea"].pk, shelf["longan"].pk}, who
        assert selectors.case_get(user=cast[who], case_id=shelf["draft"].pk) is None
    # The bureau's own search finds its drafts as well, in either script.
    found = {c.pk for c in selectors.case_list(user=cast["county"], q="茶葉")}
    assert shelf["draft"].pk in found
    assert shelf["tea"].pk in found
    assert shelf["longan"].pk not in found


def test_draft_lists_and_policies_stay_off_the_portal(cast: dict[str, Any]) -> None:
    province = cast["province"]
    draft = services.commendation_create(
        acting_user=province, title="2025 年度优秀科技特派员通报表扬", year=2025
    )
    shown = services.commendation_create(
        acting_user=province, title="2024 年度优秀科技特派员通报表扬", year=2024
    )
    for item in (draft, shown):
        services.entry_add(
            acting_user=province,
            commendation_id=item.pk,
            kind="unit",
            name="湖寮镇科技特派团",
            reason="服务成效突出",
        )
    services.commendation_publish(acting_user=province, commendation_id=shown.pk, publish=True)
    assert [c.pk for c in selectors.published_commendations()] == [shown.pk]
    assert selectors.published_commendation(draft.pk) is None
    assert selectors.published_commendation(shown.pk) == shown
    assert [c.pk for c in selectors.commendation_list(user=cast["county"])] == [shown.pk]
    assert {c.pk for c in selectors.commendation_list(user=province)} == {draft.pk, shown.pk}
    policy = services.policy_create(
        acting_user=province,
        kind="policy",
        title="广东省科技支撑“百千万工程”实施方案（测试）",
        issuer="广东省科学技术厅",
        issued_on="2023-06-07",
        body=BODY,
    )
    assert selectors.published_policy(policy.pk) is None
    assert list(selectors.published_policies()) == []
    assert list(selectors.policy_list(user=cast["county"])) == []
    services.policy_publish(acting_user=province, policy_id=policy.pk, publish=True)
    assert selectors.published_policy(policy.pk) == policy
    assert [p.pk for p in selectors.policy_list(user=cast["org"], q="百千万")] == [policy.pk]
