"""Danish formats of the console, over Django's `da` locale.

Django's Danish DATETIME_FORMAT (`4. december 2026 19:54`) drops the
seconds, which operators need to tell queue elements apart, and is wide for
the change list columns. The console shows the numeric Danish form
`04.12.2026 19:54:03`, the same form Django's Danish input formats accept.
"""

from django.conf.locale.da.formats import *  # noqa: F401,F403

DATE_FORMAT = "d.m.Y"
DATETIME_FORMAT = "d.m.Y H:i:s"
