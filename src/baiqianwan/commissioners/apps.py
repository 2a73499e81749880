from django.apps import AppConfig


class CommissionersConfig(AppConfig):
    name = "baiqianwan.commissioners"
    verbose_name = "科技特派员"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Assignment, DispatchRound, Nomination, TownNeed

        for model in (DispatchRound, TownNeed, Nomination, Assignment):
            auditlog.register(model)
