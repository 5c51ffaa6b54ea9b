"""A person sees it (issues 15, 18): the clerk of UBND xã Liên Minh uploads last year's Sổ đăng ký văn bản
đến, reads the dry run (a wrong date on one row), uploads the corrected sheet, imports it, and finds the
documents in the register. Screenshots: var/screenshots/register-import-*.png."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from qlvb.conftest import no_csp_violation
from qlvb.directory.demo import load_demo
from qlvb.documents.models import Direction, Document

from .register_import_data import incoming_row, xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_clerk_uploads_checks_and_imports_a_register(
    live_server: Any, browser_as: Any, shot: Any, accessible: Any, tmp_path: Path
) -> None:
    load_demo()
    wrong = tmp_path / "so-den-2025-loi.xlsx"
    wrong.write_bytes(xlsx([incoming_row(1, day="02/01/2025"), incoming_row(2, day="31/02/2025")]).getvalue())
    right = tmp_path / "so-den-2025.xlsx"
    right.write_bytes(xlsx([incoming_row(1, day="02/01/2025"), incoming_row(2, day="03/01/2025")]).getvalue())

    clerk = browser_as("lethuha")
    errors: list[str] = []
    clerk.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    clerk.goto(f"{live_server.url}/quan-tri/nhap-so/")
    accessible(clerk, "the register import page")
    clerk.get_by_label("Tệp sổ đăng ký (.xlsx hoặc .csv UTF-8)").set_input_files(str(wrong))
    clerk.get_by_role("button", name="Kiểm tra (chưa nhập)").click()
    clerk.locator('[data-qlvb="import-counts"]').wait_for()
    assert "2 dòng: 1 hợp lệ, 1 lỗi" in clerk.locator('[data-qlvb="import-counts"]').inner_text()
    assert "không phải ngày hợp lệ" in clerk.locator('[data-qlvb="row-5"]').inner_text()
    assert clerk.get_by_role("button", name="Nhập 1 văn bản vào sổ").count() == 0
    accessible(clerk, "the dry run report with an error")
    shot(clerk, "register-import-errors")

    clerk.get_by_label("Loại sổ").select_option(label="Văn bản đến")
    clerk.get_by_label("Tệp sổ đăng ký (.xlsx hoặc .csv UTF-8)").set_input_files(str(right))
    clerk.get_by_role("button", name="Kiểm tra (chưa nhập)").click()
    clerk.get_by_role("button", name="Nhập 2 văn bản vào sổ").click()
    clerk.get_by_text("Đã nhập 2 văn bản vào sổ").wait_for()
    accessible(clerk, "the import result")
    shot(clerk, "register-import-done")
    no_csp_violation(errors)
    numbers = Document.objects.filter(direction=Direction.INCOMING, year=2025).values_list("arrival_number", flat=True)
    assert set(numbers) == {1, 2}
