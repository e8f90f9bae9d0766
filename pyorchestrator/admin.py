"""The API key admin page with the key's scopes beside it."""

from django.contrib import admin
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import APIKey

from pyorchestrator.scope_admin import ApiKeyScopeInline

admin.site.unregister(APIKey)


@admin.register(APIKey)
class ScopedAPIKeyAdmin(APIKeyModelAdmin):
    inlines = [ApiKeyScopeInline]
