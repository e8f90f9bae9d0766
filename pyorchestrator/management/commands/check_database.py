"""Compare the real legacy tables of each configured database with the models."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections, router

from pyorchestrator.management.commands.create_unmanaged_tables import legacy_models
from pyorchestrator.schema_check import ERROR, check_table


class Command(BaseCommand):
    help = (
        "Connect to each configured database and compare the tables the service "
        "maps (Queues, Triggers and its subtables, VejmanKassen) with its models: "
        "missing or extra columns, types, lengths, nullability and, on SQL Server, "
        "the code page of each VARCHAR column. Prints a report and exits with "
        "status 1 on any mismatch or connection failure. Reads only."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--database",
            action="append",
            choices=list(settings.DATABASES),
            help="Check only this database alias; repeat for several. Default: every alias with a mapped table.",
        )

    def handle(self, *args, database=None, **options):
        plan: dict[str, list] = {}
        for model in legacy_models():
            alias = router.db_for_write(model)
            if database and alias not in database:
                continue
            plan.setdefault(alias, []).append(model)

        errors = 0
        warnings = 0
        for alias, models in plan.items():
            connection = connections[alias]
            source = getattr(settings, "DATABASE_SOURCES", {}).get(alias, "settings")
            self.stdout.write(
                f"Database {alias} ({connection.vendor}, {connection.settings_dict.get('NAME')}, from {source}):"
            )
            try:
                reports = [check_table(connection, alias, model) for model in models]
            except DatabaseError as error:
                # The message of a connection error names host and driver,
                # which the operator running this command needs.
                self.stdout.write(f"  ERROR cannot read the tables: {error.__class__.__name__}: {error}")
                errors += 1
                continue

            for report in reports:
                errors += report.errors
                warnings += len(report.findings) - report.errors
                summary = "ok" if not report.findings else f"{len(report.findings)} finding(s)"
                code_pages = (
                    f", VARCHAR code page {', '.join(str(page) for page in sorted(report.code_pages))}"
                    if report.code_pages
                    else ""
                )
                self.stdout.write(f"  {report.table}: {summary} ({report.column_count} columns{code_pages})")
                for severity, column, message in report.findings:
                    self.stdout.write(f"    {severity} {column or report.table}: {message}")

        self.stdout.write(f"Result: {errors} error(s), {warnings} warning(s).")
        if errors:
            raise CommandError(f"The database schema differs from the models in {errors} place(s); see the report above.")
