from django.urls import path

from . import views

app_name = "plan"

urlpatterns = [
    path("", views.plan_page, name="page"),
    path("measures/<str:code>/report/", views.report, name="report"),
    path("overdue/", views.overdue, name="overdue"),
]
