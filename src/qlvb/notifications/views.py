"""The notifications page: the person's own notifications, newest first; opening one marks it read and
leads to its document's page; "mark all read"."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from qlvb.assignments.selectors import notifications_for
from qlvb.assignments.services import notifications_mark_read
from qlvb.core.errors import NotFound

from .links import notification_open as open_one
from .links import notification_url

PAGE_SIZE = 20


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    page = Paginator(notifications_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """The link of one notification: marks it read, then opens the page of its document (by direction)."""
    try:
        found = open_one(actor=request.user, pk=pk)
    except NotFound:
        raise Http404 from None
    return redirect(notification_url(found) or reverse("notifications:list"))


@require_POST
@login_required
def notifications_read(request: HttpRequest) -> HttpResponse:
    notifications_mark_read(actor=request.user)
    return redirect(reverse("notifications:list"))
