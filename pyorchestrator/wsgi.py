"""WSGI entry point: waitress serves `pyorchestrator.wsgi:application`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pyorchestrator.settings")

application = get_wsgi_application()
