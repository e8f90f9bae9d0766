# The first migration of the project app: the root that the migrations of
# its own tables (bans, key scopes, groups) depend on.
from django.db import migrations


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("rest_framework_api_key", "0005_auto_20220110_1102"),
    ]

    operations = []
