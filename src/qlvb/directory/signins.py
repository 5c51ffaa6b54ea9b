"""A person's signed-in places: the web sessions (``WebSession``, one per database session) and the API
tokens. Recorded at sign-in and touched at most once a minute by ``SessionActivityMiddleware``; listed on
the "Phiên đăng nhập" page; ended one by one, all but the current one ("đăng xuất mọi nơi khác"), or all
of them by an administrator. Ending a web session deletes its database session row: its next request is
anonymous, and a request in flight cannot save it back (Django refuses to re-create a deleted session)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from qlvb.core import audit
from qlvb.core.errors import NotFound
from qlvb.core.request_context import client_ip_from

from . import policies
from .models import ApiToken, User, WebSession
from .tokens import bearer_token_hash
from .twofactor_remember import remembered_devices_forget

TOUCH_EVERY = timedelta(minutes=1)  # last activity is written at most this often per session
SEEN_KEY = "_qlvb_seen"  # in the session: the time (epoch seconds) its row was last touched

_BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chromium/", "Chromium"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)
_VERSION = re.compile(r"^(\d+)")


def device_label(user_agent: str) -> str:
    """ "Chrome 120 · Windows" from a User-Agent header; "Không rõ thiết bị" when nothing is recognised."""
    browser = next(((name, marker) for marker, name in _BROWSERS if marker in user_agent), None)
    system = next((name for marker, name in _SYSTEMS if marker in user_agent), "")
    parts: list[str] = []
    if browser is not None:
        name, marker = browser
        after = user_agent.split(marker, 1)[1]
        if name == "Safari" and "Version/" in user_agent:
            after = user_agent.split("Version/", 1)[1]
        version = _VERSION.match(after)
        parts.append(f"{name} {version.group(1)}" if version else name)
    if system:
        parts.append(system)
    return " · ".join(parts) or "Không rõ thiết bị"


def session_record(request: HttpRequest, user: User) -> WebSession | None:
    """Write (or refresh) the row of the request's session for ``user``: at sign-in, and for a session
    signed in before rows were kept."""
    key = request.session.session_key
    if not key:
        return None
    now = timezone.now()
    record, _created = WebSession.objects.update_or_create(
        session_id=key,
        defaults={
            "user": user,
            "user_agent": request.headers.get("User-Agent", "")[:255],
            "ip": client_ip_from(request),
            "last_seen_at": now,
        },
        create_defaults={
            "user": user,
            "user_agent": request.headers.get("User-Agent", "")[:255],
            "ip": client_ip_from(request),
            "signed_in_at": now,
            "last_seen_at": now,
        },
    )
    request.session[SEEN_KEY] = int(now.timestamp())
    return record


def session_touch(request: HttpRequest, user: User) -> None:
    """Record the activity of the request's session, at most once per ``TOUCH_EVERY`` (one UPDATE; the
    time of the last write is kept in the session itself, so the other requests cost no query)."""
    now = timezone.now()
    seen = request.session.get(SEEN_KEY)
    if isinstance(seen, int) and now.timestamp() - seen < TOUCH_EVERY.total_seconds():
        return
    key = request.session.session_key
    if not key:
        return
    updated = WebSession.objects.filter(session_id=key, user=user).update(last_seen_at=now, ip=client_ip_from(request))
    if not updated:
        session_record(request, user)
        return
    request.session[SEEN_KEY] = int(now.timestamp())


def sessions_of(user: User) -> QuerySet[WebSession]:
    """The person's web sessions that are still alive, most recently used first."""
    alive = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    return WebSession.objects.filter(user=user, session_id__in=alive).order_by("-last_seen_at")


def tokens_of(user: User) -> QuerySet[ApiToken]:
    """The person's API tokens that still work (unrevoked, unexpired), most recently used first."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()).order_by(
        "-last_used_at", "-created_at"
    )


def session_alive(key: str | None) -> bool:
    """Whether the database session ``key`` still exists (not ended)."""
    return bool(key) and Session.objects.filter(session_key=key).exists()


@dataclass
class Ended:
    sessions: int
    tokens: int


def _sessions_delete(records: QuerySet[WebSession]) -> int:
    keys = list(records.values_list("session_id", flat=True))
    Session.objects.filter(session_key__in=keys).delete()  # their WebSession rows go with them
    WebSession.objects.filter(session_id__in=keys).delete()  # rows whose session expired meanwhile
    return len(keys)


@transaction.atomic
def session_end(*, actor: User, session_id: int, current_key: str | None = None) -> None:
    """End one of one's own web sessions (``session_id``: the ``WebSession`` id). Another person's session
    and an unknown id answer alike: NotFound."""
    record = WebSession.objects.filter(pk=session_id, user=actor).first()
    if record is None:
        raise NotFound("Không tìm thấy phiên đăng nhập.")
    _sessions_delete(WebSession.objects.filter(pk=record.pk))
    data = {"device": device_label(record.user_agent), "ip": record.ip, "current": record.session_id == current_key}
    audit.record("auth.session_ended", actor=actor, obj=actor, data=data)


@transaction.atomic
def token_end(*, actor: User, token_id: int) -> None:
    """Revoke one of one's own API tokens by id (another person's token: NotFound)."""
    updated = ApiToken.objects.filter(pk=token_id, user=actor, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not updated:
        raise NotFound("Không tìm thấy mã truy cập.")
    audit.record("auth.token_revoked", actor=actor, obj=("directory.apitoken", str(token_id), ""))


def sessions_end_others(*, actor: User, request: HttpRequest) -> Ended:
    """ "Đăng xuất mọi nơi khác": every web session of the person but the request's own ends, and every API
    token but the one the request carries is revoked."""
    current_key = request.session.session_key if hasattr(request, "session") else None
    keep_token = bearer_token_hash(request)
    return _end_all(actor=actor, user=actor, keep_session=current_key, keep_token=keep_token)


def user_sessions_end(*, actor: User, user: User) -> Ended:
    """An administrator signs a person out everywhere: every web session and every API token."""
    from .services import _require_over_user

    _require_over_user(actor, policies.USER_LOCK, user)
    return _end_all(actor=actor, user=user, keep_session=None, keep_token=None)


@transaction.atomic
def _end_all(*, actor: User, user: User, keep_session: str | None, keep_token: str | None) -> Ended:
    records = WebSession.objects.filter(user=user)
    if keep_session:
        records = records.exclude(session_id=keep_session)
    ended = _sessions_delete(records)
    tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
    if keep_token:
        tokens = tokens.exclude(key_hash=keep_token)
    revoked = tokens.update(revoked_at=timezone.now())
    remembered_devices_forget(user)  # and every browser remembered for the second step (twofactor_remember.py)
    action = "auth.sessions_ended_elsewhere" if actor.pk == user.pk else "user.sessions_ended"
    audit.record(action, actor=actor, obj=user, data={"sessions_ended": ended, "tokens_revoked": revoked})
    return Ended(sessions=ended, tokens=revoked)
