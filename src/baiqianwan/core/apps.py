from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "baiqianwan.core"
    verbose_name = "基础"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (audit of logins)
        from .imports import import_execute
        from .jobs import job_kind_register

        job_kind_register("import", import_execute)
