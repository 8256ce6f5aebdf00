from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = gettext_lazy("Thông báo và nhắc hạn")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the receivers)
