"""A person can see it (issue 9): in Chromium, a draft whose file LibreOffice cannot read shows the
reason and a "Thử lại" button (the conversion ran in the Celery task, eager here); a zip-bomb draft is
refused on the create page with the Vietnamese message; a file over the limit on a page form gets the
413 page. Screenshots in var/screenshots/zipbomb-*.png."""

from __future__ import annotations

import pytest

from qlvb.files.tests import bombs
from qlvb.outgoing.tests.browsing import draft_form_submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_conversion_failure_bomb_and_too_large_in_chromium(
    demo,
    live_server,
    browser_as,
    shot,
    tmp_path,
    eager,
    settings,
):
    base = live_server.url
    huong = browser_as("ublienminh_dothanhhuong")
    bomb = bombs.bomb_docx(tmp_path / "du-thao-bom.docx", unpacked=200 * bombs.MIB)
    draft_form_submit(huong, base, bomb)
    assert "có dấu hiệu nén bất thường (zip bomb)" in huong.content()
    shot(huong, "zipbomb-create-refused")

    broken = tmp_path / "hong.rtf"
    broken.write_bytes(b"{\\rtf1 " + b"\x00\xff" * 10)
    huong.get_by_label("Tệp dự thảo (docx, odt)").set_input_files(str(broken))
    huong.locator('[data-qlvb="save"]').click()
    huong.wait_for_load_state("networkidle")
    failed = huong.locator('[data-qlvb="conversion-failed"]')
    assert "LibreOffice không đọc được tệp “hong.rtf”" in failed.inner_text()
    assert huong.locator('[data-qlvb="conversion-retry"]').is_visible()
    shot(huong, "zipbomb-conversion-failed")

    settings.FILE_MAX_BYTES = 100_000
    big = tmp_path / "ho-so-quet.pdf"
    big.write_bytes(b"%PDF-1.7\n" + b"0" * 300_000 + b"\n%%EOF\n")
    huong.locator('[data-qlvb="upload"] input[type=file]').set_input_files(str(big))
    huong.locator('[data-qlvb="upload-ok"]').click()
    huong.wait_for_load_state("networkidle")
    assert "Tệp tải lên vượt quá dung lượng cho phép" in huong.content()
    shot(huong, "zipbomb-upload-413")
