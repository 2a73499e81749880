"""Background jobs with progress: one record per run, updated by the task, polled by the UI.

A job's message is acknowledged when the job ends, not when a worker takes it (settings:
``CELERY_TASK_ACKS_LATE``), so a worker that dies mid-job — killed, out of memory, machine lost —
leaves the message to be delivered again. ``job_run`` makes that safe: work stores its rows in one
transaction together with the job's end (``job_complete``), so a lost attempt stored nothing and a
finished job is not run again; a job found still "running" was lost and starts over once; lost a
second time, it ends as failed with a message instead of being tried for ever.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any

from auditlog.context import set_actor
from celery import shared_task
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Job

logger = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]

# A first run and one more after a lost worker; the next delivery ends the job as failed.
MAX_ATTEMPTS = 2
LOST_MESSAGE = "任务执行中断（工作进程退出），已重试 1 次仍未完成，请重新提交"


def job_create(
    *, kind: str, title: str, created_by: Any, params: dict[str, Any] | None = None, **fields: Any
) -> Job:
    return Job.all_objects.create(
        kind=kind, title=title, created_by=created_by, params=params or {}, **fields
    )


def job_progress_reporter(job: Job) -> Progress:
    """A callback that stores progress at most every 1% so a 100k-row job does ~100 writes."""
    state = {"last": -1}

    def report(done: int, total: int, message: str = "") -> None:
        step = max(total // 100, 1)
        if done == total or done - state["last"] >= step:
            state["last"] = done
            Job.all_objects.filter(pk=job.pk).update(progress=done, total=total, message=message[:500])

    return report


def job_cancel_requested(job: Job) -> bool:
    """Whether the user asked to stop ``job`` (one indexed read; work calls it between steps)."""
    return Job.all_objects.filter(pk=job.pk, cancel_requested=True).exists()


def job_cancel(*, job: Job, acting_user: Any) -> Job:
    """Ask cancellable work to stop; it stops at its next check and the job shows 已取消."""
    if job.created_by_id != acting_user.pk and not acting_user.is_province:
        raise PermissionDenied(_("只能取消自己发起的任务"))
    if not job.cancellable:
        raise ValidationError(_("该任务已结束或不能取消"))
    Job.all_objects.filter(pk=job.pk).update(cancel_requested=True, message=_("正在取消…"))
    job.refresh_from_db()
    return job


def _job_claim(job: Job) -> bool:
    """Start one more attempt at ``job``; False when there is nothing to run.

    A job already ended was delivered again after it finished (its worker died before
    acknowledging): nothing to do. A job still marked running was being run by a worker that
    died: its work stored nothing (one transaction), so it starts over — once."""
    with transaction.atomic():
        current = Job.all_objects.select_for_update().get(pk=job.pk)
        if current.finished:
            logger.info("后台任务 %s 已结束（%s），重复投递不再执行", job.pk, current.status)
            return False
        lost = current.status == Job.Status.RUNNING
        if lost and current.attempts >= MAX_ATTEMPTS:
            logger.error("后台任务 %s（%s）第 %s 次执行中断，不再重试", job.pk, job.kind, current.attempts)
            Job.all_objects.filter(pk=job.pk).update(
                status=Job.Status.FAILED, finished_at=timezone.now(), message=LOST_MESSAGE
            )
            return False
        if lost:
            logger.warning("后台任务 %s（%s）上次执行中断，重新执行", job.pk, job.kind)
        Job.all_objects.filter(pk=job.pk).update(
            status=Job.Status.RUNNING,
            started_at=timezone.now(),
            attempts=F("attempts") + 1,
            progress=0,
            message=_("上次执行中断，正在重新执行") if lost else "",
        )
    job.attempts = current.attempts + 1
    return True


def job_complete(job: Job, result: dict[str, Any]) -> None:
    """Record that ``job`` succeeded with ``result``, from inside the work's transaction.

    Work that stores rows calls it in the transaction that stores them, so the rows and the
    job's end commit together: a worker lost before that commit stored neither, one lost after it
    left a finished job that a second delivery does not run again."""
    job_test_pause(job)
    _job_succeeded(job, result)


def _job_succeeded(job: Job, result: dict[str, Any]) -> None:
    Job.all_objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
        status=Job.Status.SUCCEEDED,
        finished_at=timezone.now(),
        result=result,
        message=str(result.get("message", "完成"))[:500],
    )


def job_test_pause(job: Job) -> None:
    """For the fault tests only (tests/core/test_fault_worker.py): wait here, just before a job's
    rows commit, so that a test can kill the worker mid-job. ``settings.JOB_TEST_PAUSE_SECONDS``
    is 0 and no environment variable sets it; only a test's worker changes it."""
    seconds = settings.JOB_TEST_PAUSE_SECONDS
    if seconds > 0:
        logger.warning(
            "故障测试：后台任务 %s 第 %s 次执行在提交前暂停 %s 秒（进程 %s）",
            job.pk,
            job.attempts,
            seconds,
            os.getpid(),
        )
        time.sleep(seconds)


def job_run(job: Job, work: Callable[[Job, Progress], dict[str, Any]]) -> Job:
    """Run ``work`` for ``job``, recording start, end, result, failure or cancellation.

    Whatever ``work`` raises ends the job: the user reads a message, the log keeps the traceback,
    and the page stops polling. Record changes made by the work are audited under the user who
    started the job, on a worker as in the web process. A delivery of a job that has ended, or
    that was lost twice, runs nothing (see the module's docstring)."""
    if not _job_claim(job):
        job.refresh_from_db()
        return job
    try:
        with set_actor(job.created_by) if job.created_by_id else nullcontext():
            result = work(job, job_progress_reporter(job))
    except JobCancelledError:
        Job.all_objects.filter(pk=job.pk).update(
            status=Job.Status.CANCELLED, finished_at=timezone.now(), message=_("已按要求取消，未保存任何结果")
        )
    except JobFailedError as exc:
        Job.all_objects.filter(pk=job.pk).update(
            status=Job.Status.FAILED, finished_at=timezone.now(), message=str(exc)[:500], errors=exc.errors
        )
    except Exception as exc:
        logger.exception("后台任务 %s（%s）出错", job.pk, job.kind)
        Job.all_objects.filter(pk=job.pk).update(
            status=Job.Status.FAILED,
            finished_at=timezone.now(),
            message=_("任务意外出错（%(error)s）；错误已记录，请稍后重试或联系系统管理员")
            % {"error": type(exc).__name__},
        )
    else:
        _job_succeeded(job, result)  # changes nothing when the work recorded it with its rows
    job.refresh_from_db()
    return job


# Job kind (or the family before its colon: "import" for "import:orgs") → the function that runs
# a job of that kind. Each app registers its kinds in ready(), as it registers import kinds.
JOB_KINDS: dict[str, Callable[[Job], Job]] = {}


def job_kind_register(kind: str, execute: Callable[[Job], Job]) -> None:
    JOB_KINDS[kind] = execute


def job_start(job: Job) -> None:
    """Run ``job`` once the surrounding transaction commits: in this process in the embedded
    default, on a worker when a broker is configured. The one way any job is started. Outside a
    transaction it starts at once; ``job`` then shows how far it got (in-process: its end)."""
    transaction.on_commit(lambda: job_task.delay(job.pk))
    job.refresh_from_db()


def job_execute(job_id: int) -> Job:
    job = Job.all_objects.select_related("created_by").get(pk=job_id)
    execute = JOB_KINDS.get(job.kind) or JOB_KINDS.get(job.kind.partition(":")[0])
    if execute is None:
        logger.error("后台任务 %s 的类型 %s 未注册", job.pk, job.kind)
        Job.all_objects.filter(pk=job.pk).update(
            status=Job.Status.FAILED, finished_at=timezone.now(), message=_("未知的任务类型，无法执行")
        )
        job.refresh_from_db()
        return job
    return execute(job)


@shared_task(name="core.job_run")
def job_task(job_id: int) -> str:
    """The one Celery task: runs a job of any registered kind."""
    return job_execute(job_id).status


class JobCancelledError(Exception):
    """The work saw a cancel request and stopped without storing anything."""


class JobFailedError(Exception):
    def __init__(self, message: str, errors: list[dict[str, Any]] | None = None):
        super().__init__(message)
        self.errors = errors or []
