"""The upgrades page of the system administrator and the "Có gì mới" dismissal (thin: the services decide)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from qlvb.core.errors import DomainError
from qlvb.directory.selectors import acting_user

from .notices import notice_manage_refusal
from .upgrade_models import UpgradeRun
from .whats_new import whats_new_dismiss


@login_required
def upgrade_list(request: HttpRequest) -> HttpResponse:
    if notice_manage_refusal(request.user):
        raise Http404  # the page does not exist for anyone else
    runs = UpgradeRun.objects.all()[:200]
    return render(request, "operations/upgrades.html", {"runs": runs})


@require_POST
@login_required
def whats_new_seen(request: HttpRequest) -> HttpResponse:
    try:
        whats_new_dismiss(actor=acting_user(request), version=request.POST.get("version", ""))
    except DomainError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = "/"
    return redirect(back)
