from __future__ import annotations

from celery import shared_task

from baiqianwan.core.models import Job


@shared_task(name="matching.index_rebuild")
def index_rebuild_run(job_id: int) -> str:
    from .services import index_rebuild_execute

    job = Job.all_objects.select_related("created_by").get(pk=job_id)
    return index_rebuild_execute(job).status
