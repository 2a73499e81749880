from django.apps import AppConfig


class TalentConfig(AppConfig):
    name = "baiqianwan.talent"
    verbose_name = "人才与科普"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from baiqianwan.plan.selectors import live_kpi_register, measure_activity_register

        from . import models
        from .selectors import measure_activities, register_builtin_parts, talent_serving
        from .services import outposts_open

        for model in (
            models.Outpost,
            models.OutpostResult,
            models.LeaderReport,
            models.LeaderGroup,
            models.TalentSelection,
        ):
            auditlog.register(model)
        auditlog.register(models.Leader, mask_fields=["mobile"])
        # 科研院校县域研究机构 open today (政策 三(七)一是).
        live_kpi_register("KPI-COUNTY-OUTPOSTS", outposts_open)
        # 服务县镇村的科技人才: the sum of the registered parts (selectors.TALENT_PARTS).
        register_builtin_parts()
        live_kpi_register("KPI-TALENT-SERVING", talent_serving)
        measure_activity_register(measure_activities)
