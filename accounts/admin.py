from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy

from .models import ApiToken, User


@admin.register(User)
class SolienheUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, (gettext_lazy("Họ và tên"), {"fields": ("full_name",)}))  # type: ignore[misc]
    list_display = ("username", "full_name", "email", "is_active", "is_superuser")
    search_fields = ("username", "full_name", "email")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Keys are created by their owner (the secret is shown once); the admin may only look and revoke."""

    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "user__username", "user__full_name")
    readonly_fields = ("user", "name", "prefix", "created_at", "last_used_at")
    fields = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
