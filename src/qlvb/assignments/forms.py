"""Forms of the handling of a part (a document's or a task's). They parse input only; the services hold
the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qlvb.core.forms import DATE, StyledForm
from qlvb.directory import people
from qlvb.directory.models import Unit

from .models import ReminderKind


class AssignForm(StyledForm):
    note = forms.CharField(label=_("Ý kiến phân công"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    lead = forms.ChoiceField(label=_("Chủ trì"), required=False)
    supports = forms.MultipleChoiceField(label=_("Phối hợp"), required=False)
    due_date = forms.DateField(label=_("Hạn xử lý"), required=False, widget=DATE)

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(f"p:{u.pk}", u.full_name) for u in people.members_of(unit)]
        self.fields["lead"].choices = [("", "—"), *choices]  # type: ignore[attr-defined]
        self.fields["supports"].choices = choices  # type: ignore[attr-defined]


class ReasonForm(StyledForm):
    reason = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 3}))


class NoteForm(StyledForm):
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReportForm(StyledForm):
    kind = forms.ChoiceField(label=_("Loại"), choices=[("progress", _("Tiến độ")), ("opinion", _("Ý kiến"))])
    text = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 3}))
    progress = forms.IntegerField(label=_("Tiến độ (%)"), min_value=0, max_value=100, required=False)


class CompleteForm(StyledForm):
    result = forms.CharField(label=_("Kết quả xử lý"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ExtensionForm(StyledForm):
    new_due_date = forms.DateField(label=_("Đề nghị gia hạn đến"), widget=DATE)
    reason = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 2}))


class DecideForm(StyledForm):
    decision = forms.ChoiceField(
        label=_("Quyết định"), choices=[("grant", _("Đồng ý gia hạn")), ("refuse", _("Từ chối"))]
    )
    note = forms.CharField(label=_("Ghi chú"), required=False)


class RemindForm(StyledForm):
    kind = forms.ChoiceField(label=_("Hình thức"), choices=ReminderKind.choices)
    text = forms.CharField(label=_("Nội dung"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
