"""A person sees it: the document page warns that an attached PDF carries scripts (issue 9)."""

from __future__ import annotations

import pytest

from qlvb.conftest import browser_sign_in
from qlvb.directory.demo import load_demo
from qlvb.directory.models import Unit, User
from qlvb.files.tests.samples import pdf_with_javascript
from qlvb.incoming.services import IncomingFile, incoming_receive

from .conftest import make_data
from .test_attachments import take_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_document_page_warns_of_scripts(live_server, page, console, shot, settings, tmp_path, celery_eager) -> None:
    settings.FILES_DIR = tmp_path / "files"
    load_demo()
    ha = User.objects.get(username="ublienminh_lethuha")
    stored = take_in(ha, "to-trinh-co-ma.pdf", pdf_with_javascript())
    doc = incoming_receive(
        actor=ha,
        agency=Unit.objects.get(username_prefix="ublienminh"),
        channel="paper",
        data=make_data(),
        files=[IncomingFile(stored)],
    ).document
    browser_sign_in(page, live_server.url, ha.username)
    page.goto(f"{live_server.url}/van-ban-den/{doc.pk}/")
    warning = page.locator('[data-qlvb="file-scripts"]')
    warning.wait_for()
    assert "mã lệnh tự chạy" in warning.inner_text()
    shot(page, "incoming-file-scripts")
    assert not [e for e in console.errors if "Content Security Policy" in e], console.errors
