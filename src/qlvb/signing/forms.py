"""Forms of the signing pages: parse input only; the services check and store."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from . import conf
from .keys import KeyMethod

METHOD_LABELS = {
    KeyMethod.PKCS12: _("Tệp chứng thư số PKCS#12 (.p12, .pfx)"),
    KeyMethod.PLUGIN: _("USB token cắm vào máy tính của tôi (phần mềm ký số của nhà cung cấp)"),
    KeyMethod.CSC: _("Ký số từ xa (SmartCA, dịch vụ CSC)"),
    KeyMethod.PKCS11: _("USB token / HSM gắn vào máy chủ (PKCS#11)"),
}
METHOD_HELP = {
    KeyMethod.PKCS12: _(
        "Tải tệp lên ở mục “Tệp chứng thư số” bên dưới. Mật khẩu của tệp không được lưu: nhập mỗi lần ký."
    ),
    KeyMethod.PLUGIN: _(
        "Khóa nằm trong USB token, không rời khỏi token: khi ký, trình duyệt nhờ phần mềm ký số "
        "của nhà cung cấp (VNPT-CA, Viettel-CA, BKAV-CA, FPT-CA…) đang chạy trên máy tính này ký "
        "mã băm của văn bản; bạn nhập mã PIN vào phần mềm đó."
    ),
    KeyMethod.CSC: _("Khóa lưu tại nhà cung cấp dịch vụ chứng thực; bạn xác nhận (mã PIN/OTP) mỗi lần ký."),
    KeyMethod.PKCS11: _(
        "Thiết bị lưu khóa (USB token của Ban Cơ yếu Chính phủ hoặc HSM) gắn vào máy chủ ký số; "
        "bạn nhập mã PIN mỗi lần ký."
    ),
}


def _choices(values: list[str]) -> list[tuple[str, str]]:
    return [("", "—")] + [(v, v) for v in values]


class MethodForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Phương thức ký số"), widget=forms.RadioSelect, choices=list(METHOD_LABELS.items())
    )
    pkcs12_path = forms.CharField(
        label=_("Hoặc: tên tệp trong thư mục khóa của máy chủ (quản trị viên đặt)"), required=False, max_length=500
    )
    pkcs11_module = forms.ChoiceField(label=_("Thư viện PKCS#11"), required=False)
    pkcs11_token_label = forms.CharField(label=_("Nhãn thiết bị (token)"), required=False, max_length=100)
    pkcs11_key_label = forms.CharField(label=_("Nhãn khóa"), required=False, max_length=100)
    csc_service_url = forms.ChoiceField(label=_("Dịch vụ ký số từ xa"), required=False)
    csc_credential_id = forms.CharField(label=_("Mã chứng thư trên dịch vụ"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pkcs11_module"].choices = _choices(conf.pkcs11_modules())  # type: ignore[attr-defined]
        self.fields["csc_service_url"].choices = _choices(conf.csc_services())  # type: ignore[attr-defined]
        for name, field in self.fields.items():
            if name != "method":
                css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
                field.widget.attrs.setdefault("class", css)
        self.fields["method"].widget.attrs["class"] = "form-check-input"

    def settings(self) -> dict[str, str]:
        return {k: v for k, v in self.cleaned_data.items() if k != "method"}


class ImageForm(forms.Form):
    image = forms.FileField(
        label=_("Ảnh (PNG, nền trong suốt)"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png", "class": "form-control"}),
    )


class SealForm(ImageForm):
    image = forms.FileField(
        label=_("Ảnh con dấu (PNG màu đỏ, nền trong suốt)"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png", "class": "form-control"}),
    )
    width_mm = forms.FloatField(
        label=_("Đường kính thật của con dấu (mm)"),
        min_value=10,
        max_value=80,
        initial=36,
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.5"}),
    )


class VerifyForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp PDF cần kiểm tra"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf", "class": "form-control"}),
    )


class Pkcs12Form(forms.Form):
    file = forms.FileField(
        label=_("Tệp chứng thư số (.p12, .pfx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".p12,.pfx,application/x-pkcs12", "class": "form-control"}),
    )
    password = forms.CharField(
        label=_("Mật khẩu của tệp (để kiểm tra; không được lưu)"),
        max_length=200,
        strip=False,
        widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )


class AnchorForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp chứng thư gốc hoặc trung gian (.cer, .crt, .pem, .der)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".cer,.crt,.pem,.der", "class": "form-control"}),
    )
