from django.contrib import admin

from .models import Member


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    """Read-only: members change through the workflow actions so every change leaves an event."""

    list_display = ("full_name", "party_card_number", "workplace_cell", "residence_commune", "exemption", "employment")
    list_filter = ("exemption", "employment", "sex")
    search_fields = ("search_text",)
    list_select_related = ("workplace_cell", "residence_commune")

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
