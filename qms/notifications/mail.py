"""E-mails of notices: plain text and HTML, UTF-8 kept readable (8bit, never base64)."""

from __future__ import annotations

import email.policy

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from qms.links import absolute_url

#: Lines up to the SMTP limit, so UTF-8 text is sent as 8bit instead of base64.
READABLE_POLICY = email.policy.default.clone(max_line_length=998)


class ReadableEmail(EmailMultiAlternatives):
    def message(self, *, policy=READABLE_POLICY):
        return super().message(policy=policy)


def build_email(notice) -> ReadableEmail:
    context = {
        "notice": notice,
        "url": absolute_url(notice.link),
        "settings_url": absolute_url("/admin/account/"),
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
    text = render_to_string("notifications/email.txt", context)
    html = render_to_string("notifications/email.html", context)
    mail = ReadableEmail(
        subject=f"[HTQLCL] {notice.subject}",
        body=text,
        to=[notice.recipient.email],
        headers={"X-HTQLCL-Kind": notice.kind},
    )
    mail.attach_alternative(html, "text/html")
    return mail
