"""Names of SQL Server code pages as Python codecs."""

import codecs

from django.core.exceptions import ImproperlyConfigured

# SQL Server reports UTF-8 (the _UTF8 collations) as code page 65001.
UTF8_CODE_PAGE = "65001"


def python_codec_for_code_page(code_page: str) -> str:
    """Return the Python codec name of a code page given as `1252`, `cp1252` or `utf-8`."""
    text = str(code_page).strip().lower()
    if text == UTF8_CODE_PAGE:
        text = "utf-8"
    elif text.isdigit():
        text = f"cp{text}"
    try:
        return codecs.lookup(text).name
    except LookupError as error:
        raise ImproperlyConfigured(f"The code page {code_page!r} is not one Python can encode.") from error
