"""Middleware of the project."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

# Language of API responses unless the request's Accept-Language names
# another language the service has.
API_DEFAULT_LANGUAGE = "en"


def api_language(accept_language: str) -> str:
    """Return the first language of `accept_language` the service has, else English.

    `*`, a language the service lacks (`de`) and no header at all give
    English, so a client whose HTTP library sends its system's language
    keeps the English messages of the Flask service.
    """
    available = {code for code, _name in settings.LANGUAGES}
    for language, _quality in parse_accept_lang_header(accept_language):
        base = language.split("-")[0].lower()
        if base in available:
            return base
    return API_DEFAULT_LANGUAGE


class ApiAwareLocaleMiddleware(LocaleMiddleware):
    """Pick Danish for the admin and English for the API by default.

    The admin console follows the browser's Accept-Language and falls back
    to settings.LANGUAGE_CODE (Danish). API clients are programs, so outside
    the admin only an Accept-Language that names Danish (`da`, `da-DK`)
    gives Danish messages; anything else gives English.
    """

    def process_request(self, request):
        if request.path.startswith("/admin/"):
            super().process_request(request)
            return
        translation.activate(api_language(request.META.get("HTTP_ACCEPT_LANGUAGE", "")))
        request.LANGUAGE_CODE = translation.get_language()
