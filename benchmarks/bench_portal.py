"""Public portal load benchmark (`make bench`): many anonymous visitors on the cached portal pages.

The same PostgreSQL database as bench_http.py (``BQW_BENCH_DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/bqw_bench``, prepared by its ``prepare``: created, migrated
and filled with ``bqw demo --scale province`` the first time, reused after that). Here the plan
(the home page's live figures) is loaded too, and market listings and a case are published through
their apps' services when the generated data has none.

The platform is served as the provincial deployment serves it (docs/deploy.md, decision 0018):
gunicorn as ``make run`` starts it (gthread workers, rate limits off) behind the site of
deploy/nginx.conf, run over plain HTTP by scripts/local_nginx.py — nginx answers ``/static/``
itself and keeps the portal pages the platform marks cacheable. wrk holds 200 connections, without
cookies, as a browser's first visit, against each case in turn:

- baseline: a static file (``/static/portal/portal.css``) served by the same nginx;
- the portal's home page ``/public/``;
- a public detail page: ``--detail-path``, by default the first published 典型案例
  ``/public/cases/<id>/`` (the county bureau of 大埔县 writes one with a photo and the province
  publishes it, through the publicity services, when the database has none);
- a published market listing ``/public/market/<id>/``.

The portal pages get a short warm-up first, as the target is about the steady state of pages that
are cached. Each case prints requests/s, p50/p90/p99 latency, errors and how many of its requests
reached gunicorn (its access log), beside the static file measured in the same run. Target:
p99 <= 100 ms and no error on the portal cases; exits 1 if missed. ``--direct`` measures the same
cases once more on gunicorn alone (its own page cache, portal/pagecache.py, and whitenoise for the
static file), as ``make run`` serves them — for comparison, not held to the target.

    .venv/bin/python benchmarks/bench_portal.py [--duration 20] [--connections 200] [--direct]
        [--detail-path /public/...] [--static-path /static/...] [--workers 2] [--threads 4]
        [--worker-class gthread]
"""

from __future__ import annotations

import argparse
import os
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

import local_nginx  # scripts/local_nginx.py, on the second path above
from bench_http import (  # the sibling benchmark's helpers, on the first path above
    VAR_DIR,
    Result,
    bench_database,
    check,
    free_port,
    prepare,
    query,
    run,
    server_env,
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


def measure(
    base: str, cases: list[tuple[str, str, str, str]], args: argparse.Namespace, access_log: Path
) -> list[Result]:
    """Warm up the portal pages, then run wrk on each case; notes how many requests reached gunicorn."""
    for _, path, expect, _ in cases:
        check(base, path, BROWSER, expect)
    wrk(base, "warm-up", [path for _, path, _, _ in cases[1:]], BROWSER, WARM_UP_SECONDS, args.connections)
    results: list[Result] = []
    for name, path, _, _ in cases:
        before = _lines(access_log)
        result = wrk(base, name, [path], BROWSER, args.duration, args.connections)
        results.append(result)
        write(
            f"  {name}: p99 {result.p99:.1f} ms, {result.rate:.0f} req/s, errors {result.errors}, "
            f"{_lines(access_log) - before:,} of {result.requests:,} requests reached gunicorn"
        )
    return results


def _lines(path: Path) -> int:
    with path.open("rb") as log:
        return sum(1 for _ in log)


def report(title: str, cases: list[tuple[str, str, str, str]], results: list[Result]) -> list[str]:
    """Prints the table; returns the portal cases over the target."""
    static = cases[0][0]
    write()
    write(title)
    write(
        table(results, {static: results[0]}, {name: baseline for name, _, _, baseline in cases if baseline})
    )
    return [r.name for r in results[1:] if r.p99 > TARGET_P99_MS or r.errors]


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
    ap.add_argument("--direct", action="store_true", help="also measure gunicorn alone, without nginx")
    args = ap.parse_args(argv)

    url = bench_database()
    if url is None:
        return 0
    local_nginx.ensure_installed()
    env = server_env(url)
    prepare_portal(url, env)
    run(env, "collectstatic", "--noinput", "-v0")  # what nginx serves from /static/
    detail = args.detail_path or f"/public/cases/{query(url, CASE)[0][0]}/"
    listing = f"/public/market/{query(url, LISTED)[0][0]}/"
    static = "static file baseline: " + args.static_path
    cases = [
        (static, args.static_path, "", ""),
        ("portal home /public/", "/public/", "百千万", static),
        (f"portal detail {detail}", detail, "", static),
        (f"portal listing {listing}", listing, "", static),
    ]

    app_port, front_port = free_port(), free_port()
    nginx_dir = VAR_DIR / "nginx"
    local_nginx.clear_cache(nginx_dir)
    access_log = VAR_DIR / "gunicorn-access.log"
    access_log.unlink(missing_ok=True)
    write(
        f"nginx（deploy/nginx.conf）→ gunicorn：{args.workers} 个进程 × {args.threads} 个线程"
        f"（{args.worker_class}），{os.cpu_count()} 个 CPU 核"
    )
    server = start_server(env, app_port, args.workers, args.threads, args.worker_class, access_log)
    try:
        front = local_nginx.start(
            port=front_port, app_port=app_port, static_root=VAR_DIR / "static", workdir=nginx_dir
        )
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{front_port}{args.static_path}", timeout=10
            ) as response:
                write(f"静态文件 {args.static_path}：{len(response.read()):,} 字节")
            load = os.getloadavg()[0]
            results = measure(f"http://127.0.0.1:{front_port}", cases, args, access_log)
        finally:
            local_nginx.stop(front)
        direct = measure(f"http://127.0.0.1:{app_port}", cases, args, access_log) if args.direct else []
    finally:
        stop_server(server)

    setting = (
        f"{args.connections} connections × {args.duration} s per case, wrk, PostgreSQL, "
        f"load average {load:.1f} on {os.cpu_count()} cores at the start"
    )
    missed = report(f"nginx in front, as deployed: {setting}", cases, results)
    if direct:
        report("gunicorn alone, as `make run` serves (for comparison, no target)", cases, direct)
    verdict = "OK" if not missed else "OVER TARGET: " + ", ".join(missed)
    write(f"target: p99 <= {TARGET_P99_MS:.0f} ms and no error on the portal cases behind nginx: {verdict}")
    return 0 if not missed else 1


if __name__ == "__main__":
    sys.exit(main())
