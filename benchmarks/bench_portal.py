"""Public portal load benchmark (`make bench`): many anonymous visitors on the cached portal pages.

The same PostgreSQL database as bench_http.py (``BQW_BENCH_DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/bqw_bench``, prepared by its ``prepare``: created, migrated
and filled with ``bqw demo --scale province`` the first time, reused after that). Here the plan
(the home page's live figures) is loaded too, and market listings and a case are published through
their apps' services when the generated data has none. gunicorn serves the platform as ``make run``
does (gthread workers, whitenoise for ``/static/``) with rate limits off; wrk holds 200
connections, without cookies, as a browser's first visit, against each case in turn:

- baseline: a static file (``/static/portal/portal.css``) served by the same gunicorn;
- the portal's home page ``/public/``;
- a public detail page: ``--detail-path``, by default the first published 典型案例
  ``/public/cases/<id>/`` (the county bureau of 大埔县 writes one with a photo and the province
  publishes it, through the publicity services, when the database has none);
- a published market listing ``/public/market/<id>/``.

The portal pages get a short warm-up first (each worker fills its cache), as the target is about the
steady state of pages that are cached. Each case prints requests/s, p50/p90/p99 latency and errors
beside the static file measured in the same run. Target: p99 <= 100 ms and no error on the portal
cases; exits 1 if missed.

    .venv/bin/python benchmarks/bench_portal.py [--duration 20] [--connections 200]
        [--detail-path /public/...] [--static-path /static/...] [--workers 2] [--threads 4]
        [--worker-class gthread]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_http import (  # the sibling benchmark's helpers, on the path just above
    DEFAULT_URL,
    ROOT,
    Result,
    check,
    database_ready,
    free_port,
    prepare,
    query,
    run,
    start_server,
    stop_server,
    table,
    write,
    wrk,
)

TARGET_P99_MS = 100.0
STATIC_PATH = "/static/portal/portal.css"
WARM_UP_SECONDS = 5
# What a browser in Guangdong sends; the portal answers in the language it asks for.
BROWSER = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}
LISTED = "SELECT id FROM market_listing WHERE status = 'listed' AND is_public ORDER BY id LIMIT 1"
CASE = "SELECT id FROM outreach_showcasecase WHERE is_published ORDER BY id LIMIT 1"

# A few achievements go on the market through the market's own service (the province enters a
# listing for the unit that owns it), as the province-scale data set has no listings.
PUBLISH_LISTINGS = """
from baiqianwan.accounts.models import User
from baiqianwan.market import services
from baiqianwan.supply.models import Achievement

province = User.objects.get(username="province_44")
for achievement in Achievement.objects.for_user(province).order_by("pk")[:20]:
    mode = achievement.transfer_modes[0]
    services.listing_create(
        acting_user=province,
        achievement_id=achievement.pk,
        title=achievement.title[:100],
        mode=mode,
        licence_terms="按合同约定",
        authority="成果完成单位授权挂牌",
        publish=True,
    )
"""


# A 典型案例 as a county bureau writes it (a photo is required to submit), published by the province.
PUBLISH_CASE = """
import io
from PIL import Image
from baiqianwan.accounts.models import User
from baiqianwan.outreach.publicity import services

county = User.objects.get(username="county_441422")
province = User.objects.get(username="province_44")
case = services.case_create(
    acting_user=county,
    place_code="441422100000",
    title="科技特派团助大埔蜜柚防治黄龙病",
    summary="湖寮镇科技特派团带着检测和防控技术进村入户，三年里黄龙病株率从 8% 降到 1.5%。",
    body="大埔县湖寮镇的蜜柚园受黄龙病威胁多年。" * 8,
    results="病株率下降，亩产提高两成。",
)
picture = io.BytesIO()
Image.new("RGB", (640, 480), (70, 140, 80)).save(picture, format="JPEG")
services.photo_add(acting_user=county, case_id=case.pk, name="园.jpg", data=picture.getvalue())
services.case_submit(acting_user=county, case_id=case.pk)
services.case_review(acting_user=province, case_id=case.pk, publish=True)
"""


def prepare_portal(url: str, env: dict[str, str]) -> None:
    prepare(url, env)
    if not query(url, "SELECT count(*) FROM plan_kpi")[0][0]:
        run(env, "plan", "load")
    if not query(url, LISTED):
        write("发布 20 条技术市场挂牌（生成的数据中没有挂牌）")
        run(env, "shell", "-c", PUBLISH_LISTINGS)
    if not query(url, CASE):
        write("发布 1 个典型案例（生成的数据中没有案例）")
        run(env, "shell", "-c", PUBLISH_CASE)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--duration", type=int, default=20, help="seconds per case")
    ap.add_argument("--connections", type=int, default=200)
    ap.add_argument(
        "--detail-path",
        default="",
        help="a public detail page; default: the first published case, /public/cases/<id>/",
    )
    ap.add_argument("--static-path", default=STATIC_PATH)
    ap.add_argument("--workers", type=int, default=2, help="as `make run`")
    ap.add_argument("--threads", type=int, default=4, help="as `make run`")
    ap.add_argument("--worker-class", default="gthread", choices=["gthread", "sync"])
    args = ap.parse_args(argv)

    url = os.environ.get("BQW_BENCH_DATABASE_URL", DEFAULT_URL)
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("BQW_BENCH_DATABASE_URL 应为 PostgreSQL 地址")
    if not database_ready(url):
        return 0
    if shutil.which("wrk") is None:
        subprocess.run(["bash", str(ROOT / "scripts" / "ensure_wrk.sh")], check=True)  # noqa: S603, S607
    env = {k: v for k, v in os.environ.items() if k not in ("CELERY_BROKER_URL", "DEBUG")}
    env.update(
        DATABASE_URL=url,
        BQW_VAR_DIR=str(ROOT / "var" / "bench"),
        BQW_RATE_LIMITS="off",
        PYTHONDONTWRITEBYTECODE="",
    )
    prepare_portal(url, env)
    detail = args.detail_path or f"/public/cases/{query(url, CASE)[0][0]}/"
    listing = f"/public/market/{query(url, LISTED)[0][0]}/"

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    write(
        f"gunicorn：{args.workers} 个进程 × {args.threads} 个线程（{args.worker_class}），"
        f"{os.cpu_count()} 个 CPU 核"
    )
    server = start_server(env, port, args.workers, args.threads, args.worker_class)
    static = "static file baseline: " + args.static_path
    cases = [
        (static, args.static_path, "", ""),
        ("portal home /public/", "/public/", "百千万", static),
        (f"portal detail {detail}", detail, "", static),
        (f"portal listing {listing}", listing, "", static),
    ]
    try:
        for _, path, expect, _ in cases:
            check(base, path, BROWSER, expect)
        with urllib.request.urlopen(base + args.static_path, timeout=10) as response:  # noqa: S310
            write(f"静态文件 {args.static_path}：{len(response.read()):,} 字节")
        wrk(
            base, "warm-up", [path for _, path, _, _ in cases[1:]], BROWSER, WARM_UP_SECONDS, args.connections
        )
        results: list[Result] = []
        load = os.getloadavg()[0]
        for name, path, _, _ in cases:
            result = wrk(base, name, [path], BROWSER, args.duration, args.connections)
            results.append(result)
            write(f"  {name}: p99 {result.p99:.1f} ms, {result.rate:.0f} req/s, errors {result.errors}")
    finally:
        stop_server(server)

    baselines = {static: results[0]}
    of = {name: baseline for name, _, _, baseline in cases if baseline}
    write()
    write(
        f"{args.connections} connections × {args.duration} s per case, wrk, PostgreSQL, "
        f"load average {load:.1f} on {os.cpu_count()} cores at the start"
    )
    write(table(results, baselines, of))
    portal = results[1:]
    missed = [r.name for r in portal if r.p99 > TARGET_P99_MS or r.errors]
    verdict = "OK" if not missed else "OVER TARGET: " + ", ".join(missed)
    write(f"target: p99 <= {TARGET_P99_MS:.0f} ms and no error on the portal cases: {verdict}")
    return 0 if not missed else 1


if __name__ == "__main__":
    sys.exit(main())
