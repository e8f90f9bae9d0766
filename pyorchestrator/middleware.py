"""Middleware of the project."""

from django.middleware.locale import LocaleMiddleware
from django.utils import translation


# Language of API responses to requests without Accept-Language.
API_DEFAULT_LANGUAGE = "en"


class ApiAwareLocaleMiddleware(LocaleMiddleware):
    """Pick Danish for the admin and English for the API by default.

    The admin console follows the browser's Accept-Language and falls back
    to settings.LANGUAGE_CODE (Danish). API clients are programs that rarely
    send the header, so outside the admin the fallback is English, and a
    request with `Accept-Language: da` still gets Danish messages.
    """

    def process_request(self, request):
        if request.path.startswith("/admin/") or "HTTP_ACCEPT_LANGUAGE" in request.META:
            super().process_request(request)
            return
        translation.activate(API_DEFAULT_LANGUAGE)
        request.LANGUAGE_CODE = translation.get_language()

