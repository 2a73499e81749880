from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "baiqianwan.regions"
    verbose_name = "行政区划"
