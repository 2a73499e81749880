from django.urls import path

from . import views

app_name = "plan"

urlpatterns = [
    path("", views.plan_page, name="page"),
    path("measures/<str:code>/report/", views.report, name="report"),
    path("overdue/", views.overdue, name="overdue"),
    path("kpis/<str:code>/", views.kpi_detail, name="kpi"),
    path("kpis/<str:code>/<int:year>/evidence/", views.kpi_evidence, name="kpi_evidence"),
    path("goals/<str:code>/target/", views.goal_target, name="goal_target"),
]
