from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Thông báo và nhắc hạn"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the receivers)
