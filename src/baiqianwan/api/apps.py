from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "baiqianwan.api"
    verbose_name = "接口"
