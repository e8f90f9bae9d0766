"""API key authentication on the `X-API-Key` header.

Keys are djangorestframework-api-key keys: hashed at rest, named, with an
optional expiry, revocable in the admin. A missing or invalid key is a 401
with a JSON body, as the Flask service answered.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission
from rest_framework_api_key.models import APIKey

API_KEY_HEADER = "X-API-Key"
API_KEY_META_KEY = "HTTP_X_API_KEY"


@dataclass(frozen=True)
class ApiClient:
    """The calling system that a valid key identifies, as DRF's `request.user`."""

    name: str
    prefix: str
    api_key: APIKey | None = None

    is_authenticated = True
    is_anonymous = False

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"


class MissingApiKey(exceptions.NotAuthenticated):
    default_detail = _("The X-API-Key header is missing.")
    default_code = "missing_api_key"


class InvalidApiKey(exceptions.AuthenticationFailed):
    default_detail = _("The API key is invalid, expired or revoked.")
    default_code = "invalid_api_key"


def get_usable_api_key(key: str) -> APIKey | None:
    """Return the unrevoked, unexpired APIKey matching `key`, or None."""
    try:
        api_key = APIKey.objects.get_from_key(key)
    except APIKey.DoesNotExist:
        return None
    if api_key.has_expired:
        return None
    return api_key


class ApiKeyAuthentication(BaseAuthentication):
    """Authenticate a request by its `X-API-Key` header."""

    def authenticate(self, request):
        key = request.META.get(API_KEY_META_KEY, "").strip()
        if not key:
            raise MissingApiKey()

        api_key = get_usable_api_key(key)
        if api_key is None:
            raise InvalidApiKey()
        return ApiClient(name=api_key.name, prefix=api_key.prefix, api_key=api_key), api_key

    def authenticate_header(self, request):
        # A non-empty challenge makes DRF answer 401 rather than 403.
        return f'APIKey header="{API_KEY_HEADER}"'


class HasApiKey(BasePermission):
    """Allow requests that an API key authenticated."""

    def has_permission(self, request, view):
        return isinstance(request.user, ApiClient)
