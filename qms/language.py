"""The language of every answer: Vietnamese unless the person chose English.

Django's ``LocaleMiddleware`` follows the browser's ``Accept-Language``, so an
office PC set to en-US would get English. Here the choice is, in order: the
signed-in user's own preference (Wagtail account → "Ngôn ngữ"), ``?lang=`` on
a public page (remembered in the language cookie), the language cookie set by
``/i18n/setlang/``, then ``LANGUAGE_CODE``. The browser header is never read.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

QUERY_PARAMETER = "lang"


def _supported(code: str | None) -> str | None:
    if not code:
        return None
    code = code.strip().lower()
    return code if code in dict(settings.LANGUAGES) else None


def user_language(user) -> str | None:
    if user is None or not user.is_authenticated:
        return None
    profile = getattr(user, "wagtail_userprofile", None)
    return _supported(getattr(profile, "preferred_language", None))


def choose_language(request) -> tuple[str, str | None]:
    """The language for ``request`` and, when ``?lang=`` asked for one, that choice to remember."""
    from_query = _supported(request.GET.get(QUERY_PARAMETER))
    if from_query:
        return from_query, from_query
    chosen = user_language(getattr(request, "user", None))
    if chosen:
        return chosen, None
    from_cookie = _supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
    return from_cookie or settings.LANGUAGE_CODE, None


class LanguageMiddleware:
    """Replaces ``django.middleware.locale.LocaleMiddleware``; placed after authentication."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language, remember = choose_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        if remember:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                remember,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            )
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
