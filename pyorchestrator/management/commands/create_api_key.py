"""Create a named API key and print it once."""

from django.core.management.base import BaseCommand, CommandError
from rest_framework_api_key.models import APIKey


class Command(BaseCommand):
    help = (
        "Create an API key for the calling system NAME. The key is printed alone "
        "on the last line of the output and cannot be shown again: only its hash is stored."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="The calling system, such as 'OS2Forms' or 'Inspektionsapp'.")

    def handle(self, *args, name, **options):
        name = name.strip()
        if not name:
            raise CommandError("NAME must not be blank.")
        max_length = APIKey._meta.get_field("name").max_length
        if len(name) > max_length:
            raise CommandError(f"NAME must be at most {max_length} characters.")

        api_key, key = APIKey.objects.create_key(name=name)
        self.stdout.write(f"Created API key {name!r} with prefix {api_key.prefix}. Store it now; it is not shown again:")
        self.stdout.write(key)
