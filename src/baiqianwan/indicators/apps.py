from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "baiqianwan.indicators"
    verbose_name = "指标与考核"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import DataSet, LockException, Submission

        for model in (DataSet, Submission, LockException):
            auditlog.register(model)
