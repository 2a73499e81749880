from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "baiqianwan.outreach"
    verbose_name = "人才与科普"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from baiqianwan.plan.selectors import measure_activity_register

        from . import models
        from .selectors import measure_activities

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
