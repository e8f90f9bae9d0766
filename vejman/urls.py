from django.urls import re_path

from vejman.views import VejmanKassenListView, VejmanKassenUpdateView

# The Flask app served every route under /api too, and the Android app
# calls the /api form.
urlpatterns = [
    re_path(r"^(?:api/)?vejmankassen/?$", VejmanKassenListView.as_view(), name="vejman-list"),
    re_path(r"^(?:api/)?vejmankassen/update/?$", VejmanKassenUpdateView.as_view(), name="vejman-update"),
]
