"""Field validators with the messages a commune officer reads."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_MB = 10

validate_decision_number = RegexValidator(
    r"^[0-9]{1,6}$", _("The decision number is written with digits only, e.g. 125.")
)

validate_symbol = RegexValidator(
    r"^[0-9A-ZĐ]+(-[0-9A-ZĐ]+)*$", _("The symbol is written in capitals with hyphens, e.g. QĐ-UBND.")
)


@deconstructible
class FileSizeValidator:
    """Referenced by migration 0001; uploads are checked by :mod:`qms.files.policy`."""

    def __init__(self, max_mb: int = MAX_UPLOAD_MB):
        self.max_mb = max_mb

    def __call__(self, file):
        size = getattr(file, "size", None)
        if size == 0:
            raise ValidationError(_("The attached file is empty."), code="empty")
        if size and size > self.max_mb * 1024 * 1024:
            raise ValidationError(
                _("The attached file is larger than %(size)d MB."), code="too_large", params={"size": self.max_mb}
            )

    def __eq__(self, other):
        return isinstance(other, FileSizeValidator) and other.max_mb == self.max_mb


def validate_not_future(value):
    if value and value > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."), code="future")
