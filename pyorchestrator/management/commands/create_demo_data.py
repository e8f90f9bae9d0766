"""Add the example rows of the README to a development database."""

from datetime import date, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from pyorchestrator.local_time import local_now
from queues.models import QueueElement, QueueStatus
from triggers.models import QueueTrigger, ScheduledTrigger, SingleTrigger, TriggerStatus, TriggerType
from vejman.models import FakturaStatus, VejmanKassen

# The trigger that the README's POST /api/trigger example re-arms.
DEMO_SINGLE_TRIGGER = "Genberegn ejendomsskat"
DEMO_QUEUE = "Borgerbreve"
DEMO_HENSTILLING_ID = "H-2025-0142"


class Command(BaseCommand):
    help = (
        "Add the README's example rows to a development database: three triggers (one of each "
        "type, the SINGLE one named 'Genberegn ejendomsskat'), VejmanKassen rows and a few queue "
        "elements of the queue 'Borgerbreve', some of them FAILED. Refuses in production; "
        "does nothing when the demo trigger exists already."
    )

    def handle(self, *args, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("Refusing to add demo rows with PYORCHESTRATOR_ENVIRONMENT=production.")
        if SingleTrigger.objects.filter(trigger_name=DEMO_SINGLE_TRIGGER).exists():
            self.stdout.write("The demo rows exist already: nothing was added.")
            return

        now = local_now().replace(microsecond=0)
        with transaction.atomic(using="orchestrator"):
            self._create_triggers(now)
            self._create_queue_elements(now)
        with transaction.atomic(using="vejman"):
            self._create_vejman_rows()
        self.stdout.write(
            f"Added 3 triggers, 12 queue elements in {DEMO_QUEUE!r} and 3 VejmanKassen rows."
        )

    def _create_triggers(self, now):
        common = {"process_path": "C:\\Robotter\\demo.py", "is_git_repo": False, "is_blocking": False}
        SingleTrigger.objects.create(
            trigger_name=DEMO_SINGLE_TRIGGER, process_name="Ejendomsskat", type=TriggerType.SINGLE,
            process_status=TriggerStatus.DONE, last_run=now - timedelta(days=1), next_run=now, **common,
        )
        ScheduledTrigger.objects.create(
            trigger_name="Natlig afstemning", process_name="Afstemning", type=TriggerType.SCHEDULED,
            process_status=TriggerStatus.IDLE, cron_expr="0 2 * * *",
            next_run=(now + timedelta(days=1)).replace(hour=2, minute=0, second=0), **common,
        )
        QueueTrigger.objects.create(
            trigger_name="Send borgerbreve", process_name="Borgerbreve", type=TriggerType.QUEUE,
            process_status=TriggerStatus.IDLE, queue_name=DEMO_QUEUE, min_batch_size=1, **common,
        )

    def _create_queue_elements(self, now):
        statuses = [QueueStatus.DONE] * 6 + [QueueStatus.FAILED] * 2 + [QueueStatus.NEW] * 3 + [QueueStatus.IN_PROGRESS]
        for number, status in enumerate(statuses, start=1):
            created = now - timedelta(hours=len(statuses) - number)
            started = created + timedelta(minutes=5) if status != QueueStatus.NEW else None
            ended = started + timedelta(minutes=1) if status in (QueueStatus.DONE, QueueStatus.FAILED) else None
            QueueElement.objects.create(
                queue_name=DEMO_QUEUE, status=status, reference=f"form-{4700 + number}",
                data=f'{{"navn": "Borger {number}"}}', created_date=created, start_date=started, end_date=ended,
                message="Adressen blev ikke fundet i CPR." if status == QueueStatus.FAILED else None,
                created_by="OS2Forms",
            )

    def _create_vejman_rows(self):
        rows = [
            (DEMO_HENSTILLING_ID, FakturaStatus.NY, 12.5),
            ("H-2025-0143", FakturaStatus.TIL_FAKTURERING, 30.0),
            ("H-2025-0144", FakturaStatus.FAKTURERET, 8.0),
        ]
        for henstilling_id, faktura_status, kvadratmeter in rows:
            VejmanKassen.objects.create(
                henstilling_id=henstilling_id, cvr=12345678, firma_navn="Stillads ApS",
                startdato=date(2025, 6, 2), slutdato=date(2025, 6, 10), adresse="Rådhuspladsen 2",
                forseelse="Stillads uden tilladelse", longitude=10.2039, latitude=56.1572,
                faktura_status=faktura_status, kvadratmeter=kvadratmeter,
                tilladelsestype="Henstilling Stillads m2",
            )
