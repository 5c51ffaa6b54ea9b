"""The parts of a verification report: the checks of one signature, its verdict, and their labels."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate
from pyhanko.sign.diff_analysis import ModificationLevel

from .certs import VN_TZ

OK, FAIL, UNKNOWN = "ok", "fail", "unknown"
VALID, INVALID = "valid", "invalid"
VERDICT_LABELS = {VALID: "hợp lệ", INVALID: "không hợp lệ", UNKNOWN: "chưa xác định"}
CHECK_LABELS = {
    "integrity": "Toàn vẹn dữ liệu đã ký",
    "modifications": "Thay đổi sau khi ký",
    "chain": "Chuỗi chứng thư đến nơi cấp tin cậy",
    "validity": "Hiệu lực chứng thư tại thời điểm ký",
    "revocation": "Tình trạng thu hồi chứng thư",
    "timestamp": "Dấu thời gian",
    "tsa": "Nơi cấp dấu thời gian",
}
DOC_TIMESTAMP = "doc_timestamp"
KIND_LABELS = {"signature": "Chữ ký số", DOC_TIMESTAMP: "Dấu thời gian tài liệu"}
MOD_LABELS = {
    ModificationLevel.NONE: "không có thay đổi",
    ModificationLevel.LTA_UPDATES: "chỉ bổ sung dữ liệu kiểm tra chứng thư / dấu thời gian",
    ModificationLevel.FORM_FILLING: "điền biểu mẫu và thêm chữ ký (số, ngày văn bản; chữ ký tiếp theo)",
    ModificationLevel.ANNOTATIONS: "thêm chú thích",
    ModificationLevel.OTHER: "thay đổi nội dung khác (trang, nội dung, đối tượng)",
}
DEFINITE_PROBLEMS = {
    AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND,
    AdESFailure.REVOKED,
    AdESIndeterminate.EXPIRED,
    AdESIndeterminate.OUT_OF_BOUNDS_NO_POE,
    AdESFailure.NOT_YET_VALID,
    AdESIndeterminate.NOT_YET_VALID,
}
REVOCATION_UNKNOWN = {
    AdESIndeterminate.TRY_LATER,
    AdESIndeterminate.REVOKED_NO_POE,
    AdESIndeterminate.REVOKED_CA_NO_POE,
    AdESIndeterminate.REVOCATION_OUT_OF_BOUNDS_NO_POE,
    AdESIndeterminate.OUT_OF_BOUNDS_NOT_REVOKED,
}


@dataclass
class Check:
    status: str
    message: str

    def as_dict(self, key: str) -> dict[str, str]:
        return {"check": key, "label": CHECK_LABELS[key], "status": self.status, "message": self.message}


@dataclass
class SignatureResult:
    field_name: str
    signer: dict[str, str]
    claimed_time: str | None
    timestamp_time: str | None
    checks: dict[str, Check] = field(default_factory=dict)
    signed_revision: int | None = None
    kind: str = "signature"
    demo_ca: bool = False

    @property
    def verdict(self) -> str:
        statuses = {c.status for c in self.checks.values()}
        if FAIL in statuses:
            return INVALID
        if UNKNOWN in statuses:
            return UNKNOWN
        return VALID

    def reasons(self) -> list[str]:
        wanted = FAIL if self.verdict == INVALID else UNKNOWN
        return [c.message for c in self.checks.values() if c.status == wanted]

    def as_dict(self) -> dict[str, Any]:
        return {
            "field": self.field_name,
            "signer": self.signer,
            "claimed_time": self.claimed_time,
            "timestamp_time": self.timestamp_time,
            "verdict": self.verdict,
            "verdict_label": VERDICT_LABELS[self.verdict],
            "reasons": self.reasons(),
            "checks": [c.as_dict(k) for k, c in self.checks.items()],
            "signed_revision": self.signed_revision,
            "kind": self.kind,
            "kind_label": KIND_LABELS[self.kind],
            "demo_ca": self.demo_ca,
        }


def time_iso(moment: datetime | None) -> str | None:
    return moment.astimezone(VN_TZ).isoformat() if moment else None


def time_shown(moment: datetime | None) -> str:
    """A time inside a message a person reads: dd/mm/yyyy HH:MM:SS, Vietnam time (the report's
    fields keep ISO 8601 for programs)."""
    return f"{moment.astimezone(VN_TZ):%d/%m/%Y %H:%M:%S} (+07:00)" if moment else ""
