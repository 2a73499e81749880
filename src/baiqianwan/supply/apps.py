from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class SupplyConfig(AppConfig):
    name = "baiqianwan.supply"
    verbose_name = "成果与专家"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Achievement, ExpertProfile

        auditlog.register(Achievement)
        auditlog.register(ExpertProfile)

        from baiqianwan.core.imports import import_kind_register

        from .importing import ACHIEVEMENT_SCHEMA, EXPERT_SCHEMA, achievements_import, experts_import

        def managers_or_organisations(user: object) -> bool:
            return bool(getattr(user, "is_manager", False) or getattr(user, "organisation_id", None))

        import_kind_register(
            kind="achievements",
            label=pgettext_lazy("导入", "科技成果"),
            schema=ACHIEVEMENT_SCHEMA,
            handler=achievements_import,
            allowed=managers_or_organisations,
            back_url="/supply/achievements/",
        )
        import_kind_register(
            kind="experts",
            label=pgettext_lazy("导入", "专家"),
            schema=EXPERT_SCHEMA,
            handler=experts_import,
            allowed=managers_or_organisations,
            back_url="/supply/experts/",
        )
