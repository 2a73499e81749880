from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "baiqianwan.calls"
    verbose_name = "申报与评审"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from baiqianwan.plan.selectors import live_kpi_register, measure_activity_register

        from .models import Application, Call, CallTypeVersion, Carrier, Objection
        from .selectors import measure_activities
        from .services import carriers_in_east_west_north

        for model in (CallTypeVersion, Call, Application, Carrier, Objection):
            auditlog.register(model)
        live_kpi_register("KPI-EWN-CARRIERS", carriers_in_east_west_north)
        measure_activity_register(measure_activities)
