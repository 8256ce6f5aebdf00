from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext, gettext_lazy

from .models import ApiToken, User


@admin.register(User)
class SolienheUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, (gettext_lazy("Họ và tên"), {"fields": ("full_name",)}))  # type: ignore[misc]
    list_display = ("username", "full_name", "email", "is_active", "is_superuser")
    search_fields = ("username", "full_name", "email")
    actions = ["reset_two_factor"]

    @admin.action(description=gettext_lazy("Đặt lại xác thực hai bước (mất điện thoại và mã dự phòng)"))
    def reset_two_factor(self, request, queryset):  # type: ignore[no-untyped-def]
        """Only a superuser; each user's phone and recovery codes are removed, with one event each."""
        from . import two_factor

        if not request.user.is_superuser:
            self.message_user(
                request,
                gettext("Chỉ quản trị hệ thống (superuser) mới được đặt lại xác thực hai bước."),
                messages.ERROR,
            )
            return
        for user in queryset:
            two_factor.reset(user, by=request.user)
        self.message_user(
            request,
            gettext("Đã đặt lại xác thực hai bước cho %(count)d người dùng; lần đăng nhập sau họ bật lại.")
            % {"count": queryset.count()},
            messages.SUCCESS,
        )


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
