from django.urls import path

from . import views
from .diligence.urls import urlpatterns as diligence_urls
from .events.urls import urlpatterns as events_urls

app_name = "market"

urlpatterns = [
    path("listings/", views.listing_list, name="listings"),
    path("listings/new/", views.listing_new, name="listing_new"),
    path("listings/<int:listing_id>/", views.listing_detail, name="listing"),
    path("listings/<int:listing_id>/edit/", views.listing_edit, name="listing_edit"),
    path("listings/<int:listing_id>/steps/<str:action>/", views.listing_step, name="listing_step"),
    path("enquiries/", views.enquiry_list, name="enquiries"),
    path("enquiries/<int:enquiry_id>/", views.enquiry_detail, name="enquiry"),
    path("deals/", views.deal_list, name="deals"),
    path("deals/new/", views.deal_new, name="deal_new"),
    path("deals/publicity/", views.publicity, name="publicity"),
    path("deals/stats/", views.stats, name="stats"),
    path("deals/<int:deal_id>/", views.deal_detail, name="deal"),
    path("deals/<int:deal_id>/edit/", views.deal_edit, name="deal_edit"),
    path("deals/<int:deal_id>/steps/<str:action>/", views.deal_step, name="deal_step"),
    *diligence_urls,
    *events_urls,
]
