"""Sign-in throttling (django-axes): the lockout message and the unlock service.

Axes counts failed sign-ins per user name and per client address; past
``AXES_FAILURE_LIMIT`` the sign-in is refused, even with the right password,
until ``AXES_COOLOFF_TIME`` has passed or an administrator unlocks it from
*Cài đặt → Đăng nhập bị khóa*.
"""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from qms.audit_log import define_action, log

ACTION_LOGIN_UNLOCK = define_action("qms.login_unlock", _("Unlock sign-in"), _("Sign-in unlocked"))


def cooloff_minutes() -> int:
    cooloff = settings.AXES_COOLOFF_TIME
    return int(cooloff.total_seconds() // 60) if cooloff else 0


def lockout_message() -> str:
    minutes = cooloff_minutes()
    if minutes:
        return ngettext(
            "Too many failed sign-in attempts: sign-in is locked. Try again in %(minutes)d minute "
            "or ask the system administrator to unlock it.",
            "Too many failed sign-in attempts: sign-in is locked. Try again in %(minutes)d minutes "
            "or ask the system administrator to unlock it.",
            minutes,
        ) % {"minutes": minutes}
    return gettext("Too many failed sign-in attempts: sign-in is locked. Ask the system administrator to unlock it.")


def lockout_error() -> ValidationError:
    return ValidationError(lockout_message(), code="locked_out")


def lockout_response(request, original_response=None, credentials=None):
    """The sign-in page as it was answered (with the lockout message), as HTTP 429."""
    if original_response is None:
        from wagtail.admin.views.account import LoginView

        request.method = "GET"
        original_response = LoginView.as_view()(request)
        if hasattr(original_response, "render"):
            original_response.render()
    original_response.status_code = settings.AXES_HTTP_RESPONSE_CODE
    return original_response


@transaction.atomic
def unlock_login(*, acting_user, attempt: AccessAttempt) -> None:
    """Forget the failed attempts of one lockout row (superusers only)."""
    if acting_user is None or not acting_user.is_superuser:
        raise PermissionDenied
    log(
        instance=attempt,
        action=ACTION_LOGIN_UNLOCK,
        user=acting_user,
        data={"username": attempt.username, "ip_address": attempt.ip_address},
    )
    attempt.delete()
