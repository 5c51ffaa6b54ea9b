from __future__ import annotations

from pathlib import Path

import pytest

from qlvb.exchange.edxml.model import (
    Attachment,
    Bussiness,
    Code,
    DocumentType,
    Edoc,
    EdocHeader,
    Organization,
    PromulgationInfo,
    SignerInfo,
    StaffInfo,
    TraceHeader,
)

REPO = Path(__file__).resolve().parents[5]
# CI clones the repository beside shared/; a git worktree under wt/ finds it one level higher
SHARED = next(
    (p for p in (REPO.parent / "shared", REPO.parent.parent / "shared") if p.is_dir()),
    REPO.parent / "shared",
)
SAMPLES = SHARED / "conformance" / "edxml-vpcp-sdk"


@pytest.fixture
def samples() -> Path:
    if not SAMPLES.is_dir():
        pytest.skip(f"không có mẫu kiểm thử edXML của VPCP tại {SAMPLES} (shared/ đặt cạnh kho mã)")
    return SAMPLES


def make_edoc(files: list[Path]) -> Edoc:
    return Edoc(
        header=EdocHeader(
            from_=Organization(organ_id="000.00.00.H41", organ_name="UBND tỉnh Nghệ An"),
            to=[Organization(organ_id="000.00.12.H41", organ_name="UBND xã Liên Minh")],
            document_id="000.00.00.H41,2026/12/01,125/UBND-VX",
            code=Code("125", "UBND-VX"),
            promulgation_info=PromulgationInfo("Nghệ An", "2026/12/01"),
            document_type=DocumentType("1", "0", "Công văn"),
            subject="V/v tổ chức Ngày hội Đại đoàn kết toàn dân tộc",
            content="Đề nghị các xã triển khai.",
            signer_info=SignerInfo("KT. CHỦ TỊCH", "Phó Chủ tịch", "Nguyễn Văn Hùng"),
        ),
        trace_headers=[TraceHeader("000.00.00.H41", "2026/12/01 08:30:00")],
        bussiness=Bussiness(
            bussiness_doc_type="0",
            bussiness_doc_reason="Văn bản điện tử mới",
            staff_info=StaffInfo("Văn phòng", "Lê Thu Hà", "vanthu@nghean.gov.vn", "0912000001"),
        ),
        attachments=[Attachment(path=f) for f in files],
    )
