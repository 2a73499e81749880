from django.apps import AppConfig


class MarketConfig(AppConfig):
    name = "baiqianwan.market"
    verbose_name = "技术市场"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from baiqianwan.plan.selectors import live_kpi_register, measure_activity_register

        from .models import Deal, DealPayment, DiligenceCase, Enquiry, Listing, TransferEvent
        from .selectors import measure_activities
        from .services import transfers_counted

        for model in (Listing, Enquiry, Deal, DealPayment, DiligenceCase, TransferEvent):
            auditlog.register(model)
        # The deals registered here are KPI-TRANSFERS; this replaces the count of successful 对接
        # the plan kept before the market existed (docs/decisions/0013).
        live_kpi_register("KPI-TRANSFERS", transfers_counted)
        measure_activity_register(measure_activities)
