from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "baiqianwan.projects"
    verbose_name = "攻关项目"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from baiqianwan.calls.services import decision_handler_register
        from baiqianwan.plan.selectors import measure_activity_register

        from .models import ChangeRequest, MatchingFund, Milestone, Programme, Project, Topic
        from .selectors import measure_activities
        from .services import acceptance_from_decision, projects_from_decision

        for model in (Programme, Topic, Project, Milestone, MatchingFund, ChangeRequest):
            auditlog.register(model)
        decision_handler_register("project", projects_from_decision)
        decision_handler_register("acceptance", acceptance_from_decision)
        measure_activity_register(measure_activities)
