"""Lithuanian first (ui.md §1): the language comes from the switch's cookie, never from the browser's
Accept-Language, so an office laptop set to English still shows the Lithuanian back office."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers


def request_language(request) -> str:
    """The switch's choice when it names a supported language, else Lithuanian."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    supported = {code for code, _name in settings.LANGUAGES}
    return chosen if chosen in supported else settings.LANGUAGE_CODE


class LithuanianFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        translation.activate(request_language(request))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        # The page depends on the switch's cookie, not on Accept-Language: caches must key on the cookie.
        response.headers.setdefault("Content-Language", translation.get_language())
        patch_vary_headers(response, ("Cookie",))
        return response
