"""Admin for superusers only: reference data and organisations. Workflow data changes through the app."""

from django.contrib import admin

from .models import AdministrativeUnit, Organisation, RoleAssignment, UnitSuccession


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "edition", "province_code", "valid_until")
    list_filter = ("edition", "level")
    search_fields = ("name", "search_name", "code")
    raw_id_fields = ("parent",)


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(admin.ModelAdmin):
    list_display = ("predecessor", "successor", "is_partial", "is_main", "effective_on")
    raw_id_fields = ("predecessor", "successor")


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "parent", "province_code", "valid_until")
    list_filter = ("kind", "province_code")
    search_fields = ("name", "search_name")
    raw_id_fields = ("parent", "commune", "successor")
    inlines = [RoleInline]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "organisation", "valid_from", "valid_until")
    list_filter = ("role",)
    raw_id_fields = ("user", "organisation")
