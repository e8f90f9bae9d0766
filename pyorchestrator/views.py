"""Shared pieces of the API views."""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError


def require_object_body(request) -> dict:
    """Return the parsed JSON body, which must be an object (`{}` when empty)."""
    data = request.data
    if not isinstance(data, dict):
        raise ValidationError({"non_field_errors": [_("The request body must be a JSON object.")]})
    return data
