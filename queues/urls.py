from django.urls import re_path

from queues.views import QueueElementBulkCreateView, QueueElementDetailView, QueueElementsView

# The Flask routes had no trailing slash; one is accepted too. `bulk` comes
# before the element id pattern, which would match it too.
urlpatterns = [
    re_path(r"^api/queue/?$", QueueElementsView.as_view(), name="queue-create"),
    re_path(r"^api/queue/bulk/?$", QueueElementBulkCreateView.as_view(), name="queue-bulk-create"),
    re_path(r"^api/queue/(?P<element_id>[^/]+)/?$", QueueElementDetailView.as_view(), name="queue-detail"),
]
