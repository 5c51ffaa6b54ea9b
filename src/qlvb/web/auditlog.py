"""The audit log for administrators (``/quan-tri/nhat-ky/``): browse, filter, verify the chain."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from qlvb.core import audit
from qlvb.core.models import AuditEntry
from qlvb.directory import policies as directory_policies

from .access import permission_required
from .auditdata import audit_details
from .labels import action_choices

PAGE_SIZE = 50
DATE_FORMATS = ["%d/%m/%Y"]
DATE_ATTRS = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Hành động"), required=False)
    account = forms.CharField(label=_("Tài khoản"), required=False, max_length=150)
    date_from = forms.DateField(
        label=_("Từ ngày"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs=DATE_ATTRS),
        error_messages={"invalid": _("Nhập ngày theo dạng dd/mm/yyyy.")},
    )
    date_to = forms.DateField(
        label=_("Đến ngày"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs=DATE_ATTRS),
        error_messages={"invalid": _("Nhập ngày theo dạng dd/mm/yyyy.")},
    )
    obj = forms.CharField(label=_("Đối tượng"), required=False, max_length=255)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("Tất cả")), *action_choices()]  # type: ignore[attr-defined]
        for field in self.fields.values():
            kind = "select" if isinstance(field, forms.ChoiceField) else "control"
            field.widget.attrs["class"] = f"form-{kind} form-{kind}-sm"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return data

    def apply(self, entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
        data = self.cleaned_data
        if data.get("action"):
            entries = entries.filter(action=data["action"])
        if data.get("account"):
            entries = entries.filter(actor_username__icontains=data["account"].strip())
        tz = timezone.get_current_timezone()
        if data.get("date_from"):
            entries = entries.filter(created_at__gte=dt.datetime.combine(data["date_from"], dt.time.min, tz))
        if data.get("date_to"):
            end = dt.datetime.combine(data["date_to"] + dt.timedelta(days=1), dt.time.min, tz)
            entries = entries.filter(created_at__lt=end)
        if data.get("obj"):
            term = data["obj"].strip()
            entries = entries.filter(
                Q(object_repr__icontains=term) | Q(object_id=term) | Q(object_type__icontains=term)
            )
        return entries


@permission_required(directory_policies.AUDIT_VIEW)
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    entries = AuditEntry.objects.order_by("-seq")
    if form.is_bound and form.is_valid():
        entries = form.apply(entries)
    elif form.is_bound:
        entries = entries.none()
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/audit_log.html",
        {
            "form": form,
            "page": page,
            "rows": _rows(page),
            "query": query.urlencode(),
        },
    )


def _rows(page: Any) -> list[tuple[AuditEntry, list[Any]]]:
    """Each entry with its data as labelled, formatted details (web.auditdata)."""
    details = audit_details(page.object_list)
    return [(entry, details(entry)) for entry in page.object_list]


@require_POST
@permission_required(directory_policies.AUDIT_VIEW)
def audit_verify(request: HttpRequest) -> HttpResponse:
    report = audit.verify_chain()
    context = {"report": report}
    if request.headers.get("HX-Request"):
        return render(request, "web/_audit_verify.html", context)
    form = AuditFilterForm()
    page = Paginator(AuditEntry.objects.order_by("-seq"), PAGE_SIZE).get_page(1)
    return render(
        request, "web/audit_log.html", {**context, "form": form, "page": page, "rows": _rows(page), "query": ""}
    )
