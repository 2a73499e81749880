"""Fault: a Celery worker killed (SIGKILL) in the middle of a solve and of an import.

Real workers (``celery worker``, prefork pool, as deployed) run in subprocesses against Redis and
the test database. They are started with ``JOB_TEST_PAUSE_SECONDS`` set, so a job waits just
before its rows commit and logs the process that runs it; the test kills that process there:

- the pool process (what the kernel's OOM killer picks): the worker gives the job back to the
  queue at once (``task_reject_on_worker_lost``) and runs it again;
- the whole worker: the job's message stays unacknowledged in Redis (``task_acks_late``) and a
  new worker gets it after the visibility timeout;
- twice in a row: the job ends as failed with a message, and is not tried for ever.

Whatever happens, no part of an import or of a plan is stored by an attempt that was killed.

On SQLite the worker opens the same test database file; the test writes in autocommit
(``transaction=True``) so the worker sees what it set up.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import redis
from celery import Celery
from django.conf import settings
from django.db import connection
from openpyxl import Workbook

from baiqianwan import celery_app
from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.commissioners.rounds import services as rounds_services
from baiqianwan.commissioners.rounds.models import Assignment, RoundStatus
from baiqianwan.core.fakes import make_id_number, make_uscc
from baiqianwan.core.imports import import_job_start
from baiqianwan.core.jobs import LOST_MESSAGE
from baiqianwan.core.models import Job
from baiqianwan.orgs.importing import ORGANISATION_SCHEMA
from baiqianwan.orgs.models import Organisation, Person
from baiqianwan.regions.models import Division
from baiqianwan.supply.models import ExpertProfile

from ..conftest import A

pytestmark = pytest.mark.django_db(transaction=True)  # the workers read what is committed

# Its own Redis database: the workers here restore unacknowledged messages after 2 seconds, which
# would steal long jobs from other tests' workers sharing a database with them.
BROKER = os.environ.get("BQW_TEST_FAULT_BROKER_URL", "redis://127.0.0.1:6379/14")
PAUSE_SECONDS = 4.0
VISIBILITY_TIMEOUT = 2

# A real worker, configured as deployed, with two test settings: the pause before a job commits,
# and Redis' sweep for unacknowledged messages every second (kombu's default is 100 seconds).
WORKER = r"""
import sys
import django
django.setup()
from django.conf import settings
settings.JOB_TEST_PAUSE_SECONDS = float(sys.argv[2])
from baiqianwan.celery import app
app.conf.broker_transport_options = {
    **app.conf.broker_transport_options, "unacked_restore_interval": 1, "unacked_restore_throttle": 1
}
app.worker_main([
    "worker", "--queues", sys.argv[1], "--pool", "prefork", "--concurrency", "1", "--loglevel", "INFO",
    "--without-gossip", "--without-mingle", "--hostname", sys.argv[3],
])
"""

PAUSED = re.compile(r"故障测试：后台任务 (\d+) 第 (\d+) 次执行在提交前暂停 [\d.]+ 秒（进程 (\d+)）")


@dataclass
class Worker:
    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)

    def read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    def paused(self, job: Job, attempt: int, timeout: float = 90) -> int:
        """Wait until ``job``'s ``attempt`` waits before its commit; the pid running it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                found = PAUSED.search(line)
                if found and (int(found[1]), int(found[2])) == (job.pk, attempt):
                    return int(found[3])
            assert self.process.poll() is None, "".join(self.lines[-40:])
            time.sleep(0.05)
        pytest.fail(f"任务 {job.pk} 第 {attempt} 次执行未到达暂停点：\n{''.join(self.lines[-40:])}")

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes at once: a lost machine, a `kill -9`."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)


@pytest.fixture
def queue() -> Iterator[str]:
    """A queue of the test's own, on a Celery app that sends to it (the suite's app is eager)."""
    name = f"bqw-fault-{uuid.uuid4().hex}"
    client = redis.Redis.from_url(BROKER)
    client.ping()
    app = Celery("baiqianwan-fault", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(broker_url=BROKER, task_always_eager=False, task_default_queue=name)
    app.autodiscover_tasks(force=True)
    app.set_current()
    try:
        yield name
    finally:
        celery_app.set_current()
        celery_app.set_default()
        app.close()
        client.delete(name, f"_kombu.binding.{name}", f"_kombu.binding_permanent.{name}")
        client.close()


@pytest.fixture
def start_worker(queue: str, tmp_path: Path) -> Iterator[Callable[..., Worker]]:
    started: list[Worker] = []
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{db['NAME']}"
    else:
        host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
        url = f"postgres://{db['USER']}@{host}:{port}/{db['NAME']}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CELERY")}
    env.update(
        DATABASE_URL=url,
        PGPASSWORD=db.get("PASSWORD") or "",
        CELERY_BROKER_URL=BROKER,
        CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
        BQW_VAR_DIR=str(settings.VAR_DIR),  # where the uploads are, as on the web side
        MATCHING_INDEX_DIR=str(tmp_path / "matching"),
        PYTHONUNBUFFERED="1",
    )

    def start(*, pause: float) -> Worker:
        process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                WORKER,
                queue,
                str(pause),
                f"fault{len(started)}-{uuid.uuid4().hex[:6]}@%h",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own process group, to kill it with its pool
        )
        worker = Worker(process)
        threading.Thread(target=worker.read, daemon=True).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        if worker.process.poll() is None:
            os.killpg(worker.process.pid, signal.SIGTERM)
            try:
                worker.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()


def _finished(job: Job, timeout: float = 120) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.finished:
            return job
        time.sleep(0.2)
    pytest.fail(f"任务 {job.pk} 在 {timeout} 秒内没有结束：{job.status} {job.message}")


def _organisations_file(count: int, seed: int) -> tuple[bytes, list[str]]:
    rng = random.Random(seed)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([c.header for c in ORGANISATION_SCHEMA.columns])
    codes = [make_uscc(rng, kind="enterprise", division_code=A["town"]) for _ in range(count)]
    for i, code in enumerate(codes):
        sheet.append([f"湖寮镇故障测试企业{i:03d}", "企业", code, A["town"], "", "", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), codes


@pytest.fixture
def solvable_round(make_user: Callable[..., User], make_org: Callable[..., Organisation]) -> dict[str, Any]:
    """A round with one town asking for three and four candidates (three may lead)."""
    province = make_user(Role.PROVINCE, "440000000000")
    university = make_org("华南农业大学", "university", "440106000000")
    rng = random.Random(5)
    dispatch_round = rounds_services.round_create(acting_user=province, name="2025年故障测试批", year=2025)
    rounds_services.need_submit(
        acting_user=province,
        dispatch_round=dispatch_round,
        town=Division.objects.get(code=A["town"]),
        fields=["种植"],
        slots=3,
    )
    for name, title in (
        ("陈晓燕", "研究员"),
        ("黄志强", "副教授"),
        ("李建华", "助理研究员"),
        ("王芳", "教授"),
    ):
        person = Person.all_objects.create(
            name=name,
            title=title,
            id_number=make_id_number(
                rng, division_code="440106000000", born=dt.date(1978, 3, 1), female=False
            ),
            mobile="13800138000",
            organisation=university,
        )
        account = make_user(Role.COMMISSIONER, A["county"], display_name=name)
        expert = ExpertProfile.all_objects.create(
            person=person, user=account, keywords="柚类", home_city_id=A["city"]
        )
        rounds_services.nominate(
            acting_user=province, dispatch_round=dispatch_round, expert=expert, fields=["种植"]
        )
    return {"province": province, "round": dispatch_round}


def test_a_solve_whose_pool_process_is_killed_runs_again_and_stores_one_whole_plan(
    solvable_round: dict[str, Any], start_worker: Callable[..., Worker]
) -> None:
    dispatch_round = solvable_round["round"]
    worker = start_worker(pause=PAUSE_SECONDS)
    job = rounds_services.round_solve_job(
        acting_user=solvable_round["province"], dispatch_round=dispatch_round
    )

    pid = worker.paused(job, attempt=1)
    # The plan is written but not committed: nothing of it is visible.
    assert not Assignment.all_objects.filter(round=dispatch_round).exists()
    os.kill(pid, signal.SIGKILL)  # the pool process only, as the OOM killer would
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.RUNNING, 1)
    dispatch_round.refresh_from_db()
    assert dispatch_round.status == RoundStatus.OPEN
    assert not Assignment.all_objects.filter(round=dispatch_round).exists()

    worker.paused(job, attempt=2)  # given back to the queue at once and run again
    job = _finished(job)
    assert job.status == Job.Status.SUCCEEDED, (job.message, "".join(worker.lines[-30:]))
    assert job.attempts == 2
    assert job.result["filled"] == 3
    dispatch_round.refresh_from_db()
    assert dispatch_round.status == RoundStatus.SOLVED
    assigned = list(
        Assignment.all_objects.filter(round=dispatch_round).values_list("nomination_id", flat=True)
    )
    assert len(assigned) == len(set(assigned)) == 3  # one plan, not a plan and a half
    assert dispatch_round.result["filled"] == 3


def test_an_import_whose_worker_is_killed_is_delivered_to_a_new_worker_and_stored_once(
    make_user: Callable[..., User], start_worker: Callable[..., Worker]
) -> None:
    user = make_user(Role.COUNTY, A["county"])
    data, codes = _organisations_file(60, seed=21)
    first = start_worker(pause=PAUSE_SECONDS)
    job = import_job_start(acting_user=user, kind="organisations", filename="单位.xlsx", data=data)

    first.paused(job, attempt=1)
    first.kill()  # the whole worker, with its pool: the message stays unacknowledged in Redis
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.RUNNING, 1)
    assert not Organisation.all_objects.filter(uscc__in=codes).exists()

    second = start_worker(pause=0)
    job = _finished(job)
    assert job.status == Job.Status.SUCCEEDED, (job.message, "".join(second.lines[-30:]))
    assert job.attempts == 2
    assert job.result["created"] == 60
    stored = list(Organisation.all_objects.filter(uscc__in=codes).values_list("uscc", flat=True))
    assert sorted(stored) == sorted(codes)  # every row once


def test_a_job_lost_twice_ends_as_failed_with_a_message_and_stores_nothing(
    make_user: Callable[..., User], start_worker: Callable[..., Worker]
) -> None:
    user = make_user(Role.COUNTY, A["county"])
    data, codes = _organisations_file(20, seed=22)
    worker = start_worker(pause=PAUSE_SECONDS)
    job = import_job_start(acting_user=user, kind="organisations", filename="单位.xlsx", data=data)

    os.kill(worker.paused(job, attempt=1), signal.SIGKILL)
    os.kill(worker.paused(job, attempt=2), signal.SIGKILL)
    job = _finished(job)  # the third delivery does not run it: it ends the job
    assert job.status == Job.Status.FAILED
    assert job.message == LOST_MESSAGE == "任务执行中断（工作进程退出），已重试 1 次仍未完成，请重新提交"
    assert job.attempts == 2
    assert not Organisation.all_objects.filter(uscc__in=codes).exists()
    # The message is acknowledged: nothing is left in the queue to run a third time.
    time.sleep(1)
    assert not any(PAUSED.search(line) and f"任务 {job.pk} 第 3 次" in line for line in worker.lines)
