from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "display_name", "role", "division", "organisation", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "display_name"]
    raw_id_fields = ["division", "organisation", "created_by"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("平台角色", {"fields": ("role", "display_name", "phone", "division", "organisation")}),
        ("密码规则", {"fields": ("must_change_password", "password_changed_at")}),
    )
