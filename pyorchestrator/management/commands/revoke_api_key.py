"""Revoke API keys by name, for scripts."""

from django.core.management.base import BaseCommand, CommandError
from rest_framework_api_key.models import APIKey


class Command(BaseCommand):
    help = (
        "Revoke every unrevoked API key named NAME, or with --prefix only the key with that prefix. "
        "A revoked key is rejected from the next request on; revoking cannot be undone."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="The name the keys were created with.")
        parser.add_argument("--prefix", help="Revoke only the key with this prefix (list_api_keys shows it).")

    def handle(self, *args, name, prefix=None, **options):
        keys = APIKey.objects.filter(name=name, revoked=False)
        if prefix:
            keys = keys.filter(prefix=prefix)
        keys = list(keys.order_by("created"))
        if not keys:
            which = f"named {name!r}" + (f" with prefix {prefix}" if prefix else "")
            raise CommandError(f"No unrevoked API key is {which}. list_api_keys shows the keys.")

        for api_key in keys:
            api_key.revoked = True
            api_key.save(update_fields=["revoked"])
            self.stdout.write(f"Revoked API key {api_key.name!r} with prefix {api_key.prefix}.")
