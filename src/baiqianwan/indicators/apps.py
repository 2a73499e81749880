from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "baiqianwan.indicators"
    verbose_name = "指标与考核"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from baiqianwan.core.jobs import job_kind_register

        from .collection.models import LockException, Submission
        from .collection.workbook import JOB_KIND, upload_execute
        from .definitions.models import DataSet

        job_kind_register(JOB_KIND, upload_execute)

        for model in (DataSet, Submission, LockException):
            auditlog.register(model)
