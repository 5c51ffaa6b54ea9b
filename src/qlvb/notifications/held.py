"""Pushes held during a person's quiet hours (giờ yên lặng), released when those hours end as **one summary
per person** ("3 thông báo trong giờ yên lặng"), by the beat job ``held_pushes_release`` (every 5 minutes).

What the summary counts is checked again at release, as every push is: the person still active, the kind
still wanted, the document still visible to him. The summary names kinds and counts only — never a
subject —, so it shows the same on a lock screen whatever the person's setting. Each held row is taken by
exactly one release (``select_for_update(skip_locked=True)`` then deleted in the same transaction), so two
overlapping runs of the job never send a summary twice."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from qlvb.documents.models import Direction
from qlvb.incoming.selectors import documents_visible_to
from qlvb.outgoing.selectors import outgoing_visible_to

from .delivery import Send
from .links import notification_url
from .models import HeldPush, PushKind, PushPreference, PushSubscription

SUMMARY_TAG = "qlvb-quiet-hours-summary"
CHUNK = 900  # SQLite: at most 999 parameters in one statement


@dataclass
class Release:
    held: int = 0  # rows taken
    people: int = 0  # summaries made
    sends: list[Send] = field(default_factory=list)


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _visible(user: Any, rows: list[HeldPush]) -> list[HeldPush]:
    """The held rows whose document the person may still open (two queries at most per person)."""
    if not user.is_active:
        return []
    by_direction: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        document = row.notification.document
        if document is not None:
            by_direction[document.direction].add(document.pk)
    seen: set[int] = set()
    for direction, ids in by_direction.items():
        visible = outgoing_visible_to(user) if direction == Direction.OUTGOING else documents_visible_to(user)
        for chunk in _chunks(sorted(ids)):
            seen.update(visible.filter(pk__in=chunk).values_list("pk", flat=True))
    return [r for r in rows if r.notification.document_id is None or r.notification.document_id in seen]


def summary_payload(rows: list[HeldPush], *, now: Any) -> bytes:
    """One push for every held row of one person: the count, the count per kind, and where to read them
    (the item itself when only one was held, else the notifications page)."""
    counts = Counter(PushKind(r.kind) for r in rows)
    body = " · ".join(f"{kind.label}: {n}" for kind, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    latest = max(rows, key=lambda r: r.notification_id)
    url = notification_url(rows[0].notification) if len(rows) == 1 else ""
    payload = {
        "title": f"{len(rows)} thông báo trong giờ yên lặng",
        "body": body,
        "tag": SUMMARY_TAG,
        "url": url or reverse("notifications:list"),
        "urgency": "normal",
        "kind": "summary",
        "id": latest.notification_id,
        "timestamp": int(now.timestamp() * 1000),
    }
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


def _take(now: Any) -> list[HeldPush]:
    """The rows due, locked (others' runs skip them) and deleted: this run alone releases them."""
    rows = list(
        HeldPush.objects.filter(release_at__lte=now)
        .select_for_update(skip_locked=True, of=("self",))
        .select_related("user", "notification__document")
        .order_by("user_id", "pk")
    )
    for chunk in _chunks([r.pk for r in rows]):
        HeldPush.objects.filter(pk__in=chunk).delete()
    return rows


def held_pushes_release(*, now: Any = None) -> Release:
    """Take every held push whose quiet hours have ended and make one summary send per device of each
    person. The caller sends them after this commits (tasks.held_pushes_release)."""
    now = now or timezone.now()
    release = Release()
    with transaction.atomic():
        rows = _take(now)
        release.held = len(rows)
        by_user: dict[int, list[HeldPush]] = defaultdict(list)
        for row in rows:
            by_user[row.user_id].append(row)
        if not by_user:
            return release
        preferences = {p.user_id: p for p in PushPreference.objects.filter(user_id__in=list(by_user))}
        devices: dict[int, list[PushSubscription]] = defaultdict(list)
        for chunk in _chunks(list(by_user)):
            for sub in PushSubscription.objects.filter(user_id__in=chunk).order_by("pk"):
                devices[sub.user_id].append(sub)
        for user_id, held in by_user.items():
            kinds_off = set((preferences.get(user_id) or PushPreference()).kinds_off or [])
            wanted = _visible(held[0].user, [r for r in held if r.kind not in kinds_off])
            if not wanted or not devices[user_id]:
                continue
            payload = summary_payload(wanted, now=now)
            release.people += 1
            release.sends.extend(
                Send(s.pk, s.endpoint, s.p256dh, s.auth, payload, "normal", settings.QLVB_PUSH_TTL)
                for s in devices[user_id]
            )
    return release
