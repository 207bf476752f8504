"""Simplified Chinese number formats as used in mainland China (CLDR `zh`): ¥1,899.00.

Django's own zh_Hans formats group digits by ten thousand with no separator (1899.00,
18990000.00); prices in China are written grouped by thousands with a comma. Dates and times stay
Django's (2015年1月8日). Installed by `FORMAT_MODULE_PATH = ["heyi.core.formats"]` in settings.
"""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
