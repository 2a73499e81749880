from django.contrib import admin

from .models import AuditEvent, Job


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "kind", "username", "ip", "detail"]
    list_filter = ["kind"]
    search_fields = ["username", "detail"]

    def has_change_permission(self, request, obj=None):
        return False  # audit entries are evidence: read-only

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["created_at", "title", "status", "progress", "total", "created_by"]
    list_filter = ["status", "kind"]
