"""The 科技信贷 pages as their users meet them: the bank publishes a product and records loans, the
cooperative finds and applies, the bank lends, defaults and claims, the province decides, pays and
sets a ratio; every page renders for every kind of user, and stored markup stays text."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from baiqianwan.accounts.models import User
from baiqianwan.core.models import AuditEvent
from baiqianwan.finance.models import ClaimStatus, CompensationRatio, CreditProduct, Loan, LoanApplication

from .conftest import lend, product_values

pytestmark = pytest.mark.django_db

PAGES = ("home", "products", "match", "applications", "loans", "claims", "ratios", "calculator")


@pytest.mark.parametrize("who", ["bank_user", "coop_user", "province", "xuwen", "dabu", "university_user"])
def test_every_page_renders_for_every_kind_of_user(
    credit: dict[str, Any], client_for: Callable[[User], Client], who: str
) -> None:
    loan = lend(credit)
    client = client_for(credit[who])
    for name in PAGES:
        response = client.get(reverse(f"finance:{name}"))
        assert response.status_code == 200, (who, name)
    detail = client.get(reverse("finance:loan", args=[loan.pk]))
    assert detail.status_code == (200 if who in ("bank_user", "coop_user", "province", "xuwen") else 404)
    assert client.get(reverse("finance:product", args=[credit["product"].pk])).status_code == 200


def test_a_bank_publishes_a_product_from_the_form(
    credit: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    client = client_for(credit["bank_user"])
    assert client.get(reverse("finance:product_new")).status_code == 200
    form = {
        **product_values(name="<b>粤西香蕉贷</b>", industries=["FRUIT-BANANA", "FRUIT"]),
        "publish": "on",
        "under_scheme": "on",
    }
    response = client.post(reverse("finance:product_new"), form)
    product = CreditProduct.all_objects.get(name="<b>粤西香蕉贷</b>")
    assert response.status_code == 302
    assert product.is_public
    page = client_for(credit["coop_user"]).get(reverse("finance:products")).content.decode()
    assert "&lt;b&gt;粤西香蕉贷&lt;/b&gt;" in page
    assert "<b>粤西香蕉贷</b>" not in page
    refused = client.post(reverse("finance:product_new"), {**form, "name": "另一个", "amount_min": "-5"})
    assert refused.status_code == 200
    assert "不能为负数" in refused.content.decode()
    assert client_for(credit["coop_user"]).get(reverse("finance:product_new")).status_code == 403


def test_the_cooperative_finds_applies_and_the_bank_lends(
    credit: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    coop, bank = client_for(credit["coop_user"]), client_for(credit["bank_user"])
    found = coop.get(
        reverse("finance:match"), {"industry": "FRUIT-BANANA", "amount": "500000", "term_months": "24"}
    )
    assert "特色产业科技贷" in found.content.decode()
    assert "适用产业：香蕉" in found.content.decode()
    response = coop.post(
        reverse("finance:product", args=[credit["product"].pk]),
        {
            "amount": "500000",
            "term_months": "24",
            "industry": "FRUIT-BANANA",
            "purpose": "购置组培苗和滴灌设备",
        },
    )
    application = LoanApplication.all_objects.get()
    assert response.status_code == 302
    page = bank.get(reverse("finance:application", args=[application.pk])).content.decode()
    assert "批准并登记放款" in page
    lent = bank.post(
        reverse("finance:application", args=[application.pk]),
        {
            "contract_number": "ZJ-2026-0100",
            "amount": "500000",
            "rate": "3.85",
            "term_months": "24",
            "lent_on": dt.date.today().isoformat(),
        },
    )
    loan = Loan.all_objects.get()
    assert lent.status_code == 302
    assert loan.ratio is not None
    assert "60%" in bank.get(reverse("finance:loan", args=[loan.pk])).content.decode()


def test_default_claim_decision_and_payment_on_the_loan_page(
    credit: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    loan = lend(credit, lent_on=dt.date(2024, 6, 1))
    bank, province = client_for(credit["bank_user"]), client_for(credit["province"])
    step = lambda client, action, data: client.post(  # noqa: E731
        reverse("finance:loan_step", args=[loan.pk, action]), data, follow=True
    )
    refused = step(bank, "claim", {"recovered": "0"})
    assert "贷款未登记违约" in refused.content.decode()
    step(bank, "default", {"defaulted_on": "2025-06-01", "outstanding": "400000", "version": "0"})
    step(bank, "claim", {"recovered": "100000"})
    page = step(province, "approve", {"version": "0"}).content.decode()
    assert "150,000.00" in page or "15.00 万元" in page
    step(province, "pay", {"version": "1", "paid_on": "2025-08-01"})
    assert Loan.all_objects.get().claim.status == ClaimStatus.PAID
    assert step(client_for(credit["xuwen"]), "pay", {"paid_on": "2025-08-01"}).status_code == 200


def test_the_province_sets_a_ratio_and_banks_cannot(
    credit: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    new = {"region": "ewn", "effective_from": dt.date.today().isoformat(), "ratio": "0.65", "cap": ""}
    assert client_for(credit["bank_user"]).post(reverse("finance:ratios"), new).status_code == 403
    assert client_for(credit["province"]).post(reverse("finance:ratios"), new).status_code == 302
    assert CompensationRatio.objects.filter(ratio="0.65").exists()


def test_the_calculator_answers_and_names_bad_input(
    credit: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    client = client_for(credit["bank_user"])
    page = client.get(
        reverse("finance:calculator"), {"region": "ewn", "lent_on": "2025-02-01", "principal": "1000000"}
    )
    assert "60.00 万元" in page.content.decode()
    page = client.get(
        reverse("finance:calculator"), {"region": "pearl", "lent_on": "2020-02-01", "principal": "1000000"}
    )
    assert "还没有科技信贷风险补偿比例" in page.content.decode()


def test_a_bank_records_a_counter_loan_and_exports(
    credit: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    client = client_for(credit["bank_user"])
    assert client.get(reverse("finance:loan_new")).status_code == 200
    response = client.post(
        reverse("finance:loan_new"),
        {
            "product": credit["product"].pk,
            "borrower_uscc": credit["coop"].uscc,
            "contract_number": "=1+1",
            "amount": "300000",
            "rate": "4.00",
            "term_months": "12",
            "lent_on": "2025-05-01",
        },
    )
    assert response.status_code == 302
    export = client.get(reverse("finance:loans"), {"export": "xlsx"})
    cell = load_workbook(io.BytesIO(export.content)).active["A2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("=1+1", "s", True)
    assert AuditEvent.objects.filter(kind="export", detail__startswith="导出贷款 1 条").exists()


def test_the_plan_page_shows_the_credit_kpi_and_the_schemes_ledger(
    credit: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    from baiqianwan.plan.services import plan_load

    plan_load()
    lend(credit, amount="2500000")
    page = client_for(credit["province"]).get("/plan/").content.decode()
    row = page[page.index("粤东粤西粤北地区科技信贷风险补偿贷款发放额") :].split("</tr>")[0]
    assert "实时统计" in row
    assert '<td class="text-end">0.025 亿元' in row
    assert "科技信贷与风险补偿" in page  # the ledger under 三(三)二是
    assert "纳入风险补偿的贷款 1 笔，其中粤东西北 0.0250 亿元" in page
