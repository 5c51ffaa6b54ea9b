"""Reads of the announcements, restricted inside the SQL query: a person sees the announcements addressed to
his agency, to his unit (or the department above it), or to him, and those he posted."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from qlvb.core.errors import NotFound
from qlvb.directory.models import User
from qlvb.directory.selectors import agency_of

from .announcement_models import Announcement, AnnouncementRead, Audience


def recipients_q(person: User) -> Q:
    """The announcements addressed to ``person`` (in his agency)."""
    to_me = Announcement.target_users.through.objects.filter(user_id=person.pk).values("announcement_id")
    units = [u for u in (person.unit_id, person.unit.parent_id if person.unit else None) if u]
    to_unit = Announcement.target_units.through.objects.filter(unit_id__in=units).values("announcement_id")
    return (
        Q(audience=Audience.AGENCY)
        | Q(audience=Audience.PEOPLE, pk__in=to_me)
        | Q(audience=Audience.UNITS, pk__in=to_unit)
    )


def announcements_visible_to(actor: User) -> QuerySet[Announcement]:
    agency = agency_of(actor)
    if agency is None:
        return Announcement.objects.none()
    read = AnnouncementRead.objects.filter(announcement=OuterRef("pk"), user=actor)
    return (
        Announcement.objects.filter(Q(agency=agency) & (recipients_q(actor) | Q(created_by=actor)))
        .annotate(read_by_me=Exists(read))
        .select_related("created_by")
    )


def _in_force(qs: QuerySet[Announcement], today: dt.date) -> QuerySet[Announcement]:
    return qs.filter(valid_from__lte=today).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))


def announcements_unread(actor: User, *, today: dt.date | None = None) -> QuerySet[Announcement]:
    """Addressed to the actor, in force today, not read yet (the home page's box): "phải đọc" first."""
    today = today or timezone.localdate()
    agency = agency_of(actor)
    if agency is None:
        return Announcement.objects.none()
    read = AnnouncementRead.objects.filter(announcement=OuterRef("pk"), user=actor)
    qs = Announcement.objects.filter(agency=agency).filter(recipients_q(actor)).exclude(Exists(read))
    return _in_force(qs, today).order_by("-must_read", "-created_at", "-id")


def announcement_get(actor: User, pk: int) -> Announcement:
    found = (
        announcements_visible_to(actor).filter(pk=pk).prefetch_related("files", "target_units", "target_users").first()
    )
    if found is None:
        raise NotFound("Không tìm thấy thông báo hoặc bạn không có quyền xem.")
    return found


def announcement_recipients(announcement: Announcement) -> QuerySet[User]:
    """Every active person the announcement is addressed to."""
    people = User.objects.filter(is_active=True, unit__agency_id=announcement.agency_id)
    if announcement.audience == Audience.PEOPLE:
        return people.filter(pk__in=announcement.target_users.values("pk"))
    if announcement.audience == Audience.UNITS:
        ids = announcement.target_units.values("pk")
        return people.filter(Q(unit_id__in=ids) | Q(unit__parent_id__in=ids))
    return people


def receipts(announcement: Announcement) -> tuple[list[tuple[User, dt.datetime]], list[User]]:
    """(who read it and when, who has not yet), by name."""
    reads = {r.user_id: r.read_at for r in announcement.reads.all()}
    everyone = list(announcement_recipients(announcement).select_related("unit").order_by("full_name_folded"))
    done = [(u, reads[u.pk]) for u in everyone if u.pk in reads]
    return done, [u for u in everyone if u.pk not in reads]
