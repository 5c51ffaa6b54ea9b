"""Administrator's pages on accounts (``/quan-tri/nguoi-dung/``): list, create with the proposed
account name (Điều 7.2), lock/unlock (Điều 22.1.c), grant/revoke roles. Thin: every write is a
service call, which checks the right for the unit concerned and writes the audit log."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from qlvb.core import permissions
from qlvb.core.errors import DomainError
from qlvb.core.permissions import Permission
from qlvb.core.text import fold

from . import policies, services, signins
from .access import current_user, permission_required
from .errors import ErrorCode
from .forms import LockForm, PasswordResetForm, RoleGrantForm, UserCreateForm, UserFilterForm
from .models import RoleAssignment, Unit, User
from .twofactor_reset import user_two_factor_reset, user_two_factor_reset_refusal

PAGE_SIZE = 25


def managed_units(actor: User, permission: Permission = policies.USER_MANAGE) -> list[Unit]:
    """Own units (agencies and departments) in which ``actor`` holds ``permission``."""
    units = Unit.objects.filter(external=False, is_active=True).select_related("parent", "agency")
    return [
        unit for unit in units.order_by("agency_id", "kind", "name") if permissions.has(actor, permission, unit=unit)
    ]


def _users_of(units: list[Unit]) -> QuerySet[User]:
    return User.objects.filter(unit__in=units).select_related("unit")


@permission_required(policies.USER_MANAGE)
def user_list(request: HttpRequest) -> HttpResponse:
    units = managed_units(current_user(request))
    form = UserFilterForm(request.GET or None, units=units)
    users = _users_of(units).prefetch_related("role_assignments__unit")
    if form.is_bound and form.is_valid():
        if form.cleaned_data.get("unit"):
            users = users.filter(unit=form.cleaned_data["unit"])
        term = (form.cleaned_data.get("q") or "").strip()
        if term:
            users = users.filter(Q(full_name_folded__contains=fold(term)) | Q(username__icontains=term))
    users = users.order_by("full_name_folded", "username")
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "directory/user_list.html", context)


@permission_required(policies.USER_MANAGE)
def user_create(request: HttpRequest) -> HttpResponse:
    actor = current_user(request)
    units = managed_units(actor)
    form = UserCreateForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit: Unit = data["unit"]
        role_unit: Unit = data.get("role_unit") or unit
        new = services.NewUser(
            full_name=data["full_name"],
            unit=unit,
            position=data["position"],
            email=data["email"],
            phone=data["phone"],
            username=data["username"],
            password=data["password"],
            roles=[(role, role_unit) for role in data["roles"]],
        )
        try:
            user = services.user_create(actor=actor, data=new)
        except DomainError as exc:
            if exc.code == ErrorCode.USERNAME_TAKEN:
                form.add_error("username", exc.message)
                offered = request.POST.copy()  # offer the suggestion in the field (Điều 7.2.b)
                offered["username"] = offered["username_auto"] = exc.details["suggestion"]
                form.data = offered
            elif exc.code == ErrorCode.PASSWORD_POLICY:
                form.add_error("password", exc.message)
            else:
                form.add_error(None, exc.message)
        else:
            messages.success(request, _("Đã tạo tài khoản %(username)s.") % {"username": user.username})
            return redirect("directory:user_detail", pk=user.pk)
    return render(request, "directory/user_form.html", {"form": form, **_username_context(form)})


def _username_context(form: UserCreateForm) -> dict[str, str]:
    data = form.data if form.is_bound else {}
    return {
        "username_value": data.get("username", ""),
        "username_auto": data.get("username_auto", ""),
        "proposal": data.get("username_auto", ""),
    }


@require_GET
@permission_required(policies.USER_MANAGE)
def username_proposal(request: HttpRequest) -> HttpResponse:
    """HTMX: the account-name field, filled with the proposal for the name and unit typed so far.
    A name the administrator typed himself (different from the last proposal) is kept."""
    units = {u.pk: u for u in managed_units(current_user(request))}
    full_name = request.GET.get("full_name", "").strip()
    typed = request.GET.get("username", "").strip()
    last_auto = request.GET.get("username_auto", "").strip()
    proposal = ""
    unit_id = request.GET.get("unit", "")
    unit = units.get(int(unit_id)) if unit_id.isdigit() else None
    if unit is not None and full_name:
        try:
            proposal = services.username_proposal(unit=unit, full_name=full_name)
        except ValueError:
            proposal = ""
    value = proposal if (not typed or typed == last_auto) else typed
    form = UserCreateForm(units=[])
    return render(
        request,
        "directory/_username_field.html",
        {
            "form": form,
            "username_value": value,
            "username_auto": proposal,
            "proposal": proposal,
        },
    )


def _managed_user(request: HttpRequest, pk: int) -> tuple[User, User, list[Unit]]:
    actor = current_user(request)
    units = managed_units(actor)
    return actor, get_object_or_404(_users_of(units), pk=pk), units


@permission_required(policies.USER_MANAGE)
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor, user, _units = _managed_user(request, pk)
    role_units = managed_units(actor, policies.ROLE_MANAGE)
    assignments = RoleAssignment.objects.filter(user=user).select_related("unit").order_by("unit__name")
    return render(
        request,
        "directory/user_detail.html",
        {
            "subject": user,
            "assignments": assignments,
            "lock_form": LockForm(),
            "grant_form": RoleGrantForm(units=role_units, initial={"unit": user.unit}),
            "can_lock": permissions.has(actor, policies.USER_LOCK, unit=user.unit) and user.pk != actor.pk,
            "can_roles": bool(role_units),
            "reset_form": PasswordResetForm(),
            "can_reset": user.pk != actor.pk,
            "session_count": signins.sessions_of(user).count(),
            "token_count": signins.tokens_of(user).count(),
            "can_reset_twofactor": user_two_factor_reset_refusal(actor=actor, user=user) is None,
        },
    )


def _run(request: HttpRequest, pk: int, done: str, action: str) -> HttpResponse:
    """Call one service for the user ``pk``; show its refusal as a message."""
    actor, user, _units = _managed_user(request, pk)
    try:
        if action == "lock":
            form = LockForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Cần ghi lý do khóa tài khoản."))
                return redirect("directory:user_detail", pk=pk)
            services.user_lock(actor=actor, user=user, reason=form.cleaned_data["reason"])
        elif action == "unlock":
            services.user_unlock(actor=actor, user=user)
        else:
            role_units = managed_units(actor, policies.ROLE_MANAGE)
            grant = RoleGrantForm(request.POST, units=role_units)
            if not grant.is_valid():
                messages.error(request, _("Vai trò hoặc đơn vị không hợp lệ."))
                return redirect("directory:user_detail", pk=pk)
            role, unit = grant.cleaned_data["role"], grant.cleaned_data["unit"]
            if action == "grant":
                services.role_grant(actor=actor, user=user, role=role, unit=unit)
            else:
                services.role_revoke(actor=actor, user=user, role=role, unit=unit)
    except DomainError as exc:
        if exc.status_code == 403:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("directory:user_detail", pk=pk)


@require_POST
@permission_required(policies.USER_LOCK)
def user_lock(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(request, pk, _("Đã khóa tài khoản."), "lock")


@require_POST
@permission_required(policies.USER_LOCK)
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(request, pk, _("Đã mở khóa tài khoản."), "unlock")


@require_POST
@permission_required(policies.ROLE_MANAGE)
def role_grant(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(request, pk, _("Đã gán vai trò."), "grant")


@require_POST
@permission_required(policies.ROLE_MANAGE)
def role_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(request, pk, _("Đã bỏ vai trò."), "revoke")


# --- outside agencies ------------------------------------------------------------------------------------


@permission_required(policies.OUTSIDE_AGENCY_MANAGE)
def outside_agencies(request: HttpRequest) -> HttpResponse:
    """``/quan-tri/co-quan-ngoai/``: the outside agencies of the directory and the form that adds one
    (clerks and administrators); ``?ten=`` fills in the name, ``?next=`` returns to the page it came from."""
    from django.utils.http import url_has_allowed_host_and_scheme

    from .forms import OutsideAgencyForm

    actor = current_user(request)
    back = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    form = OutsideAgencyForm(request.POST or None, initial={"name": request.GET.get("ten", "")[:255], "next": back})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            unit = services.outside_agency_create(
                actor=actor,
                name=d["name"],
                organ_id=d["organ_id"],
                short_name=d["short_name"],
                address=d["address"],
                email=d["email"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Đã thêm %(name)s vào danh bạ.") % {"name": unit.name})
            return redirect(back or "directory:outside_agencies")
    term = (request.GET.get("q") or "").strip()
    agencies = Unit.objects.filter(external=True, kind="agency").order_by("name")
    if term:
        agencies = agencies.filter(Q(name_folded__contains=fold(term)) | Q(organ_id__icontains=term.replace(" ", "")))
    page = Paginator(agencies, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "directory/outside_agencies.html", {"form": form, "page": page, "q": term, "back": back})


@require_POST
@permission_required(policies.USER_MANAGE)
def user_password_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """A new initial password the person must change at the next sign-in (issue 15)."""
    actor, user, _units = _managed_user(request, pk)
    form = PasswordResetForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Cần nhập mật khẩu ban đầu mới."))
        return redirect("directory:user_detail", pk=pk)
    try:
        services.user_password_reset(actor=actor, user=user, new_password=form.cleaned_data["new_password"])
    except DomainError as exc:
        if exc.status_code == 403:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã đặt lại mật khẩu; người dùng phải đổi mật khẩu ở lần đăng nhập sau."))
    return redirect("directory:user_detail", pk=pk)


@require_POST
@permission_required(policies.USER_LOCK)
def user_sessions_end(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign the person out everywhere: every web session and API token (issue 15)."""
    actor, user, _units = _managed_user(request, pk)
    ended = signins.user_sessions_end(actor=actor, user=user)
    messages.success(
        request,
        _("Đã đăng xuất %(sessions)d phiên và thu hồi %(tokens)d mã truy cập của người dùng.")
        % {"sessions": ended.sessions, "tokens": ended.tokens},
    )
    return redirect("directory:user_detail", pk=pk)


@require_POST
@permission_required(policies.USER_LOCK)
def user_twofactor_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """Reset the person's two-factor sign-in (a lost phone; issue 15): ``twofactor_reset``."""
    actor, user, _units = _managed_user(request, pk)
    try:
        removed = user_two_factor_reset(actor=actor, user=user)
    except DomainError as exc:
        if exc.status_code in (403, 404):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _(
                "Đã đặt lại xác thực hai bước: xóa %(apps)d ứng dụng xác thực và %(codes)d mã khôi phục, đăng xuất "
                "mọi nơi. Người dùng đã được thông báo và sẽ thiết lập lại ở lần đăng nhập sau."
            )
            % {"apps": removed["authenticator_apps"], "codes": removed["recovery_codes"]},
        )
    return redirect("directory:user_detail", pk=pk)
