from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class WebConfig(AppConfig):
    name = "web"
    verbose_name = gettext_lazy("Màn hình nghiệp vụ")

    def ready(self) -> None:
        from django.core.validators import ProhibitNullCharactersValidator

        # Django's Vietnamese catalogue lacks this one message (a NUL pasted into any text field)
        ProhibitNullCharactersValidator.message = gettext_lazy(
            "Nội dung có ký tự rỗng (NUL, thường do sao chép từ tệp khác): hãy xóa rồi gõ lại."
        )
