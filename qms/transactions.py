"""One database transaction per request that may write.

A POST (PUT, PATCH, DELETE) runs with everything beneath this middleware in
one transaction: a failure after a save (an exception turned into a 500
answer) leaves no row behind, so a retry cannot create duplicates. Safe
methods stay in autocommit: with SQLite's ``BEGIN IMMEDIATE`` a transaction
around every page view or download would take the write lock and make the
readers of the embedded default wait on each other. ``on_commit`` callbacks
(Celery tasks, e-mails) run once the request's transaction has committed.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, transaction

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class AtomicWritesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in SAFE_METHODS:
            return self.get_response(request)
        with transaction.atomic(using=DEFAULT_DB_ALIAS):
            response = self.get_response(request)
            if response.status_code >= 500:
                transaction.set_rollback(True, using=DEFAULT_DB_ALIAS)
        return response
