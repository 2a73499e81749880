from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "baiqianwan.reviews"
    verbose_name = "专家评审"
