from django.contrib import admin

from .models import Division


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin):
    list_display = ["code", "full_name", "level", "kind", "region"]
    list_filter = ["level", "kind", "region"]
    search_fields = ["code", "name", "full_name"]
    readonly_fields = ["code", "parent"]
