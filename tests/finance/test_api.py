"""科技信贷 over the API: a bank's whole path (product, application, loan, default, claim), the
province's decision, the calculator, and what each side may not reach."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from baiqianwan.accounts.models import User
from baiqianwan.finance.models import Loan

from .conftest import lend, product_values

pytestmark = pytest.mark.django_db

API = "/api/v1/finance"


def _post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(f"{API}{path}", data=json.dumps(body), content_type="application/json")


def test_a_bank_lends_and_claims_and_the_province_pays(
    credit: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    coop, bank, province = (client_for(credit[k]) for k in ("coop_user", "bank_user", "province"))
    found = coop.get(
        f"{API}/products/match", {"industry": "FRUIT-BANANA", "amount": "500000", "term_months": 24}
    )
    assert found.status_code == 200
    assert [row["product"]["name"] for row in found.json()["fits"]] == ["特色产业科技贷"]
    assert "适用产业：香蕉" in found.json()["fits"][0]["reasons"]
    applied = _post(
        coop,
        "/applications",
        {"product_id": credit["product"].pk, "amount": "500000", "term_months": 24, "purpose": "购置组培苗"},
    )
    assert applied.status_code == 201, applied.content
    application = applied.json()
    assert bank.get(f"{API}/applications").json()["count"] == 1
    lent = _post(
        bank,
        "/loans",
        {
            "application_id": application["id"],
            "contract_number": "ZJ-2026-0001",
            "amount": "500000",
            "rate": "3.85",
            "term_months": 24,
            "lent_on": str(dt.date.today()),
        },
    )
    assert lent.status_code == 201, lent.content
    loan = lent.json()
    assert (loan["region"], loan["ratio"]) == ("ewn", "0.6000")
    claimed = _post(bank, f"/loans/{loan['id']}/claim", {})
    assert claimed.status_code == 422
    assert "违约" in claimed.json()["errors"][0]["message"]
    defaulted = _post(
        bank, f"/loans/{loan['id']}/default", {"defaulted_on": str(dt.date.today()), "outstanding": "300000"}
    )
    assert defaulted.status_code == 200, defaulted.content
    claim = _post(bank, f"/loans/{loan['id']}/claim", {"recovered": "50000"}).json()
    assert (claim["loss"], claim["compensation"], claim["bank_bears"]) == (
        "250000.00",
        "150000.00",
        "100000.00",
    )
    assert _post(bank, f"/claims/{claim['id']}/decide", {"approve": True}).status_code == 403
    assert _post(province, f"/claims/{claim['id']}/decide", {"approve": True}).status_code == 200
    paid = _post(province, f"/claims/{claim['id']}/pay", {"paid_on": str(dt.date.today())})
    assert paid.json()["status"] == "paid"
    dashboard = province.get(f"{API}/dashboard").json()
    assert dashboard["ewn_scheme_amount"] == "500000.00"
    assert [row["claims"] for row in dashboard["claims"] if row["status"] == "paid"] == [1]


def test_a_bank_declines_with_a_reason(credit: dict[str, Any], client_for: Callable[[User], Client]) -> None:
    coop, bank = client_for(credit["coop_user"]), client_for(credit["bank_user"])
    application = _post(
        coop,
        "/applications",
        {"product_id": credit["product"].pk, "amount": "200000", "term_months": 12, "purpose": "扩大种植"},
    ).json()
    refused = _post(bank, f"/applications/{application['id']}/decline", {"reason": ""})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "reason"
    declined = _post(bank, f"/applications/{application['id']}/decline", {"reason": "经营年限不足一年"})
    assert declined.json()["status"] == "declined"


def test_banks_see_and_write_only_their_own(
    credit: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    loan = lend(credit)
    other = client_for(credit["other_bank_user"])
    assert other.get(f"{API}/loans/{loan.pk}").status_code == 404
    assert other.get(f"{API}/loans").json()["count"] == 0
    assert _post(other, f"/loans/{loan.pk}/repay", {"repaid_on": "2025-01-01"}).status_code == 404
    assert (
        other.patch(
            f"{API}/products/{credit['product'].pk}",
            data=json.dumps({"name": "改名"}),
            content_type="application/json",
        ).status_code
        == 403
    )
    # 大埔县 sees nothing of 徐闻's loan; 徐闻县 does.
    assert client_for(credit["dabu"]).get(f"{API}/loans/{loan.pk}").status_code == 404
    assert client_for(credit["xuwen"]).get(f"{API}/loans/{loan.pk}").status_code == 200
    draft = client_for(credit["bank_user"])
    created = _post(draft, "/products", {**product_values(name="草稿产品"), "publish": False})
    assert created.status_code == 201
    assert other.get(f"{API}/products/{created.json()['id']}").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": "-500"}, "amount"),
        ({"amount": "99999999999999999"}, "amount"),
        ({"rate": "NaN"}, "rate"),
        ({"contract_number": "=HYPERLINK(1)"}, ""),
        ({"borrower_uscc": "<b>x</b>"}, "borrower_uscc"),
        ({"product_id": 2**62}, "product"),
    ],
)
def test_bad_loans_are_refused_by_field(
    credit: dict[str, Any], client_for: Callable[[User], Client], body: dict[str, Any], field: str
) -> None:
    payload = {
        "product_id": credit["product"].pk,
        "borrower_uscc": credit["coop"].uscc,
        "contract_number": "ZJ-2026-0009",
        "amount": "500000",
        "rate": "3.85",
        "term_months": 24,
        "lent_on": "2025-03-01",
        **body,
    }
    response = _post(client_for(credit["bank_user"]), "/loans", payload)
    if field:
        assert response.status_code == 422, response.content
        assert field in {error["field"] for error in response.json()["errors"]}, response.content
        assert not Loan.all_objects.exists()
    else:  # a formula is kept as text, never evaluated: it is only a contract number
        assert response.status_code == 201
        assert Loan.all_objects.get().contract_number == "=HYPERLINK(1)"


def test_the_calculator_and_the_ratios(credit: dict[str, Any], client_for: Callable[[User], Client]) -> None:
    bank = client_for(credit["bank_user"])
    answer = bank.get(
        f"{API}/calculator", {"place": "440825102000", "lent_on": "2024-05-01", "principal": "1000000"}
    )
    assert answer.status_code == 200
    assert (answer.json()["ratio"], answer.json()["compensation"]) == ("0.5000", "500000.00")
    assert bank.get(f"{API}/calculator", {"region": "ewn", "principal": "-1"}).status_code == 422
    assert len(bank.get(f"{API}/ratios").json()) == 3
    assert (
        _post(bank, "/ratios", {"region": "ewn", "effective_from": "2026-01-01", "ratio": "0.9"}).status_code
        == 403
    )
    made = _post(
        client_for(credit["province"]),
        "/ratios",
        {"region": "ewn", "effective_from": str(dt.date.today()), "ratio": "0.65"},
    )
    assert made.status_code == 201
