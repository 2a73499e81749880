from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "baiqianwan.finance"
    verbose_name = "农村科技金融"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        for model in (
            models.CompensationRatio,
            models.CreditProduct,
            models.LoanApplication,
            models.Loan,
            models.CompensationClaim,
            models.SubFund,
            models.Investment,
            models.ReserveEnterprise,
            models.ReserveService,
            models.ServiceStation,
            models.StationActivity,
        ):
            auditlog.register(model)
