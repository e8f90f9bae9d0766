"""The app config that gives djangorestframework-api-key's admin translatable labels."""

from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.apps import RestFrameworkApiKeyConfig


class ApiKeyAppConfig(RestFrameworkApiKeyConfig):
    """djangorestframework-api-key with labels the admin can show in Danish.

    The library (3.x) gives its app, its model and most of its fields plain
    English labels that never pass through gettext, so this config replaces
    them with the project's translatable ones. Only verbose names change:
    migrations read the options a model and its fields were declared with,
    so no migration of the library's app is detected. Help texts are part
    of a field's migration state, so the admin form sets those instead
    (pyorchestrator/admin.py).
    """

    verbose_name = _("API access")

    def ready(self):
        super().ready()
        api_key_model = self.get_model("APIKey")
        api_key_model._meta.verbose_name = _("API key")
        api_key_model._meta.verbose_name_plural = _("API keys")

        verbose_names = {
            "name": _("name"),
            "prefix": _("prefix"),
            "created": _("created"),
            "expiry_date": _("expires"),
            "revoked": _("revoked"),
        }
        for field_name, verbose_name in verbose_names.items():
            api_key_model._meta.get_field(field_name).verbose_name = verbose_name
