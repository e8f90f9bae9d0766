from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

urlpatterns = [
    path("admin/", admin.site.urls),
    # The OpenAPI schema and its viewers need no API key; the viewers' assets
    # come from drf-spectacular-sidecar's static files, not a CDN.
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    path("", include("queues.urls")),
    path("", include("triggers.urls")),
    path("", include("vejman.urls")),
]

handler400 = "pyorchestrator.exceptions.bad_request"
handler403 = "pyorchestrator.exceptions.permission_denied"
handler404 = "pyorchestrator.exceptions.not_found"
handler500 = "pyorchestrator.exceptions.server_error"
