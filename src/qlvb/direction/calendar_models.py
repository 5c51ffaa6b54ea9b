"""The work calendar (lịch công tác): the agency's weekly calendar of its leaders, unit calendars and personal
calendars; meeting rooms (phòng họp) as resources; the changes made after publishing; the personal
iCalendar feed tokens.

An event belongs to one agency and one calendar (``scope``): the agency's (drafted by the office, published
by a leader), a unit's (``unit``), or a person's (``owner``). Times are stored in UTC and shown in
Asia/Ho_Chi_Minh."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

CALENDAR_MAX = {"title": 500, "place": 255, "guests": 1000, "note": 1000, "room": 100, "reason": 500}


class Scope(models.TextChoices):
    AGENCY = "agency", _("Lịch cơ quan")
    UNIT = "unit", _("Lịch đơn vị")
    PERSONAL = "personal", _("Lịch cá nhân")


class EventState(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    PUBLISHED = "published", _("Đã công bố")
    CANCELLED = "cancelled", _("Đã hủy")


class MeetingRoom(models.Model):
    """A meeting room of an agency, booked by events (no two events overlap in one room)."""

    agency = models.ForeignKey("directory.Unit", on_delete=models.PROTECT, related_name="meeting_rooms")
    name = models.CharField(_("tên phòng họp"), max_length=CALENDAR_MAX["room"])
    capacity = models.PositiveSmallIntegerField(_("số chỗ"), null=True, blank=True)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("phòng họp")
        verbose_name_plural = _("phòng họp")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="meeting_room_name_unique")]

    def __str__(self) -> str:
        return self.name


class RepeatFreq(models.TextChoices):
    DAILY = "daily", _("Hằng ngày")
    WEEKLY = "weekly", _("Hằng tuần")
    MONTHLY = "monthly", _("Hằng tháng")


class EventSeries(models.Model):
    """A repeated event ("giao ban thứ Hai hằng tuần"): the rule its occurrences were made from, written to
    the iCalendar feed as one VEVENT with an RRULE. Each occurrence stays an ordinary ``CalendarEvent``
    (published with its week, changed or cancelled on its own, booked in its room) that remembers the start
    the rule gave it (``recurrence_id``): a moved or changed occurrence is a RECURRENCE-ID override of the
    series in the feed, a cancelled one an EXDATE. ``freq`` empty: a series made before the rule was kept
    (its occurrences are separate VEVENTs)."""

    id = models.UUIDField(primary_key=True, editable=False)
    agency = models.ForeignKey("directory.Unit", on_delete=models.PROTECT, related_name="+")
    freq = models.CharField(max_length=16, choices=RepeatFreq.choices, blank=True)
    until = models.DateField(null=True, blank=True)  # the last local day an occurrence may start on
    count = models.PositiveSmallIntegerField(null=True, blank=True)  # or: how many occurrences
    all_day = models.BooleanField(default=False)
    starts_at = models.DateTimeField()  # the first occurrence as the rule gives it (DTSTART)
    ends_at = models.DateTimeField()
    # The master VEVENT's SUMMARY, LOCATION and DESCRIPTION as the occurrences were made: an occurrence that
    # no longer matches them (or its rule time) is written as an override.
    master = models.JSONField(default=dict)
    sequence = models.PositiveIntegerField(default=0)  # raised when an occurrence is cancelled (EXDATE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("chuỗi sự kiện lặp lại")
        verbose_name_plural = _("chuỗi sự kiện lặp lại")

    def __str__(self) -> str:
        return f"{self.freq} {self.pk}"


class CalendarEvent(models.Model):
    agency = models.ForeignKey("directory.Unit", on_delete=models.PROTECT, related_name="calendar_events")
    scope = models.CharField(_("lịch"), max_length=16, choices=Scope.choices, default=Scope.AGENCY)
    unit = models.ForeignKey(
        "directory.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="unit_calendar_events"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="personal_events"
    )
    title = models.CharField(_("nội dung"), max_length=CALENDAR_MAX["title"])
    starts_at = models.DateTimeField(_("bắt đầu"))
    ends_at = models.DateTimeField(_("kết thúc"))
    place = models.CharField(_("địa điểm"), max_length=CALENDAR_MAX["place"], blank=True)
    room = models.ForeignKey(MeetingRoom, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="chaired_events"
    )
    attendee_users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="calendar_events")
    attendee_units = models.ManyToManyField("directory.Unit", blank=True, related_name="attended_events")
    guests = models.CharField(_("khách mời ngoài cơ quan"), max_length=CALENDAR_MAX["guests"], blank=True)
    preparing_unit = models.ForeignKey(
        "directory.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="prepared_events"
    )
    note = models.CharField(_("ghi chú"), max_length=CALENDAR_MAX["note"], blank=True)
    files = models.ManyToManyField("files.StoredFile", blank=True, related_name="calendar_events")
    state = models.CharField(_("trạng thái"), max_length=16, choices=EventState.choices, default=EventState.DRAFT)
    sequence = models.PositiveIntegerField(default=0)  # RFC 5545 SEQUENCE: +1 at each change after publishing
    # A whole-day event: starts at local midnight, ends at the local midnight after its last day (the feed
    # writes VALUE=DATE, the week view and the print "Cả ngày").
    all_day = models.BooleanField(_("cả ngày"), default=False)
    # A repeated event ("giao ban thứ Hai hằng tuần") is a series of ordinary events made at once, each kept,
    # published, changed and cancelled on its own; the series ties them for "hủy các buổi từ buổi này" and the
    # feed's RRULE. ``recurrence_id``: the start the rule gave this occurrence (RECURRENCE-ID), kept when moved.
    series = models.ForeignKey(
        EventSeries,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        db_column="series",
        related_name="occurrences",
    )
    series_index = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    recurrence_id = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sự kiện lịch công tác")
        verbose_name_plural = _("sự kiện lịch công tác")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["agency", "scope", "starts_at"], name="event_agency_week_idx"),
            models.Index(fields=["room", "starts_at"], name="event_room_idx"),
            models.Index(fields=["series", "starts_at"], name="event_series_idx", condition=Q(series__isnull=False)),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"),
            models.CheckConstraint(
                condition=Q(scope="agency")
                | Q(scope="unit", unit__isnull=False)
                | Q(scope="personal", owner__isnull=False),
                name="event_scope_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.state == EventState.PUBLISHED

    @property
    def place_label(self) -> str:
        return ", ".join(p for p in (self.room.name if self.room else "", self.place) if p)


class EventChange(models.Model):
    """One field of a published event changed: what it was and what it became (shown struck through)."""

    event = models.ForeignKey(CalendarEvent, on_delete=models.CASCADE, related_name="changes")
    field = models.CharField(max_length=32)
    label = models.CharField(max_length=64)
    old_value = models.CharField(max_length=1000, blank=True)
    new_value = models.CharField(max_length=1000, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.label}: {self.old_value} → {self.new_value}"


class FeedToken(models.Model):
    """The secret of a person's iCalendar feed URL. Only its SHA-256 is kept; revoked tokens stay (410)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=Q(revoked_at__isnull=True), name="feed_one_live_token")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user_id})"
