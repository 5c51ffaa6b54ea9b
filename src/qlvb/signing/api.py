"""``/api/v1/signing/...``: one's signing profile and signature image, the agency's key and seal,
verification of an uploaded PDF and stored reports. The same services as the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status
from ninja.decorators import decorate_view

from qlvb.core.bounds import Id
from qlvb.core.errors import NotFound, PermissionDenied, ValidationFailed
from qlvb.directory.selectors import acting_user
from qlvb.files.models import Channel
from qlvb.files.uploads import guard_upload

from . import anchors, policies, profiles, reports, selectors
from .api_plugin import router as plugin_router
from .api_uploads import multipart_body, uploaded_file
from .errors import ErrorCode
from .models import SigningProfile
from .presentation import pkcs12_display

router = Router(tags=["signing"])
router.add_router("", plugin_router)  # the USB token steps (api_plugin.py)


class ProfileIn(Schema):
    method: str
    pkcs12_path: str = ""
    pkcs11_module: str = ""
    pkcs11_token_label: str = ""
    pkcs11_key_label: str = ""
    csc_service_url: str = ""
    csc_credential_id: str = ""


class ProfileOut(Schema):
    owner: str
    method: str
    method_label: str
    pkcs12_path: str
    pkcs11_module: str
    pkcs11_token_label: str
    pkcs11_key_label: str
    csc_service_url: str
    csc_credential_id: str
    has_image: bool
    image_width_mm: float | None
    updated_at: datetime | None
    pkcs12_uploaded: str = ""
    certificate: dict[str, Any] | None = None


class AnchorOut(Schema):
    fingerprint: str
    subject: str
    organisation: str
    issuer: str
    not_before: str
    not_after: str
    is_ca: bool
    demo: bool
    expired: bool
    file_name: str


class ReportOut(Schema):
    id: int
    file_sha256: str
    verdict: str
    verdict_label: str
    summary: str
    signature_count: int
    created_at: datetime
    report: dict[str, Any]


class VerifyOut(ReportOut):
    file_id: int


def _profile_out(profile: SigningProfile | None, owner: str) -> dict[str, Any]:
    out: dict[str, Any] = {name: getattr(profile, name, "") if profile else "" for name in profiles.ALL_FIELDS}
    if out["pkcs12_path"]:
        out["pkcs12_path"] = pkcs12_display(out["pkcs12_path"])  # the name in the keys folder, not a server path
    out.update(
        owner=owner,
        method=profile.method if profile else "",
        method_label=str(profile.get_method_display()) if profile and profile.method else "",
        has_image=bool(profile and profile.image_png),
        image_width_mm=profile.image_width_mm if profile else None,
        updated_at=profile.updated_at if profile else None,
        pkcs12_uploaded=profile.pkcs12_name if profile and profile.pkcs12_data else "",
    )
    view = profiles.certificate_view(profile)
    out["certificate"] = view.__dict__ if view is not None else None
    return out


def _pkcs12(request: HttpRequest, **owner: Any) -> SigningProfile:
    uploaded = uploaded_file(request)
    try:
        return profiles.signing_pkcs12_upload(
            actor=acting_user(request),
            data=uploaded.read(),
            name=uploaded.name or "",
            password=request.POST.get("password", ""),
            **owner,
        )
    finally:
        uploaded.close()


def _report_out(stored: Any) -> dict[str, Any]:
    return {
        "id": stored.pk,
        "file_sha256": stored.file_sha256,
        "verdict": stored.verdict,
        "verdict_label": str(stored.get_verdict_display()),
        "summary": stored.summary,
        "signature_count": stored.signature_count,
        "created_at": stored.created_at,
        "report": stored.report,
    }


def _png(profile: SigningProfile | None) -> HttpResponse:
    if profile is None or not profile.image_png:
        raise NotFound("Chưa có ảnh.", code=ErrorCode.NO_IMAGE)
    response = HttpResponse(bytes(profile.image_png), content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _agency(request: HttpRequest, agency_id: int | None) -> Any:
    """The agency asked for (default: the first the user manages, his own); 403 when he manages none,
    404 for one he does not manage."""
    agencies = profiles.agencies_managed_by(acting_user(request))
    if not agencies:
        raise PermissionDenied(f"Bạn không có quyền: {policies.AGENCY_MANAGE.label}.")
    for agency in agencies:
        if agency_id in (None, agency.pk):
            return agency
    raise NotFound()


# --- one's own profile -------------------------------------------------------------------------


@router.get("/profile", response=ProfileOut, summary="Phương thức ký số và ảnh chữ ký của tôi")
def profile_get(request: HttpRequest) -> dict[str, Any]:
    user = acting_user(request)
    return _profile_out(profiles.signing_profile_get(actor=user, user=user), owner=user.get_username())


@router.put("/profile", response=ProfileOut, summary="Chọn phương thức ký số của tôi")
def profile_put(request: HttpRequest, payload: ProfileIn) -> dict[str, Any]:
    user = acting_user(request)
    data = payload.dict()
    saved = profiles.signing_profile_save(actor=user, user=user, **data)
    return _profile_out(saved, owner=user.get_username())


@router.post(
    "/profile/image",
    response=ProfileOut,
    summary="Tải ảnh chữ ký của tôi (PNG màu xanh, nền trong suốt; multipart, trường `file`)",
    openapi_extra=multipart_body(),
)
@decorate_view(guard_upload)
def profile_image_post(request: HttpRequest) -> dict[str, Any]:
    user = acting_user(request)
    uploaded = uploaded_file(request)
    try:
        saved = profiles.signing_image_upload(actor=user, user=user, data=uploaded.read())
    finally:
        uploaded.close()
    return _profile_out(saved, owner=user.get_username())


@router.post(
    "/profile/pkcs12",
    response=ProfileOut,
    summary="Tải lên tệp chứng thư số PKCS#12 của tôi (multipart `file`, `password` chỉ để kiểm tra, "
    "không được lưu); chọn phương thức ký bằng tệp này",
    openapi_extra=multipart_body({"password": {"type": "string", "format": "password"}}, ("file", "password")),
)
@decorate_view(guard_upload)
def profile_pkcs12_post(request: HttpRequest) -> dict[str, Any]:
    user = acting_user(request)
    return _profile_out(_pkcs12(request, user=user), owner=user.get_username())


@router.get("/profile/image", response={200: None}, summary="Ảnh chữ ký của tôi (PNG)")
def profile_image_get(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    return _png(profiles.signing_profile_get(actor=user, user=user))


# --- the agency's profile ----------------------------------------------------------------------


@router.get(
    "/agency",
    response=ProfileOut,
    summary="Khóa ký số và ảnh con dấu của cơ quan (quản trị, văn thư); `agency_id` mặc định cơ quan mình",
)
def agency_get(request: HttpRequest, agency_id: Id | None = None) -> dict[str, Any]:
    unit = _agency(request, agency_id)
    return _profile_out(profiles.signing_profile_get(actor=acting_user(request), agency=unit), owner=unit.name)


@router.put("/agency", response=ProfileOut, summary="Chọn phương thức ký số của cơ quan")
def agency_put(request: HttpRequest, payload: ProfileIn, agency_id: Id | None = None) -> dict[str, Any]:
    unit = _agency(request, agency_id)
    saved = profiles.signing_profile_save(actor=acting_user(request), agency=unit, **payload.dict())
    return _profile_out(saved, owner=unit.name)


@router.post(
    "/agency/seal",
    response=ProfileOut,
    summary="Tải ảnh con dấu (PNG màu đỏ, nền trong suốt; multipart `file`, `width_mm` đường kính thật)",
    openapi_extra=multipart_body({"width_mm": {"type": "number", "default": 36}}),
)
@decorate_view(guard_upload)
def agency_seal_post(request: HttpRequest, agency_id: Id | None = None) -> dict[str, Any]:
    unit = _agency(request, agency_id)
    uploaded = uploaded_file(request)
    try:
        width = float(request.POST.get("width_mm") or 36)
    except ValueError:
        raise ValidationFailed("Đường kính con dấu (width_mm) phải là số (mm).", code=ErrorCode.WIDTH_MM) from None
    try:
        saved = profiles.signing_image_upload(
            actor=acting_user(request), agency=unit, data=uploaded.read(), width_mm=width
        )
    finally:
        uploaded.close()
    return _profile_out(saved, owner=unit.name)


@router.post(
    "/agency/pkcs12",
    response=ProfileOut,
    summary="Tải lên tệp PKCS#12 của cơ quan (multipart `file`, `password` không được lưu)",
    openapi_extra=multipart_body({"password": {"type": "string", "format": "password"}}, ("file", "password")),
)
@decorate_view(guard_upload)
def agency_pkcs12_post(request: HttpRequest, agency_id: Id | None = None) -> dict[str, Any]:
    unit = _agency(request, agency_id)
    return _profile_out(_pkcs12(request, agency=unit), owner=unit.name)


@router.get("/agency/seal", response={200: None}, summary="Ảnh con dấu của cơ quan (PNG)")
def agency_seal_get(request: HttpRequest, agency_id: Id | None = None) -> HttpResponse:
    unit = _agency(request, agency_id)
    return _png(profiles.signing_profile_get(actor=acting_user(request), agency=unit))


# --- verification ------------------------------------------------------------------------------


@router.post(
    "/verify",
    response={201: VerifyOut},
    summary="Kiểm tra chữ ký số của một tệp PDF (multipart, trường `file`); lưu tệp và kết quả",
    openapi_extra=multipart_body(),
)
@decorate_view(guard_upload)
def verify(request: HttpRequest) -> Status:
    uploaded = uploaded_file(request)
    try:
        stored_file, stored = reports.signature_report_verify_upload(
            actor=acting_user(request),
            stream=uploaded,
            original_name=uploaded.name or "",
            channel=Channel.API,
            declared_size=uploaded.size,
        )
    finally:
        uploaded.close()
    return Status(201, {**_report_out(stored), "file_id": stored_file.pk})


@router.get("/reports/{int:report_id}", response=ReportOut, summary="Một kết quả kiểm tra chữ ký số đã lưu")
def report_get(request: HttpRequest, report_id: Id) -> dict[str, Any]:
    return _report_out(selectors.signature_report_get(actor=acting_user(request), report_id=report_id))


# --- trust anchors (per deployment) ------------------------------------------------------------


@router.get("/anchors", response=list[AnchorOut], summary="Chứng thư gốc tin cậy (quản trị)")
def anchors_get(request: HttpRequest) -> list[dict[str, Any]]:
    from qlvb.core.permissions import require

    require(request.user, policies.ANCHORS_MANAGE)
    return [a.as_dict() for a in anchors.trust_anchor_list()]


@router.post(
    "/anchors",
    response={201: list[AnchorOut]},
    summary="Thêm chứng thư gốc/trung gian (PEM hoặc DER; multipart `file`)",
    openapi_extra=multipart_body(),
)
@decorate_view(guard_upload)
def anchors_post(request: HttpRequest) -> Status:
    uploaded = uploaded_file(request)
    try:
        added = anchors.trust_anchor_add(actor=acting_user(request), data=uploaded.read(), name=uploaded.name or "")
    finally:
        uploaded.close()
    return Status(201, [a.as_dict() for a in added])


@router.delete("/anchors/{fingerprint}", response={204: None}, summary="Bỏ một chứng thư gốc (theo SHA-256)")
def anchors_delete(request: HttpRequest, fingerprint: str) -> Status:
    anchors.trust_anchor_remove(actor=acting_user(request), fingerprint=fingerprint)
    return Status(204, None)
