from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = gettext_lazy("Tài khoản")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the login receiver)
