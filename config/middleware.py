"""The screen language: Vietnamese for everyone, English only for whoever chose it in the footer."""

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    """LocaleMiddleware without the browser's Accept-Language.

    The house decision is that every screen is Vietnamese unless the user picks another language
    with the switch in the footer (`set_language` stores it in the language cookie). A browser or a
    phone set to English must not turn the screens English on its own: the officers reading them
    share machines and expect Vietnamese. An unknown code in the cookie falls back to LANGUAGE_CODE.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or ""
        try:
            code = translation.get_supported_language_variant(chosen) if chosen else settings.LANGUAGE_CODE
        except LookupError:
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()
