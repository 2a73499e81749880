from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "baiqianwan.outreach"
    verbose_name = "人才与科普"

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.utils.translation import gettext_lazy

        from baiqianwan.plan.selectors import measure_activity_register
        from baiqianwan.talent.selectors import talent_part_register

        from . import models
        from .selectors import active_think_tank_members, measure_activities

        for model in (
            models.OutreachEvent,
            models.TeacherCourse,
            models.Trainee,
            models.ThinkTankMember,
            models.ResearchReport,
            models.Seminar,
        ):
            auditlog.register(model)
        measure_activity_register(measure_activities)
        # 智库 members active this year serve counties, towns and villages too (KPI-TALENT-SERVING).
        talent_part_register(gettext_lazy("当年活跃的智库联盟成员"), active_think_tank_members)
