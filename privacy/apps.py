from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = gettext_lazy("Nhật ký xem dữ liệu cá nhân")
