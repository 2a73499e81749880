from django.apps import AppConfig


class CommissionersConfig(AppConfig):
    name = "baiqianwan.commissioners"
    verbose_name = "科技特派员"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from baiqianwan.core.jobs import job_kind_register
        from baiqianwan.plan.selectors import live_kpi_register

        from . import models
        from .assessment.selectors import KPI_CODE, kpi_commissioners_serving
        from .rounds.services import round_solve_execute

        job_kind_register("dispatch:solve", round_solve_execute)

        audited = (
            models.DispatchRound,
            models.TownNeed,
            models.Nomination,
            models.Assignment,
            models.PlanConstraint,
            models.TownRanking,
            models.CandidatePreference,
            models.Team,
            models.Workstation,
            models.ServiceLog,
            models.AssessmentScheme,
            models.AssessmentRecord,
            models.KeyTask,
        )
        for model in audited:
            auditlog.register(model)
        live_kpi_register(KPI_CODE, kpi_commissioners_serving)
