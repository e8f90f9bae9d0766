from django.urls import re_path

from triggers.views import TriggerStatusView

urlpatterns = [
    re_path(r"^api/trigger/?$", TriggerStatusView.as_view(), name="trigger-status"),
]
