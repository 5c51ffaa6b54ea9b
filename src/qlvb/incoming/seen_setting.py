"""The agency's seen-receipt setting ("Ghi nhận đã xem", ``documents.seen``) on the agency's page of the
administrator (``/quan-tri/don-vi/<pk>/``, a section registered with ``directory.unit_sections``), and the
form's POST."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qlvb.core.errors import DomainError
from qlvb.core.permissions import has
from qlvb.directory.access import current_user
from qlvb.directory.models import Unit, User
from qlvb.documents import policies as document_policies
from qlvb.documents import seen
from qlvb.documents.seen_models import SeenMode


def seen_setting_section(request: HttpRequest, actor: User, unit: Unit) -> str | None:
    """The card, on an agency's page, for its administrator."""
    if not unit.is_agency or not has(actor, document_policies.SEEN_CONFIGURE, unit=unit):
        return None
    return render_to_string(
        "incoming/_seen_setting.html",
        {"unit": unit, "mode": seen.seen_mode(unit.pk), "modes": SeenMode.choices},
        request=request,
    )


@require_POST
@login_required
def seen_setting_save(request: HttpRequest, pk: int) -> HttpResponse:
    actor = current_user(request)
    unit = Unit.objects.filter(pk=pk, kind="agency").first()
    if unit is None or not has(actor, document_policies.SEEN_CONFIGURE, unit=unit):
        raise Http404  # another agency's id answers like one that does not exist
    try:
        seen.agency_seen_mode_set(actor=actor, agency=unit, mode=request.POST.get("mode", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã lưu cách ghi nhận “đã xem”."))
    return redirect("directory:unit_detail", pk=pk)
