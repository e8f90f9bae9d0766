"""Settings of benchmark, soak and fuzz servers: the real settings plus bench-only views.

Only bench/harness.py selects this module (DJANGO_SETTINGS_MODULE); the
production entry point keeps pyorchestrator.settings, so the bench views
are never served there.
"""

from pyorchestrator.settings import *  # noqa: F401,F403

ROOT_URLCONF = "bench.urls"
