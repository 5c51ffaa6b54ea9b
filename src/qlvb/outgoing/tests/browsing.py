"""What the outgoing browser tests do alike in Chromium: Đỗ Thanh Hương fills the drafting page."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def draft_form_submit(
    page: Any,
    base: str,
    draft_file: Path,
    *,
    copies: str = "5",
    others: str = "",
    reply_due: str = "",
    signer: str = "Nguyễn Văn Hùng",
) -> None:
    """Open /van-ban-di/soan/, fill a công văn to Trạm Y tế xã Liên Minh signed by ``signer`` with
    ``draft_file`` (and the other recipients typed as text, a reply due date, when given), and save."""
    page.goto(f"{base}/van-ban-di/soan/")
    page.get_by_label("Loại văn bản").select_option(label="Công văn")
    page.get_by_label("Trích yếu nội dung").fill("Triển khai tiêm chủng mở rộng")
    page.get_by_label("Nơi nhận trong danh bạ").select_option(label="Trạm Y tế xã Liên Minh")
    if others:
        page.get_by_label("Nơi nhận khác (mỗi dòng một nơi)").fill(others)
    page.get_by_label("Người ký").select_option(label=signer)
    page.get_by_label("Ký hiệu người soạn thảo").fill("ĐTH")
    if copies:
        page.get_by_label("Số lượng bản").fill(copies)
    if reply_due:
        page.get_by_label("Hạn trả lời").fill(reply_due)
    page.get_by_label("Tệp dự thảo (docx, odt)").set_input_files(str(draft_file))
    page.locator('[data-qlvb="save"]').click()
    page.wait_for_load_state("networkidle")
