from django.urls import re_path

from triggers.views import TriggerDetailView, TriggerStatusView

urlpatterns = [
    re_path(r"^api/trigger/?$", TriggerStatusView.as_view(), name="trigger-status"),
    re_path(r"^api/trigger/(?P<trigger_name>[^/]+)/?$", TriggerDetailView.as_view(), name="trigger-detail"),
]
