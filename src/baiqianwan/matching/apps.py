from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "baiqianwan.matching"
    verbose_name = "智能匹配"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (keep the index in step with saved records)
