from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VejmanConfig(AppConfig):
    name = "vejman"
    verbose_name = _("VejmanKassen")
