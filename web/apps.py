from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class WebConfig(AppConfig):
    name = "web"
    verbose_name = gettext_lazy("Màn hình nghiệp vụ")
