"""The service's URLs plus the baseline views the benchmark compares them with."""

from django.urls import path

from bench import views
from pyorchestrator.urls import handler400, handler403, handler404, handler500, urlpatterns as service_urlpatterns

urlpatterns = [
    path("bench/trivial", views.trivial),
    path("bench/trivial-write", views.trivial_write),
    path("bench/trivial-drf", views.TrivialApiView.as_view()),
    path("bench/trivial-drf-key", views.TrivialAuthenticatedApiView.as_view()),
    *service_urlpatterns,
]

__all__ = ["urlpatterns", "handler400", "handler403", "handler404", "handler500"]
