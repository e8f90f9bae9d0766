from django.contrib import admin
from django.urls import include, path

from pyorchestrator.health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("", include("queues.urls")),
    path("", include("triggers.urls")),
    path("", include("vejman.urls")),
]

handler400 = "pyorchestrator.exceptions.bad_request"
handler403 = "pyorchestrator.exceptions.permission_denied"
handler404 = "pyorchestrator.exceptions.not_found"
handler500 = "pyorchestrator.exceptions.server_error"
