from django.apps import AppConfig


class PyOrchestratorConfig(AppConfig):
    name = "pyorchestrator"
    verbose_name = "PyOrchestrator"

    def ready(self):
        from pyorchestrator import checks  # noqa: F401  (registers the system checks)
        from pyorchestrator.bans import connect_signals

        connect_signals()
