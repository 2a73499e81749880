from django.urls import path

from . import views

app_name = "calls"

urlpatterns = [
    path("", views.call_list, name="calls"),
    path("new/", views.call_create, name="call_new"),
    path("types/", views.call_types, name="types"),
    path("types/<int:version_id>.json", views.call_type_download, name="type_download"),
    path("carriers/", views.carrier_list, name="carriers"),
    path("<int:call_id>/", views.call_detail, name="call"),
    path("<int:call_id>/edit/", views.call_edit, name="call_edit"),
    path("<int:call_id>/apply/", views.application_create, name="apply"),
    path("<int:call_id>/publicity/", views.publicity, name="publicity"),
    path(
        "<int:call_id>/objections/<int:objection_id>/answer/", views.objection_answer, name="objection_answer"
    ),
    path(
        "<int:call_id>/objections/<int:objection_id>/evidence/",
        views.objection_evidence,
        name="objection_evidence",
    ),
    path("<int:call_id>/decide/", views.call_decide, name="decide"),
    path("<int:call_id>/decision.pdf", views.decision_pdf, name="decision_pdf"),
    # Under steps/, apart from the pages: a step named like a page (publicity) must not post to it.
    path("<int:call_id>/steps/<str:action>/", views.call_action, name="call_action"),
    path("applications/<int:application_id>/", views.application_detail, name="application"),
    path("applications/<int:application_id>/letter.pdf", views.application_letter, name="application_letter"),
    path("applications/<int:application_id>/edit/", views.application_edit, name="application_edit"),
    path("applications/<int:application_id>/submit/", views.application_submit, name="application_submit"),
    path("applications/<int:application_id>/step/", views.application_step, name="application_step"),
    path("applications/<int:application_id>/attach/", views.application_attach, name="application_attach"),
    path(
        "applications/<int:application_id>/files/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
]
