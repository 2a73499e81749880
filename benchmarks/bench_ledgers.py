"""Ledger dashboards benchmark (`make bench`): the 科技信贷 overview over 1,000,000 loans and the
技术市场 statistics over 100,000 deals, on PostgreSQL.

The benchmark's own database (``BQW_BENCH_LEDGER_URL``, default
``postgres://postgres@127.0.0.1:5432/bqw_bench_ledgers``) is created, migrated and filled the first
time and reused after that: the divisions, 10 banks with 25 products, 20,000 borrowers (enterprises,
cooperatives, family farms) in the province's towns, 1,000,000 loans (about 60 % in 粤东西北, most
under the risk-compensation scheme, 3 % defaulted) with 20,000 claims, and 100,000 registered deals
between 5,000 sellers and the borrowers, implemented where the buyer is.

Each case is the page a person opens, rendered by Django's test client (selectors, template and
all), for the province (everything) and for a city bureau (its region, a scoped filter): the median
of five runs after one warm-up. Beside them, in the same run, the plain aggregate a spreadsheet
would do (``count(*), sum(amount)`` over the same table) — the floor any dashboard over that table
stands on. Target: each dashboard ≤ 1 s; exits 1 if missed.

    .venv/bin/python benchmarks/bench_ledgers.py [--loans 1000000] [--deals 100000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bqw_bench_ledgers"
TARGET_SECONDS = 1.0
RUNS = 5
BORROWERS = 20_000
SELLERS = 5_000


def write(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def database_ready(url: str) -> bool:
    """Create the benchmark's database if it is missing; False when PostgreSQL is unreachable."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    admin = {
        "host": config.get("HOST") or "127.0.0.1",
        "port": config.get("PORT") or 5432,
        "user": config.get("USER") or "postgres",
        "password": config.get("PASSWORD") or None,
    }
    try:
        with psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=5, **admin) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone():
                write(f"创建数据库 {config['NAME']}")
                conn.execute(f'CREATE DATABASE "{config["NAME"]}"')
    except psycopg.OperationalError as exc:
        write(f"PostgreSQL 不可用（{str(exc).strip().splitlines()[0]}），跳过台账看板压测。")
        return False
    return True


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["BQW_VAR_DIR"] = str(ROOT / "var" / "bench-ledgers")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baiqianwan.settings")
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ["BQW_REQUIRE_2FA"] = "0"  # the pages, not the sign-in, are measured
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def fill(loans: int, deals: int) -> None:
    """The data set, in bulk SQL (INSERT … SELECT over generate_series), once."""
    from django.core.management import call_command
    from django.db import connection

    from baiqianwan.accounts.models import User
    from baiqianwan.finance.models import CompensationRatio, CreditProduct, Loan
    from baiqianwan.market.models import Deal
    from baiqianwan.orgs.models import Organisation
    from baiqianwan.regions.models import Division
    from baiqianwan.regions.services import divisions_load
    from baiqianwan.supply.models import Achievement

    call_command("migrate", "--noinput", verbosity=0)
    if not Division.objects.exists():
        divisions_load()
    have_loans, have_deals = Loan.all_objects.count(), Deal.all_objects.count()
    if have_loans >= loans and have_deals >= deals:
        return
    write(f"生成数据：贷款 {loans:,} 笔、技术交易 {deals:,} 笔（只在第一次运行时）……")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for table in (
            "finance_compensationclaim",
            "finance_loan",
            "finance_creditproduct",
            "market_dealpayment",
            "market_deal",
            "supply_achievement",
        ):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names
        cursor.execute("DELETE FROM finance_compensationratio")
        cursor.execute("DELETE FROM orgs_organisation WHERE name LIKE '压测%%'")
    province = Division.objects.get(code="440000000000")
    User.objects.get_or_create(username="bench_province", defaults={"role": "province", "division": province})
    User.objects.get_or_create(
        username="bench_city",
        defaults={"role": "city", "division": Division.objects.get(code="441400000000")},
    )
    for region in ("pearl", "ewn"):
        CompensationRatio.objects.create(
            region=region, effective_from="2020-01-01", ratio="0.6" if region == "ewn" else "0.4"
        )
    with connection.cursor() as cursor:
        # Units: banks, borrowers in towns, sellers (institutes) in cities, each with a unique code.
        cursor.execute(
            """
            INSERT INTO orgs_organisation (name, kind, uscc, division_id, address, contact_name,
                contact_phone, website, is_active, version, created_at, updated_at)
            SELECT '压测银行' || g, 'bank', 'B' || lpad(g::text, 17, '0'), '440100000000', '', '', '', '',
                   true, 0, now(), now()
            FROM generate_series(1, 10) g
            """
        )
        cursor.execute(
            """
            INSERT INTO orgs_organisation (name, kind, uscc, division_id, address, contact_name,
                contact_phone, website, is_active, version, created_at, updated_at)
            SELECT '压测借款单位' || g, (ARRAY['enterprise','cooperative','family_farm'])[1 + g %% 3],
                   'L' || lpad(g::text, 17, '0'), t.code, '', '', '', '', true, 0, now(), now()
            FROM generate_series(1::bigint, %s) g
            JOIN (SELECT code, row_number() OVER (ORDER BY code) AS n, count(*) OVER () AS total
                  FROM regions_division WHERE level = 'town') t ON t.n = 1 + (g * 7919) %% t.total
            """,
            [BORROWERS],
        )
        cursor.execute(
            """
            INSERT INTO orgs_organisation (name, kind, uscc, division_id, address, contact_name,
                contact_phone, website, is_active, version, created_at, updated_at)
            SELECT '压测成果单位' || g, 'institute', 'S' || lpad(g::text, 17, '0'), c.code, '', '', '', '',
                   true, 0, now(), now()
            FROM generate_series(1::bigint, %s) g
            JOIN (SELECT code, row_number() OVER (ORDER BY code) AS n, count(*) OVER () AS total
                  FROM regions_division WHERE level = 'city') c ON c.n = 1 + g %% c.total
            """,
            [SELLERS],
        )
    banks = list(Organisation.all_objects.filter(name__startswith="压测银行"))
    products = [
        CreditProduct.all_objects.create(
            bank=banks[n % len(banks)],
            name=f"压测产品{n}",
            eligible_region="all",
            borrower_kinds=["enterprise", "cooperative", "family_farm"],
            amount_min=10000,
            amount_max=10000000,
            term_min_months=6,
            term_max_months=60,
            rate_min="3.00",
            rate_max="6.00",
            collateral="信用",
            under_scheme=n % 5 != 0,
            status="open",
            is_public=True,
        )
        for n in range(25)
    ]
    ids = ",".join(str(p.pk) for p in products)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            CREATE TEMP TABLE bench_borrower AS
            SELECT row_number() OVER (ORDER BY id) AS n, id, division_id,
                   CASE WHEN substr(division_id, 1, 4) IN ('4401','4403','4404','4406','4413','4419',
                        '4420','4407','4412') THEN 'pearl' ELSE 'ewn' END AS region
            FROM orgs_organisation WHERE name LIKE '压测借款单位%%';
            CREATE TEMP TABLE bench_product AS
            SELECT row_number() OVER (ORDER BY id) AS n, id, bank_id, under_scheme
            FROM finance_creditproduct WHERE id IN ({ids});
            INSERT INTO finance_loan (created_at, updated_at, product_id, bank_id, borrower_id,
                contract_number, amount, rate, term_months, lent_on, due_on, place_id, region,
                under_scheme, ratio_version_id, ratio, status, defaulted_on, outstanding_at_default,
                version)
            SELECT now(), now(), p.id, p.bank_id, b.id, 'BJ' || g, (10000 * (1 + (g * 37) %% 300))::numeric,
                   3.5, 24, date '2021-01-01' + (g %% 2100)::int, date '2023-01-01' + (g %% 2100)::int,
                   b.division_id, b.region, p.under_scheme,
                   CASE WHEN p.under_scheme THEN r.id END, CASE WHEN p.under_scheme THEN r.ratio END,
                   CASE WHEN g %% 33 = 0 THEN 'defaulted' WHEN g %% 3 = 0 THEN 'repaid' ELSE 'active' END,
                   CASE WHEN g %% 33 = 0 THEN date '2024-01-01' + (g %% 600)::int END,
                   CASE WHEN g %% 33 = 0 THEN (5000 * (1 + (g * 37) %% 300))::numeric END, 0
            FROM generate_series(1::bigint, %s) g
            JOIN bench_borrower b ON b.n = 1 + (g * 104729) %% {BORROWERS}
            JOIN bench_product p ON p.n = 1 + g %% 25
            JOIN finance_compensationratio r ON r.region = b.region;
            INSERT INTO finance_compensationclaim (created_at, updated_at, loan_id, outstanding, recovered,
                loss, ratio, compensation, bank_bears, capped, status, submitted_by_id, note, version)
            SELECT now(), now(), l.id, l.outstanding_at_default, 0, l.outstanding_at_default, l.ratio,
                   round(l.outstanding_at_default * l.ratio, 2),
                   l.outstanding_at_default - round(l.outstanding_at_default * l.ratio, 2), false,
                   (ARRAY['submitted','approved','paid'])[1 + l.id %% 3],
                   (SELECT id FROM accounts_user WHERE username = 'bench_province'), '', 0
            FROM finance_loan l WHERE l.status = 'defaulted' AND l.under_scheme;
            """,  # noqa: S608 - numbers and ids the script made, no input
            [loans],
        )
    sellers = Organisation.all_objects.filter(name__startswith="压测成果单位").values_list("pk", flat=True)
    Achievement.all_objects.bulk_create(
        [
            Achievement(
                title=f"压测成果{n}",
                abstract="",
                maturity="industrial",
                ip_type="patent",
                transfer_modes=["licence"],
                organisation_id=seller,
            )
            for n, seller in enumerate(sellers)
        ],
        batch_size=1000,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            CREATE TEMP TABLE bench_achievement AS
            SELECT row_number() OVER (ORDER BY id) AS n, id, organisation_id FROM supply_achievement
            WHERE title LIKE '压测成果%%';
            INSERT INTO market_deal (created_at, updated_at, title, achievement_id, seller_id, buyer_id, mode,
                contract_value, place_id, in_east_west_north, contract_number, registered_on, summary,
                status, registered_side, registered_by_id, return_reason, publicity, version)
            SELECT now(), now(), '压测交易' || g, a.id, a.organisation_id, b.id,
                   (ARRAY['assignment','licence','equity','joint','service'])[1 + g %% 5],
                   (5000 * (1 + (g * 53) %% 2000))::numeric, b.division_id, b.region = 'ewn',
                   '2025' || lpad(g::text, 12, '0'), date '2022-01-01' + (g %% 1400)::int, '',
                   CASE WHEN g %% 10 = 0 THEN 'party' ELSE 'registered' END, 'buyer',
                   (SELECT id FROM accounts_user WHERE username = 'bench_province'), '',
                   (5000 * (1 + (g * 53) %% 2000)) >= 1000000, 0
            FROM generate_series(1::bigint, %s) g
            JOIN bench_borrower b ON b.n = 1 + (g * 7907) %% {BORROWERS}
            JOIN bench_achievement a ON a.n = 1 + g %% {SELLERS};
            ANALYZE;
            """,  # noqa: S608 - numbers the script chose, no input
            [deals],
        )
    write(f"数据就绪（{time.perf_counter() - started:.0f} 秒）")


def timed(action: Callable[[], object]) -> float:
    action()  # warm-up: connections, template and translation caches
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--loans", type=int, default=1_000_000)
    ap.add_argument("--deals", type=int, default=100_000)
    args = ap.parse_args(argv)
    url = os.environ.get("BQW_BENCH_LEDGER_URL", DEFAULT_URL)
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("BQW_BENCH_LEDGER_URL 应为 PostgreSQL 地址")
    if not database_ready(url):
        return 0
    setup_django(url)
    fill(args.loans, args.deals)

    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from baiqianwan.accounts.models import User
    from baiqianwan.finance.models import Loan
    from baiqianwan.market.models import Deal

    setup_test_environment()
    write(
        f"贷款 {Loan.all_objects.count():,} 笔，技术交易 {Deal.all_objects.count():,} 笔；每项取 {RUNS} 次的中位数"
    )

    def plain(sql: str) -> Callable[[], object]:
        def run() -> object:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchall()

        return run

    def page(username: str, path: str) -> Callable[[], object]:
        client = Client()
        client.force_login(User.objects.get(username=username))

        def run() -> object:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code, response.get("Location"))
            return response

        return run

    cases = [
        ("基线：贷款 count(*), sum(amount)", plain("SELECT count(*), sum(amount) FROM finance_loan"), False),
        ("科技信贷概览（省）", page("bench_province", "/finance/"), True),
        ("科技信贷概览（梅州市）", page("bench_city", "/finance/"), True),
        (
            "基线：交易 count(*), sum(contract_value)",
            plain("SELECT count(*), sum(contract_value) FROM market_deal"),
            False,
        ),
        ("技术交易统计（省）", page("bench_province", "/market/deals/stats/"), True),
        ("技术交易统计（梅州市）", page("bench_city", "/market/deals/stats/"), True),
    ]
    missed = []
    write("| 项目 | 中位数（毫秒） | 目标 |")
    write("|---|---:|---|")
    for name, action, checked in cases:
        seconds = timed(action)
        target = f"≤ {TARGET_SECONDS * 1000:.0f}" if checked else "基线"
        write(f"| {name} | {seconds * 1000:.0f} | {target} |")
        if checked and seconds > TARGET_SECONDS:
            missed.append(name)
    if missed:
        write(f"未达标：{'、'.join(missed)}")
        return 1
    write("全部达标")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
