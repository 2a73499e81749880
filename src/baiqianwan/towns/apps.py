from django.apps import AppConfig


class TownsConfig(AppConfig):
    name = "baiqianwan.towns"
    verbose_name = "创新型专业镇"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from baiqianwan.calls.services import decision_handler_register
        from baiqianwan.plan.selectors import live_kpi_register, measure_activity_register

        from .models import InnovativeTown, JointActivity, TownPair
        from .selectors import measure_activities
        from .services import towns_counted, towns_from_decision

        for model in (InnovativeTown, TownPair, JointActivity):
            auditlog.register(model)
        live_kpi_register("KPI-INNOVATIVE-TOWNS", towns_counted)
        decision_handler_register("town", towns_from_decision)
        measure_activity_register(measure_activities)
