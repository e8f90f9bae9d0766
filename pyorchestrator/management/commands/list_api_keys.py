"""List the API keys without the keys themselves."""

from django.core.management.base import BaseCommand
from rest_framework_api_key.models import APIKey

COLUMNS = ("name", "prefix", "created", "expires", "state")


def _format_time(value) -> str:
    return value.isoformat(sep=" ", timespec="seconds") if value else "never"


class Command(BaseCommand):
    help = (
        "List the API keys: name, prefix, creation time, expiry and state (active, expired or revoked). "
        "Keys are stored as hashes, so no key is printed."
    )

    def handle(self, *args, **options):
        rows = []
        for api_key in APIKey.objects.order_by("name", "created"):
            if api_key.revoked:
                state = "revoked"
            elif api_key.has_expired:
                state = "expired"
            else:
                state = "active"
            rows.append((api_key.name, api_key.prefix, _format_time(api_key.created), _format_time(api_key.expiry_date), state))

        if not rows:
            self.stdout.write("No API keys.")
            return
        widths = [max(len(str(row[column])) for row in [COLUMNS, *rows]) for column in range(len(COLUMNS))]
        for row in [COLUMNS, *rows]:
            self.stdout.write("  ".join(str(value).ljust(width) for value, width in zip(row, widths)).rstrip())
