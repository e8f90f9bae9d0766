"""Validation and output of the VejmanKassen endpoints."""

import math

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from pyorchestrator.serializer_fields import FlatSerializer, StrictCharField
from vejman.dates import format_rfc822_date, parse_client_date
from vejman.models import VejmanKassen

_max_length = {field.name: field.max_length for field in VejmanKassen._meta.fields if field.max_length}

# The API's output keys are the table's column names, as the Flask service
# returned them; the model's attribute names are snake_case.
OUTPUT_COLUMNS = {field.attname: field.column for field in VejmanKassen._meta.concrete_fields}
DATE_ATTRIBUTES = {"startdato", "slutdato"}


def row_to_json(values: dict) -> dict:
    """Return one row from `.values()` keyed by column name, dates in RFC 822 form."""
    return {
        OUTPUT_COLUMNS[attname]: format_rfc822_date(value) if attname in DATE_ATTRIBUTES else value
        for attname, value in values.items()
    }


class ClientDateField(serializers.Field):
    """A date sent as `Tue, 10 Jun 2025` (RFC 822, English) or ISO 8601."""

    default_error_messages = {
        "invalid": _("Must be a date such as 'Tue, 10 Jun 2025' or '2025-06-10'."),
    }

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        parsed = parse_client_date(data)
        if parsed is None:
            self.fail("invalid")
        return parsed

    def to_representation(self, value):
        return format_rfc822_date(value)


class StatusQuerySerializer(FlatSerializer):
    """The `status` of `GET /vejmankassen`, from the JSON body or the query string."""

    status = StrictCharField(max_length=_max_length["faktura_status"])


class NonNegativeFloatField(serializers.FloatField):
    """A JSON number (or numeric string) >= 0; booleans are not numbers here."""

    default_error_messages = {
        "invalid": _("Must be a number."),
        "min_value": _("Must be at least {min_value}."),
    }

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        value = super().to_internal_value(data)
        if not math.isfinite(value):
            self.fail("invalid")
        # Adding 0.0 turns -0.0, which passes min_value=0, into 0.0.
        return value + 0.0


class VejmanUpdateSerializer(FlatSerializer):
    """The body of `POST /vejmankassen/update`: `id` and the columns to change.

    Keys other than these are ignored, as the Flask service ignored them.
    """

    UPDATABLE = {
        "fakturaStatus": "faktura_status",
        "kvadratmeter": "kvadratmeter",
        "tilladelsestype": "tilladelsestype",
        "slutdato": "slutdato",
    }

    id = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    fakturaStatus = StrictCharField(max_length=_max_length["faktura_status"], required=False)
    kvadratmeter = NonNegativeFloatField(min_value=0, required=False, allow_null=True)
    tilladelsestype = StrictCharField(
        max_length=_max_length["tilladelsestype"], required=False, allow_null=True, allow_blank=True
    )
    slutdato = ClientDateField(required=False, allow_null=True)

    def validate(self, attrs):
        if not any(key in attrs for key in self.UPDATABLE):
            raise serializers.ValidationError(
                _("Give at least one of {fields} to update.").format(fields=", ".join(self.UPDATABLE))
            )
        return attrs

    def column_values(self) -> dict:
        """Return the validated changes keyed by model attribute name."""
        return {
            attribute: self.validated_data[key]
            for key, attribute in self.UPDATABLE.items()
            if key in self.validated_data
        }


class VejmanRowSerializer(serializers.Serializer):
    """One VejmanKassen row as the list endpoints return it, keyed by column name (schema only)."""

    Id = serializers.IntegerField()
    HenstillingId = serializers.CharField(allow_null=True)
    CVR = serializers.IntegerField(allow_null=True)
    FirmaNavn = serializers.CharField(allow_null=True)
    Startdato = serializers.CharField(allow_null=True, help_text=_("RFC 822 date: Tue, 10 Jun 2025 00:00:00 GMT."))
    Slutdato = serializers.CharField(allow_null=True, help_text=_("RFC 822 date: Tue, 10 Jun 2025 00:00:00 GMT."))
    Adresse = serializers.CharField(allow_null=True)
    Forseelse = serializers.CharField(allow_null=True)
    Longitude = serializers.FloatField(allow_null=True)
    Latitude = serializers.FloatField(allow_null=True)
    FakturaStatus = serializers.CharField(allow_null=True)
    Kvadratmeter = serializers.FloatField(allow_null=True)
    Tilladelsestype = serializers.CharField(allow_null=True)


class VejmanUpdateResponseSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["success"])
