"""Forms of the administrator's pages on accounts and roles. They parse; the services decide."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qlvb.core.role_labels import role_choices

from .models import Unit


def unit_label(unit: Unit) -> str:
    return unit.name if unit.is_agency else f"{unit.name} ({unit.short_name})"


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return unit_label(obj)


def _styled(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)


class UserFilterForm(forms.Form):
    unit = UnitChoiceField(
        label=_("Đơn vị"), queryset=Unit.objects.none(), required=False, empty_label=_("Tất cả đơn vị")
    )
    q = forms.CharField(label=_("Tìm theo tên"), required=False, max_length=150)

    def __init__(self, *args: Any, units: Sequence[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units])  # type: ignore[attr-defined]
        _styled(self)
        self.fields["unit"].widget.attrs["class"] += " form-select-sm"
        self.fields["q"].widget.attrs["class"] += " form-control-sm"


class UserCreateForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    unit = UnitChoiceField(label=_("Đơn vị"), queryset=Unit.objects.none(), empty_label=_("— Chọn đơn vị —"))
    username = forms.CharField(
        label=_("Tên tài khoản"),
        max_length=150,
        required=False,
        help_text=_("Hệ thống đề xuất theo quy chế (tiền tố_họ tên viết liền không dấu); bạn có thể thay."),
    )
    username_auto = forms.CharField(required=False, widget=forms.HiddenInput)
    position = forms.CharField(label=_("Chức vụ"), max_length=150, required=False)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    phone = forms.CharField(label=_("Điện thoại"), max_length=32, required=False)
    password = forms.CharField(
        label=_("Mật khẩu ban đầu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Ít nhất 10 ký tự, có chữ thường, chữ hoa, chữ số và ký tự đặc biệt."),
    )
    roles = forms.MultipleChoiceField(
        label=_("Vai trò"), required=False, widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})
    )
    role_unit = UnitChoiceField(
        label=_("Vai trò áp dụng tại"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("— Đơn vị của người dùng —"),
    )

    def __init__(self, *args: Any, units: Sequence[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        queryset = Unit.objects.filter(pk__in=[u.pk for u in units]).order_by("agency_id", "kind", "name")
        self.fields["unit"].queryset = queryset  # type: ignore[attr-defined]
        self.fields["role_unit"].queryset = queryset  # type: ignore[attr-defined]
        self.fields["roles"].choices = role_choices()  # type: ignore[attr-defined]
        _styled(self)
        self.fields["username"].widget.attrs.update({"autocomplete": "off", "autocapitalize": "none"})


class LockForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do khóa"),
        max_length=255,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": _("Ví dụ: chuyển công tác")}),
    )


class RoleGrantForm(forms.Form):
    role = forms.ChoiceField(label=_("Vai trò"))
    unit = UnitChoiceField(label=_("Tại đơn vị"), queryset=Unit.objects.none(), empty_label=None)

    def __init__(self, *args: Any, units: Sequence[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices()  # type: ignore[attr-defined]
        self.fields["unit"].queryset = Unit.objects.filter(  # type: ignore[attr-defined]
            pk__in=[u.pk for u in units]
        ).order_by("agency_id", "kind", "name")
        _styled(self)


class OutsideAgencyForm(forms.Form):
    name = forms.CharField(label=_("Tên cơ quan"), max_length=255)
    organ_id = forms.CharField(
        label=_("Mã định danh điện tử"),
        max_length=35,
        required=False,
        help_text=_(
            "Theo Quyết định 20/2020/QĐ-TTg, ví dụ 000.00.20.H26. Có mã: chờ gửi liên thông qua Trục; "
            "chưa có mã: gửi bản giấy."
        ),
    )
    short_name = forms.CharField(
        label=_("Tên viết tắt"), max_length=32, required=False, help_text=_("Để trống: lấy chữ cái đầu của tên.")
    )
    address = forms.CharField(label=_("Địa chỉ (gửi bản giấy)"), max_length=255, required=False)
    email = forms.CharField(label=_("Thư điện tử"), max_length=254, required=False)
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)


class PasswordResetForm(forms.Form):
    new_password = forms.CharField(
        label=_("Mật khẩu ban đầu mới"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "new-password"}),
    )


class UnitEditForm(forms.Form):
    """Name, short name and identifier of a unit (the page for one unit, and the new department)."""

    name = forms.CharField(label=_("Tên đầy đủ"), max_length=255)
    short_name = forms.CharField(label=_("Tên viết tắt"), max_length=32)
    organ_id = forms.CharField(
        label=_("Mã định danh"), max_length=35, required=False, help_text=_("Dạng 000.00.00.X00 (QĐ 20/2020).")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)


class UnitCreateForm(UnitEditForm):
    parent = UnitChoiceField(label=_("Thuộc đơn vị"), queryset=Unit.objects.none())

    def __init__(self, *args: Any, units: Sequence[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units])  # type: ignore[attr-defined]
        _styled(self)


class UnitMoveForm(forms.Form):
    parent = UnitChoiceField(label=_("Đơn vị cấp trên mới"), queryset=Unit.objects.none())

    def __init__(self, *args: Any, units: Sequence[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units])  # type: ignore[attr-defined]
        _styled(self)
