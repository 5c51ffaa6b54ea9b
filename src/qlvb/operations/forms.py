"""The forms of the incident and maintenance pages (they parse; the services decide)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qlvb.core.forms import StyledForm

from .notice_models import NoticeKind

DATETIME = forms.DateTimeInput(
    attrs={"placeholder": "HH:MM dd/mm/yyyy", "autocomplete": "off", "inputmode": "numeric"}, format="%H:%M %d/%m/%Y"
)
DATETIME_FORMATS = ["%H:%M %d/%m/%Y", "%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class NoticeForm(StyledForm):
    kind = forms.ChoiceField(label=_("Loại"), choices=NoticeKind.choices)
    title = forms.CharField(label=_("Tiêu đề"), max_length=200)
    body = forms.CharField(
        label=_("Nội dung (hiện tượng, phạm vi ảnh hưởng)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    measures = forms.CharField(
        label=_("Biện pháp tạm thời cho người dùng"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    starts_at = forms.DateTimeField(
        label=_("Bắt đầu (để trống: ngay bây giờ)"), required=False, widget=DATETIME, input_formats=DATETIME_FORMATS
    )
    expected_end = forms.DateTimeField(
        label=_("Dự kiến khôi phục"), required=False, widget=DATETIME, input_formats=DATETIME_FORMATS
    )
    read_only = forms.BooleanField(
        label=_("Chỉ cho xem trong thời gian bảo trì (từ chối mọi thao tác ghi)"), required=False
    )


class NoticeEndForm(StyledForm):
    cause = forms.CharField(label=_("Nguyên nhân"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reenter = forms.CharField(
        label=_("Người dùng cần nhập lại"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class TicketForm(StyledForm):
    subject = forms.CharField(label=_("Tiêu đề"), max_length=200)
    description = forms.CharField(
        label=_("Mô tả vấn đề (đang làm gì, thấy gì, mong muốn gì)"), widget=forms.Textarea(attrs={"rows": 5})
    )
    attachment = forms.FileField(label=_("Ảnh chụp màn hình hoặc tệp (không bắt buộc)"), required=False)
    page = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)


class AnswerForm(StyledForm):
    answer = forms.CharField(label=_("Trả lời"), widget=forms.Textarea(attrs={"rows": 4}))
