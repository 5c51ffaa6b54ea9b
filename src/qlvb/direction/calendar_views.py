"""The work calendar pages: the agency's week (drafts, publishing, print as PDF), a unit's week, one's own
week with the iCalendar feed link, an event (its changes, cancelling), the event form, the meeting rooms,
and the token-protected feed itself."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qlvb.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from qlvb.core.permissions import has
from qlvb.directory.access import forbidden
from qlvb.directory.models import Unit, User
from qlvb.directory.selectors import acting_user, agency_of
from qlvb.files.intake import file_intake
from qlvb.files.models import StoredFile

from . import calendar_policies as policies
from . import calendar_selectors as selectors
from . import calendar_services as services
from .calendar_forms import EventForm, RoomForm
from .calendar_ical import calendar_ics
from .calendar_models import CalendarEvent, EventState, Scope
from .calendar_preconditions import event_actions, event_edit_check
from .calendar_print import week_pdf
from .calendar_repeat import Repeat
from .errors import ErrorCode

FEED_PAST_DAYS, FEED_FUTURE_DAYS = 60, 366


def guarded(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sign-in required; a hidden object is the 404 page, a refused right the 403 page with its reason."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from None
        except DomainError as exc:
            if exc.status_code == 403:
                return forbidden(request, exc.message)
            raise

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return login_required(wrapped)


def run(request: HttpRequest, call: Callable[[], object], done: str) -> bool:
    """One service call; a refusal other than 403/404 becomes an error message. True when it succeeded."""
    try:
        call()
    except DomainError as exc:
        if exc.status_code in (403, 404):
            raise
        messages.error(request, exc.message)
        return False
    if done:
        messages.success(request, done)
    return True


def agency_or_404(actor: User) -> Unit:
    agency = agency_of(actor)
    if agency is None or agency.external:
        raise NotFound()
    return agency


def _monday(request: HttpRequest) -> dt.date:
    raw = request.GET.get("tuan", "") or request.POST.get("tuan", "")
    try:
        return selectors.week_start(dt.date.fromisoformat(raw[:10]) if raw else timezone.localdate())
    except (ValueError, ValidationFailed):  # not a date, or out of the calendar's range: this week
        return selectors.week_start(timezone.localdate())


def decorate(events: list[CalendarEvent]) -> list[CalendarEvent]:
    """Give each event ``olds``: field → the value it had when published (shown struck through)."""
    for event in events:
        event.olds = selectors.event_olds(event)  # type: ignore[attr-defined]
        event.time_text = services.event_time_text(event)  # type: ignore[attr-defined]
    return events


def _week_page(
    request: HttpRequest, *, kind: str, events: list[CalendarEvent], monday: dt.date, **extra: Any
) -> HttpResponse:
    actor = acting_user(request)
    agency = agency_or_404(actor)
    context = {
        "kind": kind,
        "monday": monday,
        "sunday": monday + dt.timedelta(days=6),
        "previous": monday - dt.timedelta(days=7),
        "next": monday + dt.timedelta(days=7),
        "days": selectors.days_of_week(monday, decorate(events)),
        "count": len(events),
        "agency": agency,
        "units": Unit.objects.filter(agency=agency, kind="department", is_active=True).order_by("name"),
        "can_edit": has(actor, policies.CALENDAR_EDIT, unit=agency),
        "can_publish": has(actor, policies.CALENDAR_PUBLISH, unit=agency),
        "can_rooms": has(actor, policies.ROOM_MANAGE, unit=agency),
        **extra,
    }
    return render(request, "direction/calendar/week.html", context)


@guarded
def week(request: HttpRequest) -> HttpResponse:
    """The agency's calendar of its leaders for one week."""
    actor = acting_user(request)
    monday = _monday(request)
    events = list(selectors.agency_week(actor, *selectors.week_range(monday)))
    drafts = sum(1 for e in events if e.state == EventState.DRAFT)
    return _week_page(request, kind="agency", events=events, monday=monday, drafts=drafts)


@guarded
def unit_week(request: HttpRequest, unit_id: int) -> HttpResponse:
    actor = acting_user(request)
    unit = Unit.objects.filter(pk=unit_id, agency=agency_or_404(actor)).first()
    if unit is None:
        raise Http404
    monday = _monday(request)
    events = list(selectors.unit_week(actor, unit, *selectors.week_range(monday)))
    can_unit = has(actor, policies.UNIT_CALENDAR_EDIT, unit=unit)
    return _week_page(request, kind="unit", events=events, monday=monday, unit=unit, can_unit=can_unit)


@guarded
def my_week(request: HttpRequest) -> HttpResponse:
    """One's own calendar: personal events and the published events one chairs or attends; the feed link."""
    actor = acting_user(request)
    monday = _monday(request)
    events = list(selectors.my_week(actor, *selectors.week_range(monday)))
    feed_url = request.session.pop("calendar_feed_url", "")
    return _week_page(
        request, kind="mine", events=events, monday=monday, feed=services.feed_live(actor), feed_url=feed_url
    )


@guarded
@require_POST
def publish(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    monday = _monday(request)
    done: list[int] = []
    run(
        request,
        lambda: done.append(services.week_publish(actor=actor, agency=agency_or_404(actor), monday=monday)),
        "",
    )
    if done:
        messages.success(request, _("Đã công bố lịch công tác tuần (%(n)d sự kiện).") % {"n": done[0]})
    return redirect(f"{reverse('direction:calendar')}?tuan={monday.isoformat()}")


@guarded
def print_week(request: HttpRequest) -> HttpResponse:
    """The agency's week as the PDF posted on the notice board."""
    actor = acting_user(request)
    monday = _monday(request)
    events = list(selectors.agency_week(actor, *selectors.week_range(monday)))
    pdf = week_pdf(agency=agency_or_404(actor), monday=monday, events=events)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="lich-cong-tac-{monday.isoformat()}.pdf"'
    return response


def _data(form: EventForm) -> services.EventData:
    d = form.cleaned_data
    starts_at, ends_at = d["starts_at"], d["ends_at"]
    if d["all_day"]:  # the days, as the service takes them: from the first day's midnight to the last day's end
        starts_at = dt.datetime.combine(d["start_day"], dt.time(0), tzinfo=selectors.LOCAL)
        ends_at = dt.datetime.combine(d["end_day"] + dt.timedelta(days=1), dt.time(0), tzinfo=selectors.LOCAL)
    return services.EventData(
        title=d["title"],
        starts_at=starts_at,
        ends_at=ends_at,
        all_day=d["all_day"],
        place=d["place"],
        room=d["room"],
        chair=d["chair"],
        attendee_users=list(d["attendee_users"]),
        attendee_units=list(d["attendee_units"]),
        guests=d["guests"],
        preparing_unit=d["preparing_unit"],
        note=d["note"],
    )


def _repeat(form: EventForm) -> Repeat | None:
    """The repetition chosen on the form; one chosen without its end date is refused in the service's words."""
    freq = form.cleaned_data.get("repeat") or ""
    if not freq:
        return None
    until, count = form.cleaned_data.get("repeat_until"), form.cleaned_data.get("repeat_count")
    if until is None and count is None:
        raise ValidationFailed("Chọn ngày kết thúc lặp lại (dd/mm/yyyy) hoặc số buổi.", code=ErrorCode.BAD_REPEAT)
    if until is not None and count is not None:
        raise ValidationFailed("Chỉ chọn một trong hai: ngày kết thúc lặp lại hoặc số buổi.", code=ErrorCode.BAD_REPEAT)
    return Repeat(freq=freq, until=until, count=count)


def uploaded_files(request: HttpRequest, form: Any) -> list[StoredFile]:
    """The form's file (``file``) or files (``attachments``), each taken in and checked by the one intake; a refused
    file refuses the posting, naming the file."""
    uploads = form.cleaned_data.get("attachments") or [u for u in [form.cleaned_data.get("file")] if u]
    stored: list[StoredFile] = []
    for upload in uploads:
        try:
            stored.append(
                file_intake(
                    actor=acting_user(request),
                    stream=upload,
                    original_name=upload.name,
                    channel="web",
                    declared_size=upload.size,
                )
            )
        except DomainError as exc:
            if upload.name not in exc.message:
                exc.message = f"Tệp “{upload.name}”: {exc.message}"
                exc.args = (exc.message,)
            raise
    return stored


def _scope(request: HttpRequest, agency: Unit) -> tuple[str, Unit | None]:
    scope = request.GET.get("lich", Scope.AGENCY)
    if scope not in Scope.values:
        scope = Scope.AGENCY
    unit = None
    if scope == Scope.UNIT:
        raw = request.GET.get("don_vi", "")
        unit = Unit.objects.filter(pk=int(raw), agency=agency).first() if raw.isdigit() and len(raw) < 18 else None
        if unit is None:
            raise NotFound()
    return scope, unit


@guarded
def event_new(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    agency = agency_or_404(actor)
    scope, unit = _scope(request, agency)
    form = EventForm(request.POST or None, request.FILES or None, agency=agency)
    if request.method == "POST" and form.is_valid():
        created: list[CalendarEvent] = []

        def create() -> None:
            files = uploaded_files(request, form)
            created.append(
                services.event_create(
                    actor=actor,
                    agency=agency,
                    data=_data(form),
                    scope=scope,
                    unit=unit,
                    files=files,
                    repeat=_repeat(form),
                )
            )

        if run(request, create, _("Đã thêm sự kiện vào lịch.")):
            return redirect("direction:event", created[0].pk)
    titles: dict[str, str] = {
        Scope.AGENCY: _("Thêm sự kiện vào lịch cơ quan"),
        Scope.UNIT: _("Thêm sự kiện vào lịch đơn vị"),
    }
    title = titles.get(scope, _("Thêm sự kiện vào lịch cá nhân"))
    return render(request, "direction/calendar/event_form.html", {"form": form, "title": title, "unit": unit})


@guarded
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = acting_user(request)
    event = selectors.event_get(actor, pk)
    try:
        event_edit_check(actor, event)  # the reason on the 403 page, before any form is shown
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect("direction:event", event.pk)
    initial = {
        "title": event.title,
        "all_day": event.all_day,
        "starts_at": timezone.localtime(event.starts_at),
        "ends_at": timezone.localtime(event.ends_at),
        "start_day": timezone.localtime(event.starts_at).date(),
        "end_day": (timezone.localtime(event.ends_at) - dt.timedelta(days=1)).date(),
        "place": event.place,
        "room": event.room,
        "chair": event.chair,
        "attendee_users": list(event.attendee_users.all()),
        "attendee_units": list(event.attendee_units.all()),
        "guests": event.guests,
        "preparing_unit": event.preparing_unit,
        "note": event.note,
    }
    form = EventForm(
        request.POST or None, request.FILES or None, agency=event.agency, initial=initial, repeatable=False
    )
    if request.method == "POST" and form.is_valid():
        done = _("Đã sửa sự kiện; người dự đã được báo.") if event.published_at else _("Đã sửa sự kiện.")
        if run(
            request,
            lambda: services.event_update(
                actor=actor, event=event, data=_data(form), files=uploaded_files(request, form)
            ),
            done,
        ):
            return redirect("direction:event", event.pk)
    return render(
        request, "direction/calendar/event_form.html", {"form": form, "title": _("Sửa sự kiện"), "event": event}
    )


@guarded
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = acting_user(request)
    event = selectors.event_get(actor, pk)
    if request.method == "POST" and request.POST.get("action") in ("cancel", "cancel_following"):
        reason = request.POST.get("reason", "")
        if request.POST["action"] == "cancel_following":
            run(
                request,
                lambda: services.event_series_cancel(actor=actor, event=event, reason=reason),
                _("Đã hủy buổi này và các buổi sau của lịch lặp lại."),
            )
        else:
            run(request, lambda: services.event_cancel(actor=actor, event=event, reason=reason), _("Đã hủy sự kiện."))
        return redirect("direction:event", event.pk)
    decorate([event])
    return render(
        request,
        "direction/calendar/event.html",
        {
            "event": event,
            "actions": event_actions(actor, event),
            "changes": event.changes.all(),
            "series": selectors.series_of(actor, event),
            "following": len(services.series_following(event)) if event.series_id else 0,
        },
    )


@guarded
def rooms(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    agency = agency_or_404(actor)
    form = RoomForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if run(
            request,
            lambda: services.room_create(actor=actor, agency=agency, name=d["name"], capacity=d["capacity"]),
            _("Đã thêm phòng họp."),
        ):
            return redirect("direction:rooms")
    return render(
        request,
        "direction/calendar/rooms.html",
        {"rooms": selectors.rooms_of(agency), "form": form, "can_rooms": has(actor, policies.ROOM_MANAGE, unit=agency)},
    )


@guarded
@require_POST
def feed_manage(request: HttpRequest) -> HttpResponse:
    """Create or renew the feed link (the new secret URL is shown once), or revoke it."""
    actor = acting_user(request)
    if request.POST.get("action") == "revoke":
        services.feed_token_revoke(actor=actor)
        messages.success(request, _("Đã thu hồi đường dẫn lịch; đường dẫn cũ không dùng được nữa."))
    else:
        key = services.feed_token_rotate(actor=actor)
        request.session["calendar_feed_url"] = request.build_absolute_uri(reverse("direction:feed", args=[key]))
        messages.success(request, _("Đã tạo đường dẫn lịch mới; đường dẫn cũ (nếu có) không dùng được nữa."))
    return redirect("direction:my_calendar")


def feed(request: HttpRequest, key: str) -> HttpResponse:
    """The person's iCalendar feed (no sign-in: the secret in the URL is the key). A revoked token: 410 with
    no data; an unknown one: 404."""
    try:
        person = services.feed_owner(key)
    except services.FeedGone:
        return HttpResponse(status=410, content_type="text/plain; charset=utf-8")
    except NotFound:
        return HttpResponse(status=404, content_type="text/plain; charset=utf-8")
    now = timezone.now()
    start, end = now - dt.timedelta(days=FEED_PAST_DAYS), now + dt.timedelta(days=FEED_FUTURE_DAYS)
    events = selectors.feed_events(person, start, end)
    body = calendar_ics(events, host=request.get_host().split(":")[0] or "qlvb", name=f"Lịch công tác — {person}")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response
