from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "baiqianwan.calls"
    verbose_name = "申报与评审"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Application, Call, CallTypeVersion, Carrier

        for model in (CallTypeVersion, Call, Application, Carrier):
            auditlog.register(model)
