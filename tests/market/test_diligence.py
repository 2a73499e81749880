"""尽职免责 cases: the checklist rule, the flow 草稿 → 已提交 → 已决定 (and nothing after), bad input
named by field with nothing stored, and the privacy — only the unit's accounts and the province
find a case, on pages and over the API; the region bureaus and other units get 404."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.market import services
from baiqianwan.market.diligence import services as diligence
from baiqianwan.market.models import DILIGENCE_CHECKS, Deal, DiligenceCase, DiligenceStatus

from .conftest import register

pytestmark = pytest.mark.django_db

CASE: dict[str, Any] = {
    "title": "“中蕉9号”品种权许可贬值尽职免责认定",
    "current_value": "20000.00",
    "decision_process": "2025 年 5 月 8 日校长办公会集体审议，9 人参加，一致同意以普通许可方式转化。",
    "valuation_basis": "广东某资产评估公司评估报告（粤评字〔2025〕第 031 号），收益法估值。",
    "approvals": "校长办公会纪要〔2025〕12 号；校内公示 15 天无异议。",
    "people": ["陈志强", "李晓燕"],
    "attachments": "会议纪要、评估报告、公示截图",
}
ALL_YES = {key: {"ok": True, "remark": ""} for key, _label in DILIGENCE_CHECKS}
COMMITTEE = ["王建华", "赵丽萍", "黄海涛"]


def registered_deal(market: dict[str, Any]) -> Deal:
    deal = register(market)
    services.deal_confirm(acting_user=market["buyer_user"], deal_id=deal.pk)
    return services.deal_confirm(acting_user=market["xuwen"], deal_id=deal.pk)


def file(market: dict[str, Any], **values: Any) -> DiligenceCase:
    return diligence.diligence_case_create(acting_user=market["seller_user"], **{**CASE, **values})


def pre_platform(market: dict[str, Any], **values: Any) -> DiligenceCase:
    transfer = {
        "transfer_title": "荔枝保鲜技术专利转让",
        "transferred_on": dt.date(2019, 3, 1),
        "transfer_value": "300000",
    }
    return file(market, **{**transfer, **values})


def test_a_case_of_a_registered_deal_takes_the_deal_s_transfer(market: dict[str, Any]) -> None:
    deal = registered_deal(market)
    case = file(market, deal_id=deal.pk)
    assert (case.transfer_title, case.transferred_on, case.transfer_value) == (
        deal.title,
        deal.registered_on,
        deal.contract_value,
    )
    assert case.loss == deal.contract_value - case.current_value
    assert case.status == DiligenceStatus.DRAFT
    assert case.unit == market["seller"]
    with pytest.raises(ValidationError) as raised:
        file(market, deal_id=deal.pk)
    assert "已有尽职免责案件" in raised.value.message_dict["deal"][0]


def test_only_the_unit_s_own_registered_sales_are_cases(
    market: dict[str, Any], make_org: Any, make_user: Any
) -> None:
    deal = register(market, contract_number="2025440101000124")  # not yet registered by the bureau
    with pytest.raises(ValidationError) as raised:
        file(market, deal_id=deal.pk)
    assert "deal" in raised.value.message_dict
    other = make_org("仲恺农业工程学院", "university", "440105000000")
    other_user = make_user(Role.ORG, organisation=other)
    registered = registered_deal(market)
    with pytest.raises(ValidationError) as raised:
        diligence.diligence_case_create(acting_user=other_user, deal_id=registered.pk, **CASE)
    assert "不是本单位作为卖方" in raised.value.message_dict["deal"][0]
    with pytest.raises(ValidationError) as raised:
        diligence.diligence_case_create(acting_user=market["buyer_user"], **CASE)
    assert "高校、科研院所和新型研发机构" in raised.value.message_dict["unit"][0]
    with pytest.raises(PermissionDenied):
        diligence.diligence_case_create(acting_user=market["xuwen"], **CASE)
    assert not DiligenceCase.all_objects.exists()


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"current_value": "-5"}, "current_value", "不能为负数"),
        ({"current_value": "1e20"}, "current_value", "超过上限"),
        ({"current_value": "400000"}, "current_value", "不低于转化时价值"),
        ({"transfer_value": "0"}, "transfer_value", "须大于 0"),
        ({"transferred_on": dt.date.today() + dt.timedelta(days=3)}, "transferred_on", "不能晚于今天"),
        ({"title": "<script>alert(1)</script>"}, "title", "HTML"),
        ({"decision_process": '=HYPERLINK("http://x")' + "集体决策" * 10}, "decision_process", "公式"),
        ({"people": ["陈志强", "<b>李</b>"]}, "people", "不是姓名"),
        ({"people": []}, "people", "至少 1 人"),
        ({"transfer_title": ""}, "transfer_title", "转化事项"),
    ],
)
def test_bad_input_is_named_and_nothing_is_stored(
    market: dict[str, Any], values: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        pre_platform(market, **values)
    assert message in raised.value.message_dict[field][0], raised.value.message_dict
    assert not DiligenceCase.all_objects.exists()


def test_exempt_needs_every_item_yes(market: dict[str, Any]) -> None:
    case = pre_platform(market)
    with pytest.raises(ValidationError) as raised:
        diligence.diligence_case_decide(
            acting_user=market["seller_user"],
            case_id=case.pk,
            committee=COMMITTEE,
            checklist=ALL_YES,
            outcome="exempt",
            reasons="程序合规，估值依据充分，予以免责。",
        )
    assert "须先提交" in raised.value.messages[0]
    diligence.diligence_case_submit(acting_user=market["seller_user"], case_id=case.pk)
    one_no = {**ALL_YES, "disclosed": {"ok": False, "remark": "未在校内公示"}}
    decide = lambda **v: diligence.diligence_case_decide(  # noqa: E731
        acting_user=market["seller_user"],
        case_id=case.pk,
        **{
            "committee": COMMITTEE,
            "checklist": ALL_YES,
            "outcome": "exempt",
            "reasons": "程序合规，予以免责。",
        }
        | v,
    )
    with pytest.raises(ValidationError) as raised:
        decide(checklist=one_no)
    assert "每一项均为“是”才能认定免责" in raised.value.message_dict["outcome"][0]
    assert "已履行公示/披露" in raised.value.message_dict["outcome"][0]
    with pytest.raises(ValidationError) as raised:
        decide(checklist={**ALL_YES, "no_gain": {"ok": False, "remark": ""}}, outcome="not_exempt")
    assert "请在备注中说明" in raised.value.message_dict["checklist.no_gain"][0]
    with pytest.raises(ValidationError) as raised:
        decide(checklist={k: v for k, v in ALL_YES.items() if k != "approved"})
    assert "checklist.approved" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        decide(committee=["王建华"])
    assert "至少 3 人" in raised.value.message_dict["committee"][0]
    case.refresh_from_db()
    assert case.status == DiligenceStatus.SUBMITTED
    assert not case.outcome
    decided = decide(checklist=one_no, outcome="not_exempt", reasons="未履行公示程序，不予免责。")
    assert decided.status == DiligenceStatus.DECIDED
    assert decided.outcome == "not_exempt"
    assert decided.checklist["disclosed"] == {"ok": False, "remark": "未在校内公示"}
    assert decided.committee == COMMITTEE


def test_a_decided_case_is_never_changed(market: dict[str, Any]) -> None:
    case = pre_platform(market)
    diligence.diligence_case_update(
        acting_user=market["seller_user"],
        case_id=case.pk,
        version=0,
        **{**CASE, "title": "荔枝保鲜专利转让贬值认定"}
        | {
            "transfer_title": "荔枝保鲜技术专利转让",
            "transferred_on": dt.date(2019, 3, 1),
            "transfer_value": "300000",
        },
    )
    diligence.diligence_case_submit(acting_user=market["seller_user"], case_id=case.pk)
    with pytest.raises(ValidationError, match="已提交"):
        diligence.diligence_case_update(acting_user=market["seller_user"], case_id=case.pk, **CASE)
    diligence.diligence_case_decide(
        acting_user=market["seller_user"],
        case_id=case.pk,
        committee="王建华、赵丽萍，黄海涛",
        checklist=ALL_YES,
        outcome="exempt",
        reasons="决策程序合规，估值依据充分，予以免责。",
    )
    case.refresh_from_db()
    assert case.outcome == "exempt"
    assert case.committee == COMMITTEE
    for step in (
        lambda: diligence.diligence_case_update(acting_user=market["seller_user"], case_id=case.pk, **CASE),
        lambda: diligence.diligence_case_submit(acting_user=market["seller_user"], case_id=case.pk),
        lambda: diligence.diligence_case_decide(
            acting_user=market["seller_user"],
            case_id=case.pk,
            committee=COMMITTEE,
            checklist=ALL_YES,
            outcome="not_exempt",
            reasons="改为不予免责的尝试。",
        ),
    ):
        with pytest.raises(ValidationError, match="已决定"):
            step()
    assert [e.action for e in case.events.all()] == ["create", "edit", "submit", "decide"]


def get(client: Client, url: str) -> int:
    return client.get(url).status_code


def test_only_the_unit_and_the_province_find_a_case(
    market: dict[str, Any], make_user: Any, client_for: Callable[[User], Client]
) -> None:
    case = pre_platform(market)
    colleague = make_user(Role.ORG, organisation=market["seller"])
    insiders = [market["seller_user"], colleague, market["province"]]
    outsiders = [
        market["tianhe"],  # the unit's own district
        market["xuwen"],
        market["zhanjiang"],
        market["dabu"],
        market["buyer_user"],
        market["other_user"],
        market["users"][Role.CITY],
        market["users"][Role.TOWN],
        market["users"][Role.EXPERT],
    ]
    page, api = f"/market/diligence/{case.pk}/", f"/api/v1/market/diligence/{case.pk}"
    for user in insiders:
        client = client_for(user)
        assert (get(client, page), get(client, api)) == (200, 200), user
        assert str(case.pk) in {str(c["id"]) for c in client.get("/api/v1/market/diligence").json()["items"]}
    for user in outsiders:
        client = client_for(user)
        assert (get(client, page), get(client, api)) == (404, 404), user
        assert get(client, f"/market/diligence/{case.pk}/edit/") == 404
        assert client.get("/api/v1/market/diligence").json()["items"] == []
        assert client.get("/api/v1/market/diligence/summary").json()["cases"] == 0
        response = client.post(
            f"/api/v1/market/diligence/{case.pk}/submit", data="{}", content_type="application/json"
        )
        assert response.status_code == 404
        assert get(client, "/market/diligence/") in (403, 200)
    assert get(client_for(market["xuwen"]), "/market/diligence/") == 403
    case.refresh_from_db()
    assert case.status == DiligenceStatus.DRAFT


def test_the_api_files_submits_and_decides(
    market: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    deal = registered_deal(market)
    unit = client_for(market["seller_user"])
    post = lambda url, body: unit.post(url, data=json.dumps(body), content_type="application/json")  # noqa: E731
    bad = post("/api/v1/market/diligence", {**CASE, "deal_id": deal.pk, "current_value": "-1"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "current_value"
    assert "现值不能为负数" in bad.json()["detail"]
    created = post("/api/v1/market/diligence", {**CASE, "deal_id": deal.pk})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["transfer_value"] == "80000.00"
    assert body["loss"] == "60000.00"
    assert body["status"] == "draft"
    case_id = body["id"]
    edited = unit.put(
        f"/api/v1/market/diligence/{case_id}",
        data=json.dumps({**CASE, "deal_id": deal.pk, "current_value": "10000", "version": 0}),
        content_type="application/json",
    )
    assert edited.status_code == 200
    assert edited.json()["loss"] == "70000.00"
    stale = post(f"/api/v1/market/diligence/{case_id}/submit", {"version": 0})
    assert stale.status_code == 409
    assert post(f"/api/v1/market/diligence/{case_id}/submit", {"version": 1}).json()["status"] == "submitted"
    refused = post(
        f"/api/v1/market/diligence/{case_id}/decide",
        {
            "committee": COMMITTEE,
            "checklist": {**ALL_YES, "valuation": {"ok": False, "remark": "评估报告已过有效期"}},
            "outcome": "exempt",
            "reasons": "程序合规，予以免责。",
        },
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "outcome"
    decided = post(
        f"/api/v1/market/diligence/{case_id}/decide",
        {
            "committee": COMMITTEE,
            "checklist": ALL_YES,
            "outcome": "exempt",
            "reasons": "程序合规，予以免责。",
        },
    )
    assert decided.status_code == 200, decided.content
    assert decided.json()["outcome"] == "exempt"
    assert [c["ok"] for c in decided.json()["checks"]] == [True] * 5
    summary = client_for(market["province"]).get("/api/v1/market/diligence/summary").json()
    assert summary["exempt"] == 1
    assert summary["units"][0]["unit_name"] == "华南农业大学"
    assert summary["units"][0]["loss"] == "70000.00"


def test_the_pages_file_submit_and_decide(
    market: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    unit = client_for(market["seller_user"])
    assert "登记案件" in unit.get("/market/diligence/").content.decode()
    form = {
        **CASE,
        "people": "陈志强、李晓燕",
        "transfer_title": "荔枝保鲜技术专利转让",
        "transferred_on": "2019-03-01",
        "transfer_value": "300000",
    }
    response = unit.post("/market/diligence/new/", {**form, "current_value": "500000"})
    assert "不低于转化时价值" in response.content.decode()
    response = unit.post("/market/diligence/new/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    case = DiligenceCase.all_objects.get()
    unit.post(f"/market/diligence/{case.pk}/steps/submit/", {"version": case.version})
    case.refresh_from_db()
    assert case.status == DiligenceStatus.SUBMITTED
    page = unit.get(f"/market/diligence/{case.pk}/").content.decode()
    assert "录入认定结论" in page
    decision = {
        "committee": "王建华，赵丽萍，黄海涛",
        "outcome": "exempt",
        "reasons": "程序合规，估值依据充分，予以免责。",
        **{f"{key}_ok": "1" for key, _label in DILIGENCE_CHECKS},
        "disclosed_ok": "0",
    }
    response = unit.post(f"/market/diligence/{case.pk}/", decision)
    feedback = re.findall(r'invalid-feedback d-block">([^<]*)<', response.content.decode())
    assert feedback == ["审查清单第 3 项“已履行公示/披露”为“否”，请在备注中说明（至少 4 个字）"]
    response = unit.post(f"/market/diligence/{case.pk}/", {**decision, "disclosed_remark": "未在校内公示"})
    assert "每一项均为“是”才能认定免责" in response.content.decode()
    response = unit.post(f"/market/diligence/{case.pk}/", {**decision, "disclosed_ok": "1"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.outcome == "exempt"
    province = client_for(market["province"]).get("/market/diligence/").content.decode()
    assert "按单位统计" in province
    assert "华南农业大学" in province
