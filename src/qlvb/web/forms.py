from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from qlvb.directory.models import User


class SignInForm(AuthenticationForm):
    """Username and password, with Vietnamese messages; a locked account is told so."""

    error_messages = {
        "invalid_login": _("Tên tài khoản hoặc mật khẩu không đúng."),
        "inactive": _("Tài khoản này đã bị khóa. Vui lòng liên hệ quản trị hệ thống."),
    }

    def __init__(self, request: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Tên tài khoản")
        self.fields["password"].label = _("Mật khẩu")
        self.fields["username"].widget.attrs.update(
            {"class": "form-control", "autocapitalize": "none", "autocomplete": "username webauthn"}
        )
        self.fields["password"].widget.attrs.update({"class": "form-control"})

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except ValidationError as exc:
            if exc.code == "invalid_login" and self._is_locked_account():
                raise ValidationError(self.error_messages["inactive"], code="inactive") from exc
            raise

    def _is_locked_account(self) -> bool:
        """The backends refuse a locked account like a wrong password; whoever knows the password is
        told that the account is locked (Điều 22.1.c), nobody else."""
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not username or not password:
            return False
        user = User.objects.filter(username=username, is_active=False).first()
        return user is not None and user.check_password(password)


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("Mật khẩu hiện tại"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "class": "form-control"}),
    )
    new_password1 = forms.CharField(
        label=_("Mật khẩu mới"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "class": "form-control"}),
        help_text=_("Ít nhất 10 ký tự, có chữ thường, chữ hoa, chữ số và ký tự đặc biệt."),
    )
    new_password2 = forms.CharField(
        label=_("Nhập lại mật khẩu mới"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "class": "form-control"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        new1, new2 = data.get("new_password1"), data.get("new_password2")
        if new1 and new2 and new1 != new2:
            self.add_error("new_password2", _("Hai lần nhập mật khẩu mới không khớp."))
        return data
