"""This app's part of `bqw demo`, through the services: the 科技信贷风险补偿 ratios (粤东西北 raised in
2025), ten banks with 25 products for rural specialty industries, applications from enterprises,
cooperatives and family farms, 400 loans across the province (most in 粤东西北), of which 30
defaulted and most of those claimed — compensated at the ratio each loan kept from its date.
Journey 6 is ready to go on: 徐闻's banana cooperative (xuwen_coop) finds 湛江农商银行's
特色产业科技贷 and applies; the bank's account is zjrcb_bank."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from baiqianwan.accounts.demo import DEMO_PASSWORD
from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.core.fakes import make_mobile, make_uscc
from baiqianwan.orgs.models import Organisation
from baiqianwan.regions.classification import is_east_west_north
from baiqianwan.regions.models import Division

from . import services
from .models import CreditProduct, Loan, LoanApplication, LoanStatus

LOANS = 400
LOANS_EWN = 250
DEFAULTS = 30
APPLICATIONS_WAITING = 8
APPLICATIONS_DECLINED = 5
JOURNEY_BANK = "zjrcb_bank"

# (bank, city of its head office, username of its account)
BANKS = (
    ("湛江农村商业银行股份有限公司", "440800000000", JOURNEY_BANK),
    ("中国农业银行股份有限公司广东省分行", "440100000000", "abc_gd_bank"),
    ("中国邮政储蓄银行股份有限公司广东省分行", "440100000000", "psbc_gd_bank"),
    ("广东省农村信用社联合社", "440100000000", "gdrcu_bank"),
    ("梅州客商银行", "441402000000", "bank_org"),
    ("广州农村商业银行股份有限公司", "440100000000", "grcb_bank"),
    ("中国建设银行股份有限公司广东省分行", "440100000000", "ccb_gd_bank"),
    ("广东英德农村商业银行", "441881000000", "yd_bank"),
    ("汕头农村商业银行股份有限公司", "440500000000", "st_bank"),
    ("茂名农村商业银行股份有限公司", "440900000000", "mm_bank"),
)

ALL_KINDS = ["cooperative", "enterprise", "family_farm"]
# (bank index, name, region, kinds, industries, amount range 元, term months, rate %, collateral, scheme)
PRODUCTS: tuple[tuple[Any, ...], ...] = (
    (
        0,
        "特色产业科技贷",
        "ewn",
        ALL_KINDS,
        ["FRUIT-BANANA", "FRUIT-PINEAPPLE", "AQUA-SHRIMP", "CASH-SUGARCANE"],
        (100000, 3000000),
        (6, 36),
        ("3.45", "4.80"),
        "信用；保证",
        True,
    ),
    (
        0,
        "农机装备购置贷",
        "ewn",
        ALL_KINDS,
        ["MACHINE"],
        (50000, 1000000),
        (12, 36),
        ("3.60", "4.90"),
        "保证；设备抵押",
        True,
    ),
    (1, "惠农e贷·科技版", "all", ALL_KINDS, [], (30000, 3000000), (6, 36), ("3.30", "4.35"), "信用", True),
    (
        1,
        "科技型企业信用贷",
        "all",
        ["enterprise"],
        [],
        (500000, 10000000),
        (12, 36),
        ("3.20", "4.20"),
        "信用；知识产权质押",
        True,
    ),
    (
        1,
        "乡村振兴特色产业贷",
        "ewn",
        ALL_KINDS,
        ["FRUIT", "TEA", "HERB"],
        (100000, 5000000),
        (12, 60),
        ("3.40", "4.60"),
        "保证；农村承包土地经营权抵押",
        True,
    ),
    (
        2,
        "邮储科技贷",
        "all",
        ["enterprise"],
        [],
        (300000, 5000000),
        (12, 36),
        ("3.35", "4.50"),
        "信用；保证",
        True,
    ),
    (
        2,
        "家庭农场贷",
        "all",
        ["family_farm", "cooperative"],
        [],
        (30000, 500000),
        (6, 24),
        ("3.80", "5.20"),
        "信用",
        False,
    ),
    (
        3,
        "粤农贷·科技助农",
        "ewn",
        ALL_KINDS,
        [],
        (50000, 2000000),
        (6, 36),
        ("3.50", "5.00"),
        "信用；保证",
        True,
    ),
    (
        3,
        "南药种植贷",
        "ewn",
        ALL_KINDS,
        ["HERB"],
        (50000, 1500000),
        (12, 48),
        ("3.60", "4.90"),
        "保证；林权抵押",
        True,
    ),
    (
        3,
        "茶产业科技贷",
        "all",
        ALL_KINDS,
        ["TEA"],
        (50000, 2000000),
        (12, 36),
        ("3.50", "4.80"),
        "信用；保证",
        True,
    ),
    (
        4,
        "客商柚业贷",
        "ewn",
        ALL_KINDS,
        ["FRUIT-POMELO", "FRUIT-CITRUS"],
        (50000, 2000000),
        (6, 36),
        ("3.65", "5.10"),
        "保证；果园经营权抵押",
        True,
    ),
    (
        4,
        "客商科创贷",
        "ewn",
        ["enterprise"],
        [],
        (500000, 8000000),
        (12, 36),
        ("3.40", "4.60"),
        "信用；知识产权质押",
        True,
    ),
    (
        5,
        "穗农科技贷",
        "pearl",
        ALL_KINDS,
        [],
        (100000, 5000000),
        (12, 36),
        ("3.30", "4.40"),
        "信用；保证",
        True,
    ),
    (
        5,
        "花卉苗木贷",
        "pearl",
        ALL_KINDS,
        ["FLOWER"],
        (50000, 2000000),
        (6, 24),
        ("3.60", "4.80"),
        "保证",
        False,
    ),
    (
        6,
        "善新贷·农业科技",
        "all",
        ["enterprise"],
        ["PROCESS", "DIGITAL"],
        (500000, 10000000),
        (12, 36),
        ("3.25", "4.30"),
        "信用；知识产权质押",
        True,
    ),
    (6, "裕农快贷", "all", ALL_KINDS, [], (30000, 1000000), (6, 24), ("3.70", "4.90"), "信用", False),
    (
        7,
        "清远丝苗米产业贷",
        "ewn",
        ALL_KINDS,
        ["GRAIN"],
        (50000, 2000000),
        (6, 36),
        ("3.55", "4.90"),
        "保证；仓单质押",
        True,
    ),
    (
        7,
        "清远鸡养殖贷",
        "ewn",
        ALL_KINDS,
        ["LIVESTOCK-CHICKEN", "LIVESTOCK"],
        (50000, 3000000),
        (6, 36),
        ("3.60", "5.00"),
        "保证；活体抵押",
        True,
    ),
    (
        8,
        "潮汕单丛茶贷",
        "ewn",
        ALL_KINDS,
        ["TEA-DANCONG"],
        (50000, 1500000),
        (6, 36),
        ("3.60", "4.90"),
        "保证",
        True,
    ),
    (
        8,
        "预制菜产业贷",
        "ewn",
        ["enterprise"],
        ["PROCESS-PREMADE", "PROCESS"],
        (300000, 5000000),
        (12, 36),
        ("3.45", "4.60"),
        "保证；设备抵押",
        True,
    ),
    (
        8,
        "海洋渔业科技贷",
        "ewn",
        ALL_KINDS,
        ["AQUA"],
        (100000, 3000000),
        (12, 36),
        ("3.55", "4.90"),
        "保证；渔船抵押",
        True,
    ),
    (
        9,
        "荔枝龙眼产业贷",
        "ewn",
        ALL_KINDS,
        ["FRUIT-LYCHEE", "FRUIT-LONGAN"],
        (50000, 2000000),
        (6, 36),
        ("3.50", "4.90"),
        "保证；果园经营权抵押",
        True,
    ),
    (
        9,
        "化橘红种植贷",
        "ewn",
        ALL_KINDS,
        ["HERB-HUAJUHONG"],
        (50000, 1000000),
        (12, 48),
        ("3.60", "4.90"),
        "保证",
        True,
    ),
    (
        9,
        "罗非鱼养殖贷",
        "ewn",
        ALL_KINDS,
        ["AQUA-TILAPIA"],
        (50000, 2000000),
        (6, 24),
        ("3.60", "5.00"),
        "保证；存货质押",
        True,
    ),
    (
        2,
        "乡村振兴科技贷（粤东西北）",
        "ewn",
        ALL_KINDS,
        [],
        (50000, 3000000),
        (6, 36),
        ("3.40", "4.70"),
        "信用；保证",
        True,
    ),
)

PURPOSES = (
    "购置种苗和水肥一体化设备，扩大标准化种植基地",
    "引进新品种并建设育苗大棚",
    "购置烘干和分级包装设备，延长产业链",
    "建设冷链仓储，减少采后损耗",
    "购买植保无人机和智能灌溉系统",
    "技术改造，提升加工自动化水平",
)


def _day_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(max((end - start).days, 1)))


class Demo:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.password = make_password(DEMO_PASSWORD)
        self.today = timezone.localdate()
        self.province = User.objects.get(username="gd_admin")

    def bank(self, name: str, city: str, username: str) -> tuple[Organisation, User]:
        division = Division.objects.get(code=city)
        bank, _ = Organisation.all_objects.get_or_create(
            name=name,
            defaults={
                "kind": "bank",
                "uscc": make_uscc(self.rng, kind="enterprise", division_code=city),
                "division": division,
                "address": division.full_name,
                "contact_name": "信贷部",
                "contact_phone": make_mobile(self.rng),
            },
        )
        user = User.objects.filter(username=username).first() or User.objects.create(
            username=username,
            display_name=f"{name}普惠金融部",
            role=Role.ORG,
            organisation=bank,
            password=self.password,
        )
        return bank, user

    def ratios(self) -> None:
        start = dt.date(self.today.year - 3, 1, 1)
        raised = dt.date(self.today.year - 1, 1, 1)
        basis = "科技信贷风险补偿资金管理办法；政策 三(三)二是"
        for region, day, ratio, cap in (
            ("pearl", start, "0.40", "2000000"),
            ("ewn", start, "0.50", "3000000"),
            ("ewn", raised, "0.60", "4000000"),
        ):
            services.ratio_create(
                acting_user=self.province,
                region=region,
                effective_from=day,
                ratio=ratio,
                cap=cap,
                basis=basis
                if day == start
                else "适当提高粤东粤西粤北地区科技信贷风险补偿比例（政策 三(三)二是）",
            )

    def products(self, banks: list[tuple[Organisation, User]]) -> list[CreditProduct]:
        made = []
        for index, name, region, kinds, industries, amounts, terms, rates, collateral, scheme in PRODUCTS:
            made.append(
                services.product_create(
                    acting_user=banks[index][1],
                    publish=True,
                    name=name,
                    summary=f"面向{'粤东粤西粤北' if region == 'ewn' else '全省' if region == 'all' else '珠三角'}"
                    "农村特色产业的科技信贷产品，线上申请，专人对接，随借随还。",
                    eligible_region=region,
                    borrower_kinds=kinds,
                    industries=industries,
                    amount_min=amounts[0],
                    amount_max=amounts[1],
                    term_min_months=terms[0],
                    term_max_months=terms[1],
                    rate_min=rates[0],
                    rate_max=rates[1],
                    collateral=collateral,
                    under_scheme=scheme,
                )
            )
        return made

    def borrowers(self) -> dict[bool, list[Organisation]]:
        """Enterprises, cooperatives and family farms in counties, towns and villages, by 粤东西北."""
        found: dict[bool, list[Organisation]] = {True: [], False: []}
        for organisation in (
            Organisation.all_objects.filter(kind__in=ALL_KINDS, is_active=True)
            .exclude(name="徐闻县曲界镇香蕉种植专业合作社")
            .order_by("pk")
        ):
            found[is_east_west_north(organisation.division_id)].append(organisation)
        return found

    def borrower_user(self, organisation: Organisation) -> User:
        user = (
            User.objects.filter(role=Role.ORG, organisation=organisation, is_active=True)
            .order_by("pk")
            .first()
        )
        if user is None:
            user = User.objects.create(
                username=f"unit{organisation.pk:04d}",
                display_name=f"{organisation.name}负责人",
                role=Role.ORG,
                organisation=organisation,
                password=self.password,
            )
        return user

    def fitting(self, products: list[CreditProduct], borrower: Organisation) -> list[CreditProduct]:
        ewn = is_east_west_north(borrower.division_id)
        return [
            p
            for p in products
            if borrower.kind in p.borrower_kinds
            and (p.eligible_region == "all" or (p.eligible_region == "ewn") == ewn)
        ]

    def terms(self, product: CreditProduct) -> tuple[Decimal, int, Decimal]:
        low, high = int(product.amount_min), int(min(product.amount_max, Decimal(3000000)))
        amount = Decimal(self.rng.randrange(low // 10000, high // 10000 + 1) * 10000)
        months = self.rng.choice(
            [m for m in (6, 12, 24, 36) if product.term_min_months <= m <= product.term_max_months]
            or [product.term_max_months]
        )
        steps = int((product.rate_max - product.rate_min) * 20)
        rate = product.rate_min + Decimal(self.rng.randrange(steps + 1)) * Decimal("0.05")
        return amount, months, min(rate, product.rate_max)


@transaction.atomic
def demo_finance(rng: random.Random) -> dict[str, Any]:
    if CreditProduct.all_objects.exists():
        return {"products": CreditProduct.all_objects.count(), "loans": Loan.all_objects.count(), "users": []}
    demo = Demo(rng)
    demo.ratios()
    banks = [demo.bank(*row) for row in BANKS]
    bank_users = {bank.pk: user for bank, user in banks}
    products = demo.products(banks)
    borrowers = demo.borrowers()
    start = dt.date(demo.today.year - 3, 3, 1)
    serial = 0
    loans: list[Loan] = []
    for index in range(LOANS):
        ewn = index < LOANS_EWN
        pool = borrowers[ewn] or borrowers[not ewn]
        borrower = rng.choice(pool)
        choices = demo.fitting(products, borrower)
        if not choices:
            continue
        product = rng.choice(choices)
        amount, months, rate = demo.terms(product)
        lent_on = _day_between(rng, start, demo.today - dt.timedelta(days=20))
        serial += 1
        bank_user = bank_users[product.bank_id]
        application = None
        if index % 10 == 0:  # one loan in ten came through the platform
            application = services.application_submit(
                acting_user=demo.borrower_user(borrower),
                product_id=product.pk,
                amount=amount,
                term_months=months,
                purpose=rng.choice(PURPOSES),
                industry=rng.choice([i.code for i in product.industries.all()] or [""]),
            )
            # The application was made a few days before the loan it became.
            applied = timezone.make_aware(
                dt.datetime.combine(lent_on - dt.timedelta(days=rng.randrange(3, 20)), dt.time(10))
            )
            LoanApplication.all_objects.filter(pk=application.pk).update(created_at=applied)
        loans.append(
            services.loan_record(
                acting_user=bank_user,
                application_id=application.pk if application else None,
                product_id=product.pk,
                borrower_uscc=borrower.uscc,
                contract_number=f"JK{lent_on:%Y}{serial:06d}",
                amount=amount,
                rate=rate,
                term_months=months,
                lent_on=lent_on,
            )
        )
    _outcomes(demo, loans, bank_users)
    _waiting_applications(demo, products, borrowers, bank_users)
    users = [(username, "单位（银行）", name) for name, _, username in BANKS[:1]]
    return {"products": len(products), "loans": len(loans), "users": users}


def _outcomes(demo: Demo, loans: list[Loan], bank_users: dict[int, User]) -> None:
    """Loans past their term repaid; 30 scheme loans defaulted, most claimed and decided."""
    rng = demo.rng
    scheme = [
        loan for loan in loans if loan.under_scheme and loan.lent_on < demo.today - dt.timedelta(days=120)
    ]
    # Defaults in both regions and under both 粤东西北 ratios, so the tilt and the versions show.
    rng.shuffle(scheme)
    defaulted = scheme[:DEFAULTS]
    for n, loan in enumerate(defaulted):
        bank = bank_users[loan.bank_id]
        day = _day_between(rng, loan.lent_on + dt.timedelta(days=90), min(loan.due_on, demo.today))
        outstanding = (loan.amount * Decimal(rng.randrange(40, 95)) / 100).quantize(Decimal("1.00"))
        services.loan_default(acting_user=bank, loan_id=loan.pk, defaulted_on=day, outstanding=outstanding)
        if n >= 24:
            continue  # defaulted lately: the bank has not claimed yet
        recovered = (outstanding * Decimal(rng.randrange(0, 40)) / 100).quantize(Decimal("1.00"))
        claim = services.claim_submit(
            acting_user=bank, loan_id=loan.pk, recovered=recovered, note="已处置抵押物并向保证人追偿"
        )
        if n < 20:
            services.claim_decide(acting_user=demo.province, claim_id=claim.pk, approve=True)
        if n < 14:
            services.claim_pay(
                acting_user=demo.province,
                claim_id=claim.pk,
                paid_on=min(day + dt.timedelta(days=rng.randrange(30, 90)), demo.today),
            )
        if n == 20:
            services.claim_decide(
                acting_user=demo.province,
                claim_id=claim.pk,
                approve=False,
                reason="违约前贷款已展期两次，未按规定报备，不符合补偿条件",
            )
    for loan in loans:
        if loan.status == LoanStatus.ACTIVE and loan.due_on < demo.today and loan not in defaulted:
            services.loan_repay(acting_user=bank_users[loan.bank_id], loan_id=loan.pk, repaid_on=loan.due_on)


def _waiting_applications(
    demo: Demo,
    products: list[CreditProduct],
    borrowers: dict[bool, list[Organisation]],
    bank_users: dict[int, User],
) -> None:
    """Applications the banks have not decided yet, and some they declined."""
    rng = demo.rng
    made = 0
    for borrower in rng.sample(borrowers[True] + borrowers[False], 40):
        choices = demo.fitting(products, borrower)
        if not choices or made >= APPLICATIONS_WAITING + APPLICATIONS_DECLINED:
            continue
        product = rng.choice(choices)
        if LoanApplication.all_objects.filter(
            product=product, applicant=borrower, status="submitted"
        ).exists():
            continue
        amount, months, _ = demo.terms(product)
        application = services.application_submit(
            acting_user=demo.borrower_user(borrower),
            product_id=product.pk,
            amount=amount,
            term_months=months,
            purpose=rng.choice(PURPOSES),
        )
        made += 1
        if made > APPLICATIONS_WAITING:
            services.application_decline(
                acting_user=bank_users[product.bank_id],
                application_id=application.pk,
                reason="经营年限不足一年，暂不符合准入条件，可半年后再申请",
            )
