from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from contextlib import nullcontext
from functools import lru_cache

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import DatabaseError, connections, router, transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers

# Every asset is served by the deployment itself (no CDN): the policy allows nothing else.
CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; object-src 'none'; frame-src 'self'; frame-ancestors 'self'; base-uri 'self'; "
    "form-action 'self'"
)

logger = logging.getLogger(__name__)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/admin/"):
            response.headers.setdefault("Content-Security-Policy", CSP)
        return response


class ChosenLanguageMiddleware:
    """Vietnamese unless the person chose otherwise with the language switch (``/i18n/setlang/``,
    remembered in the ``django_language`` cookie for ``LANGUAGE_COOKIE_AGE``). Unlike Django's
    ``LocaleMiddleware`` the browser's Accept-Language is ignored: an official on an English-language
    browser still gets the agency's language, and a page never mixes a translated shell with
    untranslated messages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


def chosen_language(request: HttpRequest) -> str:
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if code:
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            pass
    return settings.LANGUAGE_CODE


class AppPersonMiddleware:
    """Names the signed-in person on every page and file response (``X-QLVB-Person``, an opaque key; ``-``
    when no one is signed in) so the service worker keeps one person's pages in that person's cache only,
    and forgets them all as soon as the server answers that no one is signed in — after a sign-out, an
    expired session or a locked account (docs/mobile.md). Placed after the account checks."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from .pwa import PERSON_HEADER, person_key

        response = self.get_response(request)
        if not request.path.startswith("/api/"):
            response.headers.setdefault(PERSON_HEADER, person_key(getattr(request, "user", None)))
        return response


# The app's own background requests: the badge counts fetched after a page loads, the browser's update check of
# the service worker, the manifest. They read the session (who is signed in) but must not push the idle
# deadline forward — a phone left open would otherwise never time out — nor write the session row again
# right after the page itself did.
BACKGROUND_URL_NAMES = ("web:app_counts", "web:app_worker", "web:app_manifest")


class AppSessionMiddleware(SessionMiddleware):
    """Django's session middleware, with the idle deadline moved by every request, but without Django's
    ``SESSION_SAVE_EVERY_REQUEST`` rewrite of the whole session: a request that did not change the session only
    moves its expiry (one ``UPDATE`` of ``expire_date``). Rewriting the data it read at its start would undo
    what a request running beside it wrote meanwhile — the SSO start's state, say, lost to a page's other
    request, and the provider's answer then refused as forged. The app's background requests move nothing."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is None or session.modified or session.is_empty():  # empty: Django deletes a cookie sent
            return super().process_response(request, response)
        if session.accessed:
            patch_vary_headers(response, ("Cookie",))
        if request.path not in _background_paths() and response.status_code != 500:
            session_expiry_move(session)
        return response


def session_expiry_move(session: SessionBase) -> None:
    """Push an existing session's idle deadline forward without writing its data.

    The row is written only when its deadline is more than ``QLVB_SESSION_MOVE_SLACK_SECONDS`` (60 s) behind
    the new one: a person clicking through pages costs one write a minute, not one a page. The idle time-out
    can then come up to that much *early*, never late. One statement, written without the ORM (it runs on
    every page: ~1 ms of Python saved, docs/benchmarks.md "CPU per request, part 4")."""
    key = session.session_key
    if not key:
        return
    model = getattr(session, "get_model_class", None)
    if model is None:  # a store without rows (cache, signed cookies): its own save is all there is
        session.save()
        return
    session_model = model()
    alias = router.db_for_write(session_model)
    connection = connections[alias]
    deadline = session.get_expiry_date()
    moved_before = deadline - dt.timedelta(seconds=settings.QLVB_SESSION_MOVE_SLACK_SECONDS)
    table = connection.ops.quote_name(session_model._meta.db_table)  # the model's own name, quoted
    sql = f"UPDATE {table} SET expire_date = %s WHERE session_key = %s AND expire_date < %s"  # noqa: S608
    adapt = connection.ops.adapt_datetimefield_value
    params = [adapt(deadline), key, adapt(moved_before)]
    try:
        # inside a transaction (a test's), a savepoint keeps a failure from breaking it
        savepoint = transaction.atomic(using=alias) if connection.in_atomic_block else nullcontext()
        with savepoint, connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError:  # best effort: the answer never fails for it; the next request moves the deadline
        logger.warning("session deadline not moved (database busy)", exc_info=True)


@lru_cache(maxsize=1)
def _background_paths() -> frozenset[str]:
    return frozenset(reverse(name) for name in BACKGROUND_URL_NAMES)
