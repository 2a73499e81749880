"""Spreadsheet imports as background jobs: one registry, one task, one result page.

An app registers a kind with its sheet schema and an import function. The function gets the
parsed sheet with its cell errors, adds the errors only the database can find (duplicates,
scope, references), and stores all rows or, when there is any error at all, none. The job
keeps the file, the progress and, on failure, every error with its sheet, row and cell.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.functional import Promise

from .audit import audit_event_record
from .jobs import JobFailedError, Progress, job_complete, job_create, job_run, job_start
from .models import AuditEvent, Job
from .spreadsheets import ImportRejectedError, SheetSchema, SpreadsheetError, parse_sheet

ImportHandler = Callable[..., dict[str, Any]]


def _managers(user: Any) -> bool:
    return bool(getattr(user, "is_manager", False))


@dataclass(frozen=True)
class ImportKind:
    kind: str
    label: str | Promise
    schema: SheetSchema
    handler: ImportHandler
    allowed: Callable[[Any], bool] = _managers
    back_url: str = ""


IMPORT_KINDS: dict[str, ImportKind] = {}


def import_kind_register(
    *,
    kind: str,
    label: str | Promise,
    schema: SheetSchema,
    handler: ImportHandler,
    allowed: Callable[[Any], bool] = _managers,
    back_url: str = "",
) -> None:
    IMPORT_KINDS[kind] = ImportKind(kind, label, schema, handler, allowed, back_url)


def import_job_start(*, acting_user: Any, kind: str, filename: str, data: bytes) -> Job:
    """Record the upload as a job and run it (in-process or on a worker)."""
    spec = IMPORT_KINDS[kind]
    job = job_create(
        kind=f"import:{kind}", title=f"导入{spec.label}：{filename[:80]}", created_by=acting_user
    )
    job.input_file.save(filename[-100:] or "upload.xlsx", ContentFile(data), save=True)
    job_start(job)
    return job


def import_execute(job: Job) -> Job:
    spec = IMPORT_KINDS[job.kind.removeprefix("import:")]

    def work(job: Job, progress: Progress) -> dict[str, Any]:
        with job.input_file.open("rb") as handle:
            data = handle.read()
        try:
            sheet = parse_sheet(data, spec.schema, max_bytes=settings.UPLOAD_MAX_BYTES)
            progress(0, len(sheet.rows), "校验中")
            # The rows, the audit event and the job's end commit together or not at all: a
            # worker lost midway stored nothing, and the job runs again from the file.
            with transaction.atomic():
                result = spec.handler(acting_user=job.created_by, sheet=sheet, progress=progress)
                audit_event_record(
                    kind=AuditEvent.Kind.IMPORT,
                    user=job.created_by,
                    detail=f"{job.title}：{result.get('message', '')}",
                )
                job_complete(job, result)
        except SpreadsheetError as exc:
            raise JobFailedError(str(exc)) from exc
        except ImportRejectedError as exc:
            raise JobFailedError(str(exc), [e.as_dict() for e in exc.errors[:1000]]) from exc
        return result

    return job_run(job, work)
