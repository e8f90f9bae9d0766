"""Create a named API key and print it once."""

from datetime import date, datetime, time, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from rest_framework_api_key.models import APIKey

from pyorchestrator.local_time import to_local_naive


def parse_expiry(value: str) -> datetime:
    """Return the naive local expiry of `--expires`: an ISO date or datetime.

    A date means the end of that day: the key works through all of it. A
    datetime without an offset is local time; one with an offset is
    converted to local time.
    """
    try:
        return datetime.combine(date.fromisoformat(value) + timedelta(days=1), time.min)
    except ValueError:
        pass
    try:
        return to_local_naive(datetime.fromisoformat(value))
    except ValueError:
        raise CommandError(
            f"--expires must be an ISO date or datetime such as 2027-01-31 or 2027-01-31T16:00, not {value!r}."
        ) from None


class Command(BaseCommand):
    help = (
        "Create an API key for the calling system NAME. The key is printed alone "
        "on the last line of the output and cannot be shown again: only its hash is stored."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="The calling system, such as 'OS2Forms' or 'Inspektionsapp'.")
        parser.add_argument(
            "--expires",
            metavar="DATE",
            help="When the key stops working, in local time: an ISO date (the key works through that "
            "day) or datetime, such as 2027-01-31 or 2027-01-31T16:00. Default: never.",
        )

    def handle(self, *args, name, expires=None, **options):
        name = name.strip()
        if not name:
            raise CommandError("NAME must not be blank.")
        max_length = APIKey._meta.get_field("name").max_length
        if len(name) > max_length:
            raise CommandError(f"NAME must be at most {max_length} characters.")

        expiry_date = None
        if expires is not None:
            expiry_date = parse_expiry(expires.strip())
            if expiry_date <= timezone.now():
                raise CommandError(f"--expires must be in the future, not {expiry_date.isoformat(sep=' ')}.")

        api_key, key = APIKey.objects.create_key(name=name, expiry_date=expiry_date)
        expiry_text = f", expiring {expiry_date.isoformat(sep=' ')}" if expiry_date else ""
        self.stdout.write(
            f"Created API key {name!r} with prefix {api_key.prefix}{expiry_text}. Store it now; it is not shown again:"
        )
        self.stdout.write(key)
