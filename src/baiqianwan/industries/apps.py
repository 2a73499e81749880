from django.apps import AppConfig


class IndustriesConfig(AppConfig):
    name = "baiqianwan.industries"
    verbose_name = "产业分类"
