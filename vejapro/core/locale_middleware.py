"""Lithuanian first (ui.md §1): the language comes from the switch's cookie, never from the browser's
Accept-Language, so an office laptop set to English still shows the Lithuanian back office."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class LithuanianFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
