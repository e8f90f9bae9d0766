"""Scoped API keys: which endpoint groups and which queue or trigger names a key may use.

A key without any `ApiKeyScope` row has full access. A key with rows may
call an endpoint only when it has a row for the endpoint's scope, and may
touch a queue or trigger only when the row's names match it (no names means
every name). A refusal is a 403 that names the missing scope. It comes from
a permission class, which DRF runs after authentication, so a refused
request never counts as a failed key for the IP ban.
"""

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions
from rest_framework.permissions import BasePermission

# The maximum length of a queue or trigger name in the legacy tables.
MAX_NAME_LENGTH = 100


class Scope(models.TextChoices):
    QUEUE_WRITE = "queue:write", gettext_lazy("Queue write (POST /api/queue, /api/queue/bulk)")
    QUEUE_READ = "queue:read", gettext_lazy("Queue read (GET /api/queue)")
    TRIGGER_WRITE = "trigger:write", gettext_lazy("Trigger write (POST /api/trigger)")
    TRIGGER_READ = "trigger:read", gettext_lazy("Trigger read (GET /api/trigger/<name>)")
    VEJMAN_READ = "vejman:read", gettext_lazy("VejmanKassen read (GET or POST /vejmankassen)")
    VEJMAN_WRITE = "vejman:write", gettext_lazy("VejmanKassen write (POST /vejmankassen/update)")


# The scopes whose rows may limit names: queue names or trigger names.
NAME_SCOPES = {Scope.QUEUE_WRITE, Scope.QUEUE_READ, Scope.TRIGGER_WRITE, Scope.TRIGGER_READ}


class ScopeDenied(exceptions.PermissionDenied):
    default_code = "scope_denied"


def parse_name_patterns(text: str) -> list[str]:
    """Return the name patterns of an `ApiKeyScope.names` text, one per line.

    Raises ValueError for a pattern with `*` anywhere but at its end, or one
    longer than a name can be.
    """
    patterns = []
    for line in (text or "").splitlines():
        pattern = line.strip()
        if not pattern:
            continue
        if "*" in pattern[:-1]:
            raise ValueError(_("{pattern}: * is allowed only at the end of a name.").format(pattern=pattern))
        if len(pattern.rstrip("*")) > MAX_NAME_LENGTH:
            raise ValueError(
                _("{pattern}: a name must be at most {max_length} characters.").format(
                    pattern=pattern[:20] + "...", max_length=MAX_NAME_LENGTH
                )
            )
        if pattern not in patterns:
            patterns.append(pattern)
    return patterns


def name_matches(name: str, patterns: list[str]) -> bool:
    """Return True if `name` equals a pattern, or starts with a pattern's text before its `*`."""
    if not patterns:
        return True
    for pattern in patterns:
        if pattern.endswith("*"):
            if name.startswith(pattern[:-1]):
                return True
        elif name == pattern:
            return True
    return False


def set_key_scopes(request, scopes: dict[str, list[str]] | None) -> None:
    """Keep the calling key's scopes, read with the key itself, on the request."""
    request._api_key_scopes = scopes


def get_key_scopes(request) -> dict[str, list[str]] | None:
    """Return the calling key's scopes as {scope: name patterns}, or None for full access.

    The key check reads them with the key (pyorchestrator/authentication.py);
    for a request authenticated otherwise they are read here once from
    `default` and kept on the request.
    """
    if not hasattr(request, "_api_key_scopes"):
        from pyorchestrator.models import ApiKeyScope

        api_key = request.auth
        scopes = None
        if api_key is not None:
            rows = ApiKeyScope.objects.filter(api_key=api_key).values_list("scope", "names")
            scopes = {scope: parse_name_patterns(names) for scope, names in rows} or None
        request._api_key_scopes = scopes
    return request._api_key_scopes


def require_scope(request, scope: str) -> None:
    """Raise ScopeDenied (403) unless the calling key may use the endpoints of `scope`."""
    scopes = get_key_scopes(request)
    if scopes is not None and scope not in scopes:
        raise ScopeDenied(_("The API key lacks the scope {scope}.").format(scope=scope))


def require_name_scope(request, scope: str, name: str) -> None:
    """Raise ScopeDenied (403) unless the calling key's `scope` covers the queue or trigger `name`."""
    require_scope(request, scope)
    scopes = get_key_scopes(request)
    if scopes is not None and not name_matches(name, scopes[scope]):
        raise ScopeDenied(
            _("The API key's scope {scope} does not include the name {name}.").format(scope=scope, name=repr(name))
        )


def names_allowed(request, scope: str) -> list[str] | None:
    """Return the name patterns the calling key's `scope` allows, or None when every name is allowed."""
    require_scope(request, scope)
    scopes = get_key_scopes(request)
    if scopes is None or not scopes[scope]:
        return None
    return scopes[scope]


class HasApiKeyScope(BasePermission):
    """Allow a request only if the calling key has the scope its view declares for the method.

    Views declare `required_scopes = {"GET": Scope.QUEUE_READ, ...}`. A scoped
    key calling a method its view declares no scope for is refused, so a new
    view is closed to scoped keys until it declares one. Name checks happen in
    the views, which know the queue or trigger name.
    """

    def has_permission(self, request, view):
        if request.auth is None:
            # Views open without a key (the schema and docs) have no key to scope.
            return True
        if get_key_scopes(request) is None:
            return True
        method = "GET" if request.method == "HEAD" else request.method
        scope = getattr(view, "required_scopes", {}).get(method)
        if scope is None:
            raise ScopeDenied(_("The API key's scopes do not include this endpoint."))
        require_scope(request, scope)
        return True
