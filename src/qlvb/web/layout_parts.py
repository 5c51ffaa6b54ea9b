"""The layout's parts that are the same for many people, rendered once per process (issue 17).

The navigation (``web/_nav.html``), the bottom navigation and the app's banners render the same HTML for
everyone with the same roles, language and section of the site: some 30 ``{% url %}`` and 40
``{% translate %}`` a page, a quarter of a list page's CPU. ``{% layout_part "nav" %}…{% endlayout_part %}``
(``qlvb_web``) keeps the rendered HTML in this process under a key made of everything the part reads:

- every part: the language, the script prefix and the URLconf (``{% url %}``);
- ``nav``: what the permission filters read — superuser, staff, active, locked and the roles held anywhere
  (``permissions.has`` with no unit is a function of those; the shell's ``shell_can_*`` too) —, the
  unread-notification count of the badge, and the path's shape (the active section);
- ``bottom_nav``: signed in or not, and the path's shape;
- ``app_head``: whether the page registers the service worker;
- ``app_banners``: nothing more;
- ``languages`` (the footer's language buttons): the current language as the page names it (``LANGUAGE_CODE``).

The path's shape is the path with its digits replaced (``/van-ban-den/123/`` → ``/van-ban-den/0/``): the
parts test sections by their URL prefixes, none of which holds a digit (``web/tests/test_layout_parts.py``
checks that each part reads only what its key holds). Nothing is kept while ``DEBUG`` is on (templates
are edited), and the store is emptied when a test changes a setting.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Hashable
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.template import Context
from django.urls import get_script_prefix, get_urlconf
from django.utils import translation
from django.utils.safestring import SafeString

MAX_ENTRIES = 1024  # per process (a few KB each); emptied when full (a few hundred keys in practice)

_store: dict[tuple[Hashable, ...], SafeString] = {}
_lock = threading.Lock()
_DIGITS = re.compile(r"\d+")


def path_shape(path: str) -> str:
    """The path without its ids: what the parts' active-section tests see is the same."""
    return _DIGITS.sub("0", path)


def _request_user(context: Context) -> tuple[Any, Any]:
    request = context.get("request")
    user = context.get("user", getattr(request, "user", None))
    return request, user


def _nav_key(context: Context) -> tuple[Hashable, ...] | None:
    from qlvb.assignments.selectors import notifications_unread_count

    request, user = _request_user(context)
    if request is None or user is None or not getattr(user, "is_authenticated", False):
        return None
    roles = tuple(sorted(user.roles_for(None))) if hasattr(user, "roles_for") else ()
    return (
        bool(user.is_superuser),
        bool(user.is_staff),
        bool(user.is_active),
        bool(getattr(user, "is_locked", False)),
        roles,
        notifications_unread_count(user),
        path_shape(request.path),
    )


def _bottom_nav_key(context: Context) -> tuple[Hashable, ...] | None:
    request, user = _request_user(context)
    if request is None:
        return None
    return (bool(getattr(user, "is_authenticated", False)), path_shape(request.path))


def _app_head_key(context: Context) -> tuple[Hashable, ...] | None:
    from qlvb.web.templatetags.qlvb_web import app_worker_allowed

    return (app_worker_allowed(context.get("request")),)


def _app_banners_key(context: Context) -> tuple[Hashable, ...] | None:
    return ()


def _languages_key(context: Context) -> tuple[Hashable, ...] | None:
    # the buttons read the languages (settings) and the current one (``LANGUAGE_CODE``, which is the key's language)
    return (context.get("LANGUAGE_CODE"),)


KEYS: dict[str, Callable[[Context], tuple[Hashable, ...] | None]] = {
    "nav": _nav_key,
    "bottom_nav": _bottom_nav_key,
    "app_head": _app_head_key,
    "app_banners": _app_banners_key,
    "languages": _languages_key,
}


def render(name: str, context: Context, render_part: Callable[[], SafeString]) -> SafeString:
    """The part's HTML from this process's store, or rendered and kept; rendered each time when its
    key cannot be made (no request) or while ``DEBUG`` is on."""
    if settings.DEBUG:
        return render_part()
    own = KEYS[name](context)
    if own is None:
        return render_part()
    key = (name, translation.get_language(), get_script_prefix(), get_urlconf(), *own)
    html = _store.get(key)
    if html is None:
        html = render_part()
        with _lock:
            if len(_store) >= MAX_ENTRIES:
                _store.clear()
            _store[key] = html
    return html


def forget(**_kwargs: Any) -> None:
    with _lock:
        _store.clear()


setting_changed.connect(forget, dispatch_uid="qlvb.web.layout_parts")
