from django.urls import path

from . import views

app_name = "outreach"

urlpatterns = [
    path("", views.event_list, name="events"),
    path("balance/", views.balance, name="balance"),
    path("events/new/", views.event_new, name="event_new"),
    path("events/<int:event_id>/", views.event_detail, name="event"),
    path("events/<int:event_id>/edit/", views.event_edit, name="event_edit"),
    path("training/", views.course_list, name="courses"),
    path("training/new/", views.course_new, name="course_new"),
    path("training/<int:course_id>/", views.course_detail, name="course"),
    path("training/<int:course_id>/edit/", views.course_edit, name="course_edit"),
    path("training/<int:course_id>/template.xlsx", views.course_template, name="course_template"),
    path("training/<int:course_id>/import/", views.course_import, name="course_import"),
    path("think-tank/", views.member_list, name="members"),
    path("think-tank/new/", views.member_new, name="member_new"),
    path("think-tank/<int:member_id>/", views.member_detail, name="member"),
    path("think-tank/<int:member_id>/edit/", views.member_edit, name="member_edit"),
    path("think-tank/<int:member_id>/invite/", views.member_invite, name="member_invite"),
    path("reports/", views.report_list, name="reports"),
    path("reports/new/", views.report_new, name="report_new"),
    path("reports/<int:report_id>/", views.report_detail, name="report"),
    path("reports/<int:report_id>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:report_id>/file/", views.report_file, name="report_file"),
    path("seminars/", views.seminar_list, name="seminars"),
    path("seminars/new/", views.seminar_new, name="seminar_new"),
    path("seminars/<int:seminar_id>/", views.seminar_detail, name="seminar"),
    path("seminars/<int:seminar_id>/edit/", views.seminar_edit, name="seminar_edit"),
]
