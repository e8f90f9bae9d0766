from django.urls import re_path

from queues.views import QueueElementCreateView

# The Flask routes had no trailing slash; one is accepted too.
urlpatterns = [
    re_path(r"^api/queue/?$", QueueElementCreateView.as_view(), name="queue-create"),
]
