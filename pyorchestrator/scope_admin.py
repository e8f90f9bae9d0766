"""The admin inline that edits an API key's scopes on the key's own page."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from pyorchestrator.models import ApiKeyScope


class ApiKeyScopeInline(admin.TabularInline):
    """The scopes of one API key. A key without scopes may call every endpoint."""

    model = ApiKeyScope
    extra = 0
    fields = ("scope", "names")
    verbose_name = _("scope")
    verbose_name_plural = _(
        "Scopes: with none, the key may call every endpoint; with some, only the endpoints and names listed"
    )
