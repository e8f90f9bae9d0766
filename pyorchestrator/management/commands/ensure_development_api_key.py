"""Create a development API key when the database has none."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from rest_framework_api_key.models import APIKey

DEVELOPMENT_KEY_NAME = "development"


class Command(BaseCommand):
    help = (
        "Create and print an API key named 'development' if no API key exists, "
        "so a fresh installation can be called at once. Does nothing in production "
        "or when any key exists."
    )

    def handle(self, *args, **options):
        if settings.IS_PRODUCTION:
            self.stdout.write("Production environment: no development key is created.")
            return
        if APIKey.objects.exists():
            self.stdout.write("An API key exists already: no development key is created.")
            return
        call_command("create_api_key", DEVELOPMENT_KEY_NAME, stdout=self.stdout)
