"""The audit page shows each entry's data with Vietnamese labels and formatted values, never the raw
keys the code records (``tokens_revoked: 0``, ``deduplicated: False``)."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

from qlvb.core import audit
from qlvb.directory.models import Unit, User
from qlvb.web.auditdata import KEY_LABELS

SRC = Path(__file__).resolve().parents[2]


def recorded_keys() -> dict[str, set[str]]:
    """Every literal key of ``data={...}`` in an ``audit.record(...)`` call of the code, by file."""
    found: dict[str, set[str]] = {}
    for path in SRC.rglob("*.py"):
        parts = path.relative_to(SRC).parts  # not the checkout's own folders (a worktree may be named "tests")
        if "tests" in parts or "migrations" in parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "record"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "audit"
            ):
                continue
            for keyword in node.keywords:
                if keyword.arg == "data" and isinstance(keyword.value, ast.Dict):
                    keys = {
                        k.value for k in keyword.value.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)
                    }
                    found.setdefault(str(path.relative_to(SRC)), set()).update(keys)
    return found


def test_every_recorded_key_has_a_vietnamese_label():
    found = recorded_keys()
    assert sum(len(keys) for keys in found.values()) > 20  # the scan sees the calls
    missing = {path: sorted(keys - set(KEY_LABELS)) for path, keys in found.items() if keys - set(KEY_LABELS)}
    assert not missing, f"add these keys to web.auditdata.KEY_LABELS: {missing}"


def visible_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_audit_page_shows_labels_and_formatted_values(demo, page_as):
    lan = User.objects.get(username="ublienminh_tranthilan")
    vhxh = Unit.objects.get(short_name="VHXH")
    audit.record("user.locked", actor=lan, obj=lan, data={"reason": "Chuyển công tác", "tokens_revoked": 0})
    audit.record(
        "file.uploaded",
        actor=lan,
        obj=("files.storedfile", "7", "cong-van.pdf"),
        data={
            "name": "cong-van.pdf",
            "sha256": "ab" * 32,
            "size": 2_621_440,
            "type": "pdf",
            "channel": "web",
            "deduplicated": False,
        },
    )
    audit.record("role.granted", actor=lan, obj=lan, data={"role": "officer", "unit": vhxh.pk})
    audit.record(
        "unit.updated",
        actor=lan,
        obj=vhxh,
        data={"warning": "", "organ_id": "H17.01", "reason": dt.datetime(2026, 3, 2, 1, 30, tzinfo=dt.UTC)},
    )
    client = page_as(lan)
    text = visible_text(client.get("/quan-tri/nhat-ky/").content.decode())
    for raw in ("tokens_revoked", "deduplicated", "sha256", "organ_id", "False", "True", "'unit'", "unit:"):
        assert raw not in text, raw
    for shown in (
        "Lý do khóa: Chuyển công tác",
        "Số mã truy cập API bị thu hồi: 0",
        "Trùng nội dung tệp đã lưu: Không",
        "Dung lượng: 2,5 MB",
        "Kênh: Giao diện web",
        "Mã băm SHA-256: abababababababab…",
        "Vai trò: Chuyên viên",
        f"Đơn vị: {vhxh.name}",
        "Mã định danh cơ quan: H17.01",
        "Lý do: 02/03/2026 08:30",  # a date-time in the data: dd/mm/yyyy HH:MM, Asia/Ho_Chi_Minh
    ):
        assert shown in text, shown


def test_audit_details_in_english_when_chosen(demo, page_as):
    lan = User.objects.get(username="ublienminh_tranthilan")
    audit.record("file.uploaded", actor=lan, obj=lan, data={"deduplicated": False, "size": 512})
    client = page_as(lan)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    text = visible_text(client.get("/quan-tri/nhat-ky/").content.decode())
    assert "Same content as a stored file: No" in text and "Size: 512 bytes" in text
