"""Who may do what with outgoing documents. Role permissions are declared here; the object-level
rules (the drafter, the person whose step it is, the chosen signer) live in ``services.py``."""

from __future__ import annotations

from qlvb.core.permissions import declare

APP = "outgoing"

DRAFT = declare(APP, "outgoing.draft", "Soạn thảo văn bản đi", {"officer", "dept_leader", "leader", "clerk"})
REVIEW = declare(APP, "outgoing.review", "Duyệt dự thảo văn bản đi", {"dept_leader", "leader"})
FORMAT = declare(APP, "outgoing.format_check", "Kiểm tra thể thức văn bản đi", {"clerk"})
SIGN = declare(APP, "outgoing.sign", "Ký ban hành văn bản đi", {"leader"})
NUMBER = declare(APP, "outgoing.number", "Cấp số, ký số cơ quan, phát hành văn bản đi", {"clerk"})
REVOKE = declare(APP, "outgoing.revoke", "Thu hồi, thay thế văn bản đi đã phát hành", {"clerk", "leader"})
REGISTER_PRINT = declare(APP, "outgoing.register_print", "In sổ đăng ký văn bản đi", {"clerk", "leader"})
CONFIGURE = declare(APP, "outgoing.configure", "Cấu hình hệ thống số, ký hiệu văn bản đi", {"admin", "clerk"})

# Roles held in the agency that see every outgoing document of the agency.
AGENCY_WIDE_ROLES = ("clerk", "leader")
