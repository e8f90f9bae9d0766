"""Msgids of installed libraries that ship no Danish translation.

django-axes 8.3 and djangorestframework-api-key 3.x pass these texts through
gettext but have no `da` catalog. Listing them here makes `makemessages`
keep them in locale/da, and Django merges the LOCALE_PATHS catalogs over
the apps' own, so the libraries' gettext calls return the Danish text.
Nothing imports this module; it exists for the extraction only. After a
library upgrade, compare these msgids with the library's source.
"""

from django.utils.translation import gettext_noop

AXES_MSGIDS = (
    # Models (axes/models.py).
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("Username"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Access lock out"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("Access Attempt"),
    gettext_noop("Expires At"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Logout Time"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    # Admin (axes/admin.py).
    gettext_noop("Locked Out"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Not set"),
    gettext_noop("Attempt Remaining"),
    # The login response to a locked user name (axes/conf.py).
    gettext_noop("Account locked: too many login attempts. Please try again later."),
    gettext_noop("Account locked: too many login attempts. Contact an admin to unlock your account."),
)

API_KEY_MSGIDS = (
    # Raised when a form tries to un-revoke a key (rest_framework_api_key/models.py).
    gettext_noop("The API key has been revoked, which cannot be undone."),
)
