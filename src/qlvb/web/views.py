from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from qlvb.core.errors import DomainError
from qlvb.directory import services, sso, twofactor
from qlvb.directory.errors import ErrorCode

from .access import current_user
from .forms import PasswordChangeForm, SignInForm


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html")


class SignInView(auth_views.LoginView):
    template_name = "web/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["sso_enabled"] = sso.sso_enabled()  # the official e-mail account's button (directory/sso.py)
        return context


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_change_password(
                actor=user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
                request=request,
            )
        except DomainError as exc:
            field = "old_password" if exc.code in {ErrorCode.WRONG_PASSWORD, ErrorCode.LOCKED_OUT} else "new_password1"
            form.add_error(field, exc.message)
        else:  # the service carried this session over to the new password; other devices are signed out
            messages.success(request, _("Đã đổi mật khẩu."))
            target = request.GET.get("next", "")
            if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
                return redirect(target)  # back where the forced change interrupted him (a path of this site)
            return redirect("web:home")
    context = {
        "form": form,
        "twofactor_on": twofactor.twofactor_enabled(user),
        "twofactor_required": twofactor.twofactor_required(user),
        "must_change": user.must_change_password,
    }
    return render(request, "web/password_change.html", context)
