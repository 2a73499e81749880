from django.contrib import admin

from .models import Organisation, Person


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "uscc", "division"]
    list_filter = ["kind"]
    search_fields = ["name", "uscc"]
    raw_id_fields = ["division"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "title"]
    search_fields = ["name"]
    raw_id_fields = ["organisation"]
    exclude = ["id_number"]  # personal numbers are managed through the scoped pages
