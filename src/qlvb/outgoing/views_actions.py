"""The actions posted from an outgoing document's page (``outgoing:act``), on the form-handling shape of the
incoming pages: each action is a form and one service call. Input that does not parse answers 422 with
the document page and a Vietnamese message; a refusal of the service is shown as a message back on the
page; success goes back to the page (or to the new draft, for a replacement)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qlvb.core.errors import DomainError
from qlvb.directory.models import User

from . import followup, forms, recipients, services
from .models import Comment, Outgoing
from .views import actor_of, detail_page, intake, outgoing_of

Data = dict[str, Any]


@dataclass(frozen=True)
class Action:
    form: Callable[..., django_forms.Form]
    run: Callable[[User, Outgoing, Data, HttpRequest], Any]
    opens_result: bool = False  # success shows the outgoing document the service returns (a replacement)


def _upload(user: User, o: Outgoing, d: Data, request: HttpRequest) -> None:
    """The draft's file: taken in (zip guard included), checked, stored; its PDF is made by a Celery task
    after the commit (the page shows “Đang chuyển sang PDF…” until then)."""
    stored = intake(request, d["file"])
    services.version_upload(actor=user, outgoing=o, stored_file=stored, kind=d["kind"], note=d["note"])


def _convert_retry(user: User, o: Outgoing, d: Data, request: HttpRequest) -> None:
    version = o.versions.select_related("stored_file").filter(pk=d["version"]).first()
    if version is None:
        raise Http404
    services.version_convert_retry(actor=user, version=version)


def _comment(user: User, o: Outgoing, d: Data, request: HttpRequest) -> None:
    parent = Comment.objects.filter(pk=d["parent"], outgoing=o).first() if d["parent"] else None
    services.comment_add(actor=user, outgoing=o, text=d["text"], parent=parent)


def _format_check(user: User, o: Outgoing, d: Data, request: HttpRequest) -> None:
    checks = {k: bool(d.get(f"check_{k}")) for k in services.FORMAT_CHECKLIST}
    services.outgoing_format_check(actor=user, outgoing=o, checks=checks, comment=d["comment"])


def _recipient(user: User, o: Outgoing, d: Data, request: HttpRequest) -> None:
    unit = d["unit"] if d["fix"] == "match" else None
    recipients.recipient_fix(actor=user, outgoing=o, name=d["name"], action=d["fix"], unit=unit)


def _form(form_class: type[django_forms.Form]) -> Callable[..., django_forms.Form]:
    return lambda data, files: form_class(data)


ACTIONS: dict[str, Action] = {
    "upload": Action(lambda data, files: forms.UploadForm(data, files), _upload),
    "convert_retry": Action(_form(forms.VersionForm), _convert_retry),
    "comment": Action(_form(forms.CommentForm), _comment),
    "submit": Action(_form(forms.NoInputForm), lambda u, o, d, r: services.outgoing_submit(actor=u, outgoing=o)),
    "approve": Action(
        _form(forms.ReasonForm),
        lambda u, o, d, r: services.outgoing_approve(actor=u, outgoing=o, comment=d["comment"]),
    ),
    "return": Action(
        _form(forms.ReasonForm),
        lambda u, o, d, r: services.outgoing_return(actor=u, outgoing=o, comment=d["comment"]),
    ),
    "format_check": Action(_form(forms.FormatForm), _format_check),
    "sign": Action(
        _form(forms.SignForm),
        lambda u, o, d, r: services.outgoing_sign(actor=u, outgoing=o, pin=d["pin"], version_id=d["version"]),
    ),
    "number": Action(_form(forms.NoInputForm), lambda u, o, d, r: services.outgoing_number(actor=u, outgoing=o)),
    "sign_agency": Action(
        _form(forms.PinForm), lambda u, o, d, r: services.outgoing_sign_agency(actor=u, outgoing=o, pin=d["pin"])
    ),
    "issue": Action(
        _form(forms.IssueForm),
        lambda u, o, d, r: services.outgoing_issue(actor=u, outgoing=o, accept_unreachable=d["accept_unreachable"]),
    ),
    "recipient": Action(_form(forms.RecipientFixForm), _recipient),
    "revoke": Action(
        _form(forms.ReasonForm),
        lambda u, o, d, r: services.outgoing_revoke(actor=u, outgoing=o, reason=d["comment"]),
    ),
    "replace": Action(
        _form(forms.NoInputForm),
        lambda u, o, d, r: services.outgoing_replacement_start(actor=u, outgoing=o),
        opens_result=True,
    ),
    "take_back": Action(
        _form(forms.TakeBackForm),
        lambda u, o, d, r: services.outgoing_take_back(
            actor=u, outgoing=o, delivery_id=d["delivery"], reason=d["comment"]
        ),
    ),
    "deliveries_retry": Action(
        _form(forms.NoInputForm), lambda u, o, d, r: services.outgoing_deliveries_retry(actor=u, outgoing=o)
    ),
    "followup_close": Action(
        _form(forms.ReasonForm),
        lambda u, o, d, r: followup.reply_followup_close(actor=u, outgoing=o, note=d["comment"]),
    ),
}


def _first_error(form: django_forms.Form) -> str:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else None
        return f"{label}: {errors[0]}" if label else str(errors[0])
    return _("Dữ liệu gửi lên không hợp lệ.")


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    outgoing = outgoing_of(request, pk)
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    form = spec.form(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return detail_page(request, outgoing, status=422)
    target = outgoing.pk
    try:
        result = spec.run(actor_of(request), outgoing, form.cleaned_data, request)
        target = result.pk if spec.opens_result else outgoing.pk
        messages.success(request, _("Đã thực hiện."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("outgoing:detail", target)
