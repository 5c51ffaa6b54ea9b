"""The forms of the dossier pages (they parse; the services decide)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MAX, RETENTION_YEARS_MAX, Numbering, PlanHeading

DATE = forms.DateInput(
    attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "class": "form-control", "autocomplete": "off"},
    format="%d/%m/%Y",
)


class StyledForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


def _retention_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Thời hạn bảo quản (năm)"),
        required=False,
        min_value=1,
        max_value=RETENTION_YEARS_MAX,
        help_text=_("Để trống nếu bảo quản vĩnh viễn."),
    )


class PlanCreateForm(StyledForm):
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    numbering = forms.ChoiceField(label=_("Cách đánh số hồ sơ"), choices=Numbering.choices)
    copy_forward = forms.BooleanField(label=_("Chép từ danh mục năm trước"), required=False)


class HeadingForm(StyledForm):
    title = forms.CharField(label=_("Tên đề mục"), max_length=MAX["title"])
    abbreviation = forms.CharField(label=_("Chữ viết tắt (ví dụ TCCB)"), max_length=10, required=False)
    parent = forms.ModelChoiceField(
        label=_("Thuộc đề mục lớn"),
        queryset=PlanHeading.objects.none(),
        required=False,
        empty_label=_("(đề mục lớn)"),
    )

    def __init__(self, *args: Any, plan: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = PlanHeading.objects.filter(plan=plan, parent__isnull=True)  # type: ignore[attr-defined]


class RowForm(StyledForm):
    heading = forms.ModelChoiceField(label=_("Đề mục"), queryset=PlanHeading.objects.none(), empty_label=None)
    title = forms.CharField(label=_("Tiêu đề hồ sơ"), max_length=MAX["title"])
    notation = forms.CharField(
        label=_("Số và ký hiệu hồ sơ"),
        max_length=MAX["file_notation"],
        required=False,
        help_text=_("Để trống để hệ thống tự đánh số (ví dụ 01.TCCB)."),
    )
    retention_years = _retention_field()
    retention_ref = forms.CharField(label=_("Theo điều khoản bảng thời hạn bảo quản"), max_length=100, required=False)
    note = forms.CharField(label=_("Ghi chú"), max_length=MAX["description"], required=False)

    def __init__(self, *args: Any, plan: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["heading"].queryset = PlanHeading.objects.filter(plan=plan).select_related("parent")  # type: ignore[attr-defined]


class DossierOpenForm(StyledForm):
    title = forms.CharField(label=_("Tiêu đề hồ sơ"), max_length=MAX["title"])
    notation = forms.CharField(label=_("Số và ký hiệu hồ sơ"), max_length=MAX["file_notation"])
    retention_years = _retention_field()
    retention_ref = forms.CharField(label=_("Theo điều khoản bảng thời hạn bảo quản"), max_length=100, required=False)
    start_date = forms.DateField(label=_("Thời gian bắt đầu"), required=False, widget=DATE)


class CloseForm(StyledForm):
    title = forms.CharField(label=_("Tiêu đề hồ sơ"), max_length=MAX["title"])
    end_date = forms.DateField(label=_("Thời gian kết thúc"), required=False, widget=DATE)
    description = forms.CharField(label=_("Ghi chú"), max_length=MAX["description"], required=False)


class ReopenForm(StyledForm):
    reason = forms.CharField(label=_("Lý do mở lại"), max_length=500)
