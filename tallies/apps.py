from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class TalliesConfig(AppConfig):
    name = "tallies"
    verbose_name = gettext_lazy("Số liệu tổng hợp theo cấp ủy")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the receivers)
