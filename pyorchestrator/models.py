"""The project's own tables in the `default` database: bans, key scopes and idempotency records."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import APIKey

from pyorchestrator.scopes import NAME_SCOPES, Scope, parse_name_patterns


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



class ApiKeyScope(models.Model):
    """One endpoint group that an API key may call, optionally limited to some names.

    A key with no scope rows may call every endpoint, so keys made before
    scopes existed keep working. A key with at least one row may call only
    the endpoint groups it has rows for.
    """

    api_key = models.ForeignKey(APIKey, on_delete=models.CASCADE, related_name="scopes", verbose_name=_("API key"))
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices)
    names = models.TextField(
        _("queue or trigger names"),
        blank=True,
        help_text=_(
            "One name per line. A name ending in * matches every name that starts with the text "
            "before it, so Borger* matches Borgerbreve. Leave empty to allow every name. "
            "VejmanKassen scopes ignore names."
        ),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["api_key", "scope"], name="uniq_api_key_scope"),
        ]
        ordering = ["scope"]
        verbose_name = _("API key scope")
        verbose_name_plural = _("API key scopes")

    def __str__(self) -> str:
        return f"{self.get_scope_display()}: {self.names_summary()}"

    def clean(self):
        try:
            patterns = parse_name_patterns(self.names)
        except ValueError as error:
            raise ValidationError({"names": str(error)}) from error
        if patterns and self.scope not in NAME_SCOPES:
            raise ValidationError({"names": _("VejmanKassen scopes take no names; leave the field empty.")})
        self.names = "\n".join(patterns)

    def names_summary(self) -> str:
        patterns = parse_name_patterns(self.names)
        return ", ".join(patterns) if patterns else str(_("all names"))


class IdempotencyRecordStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


class IdempotencyRecord(models.Model):
    """The first response to a POST sent with an `Idempotency-Key` header.

    One row per API key and Idempotency-Key: the unique constraint is what
    stops two concurrent requests with the same key from both writing.
    pyorchestrator/idempotency.py describes the protocol.
    """

    api_key = models.ForeignKey(APIKey, on_delete=models.CASCADE, related_name="+", verbose_name=_("API key"))
    key = models.CharField(_("Idempotency-Key"), max_length=255)
    # SHA-256 hex of the method, the path and the canonical JSON body.
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    request_path = models.CharField(_("request path"), max_length=255)
    status = models.CharField(
        _("status"), max_length=11, choices=IdempotencyRecordStatus.choices, default=IdempotencyRecordStatus.IN_PROGRESS
    )
    # Naive UTC, so that the 24-hour expiry is exact across daylight saving changes.
    created_at = models.DateTimeField(_("created (UTC)"), db_index=True)
    locked_at = models.DateTimeField(_("locked (UTC)"))
    # JSON list of the queue element ids the request writes, saved before the write,
    # so a retry after a crash can tell whether the write happened.
    reserved_ids = models.TextField(_("reserved ids"), blank=True, default="")
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    response_body = models.TextField(_("response body"), blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["api_key", "key"], name="uniq_idempotency_key_per_api_key"),
        ]
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")

    def __str__(self) -> str:
        return f"{self.key} ({self.status})"
