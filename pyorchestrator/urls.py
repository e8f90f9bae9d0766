from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from pyorchestrator.health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    # The OpenAPI schema and Swagger UI need no API key. Swagger UI's assets
    # come from drf-spectacular-sidecar's static files, not a CDN. (Redoc is
    # not served: drf-spectacular's Redoc page loads fonts from Google.)
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("", include("queues.urls")),
    path("", include("triggers.urls")),
    path("", include("vejman.urls")),
]

handler400 = "pyorchestrator.exceptions.bad_request"
handler403 = "pyorchestrator.exceptions.permission_denied"
handler404 = "pyorchestrator.exceptions.not_found"
handler500 = "pyorchestrator.exceptions.server_error"
