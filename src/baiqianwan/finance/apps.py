from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "baiqianwan.finance"
    verbose_name = "农村科技金融"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from baiqianwan.plan.selectors import live_kpi_register

        from . import models
        from .services import ewn_scheme_credit

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
        # 科技信贷: the amount lent in 粤东西北 under the risk-compensation scheme, in 亿元.
        live_kpi_register("KPI-EWN-TECH-CREDIT", ewn_scheme_credit)
