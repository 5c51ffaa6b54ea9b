"""``/api/v1/signing/plugin/...``: signing with a USB token at the signer's desk through the local
signing plug-in (docs/signing.md) — step 1 sends the PDF and the certificate and gets the hash to sign,
step 2 sends the signature and gets the verification report. Mounted in ``signing.api.router``."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.decorators import decorate_view

from qlvb.directory.selectors import acting_user
from qlvb.files.uploads import guard_upload

from .api_uploads import multipart_body, uploaded_file

router = Router(tags=["signing"])


class PluginStartOut(Schema):
    session: str
    protocol: str
    hash: str
    hash_algorithm: str
    signature_algorithm: str
    signer: dict[str, str]
    expires_minutes: int


class PluginFinishIn(Schema):
    signature: str


class PluginFinishOut(Schema):
    report_id: int
    file_id: int
    verdict: str
    verdict_label: str
    report_url: str


@router.post(
    "/plugin/start",
    operation_id="qlvb_signing_api_plugin_start",
    response={201: PluginStartOut},
    summary="Ký bằng USB token tại máy người ký, bước 1: gửi tệp PDF (`file`) và chứng thư số do phần mềm ký "
    "số trả về (`certificate`, base64 DER; `chain`: các chứng thư trung gian, base64, cách nhau dấu "
    "phẩy); nhận mã băm cần ký",
    openapi_extra=multipart_body(
        {"certificate": {"type": "string"}, "chain": {"type": "string"}}, ("file", "certificate")
    ),
)
@decorate_view(guard_upload)
def plugin_start(request: HttpRequest) -> Status:

    from . import plugin

    uploaded = uploaded_file(request)
    try:
        data = uploaded.read()
    finally:
        uploaded.close()
    chain = [c for c in (request.POST.get("chain") or "").split(",") if c.strip()]
    started = plugin.plugin_sign_start(
        actor=acting_user(request),
        pdf=data,
        chain_b64=chain,
        file_name=uploaded.name or "",
        certificate_b64=request.POST.get("certificate", ""),
    )
    return Status(
        201,
        started.answer(),
    )


@router.post(
    "/plugin/{session}/finish",
    operation_id="qlvb_signing_api_plugin_finish",
    response={201: PluginFinishOut},
    summary="Bước 2: gửi chữ ký (base64) do phần mềm ký số tạo trên USB token; nhận kết quả kiểm tra",
)
def plugin_finish(request: HttpRequest, session: str, payload: PluginFinishIn) -> Status:
    from django.urls import reverse

    from . import plugin

    stored, report = plugin.plugin_sign_finish(
        actor=acting_user(request), session_id=session, signature_b64=payload.signature
    )
    return Status(
        201,
        {
            "report_id": report.pk,
            "file_id": stored.pk,
            "verdict": report.verdict,
            "verdict_label": str(report.get_verdict_display()),
            "report_url": reverse("signing:report", args=[report.pk]),
        },
    )
