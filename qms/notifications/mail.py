"""E-mails of notices: plain text and HTML, UTF-8 kept readable (8bit, never base64)."""

from __future__ import annotations

import email.policy

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import get_template

from qms.links import absolute_url

#: Lines up to the SMTP limit, so UTF-8 text is sent as 8bit instead of base64.
READABLE_POLICY = email.policy.default.clone(max_line_length=998)


class ReadableEmail(EmailMultiAlternatives):
    def message(self, *, policy=READABLE_POLICY):
        return super().message(policy=policy)


def email_templates():
    return get_template("notifications/email.txt"), get_template("notifications/email.html")


def build_email(notice, *, templates=None) -> ReadableEmail:
    """The e-mail of ``notice``; ``templates`` (text, html) loaded once by a sender of many."""
    text_template, html_template = templates or email_templates()
    context = {
        "notice": notice,
        "url": absolute_url(notice.link),
        "settings_url": absolute_url("/admin/account/"),
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
    text = text_template.render(context)
    html = html_template.render(context)
    mail = ReadableEmail(
        subject=f"[HTQLCL] {notice.subject}",
        body=text,
        to=[notice.recipient.email],
        headers={"X-HTQLCL-Kind": notice.kind},
    )
    mail.attach_alternative(html, "text/html")
    return mail
