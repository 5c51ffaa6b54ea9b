"""The announcement pages: the list (addressed to me, posted by me), posting one, and one announcement with
its read confirmation and, for its poster, who has read it and who has not yet."""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from qlvb.core.permissions import has
from qlvb.directory.models import User
from qlvb.directory.selectors import acting_user

from . import announcement_selectors as selectors
from . import announcements as services
from . import calendar_policies as policies
from .announcement_models import Announcement
from .calendar_forms import AnnouncementForm
from .calendar_views import agency_or_404, guarded, run, uploaded_files

PAGE_SIZE = 20


@guarded
def announcement_list(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    qs = selectors.announcements_visible_to(actor).order_by("-created_at", "-id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "direction/announcements/list.html",
        {"page": page, "can_post": has(actor, policies.ANNOUNCE)},
    )


@guarded
def announcement_new(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    agency = agency_or_404(actor)
    form = AnnouncementForm(request.POST or None, request.FILES or None, agency=agency)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        created: list[Announcement] = []

        def create() -> None:
            created.append(
                services.announcement_create(
                    actor=actor,
                    agency=agency,
                    title=d["title"],
                    body=d["body"],
                    audience=d["audience"],
                    units=list(d["units"]),
                    people=list(d["people"]),
                    must_read=d["must_read"],
                    valid_from=d["valid_from"],
                    valid_until=d["valid_until"],
                    files=uploaded_files(request, form),
                )
            )

        if run(request, create, _("Đã đăng thông báo.")):
            return redirect("direction:announcement", created[0].pk)
    return render(request, "direction/announcements/form.html", {"form": form})


@guarded
def announcement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Opening an announcement marks it read, except a "phải đọc" one: that takes the confirm button."""
    actor = acting_user(request)
    announcement = selectors.announcement_get(actor, pk)
    if request.method == "POST" or not announcement.must_read:
        services.announcement_read(actor=actor, announcement=announcement)
        if request.method == "POST":
            return redirect("direction:announcement", announcement.pk)
    read: list[tuple[User, dt.datetime]] = []
    unread: list[User] = []
    is_poster = announcement.created_by_id == actor.pk
    if is_poster or has(actor, policies.ANNOUNCE, unit=announcement.agency):
        read, unread = selectors.receipts(announcement)
    confirmed = announcement.reads.filter(user=actor).first()
    return render(
        request,
        "direction/announcements/detail.html",
        {
            "a": announcement,
            "read": read,
            "unread": unread,
            "show_receipts": is_poster or has(actor, policies.ANNOUNCE, unit=announcement.agency),
            "confirmed": confirmed,
        },
    )
