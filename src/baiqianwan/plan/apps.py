from django.apps import AppConfig


class PlanConfig(AppConfig):
    name = "baiqianwan.plan"
    verbose_name = "实施方案"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import ProgressReport

        auditlog.register(ProgressReport)
