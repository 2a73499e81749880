"""Fault: PostgreSQL restarts while writes stream in through the API of a running app server.

A private PostgreSQL cluster (never the shared one) is created in a temporary directory, migrated,
and served by gunicorn with the deployment's configuration. Two clients keep registering
organisations over the API; the cluster is then stopped the hard way (``pg_ctl -m immediate``,
like a crash: no shutdown checkpoint, WAL replay on start), left down for a few seconds and
started again, while the app server keeps running. Every response is recorded:

- while the database is down, requests answer 503 in the API's JSON (pages with the 503 page),
  with ``Retry-After``, promptly — never a 500, never a hang;
- once it is back, writes succeed again without restarting the app (connections are checked);
- every write that was acknowledged with a 201 is in the database afterwards.
"""

from __future__ import annotations

import contextlib
import glob
import http.client
import json
import os
import pwd
import random
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

from baiqianwan.core.fakes import make_uscc

from ..conftest import A

ROOT = Path(__file__).resolve().parents[2]
DOWN_SECONDS = 4.0
REQUEST_TIMEOUT = 15.0  # a request that takes longer than this counts as a hang

# Run in a subprocess against the private cluster: the schema, the few divisions the writes
# need (through the real loader), a province account, its API token and a logged-in session.
# The tables are created straight from the models, as pytest-django's --nomigrations does
# (`make lint` keeps models and migrations equal; no migration carries data): replaying every
# migration would take most of this test's time.
SETUP = r"""
import csv, json, sys, tempfile
from pathlib import Path
import django
django.setup()
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.test import Client
settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
call_command("migrate", run_syncdb=True, verbosity=0, interactive=False)
from baiqianwan.accounts.models import User
from baiqianwan.accounts.services import api_token_create
from baiqianwan.regions.services import DIVISIONS_CSV, divisions_load
wanted = set(sys.argv[1].split(","))
rows = [r for r in csv.DictReader(DIVISIONS_CSV.open(encoding="utf-8")) if r["code"] in wanted]
subset = Path(tempfile.mkdtemp()) / "divisions.csv"
with subset.open("w", encoding="utf-8", newline="") as out:
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
divisions_load(path=subset)
user = User(username="province_fault", display_name="省级测试", role="province", division_id="440000000000")
user.set_password("Tq7#river-lychee")
user.full_clean()
user.save()
_token, raw = api_token_create(acting_user=user, name="故障测试", days=1)
client = Client()
client.force_login(user)
print(json.dumps({"token": raw, "session": client.cookies[settings.SESSION_COOKIE_NAME].value}))
"""


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    return candidates[-1] if candidates else None


def _as_postgres_owner() -> tuple[list[str], int | None]:
    """The command prefix that runs PostgreSQL's tools (initdb refuses root), and the uid to own
    the data directory; the reason to skip when there is no way."""
    if os.geteuid() != 0:
        return [], None
    try:
        uid = pwd.getpwnam("postgres").pw_uid
    except KeyError:
        pytest.skip("以 root 运行且没有 postgres 系统账号：initdb 拒绝以 root 运行，无法建立私有集群")
    runuser = shutil.which("runuser")
    if runuser is None:
        pytest.skip("以 root 运行且没有 runuser：无法以 postgres 账号启动私有集群")
    return [runuser, "-u", "postgres", "--"], uid


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    prefix: list[str]
    pg_ctl: str
    data: Path
    port: int
    log: Path

    def _ctl(self, *args: str, options: str = "") -> None:
        command = [self.pg_ctl, "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", *args]
        if options:
            command += ["-o", options]
        subprocess.run([*self.prefix, *command], check=True, capture_output=True, timeout=90)

    def options(self, *, fast_setup: bool) -> str:
        base = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.data}"
        # Schema setup without fsync (it is thrown away anyway); the writes under test run with
        # PostgreSQL's durable defaults.
        return base + (" -c fsync=off -c synchronous_commit=off" if fast_setup else "")

    def start(self, *, fast_setup: bool = False) -> None:
        self._ctl("start", options=self.options(fast_setup=fast_setup))

    def stop(self, mode: str) -> None:
        self._ctl("stop", "-m", mode)

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not (initdb and pg_ctl):
        pytest.skip("找不到 initdb/pg_ctl：本机未安装 PostgreSQL 服务端，无法建立私有集群")
    prefix, uid = _as_postgres_owner()
    base = Path(tempfile.mkdtemp(prefix="bqw-fault-pg-"))
    base.chmod(0o755)
    data = base / "data"
    data.mkdir()
    if uid is not None:
        os.chown(data, uid, -1)
    command = [initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]
    subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120)
    found = Cluster(prefix=prefix, pg_ctl=pg_ctl, data=data, port=_free_port(), log=base / "postgres.log")
    if uid is not None:
        found.log.touch()
        os.chown(found.log, uid, -1)
    found.start(fast_setup=True)
    try:
        yield found
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):  # already down
            found.stop("immediate")
        shutil.rmtree(base, ignore_errors=True)


@dataclass
class Answer:
    at: float
    seconds: float
    status: int  # 0: no answer (connection refused, reset or timed out)
    body: Any
    retry_after: str | None
    uscc: str = ""


def _request(
    port: int, method: str, path: str, *, body: Any = None, headers: dict[str, str] | None = None
) -> Answer:
    start = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        data = json.dumps(body).encode() if body is not None else None
        conn.request(method, path, body=data, headers={"Content-Type": "application/json", **(headers or {})})
        response = conn.getresponse()
        raw = response.read()
        kind = response.getheader("Content-Type", "")
        parsed: Any = json.loads(raw) if "json" in kind else raw.decode("utf-8", "replace")
        return Answer(
            start, time.monotonic() - start, response.status, parsed, response.getheader("Retry-After")
        )
    except (OSError, http.client.HTTPException) as exc:
        return Answer(start, time.monotonic() - start, 0, repr(exc), None)
    finally:
        conn.close()


@pytest.fixture
def app_server(cluster: Cluster, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """The app on gunicorn with the deployment's config, over the private cluster."""
    with psycopg.connect(cluster.url("postgres"), autocommit=True) as conn:
        conn.execute("CREATE DATABASE bqw")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GUNICORN", "CELERY", "BQW_"))}
    port = _free_port()
    env.update(
        DATABASE_URL=cluster.url("bqw"),
        BQW_VAR_DIR=str(tmp_path / "var"),
        SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_SETTINGS_MODULE="baiqianwan.settings",
        BQW_RATE_LIMITS="off",  # two clients writing as fast as they can are not what is tested
        LOG_LEVEL="WARNING",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1",
        GUNICORN_THREADS="4",
    )
    env.pop("DEBUG", None)
    log_path = tmp_path / "gunicorn.log"
    log = log_path.open("w")
    # Started first: it loads the application while the schema is being built.
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
            "baiqianwan.wsgi:application",
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wanted = ",".join(["440000000000", A["city"], A["county"], A["town"]])
        setup = subprocess.run(
            [sys.executable, "-c", SETUP, wanted],
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert setup.returncode == 0, setup.stderr[-3000:]
        credentials = json.loads(setup.stdout.strip().splitlines()[-1])
        cluster.stop("fast")
        cluster.start()  # from here on with fsync and synchronous commit
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if _request(port, "GET", "/accounts/login/").status == 200:
                break
            assert server.poll() is None, log_path.read_text()[-3000:]
            time.sleep(0.3)
        else:
            pytest.fail("gunicorn 未能在 60 秒内就绪")
        yield {"port": port, "server": server, "log": log_path, **credentials}
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _stored_usccs(cluster: Cluster) -> set[str]:
    with psycopg.connect(cluster.url("bqw")) as conn:
        return {row[0] for row in conn.execute("SELECT uscc FROM orgs_organisation")}


def test_a_postgres_restart_answers_503_then_recovers_and_loses_no_acknowledged_write(
    cluster: Cluster, app_server: dict[str, Any]
) -> None:
    port = app_server["port"]
    headers = {"Authorization": f"Bearer {app_server['token']}"}
    rng = random.Random(20261206)
    codes = iter([make_uscc(rng, kind="enterprise", division_code=A["town"]) for _ in range(5000)])
    lock = threading.Lock()
    answers: list[Answer] = []
    stop = threading.Event()

    def writer(name: str) -> None:
        n = 0
        while not stop.is_set():
            with lock:
                uscc = next(codes)
            n += 1
            body = {"name": f"故障测试企业{name}{n:04d}", "kind": "enterprise", "uscc": uscc}
            body["division_code"] = A["town"]
            answer = _request(port, "POST", "/api/v1/orgs/organisations", body=body, headers=headers)
            answer.uscc = uscc
            with lock:
                answers.append(answer)
            if answer.status != 201:
                time.sleep(0.2)  # a client told to retry does not hammer

    def acknowledged(since: float = 0.0) -> int:
        with lock:
            return sum(1 for a in answers if a.status == 201 and a.at >= since)

    threads = [threading.Thread(target=writer, args=(n,)) for n in ("甲", "乙")]
    for thread in threads:
        thread.start()
    try:
        deadline = time.monotonic() + 30
        while acknowledged() < 20 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert acknowledged() >= 20, ("写入在重启前就没有成功", [(a.status, a.body) for a in answers[:3]])

        stopping_at = time.monotonic()
        cluster.stop("immediate")
        down_at = time.monotonic()
        time.sleep(0.5)
        # While it is down: a page of a logged-in user, and an API read.
        page = _request(port, "GET", "/", headers={"Cookie": f"sessionid={app_server['session']}"})
        read = _request(port, "GET", "/api/v1/orgs/organisations", headers=headers)
        time.sleep(max(0.0, DOWN_SECONDS - (time.monotonic() - down_at)))
        cluster.start()
        up_at = time.monotonic()

        deadline = time.monotonic() + 30
        while acknowledged(since=up_at) < 20 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=REQUEST_TIMEOUT + 5)

    log = app_server["log"].read_text()
    statuses = sorted({a.status for a in answers})
    assert set(statuses) <= {201, 503}, (
        statuses,
        [a.body for a in answers if a.status not in (201, 503)][:3],
    )
    assert max(a.seconds for a in answers) < REQUEST_TIMEOUT
    unavailable = [a for a in answers if a.status == 503]
    assert unavailable, "数据库停止期间没有请求得到 503"
    for a in unavailable:
        assert a.retry_after == "5"
        assert a.body["code"] == "unavailable", a.body
        assert "数据库暂时不可用" in a.body["detail"]
    # Only while it was down (or restarting): never before the stop, never long after the start.
    assert all(a.at + a.seconds >= stopping_at for a in unavailable)
    assert all(a.at < up_at + 5 for a in unavailable), [a.at - up_at for a in unavailable]

    assert (page.status, page.retry_after) == (503, "5"), (page.status, str(page.body)[:300])
    assert "稍后" in page.body
    assert (read.status, read.retry_after) == (503, "5"), read.body

    after = [a for a in answers if a.status == 201 and a.at >= up_at]
    assert len(after) >= 20, f"数据库恢复后 30 秒内只成功写入 {len(after)} 次\n{log[-3000:]}"
    recovery = min(a.at + a.seconds for a in after) - up_at

    stored = _stored_usccs(cluster)
    written = [a for a in answers if a.status == 201]
    lost = [a.uscc for a in written if a.uscc not in stored]
    assert not lost, f"{len(lost)} 个已确认（201）的写入在重启后丢失"
    assert {a.body["uscc"] for a in written} == {a.uscc for a in written}

    sys.stdout.write(  # the figures of the fault section (shown with pytest -s or -rP)
        f"\n写入 {len(answers)} 次：201 {len(written)} 次，503 {len(unavailable)} 次；"
        f"数据库停止 {DOWN_SECONDS:.0f} 秒，启动后 {recovery:.2f} 秒恢复写入；"
        f"最慢一次应答 {max(a.seconds for a in answers):.2f} 秒；已确认的写入全部在库（{len(stored)} 行）\n"
    )
