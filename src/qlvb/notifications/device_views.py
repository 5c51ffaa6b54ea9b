"""The "Thiết bị nhận thông báo" page: the person's devices (turn this one on, remove one), which kinds
to receive, quiet hours, and whether the lock screen may show the subject."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from qlvb.core.errors import DomainError, NotFound
from qlvb.directory.selectors import acting_user

from .models import PushKind
from .preferences import preference_of, push_preference_update
from .subscriptions import push_service_of, push_subscription_delete, subscriptions_of


def _time() -> forms.TimeInput:
    return forms.TimeInput(attrs={"type": "time", "class": "form-control w-auto"}, format="%H:%M")


class PushPreferenceForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label="Nhận thông báo về", choices=PushKind.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    quiet_start = forms.TimeField(
        label="Giờ yên lặng từ",
        required=False,
        widget=_time(),
    )
    quiet_end = forms.TimeField(
        label="đến",
        required=False,
        widget=_time(),
    )
    show_subject = forms.BooleanField(label="Hiện trích yếu văn bản trên màn hình khóa", required=False)


@login_required
def devices(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    preference = preference_of(actor.pk)
    if request.method == "POST":
        form = PushPreferenceForm(request.POST)
        if form.is_valid():
            try:
                push_preference_update(
                    actor=actor,
                    kinds_on=form.cleaned_data["kinds"],
                    quiet_start=form.cleaned_data["quiet_start"],
                    quiet_end=form.cleaned_data["quiet_end"],
                    show_subject=form.cleaned_data["show_subject"],
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "Đã lưu cài đặt thông báo.")
                return redirect(reverse("notifications:devices"))
        status = 400
    else:
        form = PushPreferenceForm(
            initial={
                "kinds": [k for k in PushKind.values if k not in (preference.kinds_off or [])],
                "quiet_start": preference.quiet_start,
                "quiet_end": preference.quiet_end,
                "show_subject": preference.show_subject,
            }
        )
        status = 200
    rows = [(s, push_service_of(s.endpoint)) for s in subscriptions_of(actor)[:100]]
    return render(request, "notifications/devices.html", {"form": form, "devices": rows}, status=status)


@require_POST
@login_required
def device_remove(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        push_subscription_delete(actor=acting_user(request), pk=pk)
    except NotFound:
        raise Http404 from None  # another person's device: as if it did not exist
    messages.success(request, "Đã hủy thiết bị: thiết bị đó không nhận thông báo nữa.")
    return redirect(reverse("notifications:devices"))
