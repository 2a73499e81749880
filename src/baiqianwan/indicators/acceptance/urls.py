from django.urls import URLPattern, path

from . import views

# 创新型专业镇验收评价.
urlpatterns: list[URLPattern] = [
    path("acceptance/", views.evaluation_page, name="acceptance"),
    path("acceptance/towns/<str:code>/", views.town_page, name="acceptance_town"),
    path("acceptance/export.xlsx", views.export, name="acceptance_export"),
    path("acceptance/weights/", views.weights_page, name="acceptance_weights"),
]
