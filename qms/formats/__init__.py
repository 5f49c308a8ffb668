"""Date input formats matching the admin date picker (WAGTAIL_DATE_FORMAT, day first); input limits."""

#: Official TTHC names run to several hundred characters; forms accept up to this many.
NAME_MAX_LENGTH = 2000

DAY_FIRST_DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
DAY_FIRST_DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
]
