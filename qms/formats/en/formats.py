"""Dates are typed day first here, as the admin date picker writes them: 05/06/2026 is 5 June 2026."""

from django.conf.locale.en.formats import *  # noqa: F401,F403

from qms.formats import DAY_FIRST_DATE_INPUT_FORMATS as DATE_INPUT_FORMATS  # noqa: F401
from qms.formats import DAY_FIRST_DATETIME_INPUT_FORMATS as DATETIME_INPUT_FORMATS  # noqa: F401
