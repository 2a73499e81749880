from django.apps import AppConfig


class DemandsConfig(AppConfig):
    name = "baiqianwan.demands"
    verbose_name = "科技需求"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Connection, Demand

        auditlog.register(Demand, mask_fields=["contact_phone"])
        auditlog.register(Connection, mask_fields=["contact_phone"])
