"""The `VejmanKassen` table of road-permit invoicing, which other robots own.

No public DDL exists. The column types are inferred from the values the
robots write, and the lengths are a guess that `check_database` compares
with the real table.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FakturaStatus(models.TextChoices):
    """The FakturaStatus values in use. Rows may hold other values."""

    NY = "Ny", "Ny"
    TIL_FAKTURERING = "Til fakturering", "Til fakturering"
    FAKTURER_IKKE = "Fakturer ikke", "Fakturer ikke"
    FAKTURERET = "Faktureret", "Faktureret"


class VejmanKassen(models.Model):
    """One henstilling (notice to a contractor) and its invoicing state."""

    id = models.AutoField(primary_key=True, db_column="Id")
    henstilling_id = models.CharField("HenstillingId", max_length=100, null=True, blank=True, db_column="HenstillingId")
    cvr = models.IntegerField("CVR", null=True, blank=True, db_column="CVR")
    firma_navn = models.CharField("FirmaNavn", max_length=255, null=True, blank=True, db_column="FirmaNavn")
    startdato = models.DateField("Startdato", null=True, blank=True, db_column="Startdato")
    slutdato = models.DateField("Slutdato", null=True, blank=True, db_column="Slutdato")
    adresse = models.CharField("Adresse", max_length=255, null=True, blank=True, db_column="Adresse")
    forseelse = models.CharField("Forseelse", max_length=255, null=True, blank=True, db_column="Forseelse")
    longitude = models.FloatField("Longitude", null=True, blank=True, db_column="Longitude")
    latitude = models.FloatField("Latitude", null=True, blank=True, db_column="Latitude")
    faktura_status = models.CharField("FakturaStatus", max_length=50, null=True, blank=True, db_column="FakturaStatus")
    kvadratmeter = models.FloatField("Kvadratmeter", null=True, blank=True, db_column="Kvadratmeter")
    tilladelsestype = models.CharField(
        "Tilladelsestype", max_length=100, null=True, blank=True, db_column="Tilladelsestype"
    )

    class Meta:
        managed = False
        db_table = "VejmanKassen"
        verbose_name = _("VejmanKassen row")
        verbose_name_plural = _("VejmanKassen rows")

    def __str__(self) -> str:
        return f"{self.henstilling_id or self.id}"
