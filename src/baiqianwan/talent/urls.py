from django.urls import path

from . import views

app_name = "talent"

urlpatterns = [
    path("", views.outpost_list, name="outposts"),
    path("outposts/new/", views.outpost_new, name="outpost_new"),
    path("outposts/<int:outpost_id>/", views.outpost_detail, name="outpost"),
    path("outposts/<int:outpost_id>/edit/", views.outpost_edit, name="outpost_edit"),
    path("outposts/<int:outpost_id>/steps/<str:action>/", views.outpost_step, name="outpost_step"),
    path("leaders/", views.leader_list, name="leaders"),
    path("leaders/new/", views.leader_new, name="leader_new"),
    path("leaders/<int:leader_id>/", views.leader_detail, name="leader"),
    path("groups/", views.group_list, name="groups"),
    path("groups/new/", views.group_new, name="group_new"),
    path("groups/<int:group_id>/", views.group_detail, name="group"),
    path("selections/", views.selection_list, name="selections"),
    path("serving/", views.serving, name="serving"),
]
