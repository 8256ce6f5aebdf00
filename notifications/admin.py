from django.contrib import admin

from .models import Notification, ReminderLog


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "organisation", "kind", "title", "read_at", "emailed_at")
    list_filter = ("kind",)
    search_fields = ("title", "recipient__username", "recipient__full_name")
    raw_id_fields = ("recipient", "organisation", "event", "member")
    date_hierarchy = "created_at"


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    list_display = ("sent_on", "recipient", "organisation", "topic", "deadline", "stage", "days_before")
    list_filter = ("topic", "stage")
    raw_id_fields = ("recipient", "organisation", "notification")
