from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class OrgsConfig(AppConfig):
    name = "baiqianwan.orgs"
    verbose_name = "单位与人员"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Organisation, Person

        auditlog.register(Organisation)
        auditlog.register(Person, mask_fields=["id_number", "mobile"])

        from baiqianwan.core.imports import import_kind_register

        from .importing import ORGANISATION_SCHEMA, PERSON_SCHEMA, organisations_import, people_import

        import_kind_register(
            kind="organisations",
            label=pgettext_lazy("导入", "单位"),
            schema=ORGANISATION_SCHEMA,
            handler=organisations_import,
            back_url="/orgs/",
        )
        import_kind_register(
            kind="people",
            label=pgettext_lazy("导入", "人员"),
            schema=PERSON_SCHEMA,
            handler=people_import,
            back_url="/orgs/people/",
        )
