"""Pages of the signing app: one's own signing method and signature image, the agency's key and
seal, "Kiểm tra chữ ký số" of an uploaded PDF, and a stored report. Thin: parse, call a service or
selector, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET

from qlvb.core.errors import DomainError
from qlvb.directory.access import current_user, forbidden, permission_required
from qlvb.files.uploads import guard_upload, too_large_detail, upload_too_large

from . import anchors, conf, forms, policies, presentation, profiles, reports, selectors
from .models import SigningProfile


def _upload_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponseBase]:
    """Size-limited upload handler installed before anything reads the body: Django's CSRF
    middleware reads ``request.POST``, so the check runs inside, after the handler is set (the
    pattern of Django's docs for per-view upload handlers)."""
    return csrf_exempt(guard_upload(csrf_protect(view)))


def _png(profile: SigningProfile | None) -> HttpResponse:
    if profile is None or not profile.image_png:
        raise Http404
    response = HttpResponse(bytes(profile.image_png), content_type="image/png")
    response["Cache-Control"] = "private, max-age=0, must-revalidate"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _method_initial(profile: SigningProfile | None) -> dict[str, Any]:
    if profile is None:
        return {}
    initial = {name: getattr(profile, name) for name in profiles.ALL_FIELDS}
    initial["method"] = profile.method
    if profile.pkcs12_path:
        initial["pkcs12_path"] = presentation.pkcs12_display(profile.pkcs12_path)
    return initial


def _save_method(request: HttpRequest, form: forms.MethodForm, **owner: Any) -> bool:
    if not form.is_valid():
        return False
    settings: dict[str, Any] = form.settings()
    try:
        profiles.signing_profile_save(
            actor=current_user(request), method=form.cleaned_data["method"], **owner, **settings
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return False
    messages.success(request, _("Đã lưu phương thức ký số."))
    return True


def _save_image(request: HttpRequest, form: forms.ImageForm, **owner: Any) -> bool:
    if upload_too_large(request):
        form.add_error(None, too_large_detail())
        return False
    if not form.is_valid():
        return False
    upload = form.cleaned_data["image"]
    try:
        profiles.signing_image_upload(
            actor=current_user(request), data=upload.read(), width_mm=form.cleaned_data.get("width_mm"), **owner
        )
    except DomainError as exc:
        form.add_error("image", exc.message)
        return False
    messages.success(request, _("Đã lưu ảnh."))
    return True


def _save_pkcs12(request: HttpRequest, form: forms.Pkcs12Form, **owner: Any) -> bool:
    if upload_too_large(request):
        form.add_error(None, too_large_detail())
        return False
    if not form.is_valid():
        return False
    upload = form.cleaned_data["file"]
    try:
        profiles.signing_pkcs12_upload(
            actor=current_user(request),
            data=upload.read(),
            password=form.cleaned_data["password"],
            name=upload.name or "",
            **owner,
        )
    except DomainError as exc:
        form.add_error("file", exc.message)
        return False
    finally:
        upload.close()
    messages.success(request, _("Đã lưu tệp chứng thư số. Mật khẩu không được lưu: nhập mỗi lần ký."))
    return True


def _key_context(current: SigningProfile | None) -> dict[str, Any]:
    return {
        "certificate": profiles.certificate_view(current),
        "uploaded_name": current.pkcs12_name if current is not None and current.pkcs12_data else "",
    }


@_upload_view
@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """ "Chữ ký số của tôi": the signing method and the signature image of the signed-in user."""
    user = current_user(request)
    current = profiles.signing_profile_get(actor=user, user=user)
    method_form = forms.MethodForm(initial=_method_initial(current))
    image_form = forms.ImageForm()
    pkcs12_form = forms.Pkcs12Form()
    if request.method == "POST":
        if request.POST.get("action") == "image":
            image_form = forms.ImageForm(request.POST, request.FILES)
            if _save_image(request, image_form, user=user):
                return redirect("signing:profile")
        elif request.POST.get("action") == "pkcs12":
            pkcs12_form = forms.Pkcs12Form(request.POST, request.FILES)
            if _save_pkcs12(request, pkcs12_form, user=user):
                return redirect("signing:profile")
        else:
            method_form = forms.MethodForm(request.POST)
            if _save_method(request, method_form, user=user):
                return redirect("signing:profile")
    return render(
        request,
        "signing/profile.html",
        {
            "current": current,
            "method_form": method_form,
            "image_form": image_form,
            "pkcs12_form": pkcs12_form,
            **presentation.method_context(method_form),
            "image_url": "signing:profile_image",
            **_key_context(current),
        },
    )


@login_required
@require_GET
def profile_image(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    return _png(profiles.signing_profile_get(actor=user, user=user))


def _agency(request: HttpRequest) -> Any:
    user = current_user(request)
    agencies = profiles.agencies_managed_by(user)
    wanted = request.GET.get("co_quan") or request.POST.get("co_quan")
    for agency in agencies:
        if wanted in (None, "", str(agency.pk)):
            return agency, agencies
    return None, agencies


@_upload_view
@permission_required(policies.AGENCY_MANAGE)
def agency(request: HttpRequest) -> HttpResponse:
    """The agency's signing key and seal image, for its administrator or clerk (NĐ 30 Điều 33)."""
    unit, agencies = _agency(request)
    if unit is None:
        return forbidden(request, _("Bạn không có quyền: %(label)s.") % {"label": policies.AGENCY_MANAGE.label})
    current = profiles.signing_profile_get(actor=current_user(request), agency=unit)
    method_form = forms.MethodForm(initial=_method_initial(current))
    image_form = forms.SealForm(initial={"width_mm": f"{(current.image_width_mm if current else None) or 36:g}"})
    pkcs12_form = forms.Pkcs12Form()
    if request.method == "POST":
        if request.POST.get("action") == "image":
            image_form = forms.SealForm(request.POST, request.FILES)
            if _save_image(request, image_form, agency=unit):
                return redirect(f"{request.path}?co_quan={unit.pk}")
        elif request.POST.get("action") == "pkcs12":
            pkcs12_form = forms.Pkcs12Form(request.POST, request.FILES)
            if _save_pkcs12(request, pkcs12_form, agency=unit):
                return redirect(f"{request.path}?co_quan={unit.pk}")
        else:
            method_form = forms.MethodForm(request.POST)
            if _save_method(request, method_form, agency=unit):
                return redirect(f"{request.path}?co_quan={unit.pk}")
    return render(
        request,
        "signing/agency.html",
        {
            "unit": unit,
            "agencies": agencies,
            "current": current,
            "method_form": method_form,
            "image_form": image_form,
            "pkcs12_form": pkcs12_form,
            **presentation.method_context(method_form),
            **_key_context(current),
        },
    )


@permission_required(policies.AGENCY_MANAGE)
@require_GET
def agency_image(request: HttpRequest, agency_id: int) -> HttpResponse:
    user = current_user(request)
    unit = next((a for a in profiles.agencies_managed_by(user) if a.pk == agency_id), None)
    if unit is None:
        raise Http404
    return _png(profiles.signing_profile_get(actor=user, agency=unit))


@_upload_view
@permission_required(policies.VERIFY)
def verify(request: HttpRequest) -> HttpResponse:
    """ "Kiểm tra chữ ký số": upload a PDF, see the report (stored, so the page can be opened again)."""
    form = forms.VerifyForm()
    if request.method == "POST":
        form = forms.VerifyForm(request.POST, request.FILES)
        if upload_too_large(request):
            form.add_error(None, too_large_detail())
        elif form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                _stored, report = reports.signature_report_verify_upload(
                    actor=current_user(request),
                    stream=upload,
                    original_name=upload.name or "",
                    channel="web",
                    declared_size=upload.size,
                )
            except DomainError as exc:
                form.add_error("file", exc.message)
            else:
                return redirect("signing:report", pk=report.pk)
            finally:
                upload.close()
    return render(request, "signing/verify.html", {"form": form, "trust_dir": conf.trust_anchors_dir()})


@permission_required(policies.VERIFY)
@require_GET
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """A stored verification report (linked from the incoming document page: ``signing:report``)."""
    try:
        stored = selectors.signature_report_get(actor=current_user(request), report_id=pk)
    except DomainError:
        raise Http404 from None
    return render(
        request,
        "signing/report.html",
        {
            "stored": stored,
            "r": presentation.report_view(stored.report),
        },
    )


@_upload_view
@permission_required(policies.ANCHORS_MANAGE)
def trust_anchors(request: HttpRequest) -> HttpResponse:
    """ "Chứng thư gốc tin cậy": the CA certificates every verification chains to (per deployment)."""
    form = forms.AnchorForm()
    if request.method == "POST":
        if request.POST.get("action") == "remove":
            try:
                removed = anchors.trust_anchor_remove(
                    actor=current_user(request), fingerprint=request.POST.get("fingerprint", "")
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Đã bỏ “%(name)s” khỏi danh sách tin cậy.") % {"name": removed.subject})
            return redirect("signing:anchors")
        form = forms.AnchorForm(request.POST, request.FILES)
        if upload_too_large(request):
            form.add_error(None, too_large_detail())
        elif form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                added = anchors.trust_anchor_add(
                    actor=current_user(request), data=upload.read(), name=upload.name or ""
                )
            except DomainError as exc:
                form.add_error("file", exc.message)
            else:
                messages.success(request, _("Đã thêm: %(names)s.") % {"names": ", ".join(a.subject for a in added)})
                return redirect("signing:anchors")
            finally:
                upload.close()
    return render(
        request,
        "signing/anchors.html",
        {
            "form": form,
            "anchors": presentation.anchors_view(anchors.trust_anchor_list()),
            "trust_dir": conf.trust_anchors_dir(),
        },
    )


@login_required
@require_GET
def plugin(request: HttpRequest) -> HttpResponse:
    """ "Ký bằng USB token": sign a PDF with the token at one's desk through the local plug-in (the page's
    script talks to the plug-in and to the API; docs/signing.md)."""
    from django.urls import reverse

    from .web_csp import with_plugin_origin

    response = render(
        request,
        "signing/plugin.html",
        {
            "plugin_url": conf.plugin_url(),
            "start_url": reverse("api:plugin_start"),
            "finish_url": reverse("api:plugin_finish", args=["SESSION"]),
        },
    )
    return with_plugin_origin(response, conf.plugin_url())
