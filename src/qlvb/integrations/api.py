"""The integration API at ``/api/integration/v1`` (OpenAPI at ``/api/integration/v1/openapi.json``):
a separate API for other systems, with its own authentication (``auth.py``). The endpoints are thin: the
services of ``drafts.py`` and ``receiving.py`` decide. docs/integration.md describes every call."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError

from qlvb.core.errors import DomainError, ValidationFailed
from qlvb.core.request_context import client_ip_from
from qlvb.files.intake import too_large
from qlvb.files.responses import file_response
from qlvb.files.services import file_open
from qlvb.files.uploads import MULTIPART_MARGIN, LimitedUploadHandler, request_max_bytes, upload_too_large

from . import drafts, issued, receiving
from .accounts import token_attempts_exceeded, token_issue, token_seconds
from .auth import CHALLENGE, SecretInUrl, SignedAuth, SystemAuth, caller, refuse_secret_in_url
from .errors import ErrorCode

integration_api = NinjaAPI(
    title="qlvb integration API",
    version="1",
    description=(
        "API cho hệ thống kết nối (một cửa, theo dõi nhiệm vụ, tài chính, nhân sự). Xác thực OAuth2 client "
        "credentials: `POST /oauth/token`, rồi `Authorization: Bearer <token>` và `X-Acting-User: <mã người dùng>`; "
        "hoặc ký từng lời gọi: `Authorization: QLVB-HMAC-SHA256 Credential=<client id>, Signature=<hex>`."
    ),
    auth=[SignedAuth(), SystemAuth()],
    urls_namespace="integration",
    docs_url="/docs",
)


@integration_api.exception_handler(DomainError)
def _domain(request: HttpRequest, exc: DomainError) -> HttpResponse:
    body: dict[str, Any] = {"detail": exc.message, "code": exc.code}
    if exc.details:
        body["details"] = exc.details
    return integration_api.create_response(request, body, status=exc.status_code)


@integration_api.exception_handler(ValidationError)
def _validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    names = ", ".join(".".join(str(p) for p in e.get("loc", [])[1:]) for e in exc.errors) or "dữ liệu"
    return integration_api.create_response(
        request, {"detail": f"Dữ liệu không hợp lệ hoặc thiếu: {names}.", "code": "invalid"}, status=422
    )


@integration_api.exception_handler(AuthenticationError)
def _auth(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = integration_api.create_response(
        request,
        {
            "detail": "Chưa xác thực hoặc mã truy cập không hợp lệ, đã hết hạn hay đã bị thu hồi: "
            "lấy mã mới ở /oauth/token (hoặc ký lời gọi bằng khóa bí mật: QLVB-HMAC-SHA256).",
            "code": "unauthenticated",
        },
        status=401,
    )
    response["WWW-Authenticate"] = CHALLENGE
    return response


@integration_api.exception_handler(HttpError)
def _http(request: HttpRequest, exc: HttpError) -> HttpResponse:
    messages = {404: "Không tìm thấy.", 405: "Phương thức không được hỗ trợ.", 400: "Yêu cầu không hợp lệ."}
    return integration_api.create_response(
        request, {"detail": messages.get(exc.status_code, str(exc))}, status=exc.status_code
    )


def _oauth_error(error: str, description: str, status: int) -> JsonResponse:
    """RFC 6749 §5.2, with the project's ``detail`` beside it."""
    response = JsonResponse({"error": error, "error_description": description, "detail": description}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Basic realm="qlvb-integration"'
    response["Cache-Control"] = "no-store"
    return response


def _basic(request: HttpRequest) -> tuple[str, str] | None:
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header.split(" ", 1)[1].strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, secret = decoded.partition(":")
    return (client_id, secret) if sep else None


@integration_api.post("/oauth/token", auth=None, summary="Lấy mã truy cập (OAuth2 client credentials)")
def oauth_token(request: HttpRequest) -> HttpResponse:
    try:
        refuse_secret_in_url(request)
    except SecretInUrl as exc:
        return _oauth_error(ErrorCode.INVALID_REQUEST, exc.message, 400)
    if request.POST.get("grant_type") != "client_credentials":
        return _oauth_error(
            ErrorCode.UNSUPPORTED_GRANT_TYPE, "Chỉ hỗ trợ grant_type=client_credentials (gửi dạng form).", 400
        )
    credentials = _basic(request) or (request.POST.get("client_id", ""), request.POST.get("client_secret", ""))
    if token_attempts_exceeded(credentials[0]):
        response = _oauth_error(
            ErrorCode.INVALID_CLIENT,
            "Sai khóa bí mật quá nhiều lần: tạm thời không cấp mã truy cập, thử lại sau 15 phút.",
            429,
        )
        response["Retry-After"] = "900"
        return response
    issued = token_issue(client_id=credentials[0], client_secret=credentials[1], ip=client_ip_from(request))
    if issued is None:
        return _oauth_error(
            ErrorCode.INVALID_CLIENT, "Mã ứng dụng hoặc khóa bí mật không đúng, hoặc hệ thống đã bị thu hồi.", 401
        )
    system, key = issued
    response = JsonResponse(
        {"access_token": key, "token_type": "Bearer", "expires_in": token_seconds(), "scope": " ".join(system.scopes)}
    )
    response["Cache-Control"] = "no-store"
    return response


@integration_api.get("/me", summary="Hệ thống và người đang được thay mặt")
def me(request: HttpRequest) -> dict[str, Any]:
    call = caller(request)
    person = call.person
    return {
        "system": call.system.name,
        "client_id": call.system.client_id,
        "scopes": call.system.scopes,
        "acting_user": {"name": person.full_name, "unit": person.unit.name if person.unit else ""},
    }


def _multipart(request: HttpRequest) -> None:
    """The upload limits of every channel, before the body is read: a body larger than the files may be is
    refused at once; each file is streamed to disk through the size-limited handler."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > request_max_bytes() + MULTIPART_MARGIN:
        raise too_large("")
    if not request.META.get("CONTENT_TYPE", "").startswith("multipart/form-data"):
        raise ValidationFailed("Gửi dạng multipart/form-data: các trường thông tin và các tệp.")
    if not hasattr(request, "_files"):
        request.upload_handlers = [LimitedUploadHandler(request)]


def _files(request: HttpRequest, name: str) -> list[drafts.UploadedFile]:
    found = request.FILES.getlist(name)
    if upload_too_large(request):
        raise too_large("")
    return [drafts.UploadedFile(name=f.name or "tep", stream=f, size=f.size) for f in found]


def _text(request: HttpRequest, name: str) -> str:
    return str(request.POST.get(name, ""))


def _date(request: HttpRequest, name: str, label: str) -> dt.date | None:
    value = _text(request, name).strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed(
            f"{label} “{value[:20]}” không hợp lệ: ghi theo dạng năm-tháng-ngày, ví dụ 2026-12-31.",
            details={"field": name},
        ) from None


def _int(request: HttpRequest, name: str, label: str) -> int:
    value = _text(request, name).strip() or "0"
    if not value.isdigit() or len(value) > 3:
        raise ValidationFailed(f"{label} phải là một số.", details={"field": name})
    return int(value)


def _main(request: HttpRequest) -> drafts.UploadedFile | None:
    files = _files(request, "main")
    if len(files) > 1:
        raise ValidationFailed("Chỉ gửi một tệp chính (main); các tệp khác gửi là phụ lục (appendix).")
    return files[0] if files else None


@integration_api.post("/drafts", response={200: dict, 201: dict}, summary="Gửi dự thảo văn bản đi (multipart)")
def draft_submit(request: HttpRequest) -> Status:
    _multipart(request)
    call = caller(request)
    codes = [c.strip() for c in _text(request, "recipient_codes").replace("\n", ",").split(",") if c.strip()]
    payload = drafts.DraftRequest(
        external_id=_text(request, "external_id"),
        type_code=_text(request, "type_code"),
        subject=_text(request, "subject"),
        signer_code=_text(request, "signer_code"),
        main_file=_main(request),
        appendices=_files(request, "appendix"),
        recipient_codes=codes,
        free_recipients=_text(request, "free_recipients"),
        urgency=_int(request, "urgency", "Độ khẩn"),
        due_date=_date(request, "due_date", "Hạn trả lời"),
        description=_text(request, "description"),
        drafter_initials=_text(request, "drafter_initials"),
        competence=_text(request, "competence"),
    )
    submission, created = drafts.submission_create(system=call.system, person=call.person, request=payload)
    return Status(201 if created else 200, drafts.submission_result(submission))


@integration_api.get("/drafts/results", summary="Các kết quả chưa xác nhận (đã phát hành, bị trả lại...)")
def draft_results(request: HttpRequest, limit: int = 100) -> dict[str, Any]:
    call = caller(request)
    waiting = drafts.submissions_waiting(system=call.system, person=call.person)
    rows = [drafts.submission_result(s) for s in waiting[: max(1, min(limit, 500))]]
    return {"count": len(rows), "results": rows}


@integration_api.get("/drafts/{external_id}", summary="Kết quả của một dự thảo: trạng thái, số, ký hiệu, ngày")
def draft_result(request: HttpRequest, external_id: str) -> dict[str, Any]:
    call = caller(request)
    return drafts.submission_result(
        drafts.submission_get(system=call.system, person=call.person, external_id=external_id)
    )


@integration_api.get("/drafts/{external_id}/signed-pdf", summary="Tải bản PDF đã ký của văn bản đã phát hành")
def draft_signed_pdf(request: HttpRequest, external_id: str) -> FileResponse:
    call = caller(request)
    submission = drafts.submission_get(system=call.system, person=call.person, external_id=external_id)
    return file_response(file_open(actor=call.person, stored_file=drafts.signed_pdf_of(submission), authorised=True))


@integration_api.post("/drafts/{external_id}/ack", summary="Xác nhận đã nhận kết quả")
def draft_ack(request: HttpRequest, external_id: str) -> dict[str, Any]:
    call = caller(request)
    return drafts.submission_result(
        drafts.submission_acknowledge(system=call.system, person=call.person, external_id=external_id)
    )


def _incoming_out(document: Any, external_id: str) -> dict[str, Any]:
    return {
        "external_id": external_id,
        "id": document.pk,
        "status": document.status,
        "status_label": str(document.get_status_display()),
        "arrival_number": document.arrival_number,
        "arrival_date": document.arrival_date.isoformat() if document.arrival_date else None,
        "duplicate_of": document.duplicate_of_id,
    }


@integration_api.post("/incoming", response={200: dict, 201: dict}, summary="Chuyển văn bản đến để vào sổ (multipart)")
def incoming_submit(request: HttpRequest) -> Status:
    _multipart(request)
    call = caller(request)
    payload = receiving.IncomingRequest(
        external_id=_text(request, "external_id"),
        type_code=_text(request, "type_code"),
        subject=_text(request, "subject"),
        organ_name=_text(request, "organ_name"),
        main_file=_main(request),
        appendices=_files(request, "appendix"),
        code_number=_text(request, "code_number"),
        code_notation=_text(request, "code_notation"),
        issued_date=_date(request, "issued_date", "Ngày ban hành"),
        organ_id=_text(request, "organ_id"),
        signer_name=_text(request, "signer_name"),
        signer_position=_text(request, "signer_position"),
        urgency=_int(request, "urgency", "Độ khẩn"),
        due_date=_date(request, "due_date", "Thời hạn giải quyết"),
        confirm_duplicate=_text(request, "confirm_duplicate").lower() in ("1", "true", "yes"),
    )
    handover, created = receiving.incoming_from_system(system=call.system, person=call.person, request=payload)
    return Status(201 if created else 200, _incoming_out(handover.document, handover.external_id))


@integration_api.get("/incoming/{external_id}", summary="Văn bản đến đã chuyển: số đến, ngày đến, trạng thái")
def incoming_result(request: HttpRequest, external_id: str) -> dict[str, Any]:
    call = caller(request)
    document = receiving.handover_get(system=call.system, person=call.person, external_id=external_id)
    return _incoming_out(document, external_id)


ISSUED_PAGE = 50


@integration_api.get("/issued", summary="Văn bản đã phát hành của đơn vị (since: từ ngày, page: trang)")
def issued_list(request: HttpRequest, since: str = "", page: int = 1) -> dict[str, Any]:
    call = caller(request)
    start = None
    if since:
        try:
            start = dt.date.fromisoformat(since)
        except ValueError:
            raise ValidationFailed("Ngày “since” ghi theo dạng năm-tháng-ngày, ví dụ 2026-12-01.") from None
    query = issued.issued_of_unit(system=call.system, person=call.person, since=start)
    count = query.count()
    page = max(1, min(page, 100_000))
    rows = [issued.issued_row(o) for o in query[(page - 1) * ISSUED_PAGE : page * ISSUED_PAGE]]
    return {"count": count, "page": page, "pages": (count + ISSUED_PAGE - 1) // ISSUED_PAGE, "results": rows}


@integration_api.get("/issued/{pk}/signed-pdf", summary="Tải bản PDF đã ký của một văn bản đã phát hành của đơn vị")
def issued_signed_pdf(request: HttpRequest, pk: int) -> FileResponse:
    call = caller(request)
    stored = issued.issued_pdf(system=call.system, person=call.person, pk=pk)
    return file_response(file_open(actor=call.person, stored_file=stored, authorised=True))


from .webhook_api import router as webhook_router  # noqa: E402  (the webhook calls, in their own module)

integration_api.add_router("/", webhook_router)
