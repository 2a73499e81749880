from __future__ import annotations

from celery import shared_task

from baiqianwan.core.models import Job


@shared_task(name="indicators.upload_run")
def upload_run(job_id: int) -> str:
    from .workbook import upload_execute

    job = Job.all_objects.select_related("created_by").get(pk=job_id)
    return upload_execute(job).status
