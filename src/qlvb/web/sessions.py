"""The session engine (``SESSION_ENGINE``): Django's database sessions, with the one read every request makes
kept compiled (``core/statements.py``; issue 17, "CPU per request"). Same table, same rows, same answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from qlvb.core.statements import KeptStatement

_SESSION: KeptStatement[Session] = KeptStatement(
    "web.session",
    lambda key, now: Session.objects.filter(session_key=key, expire_date__gt=now),
    key=str,
    now=dt.datetime,
)


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self) -> Any:
        found = _SESSION.first(key=self.session_key, now=timezone.now())
        if found is None:
            self._session_key = None
        return found
