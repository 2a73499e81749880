"""Which products fit a borrower's need, in which order, and why (engine/products.py)."""

from __future__ import annotations

from decimal import Decimal

from baiqianwan.finance.engine.products import Need, ProductTerms, rank

ALL = frozenset({"enterprise", "cooperative", "family_farm"})


def product(pid: int, name: str, **overrides: object) -> ProductTerms:
    values: dict[str, object] = {
        "id": pid,
        "name": name,
        "bank": "银行",
        "borrower_kinds": ALL,
        "region": "all",
        "industries": frozenset(),
        "amount_min": Decimal("100000"),
        "amount_max": Decimal("3000000"),
        "term_min": 6,
        "term_max": 36,
        "rate_min": Decimal("3.50"),
        "under_scheme": True,
    }
    values.update(overrides)
    return ProductTerms(**values)  # type: ignore[arg-type]


BANANA = Need(
    kind="cooperative",
    ewn=True,
    industry="FRUIT-BANANA",
    industry_parent="FRUIT",
    industry_name="香蕉",
    amount=Decimal("500000"),
    term=24,
)


def test_the_closest_industry_comes_first_then_the_scheme_then_the_rate() -> None:
    products = [
        product(1, "通用贷", rate_min=Decimal("3.00")),
        product(2, "水果贷", industries=frozenset({"FRUIT"})),
        product(3, "香蕉贷", industries=frozenset({"FRUIT-BANANA"})),
        product(4, "通用贷（未纳入补偿）", under_scheme=False, rate_min=Decimal("2.90")),
        product(5, "通用贷二", rate_min=Decimal("3.20")),
    ]
    fits, others = rank(products, BANANA)
    assert [f.product.name for f in fits] == [
        "香蕉贷",
        "水果贷",
        "通用贷",
        "通用贷二",
        "通用贷（未纳入补偿）",
    ]
    assert fits[0].reasons[0] == "适用产业：香蕉"
    assert "纳入科技信贷风险补偿" in fits[0].reasons
    assert others == []


def test_ineligible_products_say_why() -> None:
    products = [
        product(1, "珠三角贷", region="pearl"),
        product(2, "企业贷", borrower_kinds=frozenset({"enterprise"})),
        product(3, "小额贷", amount_max=Decimal("300000")),
        product(4, "长期贷", term_min=36, term_max=60),
        product(5, "茶叶贷", industries=frozenset({"TEA"})),
    ]
    fits, others = rank(products, BANANA)
    assert fits == []
    reasons = {f.product.name: f.reasons for f in others}
    assert reasons["珠三角贷"] == ("只面向珠三角",)
    assert reasons["企业贷"] == ("不面向农民专业合作社",)
    assert reasons["小额贷"] == ("最高额度 30 万元，低于所需 50 万元",)
    assert reasons["长期贷"] == ("期限 36–60 个月，不含 24 个月",)
    assert reasons["茶叶贷"] == ("不含所选产业",)


def test_a_need_without_amount_term_or_industry_matches_on_kind_and_region() -> None:
    need = Need(kind="family_farm", ewn=False)
    fits, others = rank([product(1, "粤东西北贷", region="ewn"), product(2, "全省贷")], need)
    assert [f.product.name for f in fits] == ["全省贷"]
    assert [f.product.name for f in others] == ["粤东西北贷"]
