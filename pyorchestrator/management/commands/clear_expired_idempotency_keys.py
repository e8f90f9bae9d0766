"""Delete the Idempotency-Key records older than their time to live."""

from django.conf import settings
from django.core.management.base import BaseCommand

from pyorchestrator.idempotency import delete_expired_records


class Command(BaseCommand):
    help = (
        "Delete the stored Idempotency-Key records and responses older than "
        "PYORCHESTRATOR_IDEMPOTENCY_TTL_HOURS (default 24). Every POST with an "
        "Idempotency-Key deletes them too; run this from a scheduled task when "
        "such requests are rare."
    )

    def handle(self, *args, **options):
        deleted = delete_expired_records()
        hours = settings.IDEMPOTENCY_TTL // 3600
        self.stdout.write(f"Deleted {deleted} Idempotency-Key record(s) older than {hours} hours.")
