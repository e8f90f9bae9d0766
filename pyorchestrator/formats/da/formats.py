"""Danish formats of the console, over Django's `da` locale.

Django's Danish DATETIME_FORMAT (`4. december 2026 19:54`) drops the
seconds, which operators need to tell queue elements apart; the month is
abbreviated to keep the change list columns narrow. The input formats stay
Django's (`25.10.2006`, `25.10.2006 14:30:59`).
"""

from django.conf.locale.da.formats import *  # noqa: F401,F403

DATE_FORMAT = "j. M Y"
DATETIME_FORMAT = "j. M Y H:i:s"
