"""Create the legacy tables in a development or test database."""

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections, router

# The models over tables other software owns, in creation order: the trigger
# subtables reference `Triggers`.
LEGACY_MODELS = (
    "queues.QueueElement",
    "triggers.Trigger",
    "triggers.SingleTrigger",
    "triggers.ScheduledTrigger",
    "triggers.QueueTrigger",
    "vejman.VejmanKassen",
)


def legacy_models():
    """Return the legacy model classes in creation order."""
    return [apps.get_model(label) for label in LEGACY_MODELS]


class Command(BaseCommand):
    help = (
        "Create the tables that OpenOrchestrator and the VejmanKassen robots own "
        "(Queues, Triggers and its subtables, VejmanKassen) in each model's "
        "database, with the same names, types and lengths. For development and "
        "test databases only: refuses in production and never touches a table "
        "that exists."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--skip-existing",
            action="store_true",
            help="Create only the missing tables and leave existing ones as they are, "
            "instead of failing when any exists.",
        )

    def handle(self, *args, skip_existing=False, **options):
        if settings.IS_PRODUCTION:
            raise CommandError(
                "Refusing to create legacy tables with PYORCHESTRATOR_ENVIRONMENT=production: "
                "OpenOrchestrator and the VejmanKassen robots create them there."
            )

        plan = [(model, router.db_for_write(model)) for model in legacy_models()]
        existing = [
            (model, alias)
            for model, alias in plan
            if model._meta.db_table in connections[alias].introspection.table_names()
        ]
        if existing and not skip_existing:
            names = ", ".join(f"{model._meta.db_table} (database {alias})" for model, alias in existing)
            raise CommandError(f"These tables exist already and were left unchanged: {names}. Nothing was created.")

        for model, alias in plan:
            if (model, alias) in existing:
                self.stdout.write(f"{model._meta.db_table} exists in database {alias}: left unchanged.")
                continue
            with connections[alias].schema_editor() as editor:
                editor.create_model(model)
                # Django skips the Meta.indexes of unmanaged models in create_model.
                for index in model._meta.indexes:
                    editor.add_index(model, index)
            self.stdout.write(f"Created {model._meta.db_table} in database {alias}.")
