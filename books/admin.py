"""Admin for superusers: the profile and terms are editable; workflow rows are read-only, the
event log can never be edited or deleted."""

from django.contrib import admin

from .models import (
    AddressChangeRequest,
    AnnualRating,
    Book,
    CommentRequest,
    Event,
    IntroductionLetter,
    RegulationProfile,
    ResidenceRegisterEntry,
    Term,
    ViolationNotice,
)


@admin.register(RegulationProfile)
class RegulationProfileAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "effective_from")


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ("start_year", "end_year", "status", "closed_on")

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Book)
class BookAdmin(ReadOnlyAdmin):
    list_display = ("member", "term", "holder", "status")
    list_filter = ("status",)
    list_select_related = ("member", "term", "holder")


@admin.register(IntroductionLetter)
class LetterAdmin(ReadOnlyAdmin):
    list_display = ("display_number", "full_name", "issuing_committee", "addressee", "status", "issued_on")
    list_filter = ("status", "year")
    list_select_related = ("issuing_committee", "addressee")


@admin.register(ResidenceRegisterEntry)
class RegisterAdmin(ReadOnlyAdmin):
    list_display = ("member", "residence_committee", "cell", "entered_on", "left_on", "left_reason")
    list_select_related = ("member", "residence_committee", "cell")


@admin.register(CommentRequest)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ("book", "year", "kind", "status", "due_on")
    list_filter = ("status", "year", "kind")
    list_select_related = ("book__member", "book__term")


@admin.register(ViolationNotice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ("book", "residence_committee", "workplace_committee", "status", "raised_on")


@admin.register(AnnualRating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ("book", "year", "level", "without_comment")


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_name", "actor_role", "actor_org", "verb", "object_repr")
    list_filter = ("verb",)
    list_select_related = ("actor_org",)


@admin.register(AddressChangeRequest)
class AddressChangeAdmin(ReadOnlyAdmin):
    list_display = ("member", "commune", "status", "created_at", "handled_on")
    list_filter = ("status",)
    list_select_related = ("member", "commune")
