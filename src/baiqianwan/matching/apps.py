from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "baiqianwan.matching"
    verbose_name = "智能匹配"

    def ready(self) -> None:
        from baiqianwan.core.jobs import job_kind_register

        from . import signals  # noqa: F401  (keep the index in step with saved records)
        from .services import index_rebuild_execute

        job_kind_register("matching:rebuild", index_rebuild_execute)
