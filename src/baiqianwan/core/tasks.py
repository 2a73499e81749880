from __future__ import annotations

from celery import shared_task

from .imports import import_execute
from .models import Job


@shared_task(name="core.import_run")
def import_run(job_id: int) -> str:
    job = Job.all_objects.select_related("created_by").get(pk=job_id)
    return import_execute(job).status
