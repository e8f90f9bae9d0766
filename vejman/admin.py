"""Admin of the VejmanKassen invoicing rows.

Operators correct FakturaStatus, Kvadratmeter, Tilladelsestype and Slutdato
before invoicing; the robots own every other column. FakturaStatus and
Tilladelsestype offer the values in use, and a row keeps any other value it
already has, because other robots write values this service does not know.
"""

from django import forms
from django.contrib import admin, messages
from django.db import router, transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from pyorchestrator.legacy_admin import LegacyModelAdmin
from vejman.models import FakturaStatus, VejmanKassen

EDITABLE_FIELDS = ["faktura_status", "kvadratmeter", "tilladelsestype", "slutdato"]
EMPTY_CHOICE = ("", "---------")


def tilladelsestyper_in_use() -> list[str]:
    """Return the distinct non-empty Tilladelsestype values of the table, sorted."""
    values = (
        VejmanKassen.objects.exclude(tilladelsestype__isnull=True)
        .exclude(tilladelsestype="")
        .values_list("tilladelsestype", flat=True)
        .distinct()
    )
    return sorted(values, key=str.lower)


def faktura_statuses_in_use() -> list[str]:
    """Return the known FakturaStatus values, then any other value in the table."""
    other = (
        VejmanKassen.objects.exclude(faktura_status__in=FakturaStatus.values)
        .exclude(faktura_status__isnull=True)
        .values_list("faktura_status", flat=True)
        .distinct()
    )
    return [*FakturaStatus.values, *sorted(other, key=str.lower)]


def _choices(values: list[str], current: str | None) -> list[tuple[str, str]]:
    """Return `values` as choices, with `current` kept and an empty choice when it is empty."""
    choices = [(value, value) for value in values]
    if current and current not in values:
        choices.append((current, current))
    if not current:
        choices.insert(0, EMPTY_CHOICE)
    return choices


class VejmanKassenForm(forms.ModelForm):
    faktura_status = forms.ChoiceField(label="FakturaStatus")
    tilladelsestype = forms.ChoiceField(label="Tilladelsestype", required=False)
    kvadratmeter = forms.FloatField(label="Kvadratmeter", min_value=0, required=False, localize=True)

    class Meta:
        model = VejmanKassen
        fields = EDITABLE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        status = self.instance.faktura_status
        self.fields["faktura_status"].choices = _choices(faktura_statuses_in_use(), status)
        # A row without a status may stay without one; the others keep a status.
        self.fields["faktura_status"].required = bool(status)

        permit_type = self.instance.tilladelsestype
        permit_choices = _choices(tilladelsestyper_in_use(), permit_type)
        if permit_type:
            permit_choices.insert(0, EMPTY_CHOICE)
        self.fields["tilladelsestype"].choices = permit_choices

    def clean_faktura_status(self):
        return self.cleaned_data["faktura_status"] or None

    def clean_tilladelsestype(self):
        return self.cleaned_data["tilladelsestype"] or None


class FakturaStatusFilter(admin.SimpleListFilter):
    title = "FakturaStatus"
    parameter_name = "faktura_status"

    def lookups(self, request, model_admin):
        return [(value, value) for value in faktura_statuses_in_use()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(faktura_status=self.value())
        return queryset


@admin.register(VejmanKassen)
class VejmanKassenAdmin(LegacyModelAdmin):
    form = VejmanKassenForm
    list_display = [
        "henstilling_id",
        "firma_navn",
        "adresse",
        "startdato",
        "slutdato",
        "faktura_status",
        "kvadratmeter",
        "tilladelsestype",
    ]
    list_filter = [FakturaStatusFilter]
    search_fields = ["henstilling_id", "=cvr", "firma_navn", "adresse"]
    search_help_text = _("Search by HenstillingId, CVR number, company name or address.")
    ordering = ["-id"]
    list_per_page = 100
    actions = ["mark_for_invoicing"]

    fieldsets = [
        (None, {"fields": ["henstilling_id", "cvr", "firma_navn", "adresse", "forseelse", "startdato"]}),
        (_("Invoicing"), {"fields": EDITABLE_FIELDS}),
        (_("Position"), {"fields": ["longitude", "latitude"]}),
    ]
    readonly_fields = ["henstilling_id", "cvr", "firma_navn", "adresse", "forseelse", "startdato", "longitude", "latitude"]

    @admin.action(description=_("Til fakturering: mark the selected rows ready to invoice"))
    def mark_for_invoicing(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        with transaction.atomic(using=router.db_for_write(VejmanKassen)):
            updated = VejmanKassen.objects.filter(pk__in=ids).update(faktura_status=FakturaStatus.TIL_FAKTURERING)
            self.log_changes(
                request, list(VejmanKassen.objects.filter(pk__in=ids)), [{"changed": {"fields": ["FakturaStatus"]}}]
            )
        self.message_user(
            request,
            ngettext(
                "Marked %(count)d row Til fakturering.", "Marked %(count)d rows Til fakturering.", updated
            )
            % {"count": updated},
            messages.SUCCESS,
        )
