"""Create the console's groups "Operatører" and "Nøgleadministratorer".

Permissions are found by app label and codename. A permission whose model
is not installed (yet) is skipped, so this migration runs before or after
the migrations that add such models; rerunning it adds what was missing.
Reversing it deletes the two groups.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_PERMISSIONS = {
    # The RPA team: look into and correct queue elements, triggers and
    # VejmanKassen rows, and see whether a client is banned. No deletion.
    "Operatører": [
        ("queues", "view_queueelement"),
        ("queues", "change_queueelement"),
        ("triggers", "view_trigger"),
        ("triggers", "change_trigger"),
        ("triggers", "view_singletrigger"),
        ("triggers", "change_singletrigger"),
        ("triggers", "view_scheduledtrigger"),
        ("triggers", "change_scheduledtrigger"),
        ("triggers", "view_queuetrigger"),
        ("triggers", "change_queuetrigger"),
        ("vejman", "view_vejmankassen"),
        ("vejman", "change_vejmankassen"),
        ("pyorchestrator", "view_clientban"),
    ],
    # Managers who issue and revoke API keys and lift bans.
    "Nøgleadministratorer": [
        ("rest_framework_api_key", "view_apikey"),
        ("rest_framework_api_key", "add_apikey"),
        ("rest_framework_api_key", "change_apikey"),
        ("pyorchestrator", "view_clientban"),
        ("pyorchestrator", "change_clientban"),
        ("pyorchestrator", "delete_clientban"),
        ("pyorchestrator", "view_apikeyscope"),
        ("pyorchestrator", "add_apikeyscope"),
        ("pyorchestrator", "change_apikeyscope"),
        ("pyorchestrator", "delete_apikeyscope"),
    ],
}


def create_groups(apps, schema_editor):
    """Create the missing permissions, then the groups with the permissions that exist."""
    alias = schema_editor.connection.alias
    # Django creates permissions after `migrate` ends; a fresh database has
    # none yet, so they are created here from the migration state.
    # create_permissions skips an app whose models_module is None, as it is
    # in the migration state. The old value is put back because a caller
    # may pass the global registry, where None would make every later
    # post_migrate (such as a test's flush) skip the app.
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = True
        try:
            create_permissions(app_config, apps=apps, verbosity=0, using=alias)
        finally:
            app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, wanted in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.using(alias).get_or_create(name=group_name)
        for app_label, codename in wanted:
            permission = (
                Permission.objects.using(alias)
                .filter(content_type__app_label=app_label, codename=codename)
                .first()
            )
            if permission is not None:
                group.permissions.add(permission)


def delete_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name__in=GROUP_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        # The models whose permissions the groups get.
        ("pyorchestrator", "0003_scopes_idempotency"),
        ("queues", "0001_initial"),
        ("triggers", "0001_initial"),
        ("vejman", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
