"""The archive's pages: nộp lưu (prepare and submit a batch, the archivist's inbox and checks), the printed
forms, the archivist's list of what expires this year, disposal proposals, and the dossier's chế độ sử
dụng form (``{% archive_panel dossier %}`` on the dossier page). Thin: the services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qlvb.core.errors import DomainError, NotFound
from qlvb.directory.selectors import acting_user

from . import archive, archive_rules, disposal, keeping, selectors
from .archive_models import Decision, Rights
from .archive_print import form_response, kept_list_response
from .forms import DATE, StyledForm
from .views import _guarded, _id, _run


class TermsForm(StyledForm):
    rights = forms.ChoiceField(label=gettext_lazy("Chế độ sử dụng"), choices=Rights.choices)
    capital_construction = forms.BooleanField(label=gettext_lazy("Hồ sơ xây dựng cơ bản"), required=False)


class TransferForm(StyledForm):
    title = forms.CharField(
        label=gettext_lazy("Tên khối tài liệu nộp lưu"),
        max_length=500,
        required=False,
        help_text=gettext_lazy("Để trống: “Tài liệu của <đơn vị> năm <năm>”."),
    )


class ReturnForm(StyledForm):
    reason = forms.CharField(label=gettext_lazy("Lý do trả lại"), max_length=500)


class ProposeForm(StyledForm):
    reason = forms.CharField(label=gettext_lazy("Lý do hủy"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class AppraiseForm(StyledForm):
    members = forms.CharField(
        label=gettext_lazy("Thành phần hội đồng"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    opinion = forms.CharField(
        label=gettext_lazy("Ý kiến thẩm định của hội đồng"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    meeting_date = forms.DateField(label=gettext_lazy("Ngày họp hội đồng"), widget=DATE, input_formats=["%d/%m/%Y"])
    agreed = forms.BooleanField(label=gettext_lazy("Hội đồng đồng ý hủy"), required=False)


class KeepForm(StyledForm):
    """Điều 31: the head of the agency approves keeping a due dossier in its unit (at most 2 years)."""

    dossier = forms.IntegerField(label=gettext_lazy("Hồ sơ"), widget=forms.Select)
    until = forms.DateField(label=gettext_lazy("Giữ lại đến ngày"), widget=DATE, input_formats=["%d/%m/%Y"])
    reason = forms.CharField(label=gettext_lazy("Lý do giữ lại"), max_length=1000)

    def __init__(self, *args: Any, dossiers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dossier"].widget.choices = [(d.pk, f"{d.file_code} — {d.title}") for d in dossiers]


def _ids(request: HttpRequest, name: str) -> list[int]:
    return [i for i in map(_id, request.POST.getlist(name)) if i is not None]


# --- Chế độ sử dụng ---------------------------------------------------------------------------------------------


@require_POST
@_guarded
def dossier_terms(request: HttpRequest, pk: int) -> HttpResponse:
    actor = acting_user(request)
    dossier = selectors.dossier_get(actor, pk=pk)
    form = TermsForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        _run(
            request,
            lambda: archive.dossier_terms_set(
                actor=actor, dossier=dossier, rights=d["rights"], capital_construction=d["capital_construction"]
            ),
            _("Đã lưu chế độ sử dụng."),
        )
    else:
        messages.error(request, _("Chế độ sử dụng không hợp lệ."))
    return redirect("dossiers:detail", dossier.pk)


# --- Nộp lưu ---------------------------------------------------------------------------------------------------


@_guarded
def transfer_list(request: HttpRequest) -> HttpResponse:
    """The closed dossiers the person may submit (with their deadlines), a form to prepare a batch, and the
    batches he may see."""
    actor = acting_user(request)
    form = TransferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        made: list[Any] = []
        ids = _ids(request, "dossier")
        if _run(
            request,
            lambda: made.append(
                archive.transfer_create(actor=actor, dossier_ids=ids, title=form.cleaned_data["title"])
            ),
            _("Đã lập đợt nộp lưu; kiểm tra lại rồi bấm “Nộp lưu”."),
        ):
            return redirect("dossiers:transfer", made[0].pk)
    today = timezone.localdate()
    due = archive.dossiers_transferable(actor)
    keepable = [d for d, _when in due if archive_rules.allowed(archive_rules.keep_check, actor, d)]
    return render(
        request,
        "dossiers/archive/transfer_list.html",
        {
            "form": form,
            "keep_form": KeepForm(dossiers=keepable) if keepable else None,
            "due": due,
            "today": today,
            "soon": today + dt.timedelta(days=archive_rules.REMIND_DAYS),
            "batches": archive.transfers_visible_to(actor).select_related("unit").order_by("-pk")[:50],
        },
    )


@require_POST
@_guarded
def dossier_keep(request: HttpRequest) -> HttpResponse:
    """Điều 31: record the head's approval to keep a due dossier in its unit until a date (≤ deadline + 2 years)."""
    actor = acting_user(request)
    dossier = selectors.dossier_get(actor, pk=request.POST.get("dossier"))
    form = KeepForm(request.POST, dossiers=[dossier])
    if form.is_valid():
        d = form.cleaned_data
        _run(
            request,
            lambda: keeping.dossier_keep(actor=actor, dossier=dossier, reason=d["reason"], until=d["until"]),
            _("Đã ghi ý kiến đồng ý giữ lại hồ sơ đến ngày %(day)s.") % {"day": f"{d['until']:%d/%m/%Y}"},
        )
    else:
        messages.error(request, _("Hãy chọn hồ sơ, ghi lý do và ngày giữ lại đến (dd/mm/yyyy)."))
    return redirect("dossiers:transfers")


@_guarded
def transfer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = acting_user(request)
    batch = archive.transfer_get(actor, pk=pk)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "submit":
            _run(request, lambda: archive.transfer_submit(actor=actor, batch=batch), _("Đã nộp lưu."))
        elif action in ("accept", "return"):
            item = archive.transfer_item_get(batch, request.POST.get("item", ""))
            if action == "accept":
                _run(request, lambda: archive.transfer_accept(actor=actor, item=item), _("Đã nhận hồ sơ vào lưu trữ."))
            else:
                form = ReturnForm(request.POST, prefix=f"r{item.pk}")
                reason = form.cleaned_data["reason"] if form.is_valid() else ""
                _run(
                    request,
                    lambda: archive.transfer_return(actor=actor, item=item, reason=reason),
                    _("Đã trả lại hồ sơ."),
                )
        else:
            raise NotFound()
        return redirect("dossiers:transfer", batch.pk)
    items = list(archive.transfer_items(batch))
    actions = archive_rules.transfer_actions(actor, batch)
    return render(
        request,
        "dossiers/archive/transfer_detail.html",
        {
            "batch": batch,
            "items": items,
            "actions": actions,
            "pending": Decision.PENDING,
            "return_forms": {i.pk: ReturnForm(prefix=f"r{i.pk}") for i in items},
        },
    )


@_guarded
def transfer_form(request: HttpRequest, pk: int, form: str, fmt: str) -> HttpResponse:
    batch = archive.transfer_get(acting_user(request), pk=pk)
    try:
        return form_response(batch, form, fmt)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("dossiers:transfer", batch.pk)


@_guarded
def archive_inbox(request: HttpRequest) -> HttpResponse:
    """The archivist's inbox: batches submitted and waiting for his check."""
    actor = acting_user(request)
    return render(
        request,
        "dossiers/archive/inbox.html",
        {
            "batches": archive.archive_inbox(actor),
            "archived": archive.archived_dossiers(actor).select_related("creator").order_by("-year", "notation")[:100],
            "is_archivist": bool(actor.units_with_role("archivist")),
        },
    )


# --- Hết hạn bảo quản, hủy --------------------------------------------------------------------------------------


@_guarded
def expiring(request: HttpRequest) -> HttpResponse:
    """What expires this year (or already has), with the form to propose disposing of the ticked ones."""
    actor = acting_user(request)
    if not actor.units_with_role("archivist"):
        raise NotFound()
    form = ProposeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        made: list[Any] = []
        ids = _ids(request, "dossier")
        if _run(
            request,
            lambda: made.append(
                disposal.disposal_propose(actor=actor, dossier_ids=ids, reason=form.cleaned_data["reason"])
            ),
            _("Đã lập đề nghị hủy; chờ hội đồng thẩm định."),
        ):
            return redirect("dossiers:disposal", made[0].pk)
    year = timezone.localdate().year
    rows = [(d, archive_rules.expiry_date(d)) for d in archive.expiring(actor, year=year)]
    return render(
        request,
        "dossiers/archive/expiring.html",
        {"rows": rows, "year": year, "today": timezone.localdate(), "form": form},
    )


@_guarded
def disposal_list(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    return render(
        request,
        "dossiers/archive/disposal_list.html",
        {"proposals": disposal.disposals_visible_to(actor).order_by("-number")[:100]},
    )


@_guarded
def disposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = acting_user(request)
    proposal = disposal.disposal_get(actor, pk=pk)
    appraise_form = AppraiseForm(prefix="a")
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "appraise":
            appraise_form = AppraiseForm(request.POST, prefix="a")
            if appraise_form.is_valid():
                d = appraise_form.cleaned_data
                if _run(
                    request,
                    lambda: disposal.disposal_appraise(
                        actor=actor,
                        proposal=proposal,
                        members=d["members"],
                        opinion=d["opinion"],
                        meeting_date=d["meeting_date"],
                        agreed=d["agreed"],
                    ),
                    _("Đã ghi kết quả thẩm định."),
                ):
                    return redirect("dossiers:disposal", proposal.pk)
        elif action == "approve":
            _run(request, lambda: disposal.disposal_approve(actor=actor, proposal=proposal), _("Đã duyệt hủy."))
            return redirect("dossiers:disposal", proposal.pk)
        elif action == "execute":
            _run(request, lambda: disposal.disposal_execute(actor=actor, proposal=proposal), _("Đã hủy tài liệu."))
            return redirect("dossiers:disposal", proposal.pk)
        else:
            raise NotFound()
    return render(
        request,
        "dossiers/archive/disposal_detail.html",
        {
            "proposal": proposal,
            "items": disposal.disposal_items(proposal),
            "actions": archive_rules.disposal_actions(actor, proposal),
            "appraise_form": appraise_form,
        },
    )


@_guarded
def disposal_form(request: HttpRequest, pk: int, form: str, fmt: str) -> HttpResponse:
    proposal = disposal.disposal_get(acting_user(request), pk=pk)
    try:
        return form_response(proposal, form, fmt)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("dossiers:disposal", proposal.pk)


@_guarded
def kept_list(request: HttpRequest, fmt: str) -> HttpResponse:
    """Danh mục hồ sơ giữ lại (Điều 31), XLSX or PDF: for the archivist and the head of the agency."""
    agency = keeping.kept_agency(acting_user(request))
    if agency is None:
        raise NotFound()
    try:
        return kept_list_response(agency, keeping.kept_dossiers(agency), fmt)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("dossiers:expiring")
