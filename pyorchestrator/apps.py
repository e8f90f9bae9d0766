from django.apps import AppConfig


class PyOrchestratorConfig(AppConfig):
    name = "pyorchestrator"
    verbose_name = "PyOrchestrator"
