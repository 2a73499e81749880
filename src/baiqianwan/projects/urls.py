from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="projects"),
    path("funds/", views.funds, name="funds"),
    path("programmes/", views.programme_list, name="programmes"),
    path("programmes/<int:programme_id>/", views.programme_detail, name="programme"),
    path("programmes/<int:programme_id>/publish/", views.programme_publish, name="publish"),
    path("programmes/<int:programme_id>/topics/<int:topic_id>/", views.topic_detail, name="topic"),
    path(
        "programmes/<int:programme_id>/topics/<int:topic_id>/delete/", views.topic_delete, name="topic_delete"
    ),
    path("<int:project_id>/", views.project_detail, name="project"),
    path("<int:project_id>/contract/", views.contract_edit, name="contract"),
    path("<int:project_id>/contract.pdf", views.contract_pdf, name="contract_pdf"),
    path("<int:project_id>/steps/<str:action>/", views.project_step, name="step"),
    path(
        "<int:project_id>/milestones/<int:milestone_id>/evidence/", views.evidence_download, name="evidence"
    ),
]
