"""The project's own tables in the `default` database."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ClientBanQuerySet(models.QuerySet):
    def active(self, now=None):
        """Return the bans that are neither lifted nor over at `now` (default: now)."""
        return self.filter(lifted_at__isnull=True, banned_until__gt=now or timezone.now())


class ClientBan(models.Model):
    """A client address banned from the API after repeated missing or invalid keys.

    Rows are kept after a ban ends or is lifted, as the record of what
    happened. Datetimes are naive local time (USE_TZ is off).
    """

    address = models.GenericIPAddressField(_("address"))
    banned_at = models.DateTimeField(_("banned since"), default=timezone.now)
    banned_until = models.DateTimeField(_("banned until"))
    attempts = models.PositiveIntegerField(
        _("attempts"),
        help_text=_("Requests with a missing or invalid API key counted within the window when the ban began."),
    )
    key_prefix = models.CharField(
        _("tried key prefix"),
        max_length=8,
        blank=True,
        help_text=_("Prefix of the last key tried; empty when the key was missing or not in the key format."),
    )
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.CharField(_("lifted by"), max_length=150, blank=True)

    objects = ClientBanQuerySet.as_manager()

    class Meta:
        ordering = ["-banned_at"]
        verbose_name = _("client ban")
        verbose_name_plural = _("client bans")
        indexes = [models.Index(fields=["address", "banned_until"], name="clientban_address_until")]

    def __str__(self) -> str:
        return str(self.address)

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None and self.banned_until > timezone.now()
