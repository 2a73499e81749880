from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "baiqianwan.portal"
    verbose_name = "公众门户"
