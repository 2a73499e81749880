from django.urls import URLPattern

app_name = "indicators"

# Collection (entry, Excel, review) and results (scores, maps, reports) add their pages here.
urlpatterns: list[URLPattern] = []
