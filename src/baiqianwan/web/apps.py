from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "baiqianwan.web"
    verbose_name = "界面"
