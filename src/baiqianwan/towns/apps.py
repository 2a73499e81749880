from django.apps import AppConfig


class TownsConfig(AppConfig):
    name = "baiqianwan.towns"
    verbose_name = "创新型专业镇"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from baiqianwan.calls.services import decision_handler_register
        from baiqianwan.indicators.acceptance.selectors import participant_source_register
        from baiqianwan.plan.selectors import live_kpi_register, measure_activity_register

        from .models import InnovativeTown, JointActivity, TownPair, TownReview
        from .selectors import measure_activities
        from .services import registered_participants, towns_counted, towns_from_decision

        for model in (InnovativeTown, TownPair, JointActivity, TownReview):
            auditlog.register(model)
        live_kpi_register("KPI-INNOVATIVE-TOWNS", towns_counted)
        decision_handler_register("town", towns_from_decision)
        measure_activity_register(measure_activities)
        participant_source_register(registered_participants)
