"""Route each app to the database alias that contains its tables."""

# The apps whose models map tables that other software owns. Their models
# are unmanaged, and no migration may touch their tables on any alias.
LEGACY_APP_ALIASES = {
    "queues": "orchestrator",
    "triggers": "orchestrator",
    "vejman": "vejman",
}


class LegacyTableRouter:
    """Send the legacy apps to their aliases and everything else to `default`."""

    def db_for_read(self, model, **hints):
        return LEGACY_APP_ALIASES.get(model._meta.app_label, "default")

    def db_for_write(self, model, **hints):
        return LEGACY_APP_ALIASES.get(model._meta.app_label, "default")

    def allow_relation(self, obj1, obj2, **hints):
        return self.db_for_read(type(obj1)) == self.db_for_read(type(obj2))

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        """Return whether `migrate` may act on `app_label` in `db`.

        Legacy tables are never migrated, on any alias, even when all aliases
        name one SQLite file: `create_unmanaged_tables` makes them for
        development and tests. Django's own tables live in `default` only.
        """
        if app_label in LEGACY_APP_ALIASES:
            return False
        return db == "default"
