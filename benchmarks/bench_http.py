"""HTTP load benchmark (`make bench`): a county user's busiest reads on the province-scale data set.

On PostgreSQL (``BQW_BENCH_DATABASE_URL``, default ``postgres://postgres@127.0.0.1:5432/bqw_bench``;
the database is created, migrated and filled with ``bqw demo --scale province`` the first time and
reused after that), gunicorn serves the platform with rate limits off, and wrk holds 32 connections
for 30 s against each case, one after another:

- baselines, unscoped and trivial: ``/api/v1/accounts/me`` (the token's own account) and the
  notifications page (a signed-in page with nothing in it);
- the county's demand list through the API: scoped to 大埔县's account, filtered by status and
  text, second page;
- the same list as the page a person opens (``/demands/?…``);
- the matching page: a demand's recommendations (achievements, experts, institutions), over 200
  demands of the county in turn (after a 30 s warm-up, so mostly repeated views).

Each case prints requests/s, p50/p90/p99 latency and errors beside its baseline, measured in the
same run. Target: p99 <= 200 ms and no error on the scoped cases.

    .venv/bin/python benchmarks/bench_http.py [--duration 30] [--connections 32]
                                              [--workers 4] [--threads 4]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BQW = ROOT / ".venv" / "bin" / "bqw"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bqw_bench"
VAR_DIR = ROOT / "var" / "bench"
COUNTY_USER = "county_441422"  # 大埔县科技局
PASSWORD = "Bqw@2025demo"  # noqa: S105 - the generated accounts' published password (accounts/demo.py)
TARGET_P99_MS = 200.0
LIST_QUERY = {"status": "solved", "q": "技术", "page": "2"}

LUA = """
local paths = {%(paths)s}
local counter = 0
%(headers)s
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %%d, "seconds": %%f, "p50": %%d, "p90": %%d, "p99": %%d, "max": %%d, ' ..
    '"connect": %%d, "read": %%d, "write": %%d, "status": %%d, "timeout": %%d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def write(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


@dataclass
class Result:
    name: str
    requests: int
    seconds: float
    p50: float
    p90: float
    p99: float
    worst: float
    errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def run(env: dict[str, str], *args: str, capture: bool = False) -> str:
    done = subprocess.run(  # noqa: S603 - our own command line
        [str(BQW), *args], env=env, cwd=ROOT, check=True, text=True, capture_output=capture
    )
    return done.stdout if capture else ""


def database_ready(url: str) -> bool:
    """Create the benchmark's own database if it is missing; False when PostgreSQL is unreachable."""
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
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone()
            if not exists:
                write(f"创建数据库 {config['NAME']}")
                conn.execute(f'CREATE DATABASE "{config["NAME"]}"')
    except psycopg.OperationalError as exc:
        write(f"PostgreSQL 不可用（{str(exc).strip().splitlines()[0]}），跳过 HTTP 压测。")
        return False
    return True


def query(url: str, sql: str) -> list[tuple]:
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    with psycopg.connect(
        host=config.get("HOST") or "127.0.0.1",
        port=config.get("PORT") or 5432,
        user=config.get("USER") or "postgres",
        password=config.get("PASSWORD") or None,
        dbname=config["NAME"],
    ) as conn:
        return conn.execute(sql).fetchall()


def prepare(url: str, env: dict[str, str]) -> None:
    """Migrate and load what is missing (the province-scale data set only the first time)."""
    started = time.perf_counter()
    run(env, "migrate", "--noinput", "-v0")

    def count(table: str) -> int:
        return int(query(url, f"SELECT count(*) FROM {table}")[0][0])  # noqa: S608 - fixed names

    if not count("regions_division"):
        run(env, "regions", "load")
    if not count("industries_industry"):
        run(env, "industries", "load")
    if not count("indicators_systemversion"):
        run(env, "indicators", "load")
    if not count("demands_demand"):
        write("生成全省规模数据（只在第一次运行时，约几分钟）……")
        run(env, "demo", "--scale", "province")
    elif not (Path(env["BQW_VAR_DIR"]) / "matching").exists():
        run(env, "match", "rebuild")
    write(f"数据就绪：需求 {count('demands_demand'):,} 条（{time.perf_counter() - started:.0f} 秒）")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bench_database() -> str | None:
    """``BQW_BENCH_DATABASE_URL`` once PostgreSQL answers (None: skip the benchmark), with wrk
    installed to drive the server."""
    url = os.environ.get("BQW_BENCH_DATABASE_URL", DEFAULT_URL)
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("BQW_BENCH_DATABASE_URL 应为 PostgreSQL 地址")
    if not database_ready(url):
        return None
    if shutil.which("wrk") is None:
        subprocess.run(["bash", str(ROOT / "scripts" / "ensure_wrk.sh")], check=True)  # noqa: S603, S607
    return url


def server_env(url: str) -> dict[str, str]:
    """The environment the benchmarked platform runs in: the benchmark database, its own var/
    directory, no rate limits, no Celery broker (tasks run in the process)."""
    env = {k: v for k, v in os.environ.items() if k not in ("CELERY_BROKER_URL", "DEBUG")}
    env.update(
        DATABASE_URL=url,
        BQW_VAR_DIR=str(VAR_DIR),
        BQW_RATE_LIMITS="off",
        PYTHONDONTWRITEBYTECODE="",
    )
    return env


def start_server(
    env: dict[str, str],
    port: int,
    workers: int,
    threads: int,
    worker_class: str = "gthread",
    access_log: Path | None = None,
) -> subprocess.Popen[bytes]:
    command = [
        str(GUNICORN),
        "baiqianwan.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        worker_class,
        "--timeout",
        "120",
        "--log-level",
        "warning",
        *(["--access-logfile", str(access_log)] if access_log else []),
    ]
    server = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)  # noqa: S603
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2):
                return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn 未能启动")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(server.pid, signal.SIGKILL)


def login(base: str) -> str:
    """Sign in as the county user through the login page; returns the session cookie."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if token is None:
        raise SystemExit("登录页没有 CSRF 令牌")
    form = urllib.parse.urlencode(
        {"username": COUNTY_USER, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)}
    ).encode()
    request = urllib.request.Request(f"{base}/accounts/login/", data=form, headers={"Referer": f"{base}/"})  # noqa: S310
    opener.open(request).read()
    cookies = {c.name: c.value for c in jar}
    if "sessionid" not in cookies:
        raise SystemExit(f"{COUNTY_USER} 登录失败")
    return f"sessionid={cookies['sessionid']}; csrftoken={cookies.get('csrftoken', '')}"


def check(base: str, path: str, headers: dict[str, str], expect: str) -> None:
    """Each case answers 200 with what it should show before it is measured (a redirect to the
    login page would count as a fast success)."""
    request = urllib.request.Request(base + path, headers=headers)  # noqa: S310 - our own server
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        body = response.read().decode()
        if response.status != 200 or expect not in body:
            raise SystemExit(f"{path} 返回 {response.status}，内容不对：{body[:200]}")


def wrk(
    base: str, name: str, paths: list[str], headers: dict[str, str], duration: int, connections: int
) -> Result:
    lua = LUA % {
        "paths": ", ".join(json.dumps(p) for p in paths),
        "headers": "\n".join(f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items()),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    try:
        done = subprocess.run(  # noqa: S603
            [
                shutil.which("wrk") or "wrk",
                "-t2",
                f"-c{connections}",
                f"-d{duration}s",
                "--timeout",
                "10s",
                "-s",
                script.name,
                base,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(script.name)
    line = next(x for x in done.stdout.splitlines() if x.startswith("BENCH "))
    data = json.loads(line[len("BENCH ") :])
    errors = sum(data[k] for k in ("connect", "read", "write", "status", "timeout"))
    return Result(
        name,
        data["requests"],
        data["seconds"],
        data["p50"] / 1000,
        data["p90"] / 1000,
        data["p99"] / 1000,
        data["max"] / 1000,
        errors,
    )


def table(rows: list[Result], baselines: dict[str, Result], of: dict[str, str]) -> str:
    head = [
        "case",
        "req/s",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "max ms",
        "errors",
        "baseline p99 ms",
        "baseline req/s",
    ]
    body = []
    for r in rows:
        base = baselines.get(of.get(r.name, ""))
        body.append(
            [
                r.name,
                f"{r.rate:.0f}",
                f"{r.p50:.1f}",
                f"{r.p90:.1f}",
                f"{r.p99:.1f}",
                f"{r.worst:.0f}",
                str(r.errors),
                f"{base.p99:.1f}" if base else "—",
                f"{base.rate:.0f}" if base else "—",
            ]
        )
    widths = [max(len(x[i]) for x in [head, *body]) for i in range(len(head))]
    line = lambda cells: "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"  # noqa: E731
    return "\n".join(
        [line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *(line(b) for b in body)]
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--duration", type=int, default=30, help="seconds per case")
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--threads", type=int, default=4)
    args = ap.parse_args(argv)

    url = bench_database()
    if url is None:
        return 0
    env = server_env(url)
    prepare(url, env)
    token = run(
        env, "token", "create", "--user", COUNTY_USER, "--name", "HTTP 压测", "--days", "1", capture=True
    )
    bearer = {"Authorization": f"Bearer {token.strip()}"}
    ids = [
        row[0]
        for row in query(
            url,
            "SELECT id FROM demands_demand WHERE division_id LIKE '441422%' "
            "AND status IN ('accepted', 'matching', 'solved') ORDER BY id LIMIT 200",
        )
    ]

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    write(f"gunicorn：{args.workers} 个进程 × {args.threads} 个线程（gthread），{os.cpu_count()} 个 CPU 核")
    server = start_server(env, port, args.workers, args.threads)
    try:
        session = {"Cookie": login(base)}
        fragment = {**session, "HX-Request": "true"}  # the demand page fetches its panel with htmx
        listing = urllib.parse.urlencode(LIST_QUERY)
        cases = [
            ("API baseline: /accounts/me", ["/api/v1/accounts/me"], bearer, "county_441422", ""),
            (
                f"API demand list ?{listing}",
                [f"/api/v1/demands?{listing}"],
                bearer,
                '"count"',
                "API baseline: /accounts/me",
            ),
            ("page baseline: /notifications/", ["/notifications/"], session, "通知", ""),
            (
                f"page demand list ?{listing}",
                [f"/demands/?{listing}"],
                session,
                "科技需求",
                "page baseline: /notifications/",
            ),
            (
                f"matching page ({len(ids)} demands)",
                [f"/matching/demands/{pk}/recommendations/" for pk in ids],
                fragment,
                "",
                "page baseline: /notifications/",
            ),
        ]
        for _, paths, header, expect, _ in cases:
            for path in paths[:3]:
                check(base, path, header, expect)
        # Every worker loads the matching index and sees most of the demands before it is timed
        # (a first view searches the index, later views reuse the result until the index changes).
        wrk(base, "warm-up", cases[-1][1], fragment, 30, args.connections)
        results: list[Result] = []
        load = os.getloadavg()[0]
        for name, paths, header, _, _ in cases:
            result = wrk(base, name, paths, header, args.duration, args.connections)
            results.append(result)
            write(f"  {name}: p99 {result.p99:.1f} ms, {result.rate:.0f} req/s, errors {result.errors}")
    finally:
        stop_server(server)

    baselines = {r.name: r for r in results if "baseline" in r.name}
    of = {name: baseline for name, _, _, _, baseline in cases if baseline}
    write()
    write(
        f"{args.connections} connections × {args.duration} s per case, wrk, PostgreSQL, "
        f"load average {load:.1f} on {os.cpu_count()} cores at the start"
    )
    write(table(results, baselines, of))
    scoped = [r for r in results if "baseline" not in r.name]
    missed = [r.name for r in scoped if r.p99 > TARGET_P99_MS or r.errors]
    verdict = "OK" if not missed else "OVER TARGET: " + ", ".join(missed)
    write(f"target: p99 <= {TARGET_P99_MS:.0f} ms and no error on the scoped cases: {verdict}")
    return 0 if not missed else 1


if __name__ == "__main__":
    sys.exit(main())
