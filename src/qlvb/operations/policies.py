"""Who may run the operations of people and accounts."""

from qlvb.core.permissions import declare

APP = "operations"

# Điều 22.1.c, 22.2.b: the head of the person's unit (or of the agency, or its administrator) hands over
# the work of a person who leaves or moves.
HANDOVER = declare(
    APP, "operations.handover", "Bàn giao công việc khi nghỉ việc, chuyển công tác", {"admin", "leader", "dept_leader"}
)

# Issues 15, 18: the clerk (or the agency's administrator) imports the registers kept in spreadsheets.
REGISTER_IMPORT = declare(APP, "operations.register_import", "Nhập sổ đăng ký văn bản từ Excel/CSV", {"admin", "clerk"})

# Issue 15 (Điều 21.2, 23): the agency's administrator migrates the old system's data (units, accounts,
# registers, assignments, dossiers) from a bundle.
MIGRATE = declare(APP, "operations.migrate", "Chuyển đổi dữ liệu từ hệ thống cũ", {"admin"})
