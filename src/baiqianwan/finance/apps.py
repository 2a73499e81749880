from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "baiqianwan.finance"
    verbose_name = "农村科技金融"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from baiqianwan.plan.selectors import live_kpi_register, measure_activity_register

        from . import models
        from .selectors import measure_activities as credit_activities
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
        measure_activity_register(credit_activities)

        # ---- 省创新创业基金, 上市后备 pool and the service network (funds/, stations/) ----------
        from .funds.selectors import measure_activities as funds_activities
        from .stations.selectors import measure_activities as stations_activities
        from .stations.services import east_west_north_stations_open

        # Centres and stations of every level open today in 粤东西北 (政策 三(三)三是).
        live_kpi_register("KPI-EWN-FIN-CENTRES", east_west_north_stations_open)
        measure_activity_register(funds_activities)
        measure_activity_register(stations_activities)
