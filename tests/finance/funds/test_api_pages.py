"""Sub-funds, investments and the pool over the API and on their pages: bad input a 422 naming the
field with nothing stored, other units' records not found, pages for each role, exports (Excel and
CSV) that write formulas as text."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.finance.funds import services
from baiqianwan.finance.models import Investment, ReserveEnterprise, SubFund

from .conftest import invest

pytestmark = pytest.mark.django_db


def send(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    return client.generic(method, url, data=json.dumps(body), content_type="application/json")


def errors(response: Any) -> set[str]:
    return {e["field"] for e in response.json()["errors"]}


def test_sub_funds_and_investments_over_the_api(
    funds: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    province, manager = client_for(funds["province"]), client_for(funds["manager_user"])
    body = {
        "name": "粤东西北科技成果转化子基金",
        "manager_id": funds["manager"].pk,
        "size": "300000000.00",
        "province_share": "90000000.00",
        "focus_region": "ewn",
        "established_on": "2024-01-15",
    }
    made = send(province, "POST", "/api/v1/finance/funds", body)
    assert made.status_code == 201, made.content
    fund = made.json()
    over = send(province, "PATCH", f"/api/v1/finance/funds/{fund['id']}", {"province_share": "300000000.01"})
    assert (over.status_code, errors(over)) == (422, {"province_share"})
    assert send(manager, "POST", "/api/v1/finance/funds", {**body, "name": "越权"}).status_code == 403
    investment = {
        "fund_id": fund["id"],
        "enterprise_id": funds["dabu_ent"].pk,
        "round": "angel",
        "amount": "8000000",
        "invested_on": "2024-06-01",
    }
    recorded = send(manager, "POST", "/api/v1/finance/funds/investments", investment)
    assert recorded.status_code == 201, recorded.content
    assert recorded.json()["in_east_west_north"] is True
    for values, field in (
        ({"amount": "-1"}, "amount"),
        ({"invested_on": "2999-01-01"}, "invested_on"),
        ({"invested_on": "2023-12-31"}, "invested_on"),
        ({"field": "<script>x</script>"}, "field"),
    ):
        bad = send(manager, "POST", "/api/v1/finance/funds/investments", {**investment, **values})
        assert (bad.status_code, field in errors(bad)) == (422, True), bad.content
    assert Investment.all_objects.count() == 1
    # Another manager: the fund is public, its ledger is not theirs.
    other = client_for(funds["other_manager_user"])
    assert send(other, "POST", "/api/v1/finance/funds/investments", investment).status_code == 403
    url = f"/api/v1/finance/funds/investments/{recorded.json()['id']}"
    assert other.get(url).status_code == 404
    assert send(other, "PATCH", url, {"amount": "1"}).status_code == 404
    assert send(manager, "PATCH", url, {"amount": "9000000", "version": 0}).json()["amount"] == "9000000.00"
    stats = client_for(funds["city"]).get("/api/v1/finance/funds/investments/stats").json()
    assert stats["investments"] == 1
    listed = client_for(funds["bank_user"]).get("/api/v1/finance/funds/investments").json()
    assert listed["items"] == []


def test_the_pool_over_the_api(funds: dict[str, Any], client_for: Callable[[User], Client]) -> None:
    city = client_for(funds["city"])
    made = send(
        city,
        "POST",
        "/api/v1/finance/funds/reserve",
        {"enterprise_id": funds["dabu_ent"].pk, "recommended_on": "2024-04-01"},
    )
    assert made.status_code == 201, made.content
    entry = made.json()
    url = f"/api/v1/finance/funds/reserve/{entry['id']}"
    again = send(
        city,
        "POST",
        "/api/v1/finance/funds/reserve",
        {"enterprise_id": funds["dabu_ent"].pk, "recommended_on": "2024-04-01"},
    )
    assert (again.status_code, errors(again)) == (422, {"enterprise"})
    moved = send(city, "POST", f"{url}/stage", {"stage": "coaching", "on": "2024-10-01", "version": 0})
    assert moved.status_code == 200, moved.content
    assert [e["action"] for e in moved.json()["events"]] == ["recommend", "stage"]
    back = send(city, "POST", f"{url}/stage", {"stage": "cultivate", "on": "2024-10-02"})
    assert (back.status_code, errors(back)) == (422, {"stage"})
    served = send(
        client_for(funds["county"]),
        "POST",
        f"{url}/services",
        {"given_on": "2024-11-01", "kind": "training", "provider": "广东股权交易中心"},
    )
    assert served.status_code == 201, served.content
    detail = client_for(funds["county"]).get(url).json()
    assert [s["kind"] for s in detail["services"]] == ["training"]
    assert client_for(funds["zhanjiang"]).get(url).status_code == 404
    table = city.get("/api/v1/finance/funds/reserve/table").json()
    assert table["rows"][0]["stages"] == [0, 1, 0, 0]


def test_pages_for_each_role(funds: dict[str, Any], client_for: Callable[[User], Client]) -> None:
    investment = invest(funds)
    entry = services.reserve_recommend(
        acting_user=funds["city"], enterprise_id=funds["dabu_ent"].pk, recommended_on="2024-04-01"
    )
    fund = funds["fund"]
    pages = [
        "/finance/funds/",
        f"/finance/funds/{fund.pk}/",
        "/finance/funds/investments/",
        "/finance/funds/reserve/",
    ]
    for role in (
        Role.PROVINCE,
        Role.CITY,
        Role.COUNTY,
        Role.TOWN,
        Role.VILLAGE,
        Role.ORG,
        Role.EXPERT,
        Role.COMMISSIONER,
    ):
        client = client_for(funds["users"][role])
        for page in pages:
            assert client.get(page).status_code == 200, (role, page)
    province = client_for(funds["province"]).get(f"/finance/funds/{fund.pk}/").content.decode()
    assert "大埔县蜜柚科技有限公司" in province
    bank = client_for(funds["bank_user"]).get(f"/finance/funds/{fund.pk}/").content.decode()
    assert fund.name in bank
    assert "大埔县蜜柚科技有限公司" not in bank
    assert client_for(funds["city"]).get(f"/finance/funds/reserve/{entry.pk}/").status_code == 200
    assert client_for(funds["zhanjiang"]).get(f"/finance/funds/reserve/{entry.pk}/").status_code == 404
    manager = client_for(funds["manager_user"])
    assert manager.get(f"/finance/funds/{fund.pk}/investments/new/").status_code == 200
    assert (
        client_for(funds["other_manager_user"]).get(f"/finance/funds/{fund.pk}/investments/new/").status_code
        == 403
    )
    posted = manager.post(
        f"/finance/funds/{fund.pk}/investments/new/",
        {
            "enterprise_uscc": funds["tianhe_ent"].uscc,
            "round": "seed",
            "amount": "100000",
            "invested_on": "2024-07-01",
        },
    )
    assert posted.status_code == 302, posted.content.decode()[:3000]
    refused = manager.post(
        f"/finance/funds/{fund.pk}/investments/new/",
        {
            "enterprise_uscc": funds["tianhe_ent"].uscc,
            "round": "seed",
            "amount": "100000",
            "invested_on": "2999-07-01",
        },
    )
    assert "投资日期不能晚于今天" in refused.content.decode()
    edit = manager.post(
        f"/finance/funds/investments/{investment.pk}/edit/",
        {
            "enterprise_uscc": funds["dabu_ent"].uscc,
            "round": "b",
            "amount": "100",
            "invested_on": "2024-05-20",
            "version": "0",
        },
    )
    assert edit.status_code == 302
    province_client = client_for(funds["province"])
    assert province_client.get("/finance/funds/new/").status_code == 200
    assert client_for(funds["city"]).get("/finance/funds/new/").status_code == 403
    city = client_for(funds["city"])
    assert (
        city.post(
            f"/finance/funds/reserve/{entry.pk}/steps/stage/",
            {"stage": "coaching", "on": "2024-05-01", "version": "0"},
        ).status_code
        == 302
    )
    assert (
        city.post(
            f"/finance/funds/reserve/{entry.pk}/steps/service/",
            {"given_on": "2024-05-02", "kind": "financing", "provider": "梅州客商银行"},
        ).status_code
        == 302
    )
    entry.refresh_from_db()
    assert entry.stage == "coaching" and entry.services.count() == 1  # noqa: PT018
    assert "辅导" in city.get(f"/finance/funds/reserve/{entry.pk}/").content.decode()
    assert ReserveEnterprise.all_objects.count() == 1 and SubFund.all_objects.count() == 2  # noqa: PT018


def test_exports_write_formulas_as_text(funds: dict[str, Any], client_for: Callable[[User], Client]) -> None:
    funds["dabu_ent"].name = '=HYPERLINK("http://x","点我")'
    funds["dabu_ent"].save()
    invest(funds)
    client = client_for(funds["province"])
    xlsx = client.get(f"/finance/funds/{funds['fund'].pk}/?export=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    cell = sheet.cell(row=2, column=2)
    assert (cell.value, cell.data_type) == (funds["dabu_ent"].name, "s")
    text = client.get("/finance/funds/investments/?export=csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "子基金"
    assert rows[1][1] == "'" + funds["dabu_ent"].name
