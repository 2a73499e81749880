from __future__ import annotations

from celery import shared_task

from baiqianwan.core.models import Job


@shared_task(name="commissioners.round_solve")
def round_solve_run(job_id: int) -> str:
    from .services import round_solve_execute

    job = Job.all_objects.select_related("created_by").get(pk=job_id)
    return round_solve_execute(job).status
