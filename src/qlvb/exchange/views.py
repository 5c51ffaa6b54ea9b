"""The clerk's "Liên thông" page (``/lien-thong/``): what waits to leave for the national axis, what was
sent, what failed (with the axis's own message and "Gửi lại"), what arrived today and what was refused;
the administrator's connection settings with "Kiểm tra kết nối"; the directory sync button. Thin: reads
through ``axis_selectors``, writes through ``axis_services`` (both check the right and the agency)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qlvb.core.errors import DomainError, NotFound
from qlvb.core.permissions import has
from qlvb.directory.access import current_user, forbidden, permission_required

from . import axis_selectors as selectors
from . import axis_services as services
from . import policies
from .connection_models import AxisConnection

PAGE_SIZE = 25
TABS: dict[str, Any] = {
    "cho-gui": ("waiting", gettext_lazy("Chờ gửi")),
    "da-gui": ("sent", gettext_lazy("Đã gửi")),
    "loi": ("failed", gettext_lazy("Gửi lỗi")),
    "den-hom-nay": ("today", gettext_lazy("Nhận hôm nay")),
    "tu-choi": ("refused", gettext_lazy("Gói tin bị từ chối")),
}


def _agency_pk(request: HttpRequest) -> int | None:
    raw = request.GET.get("co-quan") or request.POST.get("co-quan") or ""
    return int(raw) if raw.isdigit() else None


@permission_required(policies.AXIS_WORK)
def axis_home(request: HttpRequest) -> HttpResponse:
    actor = current_user(request)
    permission = policies.AXIS_WORK
    try:
        agency = selectors.axis_agency_get(actor, permission=permission, pk=_agency_pk(request))
    except NotFound:
        raise Http404 from None
    tab = request.GET.get("xem") or ""
    tab = tab if tab in TABS else "cho-gui"
    what = TABS[tab][0]
    if what in selectors.OUTBOX_STATES:
        items: Any = selectors.outbox_items(actor, agency=agency, state=what, permission=permission)
    else:
        items = selectors.inbox_items(actor, agency=agency, view=what, permission=permission)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.axis_counts(actor, agency=agency, permission=permission)
    tabs = [(key, label, counts[state], key == tab) for key, (state, label) in TABS.items()]
    query = f"co-quan={agency.pk}&xem={tab}"
    context = {
        "agency": agency,
        "agencies": selectors.axis_agencies(actor, permission=permission),
        "tab": tab,
        "what": what,
        "tabs": tabs,
        "page": page,
        "query": query,
        "can_configure": has(actor, policies.AXIS_CONNECTION_MANAGE),
        "can_sync": has(actor, policies.AXIS_DIRECTORY_SYNC),
    }
    return render(request, "exchange/axis_home.html", context)


@require_POST
@permission_required(policies.AXIS_WORK)
def outbox_retry(request: HttpRequest, pk: int) -> HttpResponse:
    actor = current_user(request)
    try:
        item = services.outbox_item_retry(actor=actor, pk=pk)
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        if exc.status_code == 403:
            raise
        messages.error(request, exc.message)
        return redirect(f"{_home()}?xem=loi")
    messages.success(request, _("Đã đưa gói tin gửi %(to)s vào hàng chờ gửi lại.") % {"to": item.recipient})
    return redirect(f"{_home()}?xem=cho-gui")


def _home() -> str:
    from django.urls import reverse

    return reverse("exchange:home")


# --- connection settings (administrator) ------------------------------------------------------------------


class ConnectionForm(forms.Form):
    endpoint = forms.URLField(
        label=gettext_lazy("Địa chỉ trục liên thông"),
        max_length=300,
        assume_scheme="https",
        help_text=gettext_lazy("Ví dụ https://lgsp.tinh.gov.vn/vdxp"),
    )
    system_id = forms.CharField(label=gettext_lazy("Mã hệ thống"), max_length=100)
    secret = forms.CharField(
        label=gettext_lazy("Mật khẩu kết nối"),
        max_length=500,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy("Chỉ ghi, không bao giờ hiển thị lại. Để trống: giữ mật khẩu đã lưu."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")


@permission_required(policies.AXIS_CONNECTION_MANAGE)
def connections(request: HttpRequest) -> HttpResponse:
    actor = current_user(request)
    agencies = list(selectors.axis_agencies(actor, permission=policies.AXIS_CONNECTION_MANAGE))
    if not agencies:
        return forbidden(request, _("Bạn không quản trị cơ quan nào của hệ thống."))
    known = {c.agency_id: c for c in AxisConnection.objects.filter(agency__in=agencies)}
    rows = [(agency, known.get(agency.pk)) for agency in agencies]
    return render(request, "exchange/connections.html", {"rows": rows})


@permission_required(policies.AXIS_CONNECTION_MANAGE)
def connection_edit(request: HttpRequest, agency_pk: int) -> HttpResponse:
    actor = current_user(request)
    try:
        agency = selectors.axis_agency_get(actor, permission=policies.AXIS_CONNECTION_MANAGE, pk=agency_pk)
    except NotFound:
        raise Http404 from None
    connection = AxisConnection.objects.filter(agency=agency).first()
    initial = {"endpoint": connection.endpoint, "system_id": connection.system_id} if connection else {}
    form = ConnectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.connection_save(actor=actor, agency=agency, **form.cleaned_data)
        except DomainError as exc:
            if exc.status_code == 403:
                raise
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Đã lưu kết nối trục liên thông của %(name)s.") % {"name": agency.name})
            return redirect("exchange:connection_edit", agency_pk=agency.pk)
    context = {
        "agency": agency,
        "connection": connection,
        "form": form,
        "source": services.connection_source(agency),
        "test": request.session.pop(f"axis-test-{agency.pk}", None),
    }
    return render(request, "exchange/connection_edit.html", context)


@require_POST
@permission_required(policies.AXIS_CONNECTION_MANAGE)
def connection_test(request: HttpRequest, agency_pk: int) -> HttpResponse:
    actor = current_user(request)
    try:
        agency = selectors.axis_agency_get(actor, permission=policies.AXIS_CONNECTION_MANAGE, pk=agency_pk)
    except NotFound:
        raise Http404 from None
    result = services.connection_test(actor=actor, agency=agency)
    request.session[f"axis-test-{agency.pk}"] = {"ok": result.ok, "message": result.message, "seconds": result.seconds}
    return redirect("exchange:connection_edit", agency_pk=agency.pk)


# --- the agency directory ---------------------------------------------------------------------------------


@require_POST
@permission_required(policies.AXIS_DIRECTORY_SYNC)
def directory_sync(request: HttpRequest) -> HttpResponse:
    actor = current_user(request)
    back = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    try:
        result = services.directory_sync(actor=actor)
    except DomainError as exc:
        if exc.status_code == 403:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, result.summary)
        for line in result.invalid[:5]:
            messages.warning(request, _("Mã không hợp lệ, bỏ qua: %(line)s") % {"line": line})
    return redirect(back or "directory:outside_agencies")
