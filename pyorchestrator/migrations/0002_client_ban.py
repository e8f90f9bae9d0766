from django.db import migrations, models
import django.utils.timezone


class Migration(migrations.Migration):
    dependencies = [
        ("pyorchestrator", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="ClientBan",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("address", models.GenericIPAddressField(verbose_name="address")),
                ("banned_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="banned since")),
                ("banned_until", models.DateTimeField(verbose_name="banned until")),
                (
                    "attempts",
                    models.PositiveIntegerField(
                        help_text="Requests with a missing or invalid API key counted within the window when the ban began.",
                        verbose_name="attempts",
                    ),
                ),
                (
                    "key_prefix",
                    models.CharField(
                        blank=True,
                        help_text="Prefix of the last key tried; empty when the key was missing or not in the key format.",
                        max_length=8,
                        verbose_name="tried key prefix",
                    ),
                ),
                ("lifted_at", models.DateTimeField(blank=True, null=True, verbose_name="lifted at")),
                ("lifted_by", models.CharField(blank=True, max_length=150, verbose_name="lifted by")),
            ],
            options={
                "verbose_name": "client ban",
                "verbose_name_plural": "client bans",
                "ordering": ["-banned_at"],
                "indexes": [models.Index(fields=["address", "banned_until"], name="clientban_address_until")],
            },
        ),
    ]
