"""Background jobs with progress: one record per run, updated by the task, polled by the UI."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any

from auditlog.context import set_actor
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Job

logger = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]


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


def job_run(job: Job, work: Callable[[Job, Progress], dict[str, Any]]) -> Job:
    """Run ``work`` for ``job``, recording start, end, result, failure or cancellation.

    Whatever ``work`` raises ends the job: the user reads a message, the log keeps the traceback,
    and the page stops polling. Record changes made by the work are audited under the user who
    started the job, on a worker as in the web process."""
    Job.all_objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, started_at=timezone.now())
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
        Job.all_objects.filter(pk=job.pk).update(
            status=Job.Status.SUCCEEDED,
            finished_at=timezone.now(),
            result=result,
            message=str(result.get("message", "完成"))[:500],
        )
    job.refresh_from_db()
    return job


def job_enqueue(job: Job, task: Any) -> None:
    """Start ``task(job_id)`` after the surrounding transaction commits (eager or on a worker)."""
    transaction.on_commit(lambda: task.delay(job.pk))


class JobCancelledError(Exception):
    """The work saw a cancel request and stopped without storing anything."""


class JobFailedError(Exception):
    def __init__(self, message: str, errors: list[dict[str, Any]] | None = None):
        super().__init__(message)
        self.errors = errors or []
