from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import User


@admin.register(User)
class SolienheUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Họ và tên", {"fields": ("full_name",)}))  # type: ignore[misc]
    list_display = ("username", "full_name", "email", "is_active", "is_superuser")
    search_fields = ("username", "full_name", "email")
