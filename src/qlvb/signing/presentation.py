"""Turning stored data into what the pages show: the method blocks of the profile form, a report
with dates as dd/mm/yyyy HH:MM:SS and Bootstrap classes for the verdicts."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from . import conf
from .certs import VN_TZ as VN
from .forms import METHOD_HELP, METHOD_LABELS, MethodForm
from .profiles import METHOD_FIELDS

VERDICT_CSS = {"valid": "success", "invalid": "danger", "unknown": "warning"}
CHECK_ICON = {"ok": "✓", "fail": "✗", "unknown": "?"}
CHECK_CSS = {"ok": "text-success", "fail": "text-danger", "unknown": "text-warning-emphasis"}
CHECK_WORD = {"ok": "đạt", "fail": "không đạt", "unknown": "chưa xác định"}


def pkcs12_display(path: str) -> str:
    try:
        return str(Path(path).relative_to(conf.pkcs12_dir().resolve()))
    except ValueError:
        return path


def method_context(form: MethodForm) -> dict[str, Any]:
    """One block per method: its radio button, label, help and its own fields."""
    radios = {str(r.data["value"]): r for r in form["method"]}
    blocks = [
        {
            "value": method,
            "radio": radios.get(method),
            "label": METHOD_LABELS[method],
            "help": METHOD_HELP[method],
            "fields": [form[name] for name in names],
        }
        for method, names in METHOD_FIELDS.items()
    ]
    return {
        "method_blocks": blocks,
        "pkcs12_dir": conf.pkcs12_dir(),
        "csc_offered": bool(conf.csc_services()),
        "pkcs11_offered": bool(conf.pkcs11_modules()),
    }


def vn_time(value: str | None) -> str:
    """ISO 8601 with offset → dd/mm/yyyy HH:MM:SS (the offset is +07:00 in our reports)."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    return f"{moment:%d/%m/%Y %H:%M:%S}"


def _revision_text(entry: dict[str, Any]) -> str:
    parts = []
    if entry.get("revision") == 0:
        parts.append(_("bản gốc"))
    if entry.get("signatures"):
        parts.append(_("chữ ký %(f)s") % {"f": ", ".join(entry["signatures"])})
    if entry.get("fields_filled"):
        parts.append(_("điền trường %(f)s") % {"f": ", ".join(entry["fields_filled"])})
    if entry.get("revocation_data_added"):
        parts.append(_("bổ sung dữ liệu kiểm tra chứng thư (OCSP/CRL)"))
    return "; ".join(parts) or _("thay đổi khác")


def report_view(report: dict[str, Any]) -> dict[str, Any]:
    signatures = []
    for sig in report.get("signatures", []):
        signatures.append(
            {
                **sig,
                "css": VERDICT_CSS.get(sig.get("verdict", ""), "secondary"),
                "claimed": vn_time(sig.get("claimed_time")),
                "stamped": vn_time(sig.get("timestamp_time")),
                "valid_from": vn_time((sig.get("signer") or {}).get("hieu_luc_tu")),
                "valid_to": vn_time((sig.get("signer") or {}).get("hieu_luc_den")),
                "checks": [
                    {
                        **c,
                        "icon": CHECK_ICON.get(c.get("status", ""), "?"),
                        "css": CHECK_CSS.get(c.get("status", ""), ""),
                        "word": CHECK_WORD.get(c.get("status", ""), ""),
                    }
                    for c in sig.get("checks", [])
                ],
            }
        )
    stamps = sum(1 for sig in signatures if sig.get("kind") == "doc_timestamp")
    return {
        **report,
        "signature_only_count": len(signatures) - stamps,
        "doc_timestamp_count": stamps,
        "css": VERDICT_CSS.get(report.get("verdict", ""), "secondary"),
        "verified": vn_time(report.get("verified_at")),
        "signatures": signatures,
        "revisions": [
            {**r, "number": r.get("revision", 0) + 1, "text": _revision_text(r)} for r in report.get("revisions", [])
        ],
    }


def anchors_view(anchors: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            **a.as_dict(),
            "valid_from": f"{a.not_before.astimezone(VN):%d/%m/%Y}",
            "valid_to": f"{a.not_after.astimezone(VN):%d/%m/%Y}",
        }
        for a in anchors
    ]
