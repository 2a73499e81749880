from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "baiqianwan.core"
    verbose_name = "基础"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (audit of logins)
