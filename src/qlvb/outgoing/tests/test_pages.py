"""The pages: the whole path by posting the forms as each person would, the detail page showing each
step, and outsiders 404 on every route."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from qlvb.documents.models import DocumentType
from qlvb.outgoing.models import Outgoing, State
from qlvb.outgoing.services import FORMAT_CHECKLIST
from qlvb.outgoing.tests.conftest import PIN

BASE = "/van-ban-di"


def test_path_through_the_pages(page_as, person, tyt, cong_van_docx, profiles, committed):
    huong = page_as("dothanhhuong")
    assert huong.get(f"{BASE}/soan/").status_code == 200
    with committed():  # the PDF is made by the Celery task after the commit
        r = huong.post(
            f"{BASE}/soan/",
            {
                "doc_type": DocumentType.objects.get(name="Công văn").pk,
                "subject": "Triển khai tiêm chủng",
                "recipients": [tyt.pk],
                "signer": person("nguyenvanhung").pk,
                "urgency": 0,
                "copy_count": 3,
                "drafter_initials": "ĐTH",
                "file": SimpleUploadedFile("du-thao.docx", cong_van_docx),
            },
        )
    assert r.status_code == 302, r.content.decode()[:2000]
    outgoing = Outgoing.objects.get()
    detail = f"{BASE}/{outgoing.pk}/"
    page = huong.get(detail).content.decode()
    assert "V/v triển khai tiêm chủng" in page and "Dự thảo văn bản v1" in page
    huong.post(f"{detail}submit/")
    nam = page_as("hoangvannam")
    assert 'data-qlvb="approve"' in nam.get(detail).content.decode()
    nam.post(f"{detail}return/", {"comment": "Bổ sung thời gian"})
    outgoing.refresh_from_db()
    assert outgoing.state == State.RETURNED
    assert "Bổ sung thời gian" in huong.get(detail).content.decode()
    huong.post(f"{detail}submit/")
    nam.post(f"{detail}approve/", {"comment": "Đồng ý"})
    ha = page_as("lethuha")
    ha.post(f"{detail}format_check/", {f"check_{k}": "on" for k in FORMAT_CHECKLIST})
    hung = page_as("nguyenvanhung")
    outgoing.refresh_from_db()
    hung.post(f"{detail}sign/", {"pin": PIN, "version": outgoing.approved_version_id})
    ha.post(f"{detail}number/")
    ha.post(f"{detail}sign_agency/", {"pin": PIN})
    with committed():  # the exchange carries the delivery after the issue commits
        ha.post(f"{detail}issue/")
    outgoing.refresh_from_db()
    assert outgoing.state == State.ISSUED and outgoing.document.number_notation == "01/UBND-VHXH"
    page = huong.get(detail).content.decode()
    assert "01 — Đã đến" in page and "Trạm Y tế xã Liên Minh" in page
    pdf = huong.get(f"{detail}tep/{outgoing.signed_pdf_id}/")
    assert pdf.status_code == 200
    assert huong.get(f"{BASE}/?box=issued").content.decode().count('data-qlvb="outgoing-row"') == 1


def test_refusal_shows_the_message(page_as, draft, person):
    outgoing = draft()
    huong = page_as("dothanhhuong")
    r = huong.post(f"{BASE}/{outgoing.pk}/submit/", follow=True)
    assert "Cần tải lên tệp dự thảo" in r.content.decode()


@pytest.mark.parametrize("outsider", ["tytlienminh_dangvantoan", "ngothuytrang"])
def test_outsiders_get_404(page_as, draft, outsider):
    outgoing = draft()
    client = page_as(outsider)
    assert client.get(f"{BASE}/{outgoing.pk}/").status_code == 404
    for action in (
        "upload",
        "comment",
        "submit",
        "approve",
        "return",
        "format_check",
        "sign",
        "number",
        "sign_agency",
        "issue",
        "revoke",
        "replace",
    ):
        assert client.post(f"{BASE}/{outgoing.pk}/{action}/", {"comment": "x"}).status_code == 404, action
    assert client.get(f"{BASE}/{outgoing.pk}/tep/1/").status_code == 404
    assert 'data-qlvb="outgoing-row"' not in client.get(f"{BASE}/?box=all").content.decode()


def test_list_needs_sign_in():
    assert Client().get(f"{BASE}/").status_code == 302


def test_a_refused_draft_keeps_the_chosen_file_only_for_its_drafter(page_as, person, tyt, cong_van_docx, committed):
    """Issue 8: a past "Hạn trả lời" is refused; the browser forgets the chosen file, the form keeps it —
    and an id typed into the form never brings in somebody else's upload."""
    import re

    form = {
        "doc_type": DocumentType.objects.get(name="Công văn").pk,
        "subject": "Triển khai tiêm chủng",
        "recipients": [tyt.pk],
        "signer": person("nguyenvanhung").pk,
        "urgency": 0,
        "copy_count": 1,
    }
    huong = page_as("dothanhhuong")
    r = huong.post(
        f"{BASE}/soan/", {**form, "due_date": "01/01/2020", "file": SimpleUploadedFile("du-thao.docx", cong_van_docx)}
    )
    page = r.content.decode()
    assert r.status_code == 422 and "Hạn trả lời 01/01/2020 đã qua" in page, r.status_code
    assert 'data-qlvb="kept-files"' in page and "du-thao.docx" in page
    kept = re.search(r'name="kept_file" value="(\d+)"', page).group(1)  # type: ignore[union-attr]

    r = page_as("hoangvannam").post(f"{BASE}/soan/", {**form, "kept_file": kept})
    assert r.status_code == 302
    assert not Outgoing.objects.get().versions.exists()  # not his upload: the draft has no file
    with committed():
        r = huong.post(f"{BASE}/soan/", {**form, "kept_file": kept})
    assert r.status_code == 302
    mine = Outgoing.objects.get(drafter=person("dothanhhuong"))
    assert [v.stored_file.name for v in mine.versions.all()] == ["du-thao.docx"]
    r = huong.post(f"{BASE}/soan/", {**form, "kept_file": kept})  # already used by a draft: not again
    assert r.status_code == 302 and not Outgoing.objects.order_by("-pk").first().versions.exists()  # type: ignore[union-attr]


def test_the_signers_tab_pages_by_its_count(page_as, to_sign):
    """«Cần xử lý» takes its pages' count from the tab's count (one statement fewer); a search counts what it
    keeps."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    to_sign(subject="Triển khai tiêm chủng mở rộng")
    to_sign(subject="Báo cáo phòng chống dịch")
    signer = page_as("nguyenvanhung")
    with CaptureQueriesContext(connection) as captured:
        page = signer.get(f"{BASE}/?box=todo").content.decode()
    counting = 'SELECT COUNT(*) AS "__count" FROM "outgoing_outgoing"'
    assert not any(q["sql"].startswith(counting) for q in captured.captured_queries)
    assert page.count('class="list-group-item') == 2 and '<span class="badge text-bg-light">2</span>' in page
    with CaptureQueriesContext(connection) as captured:
        found = signer.get(f"{BASE}/?box=todo&q=tiem+chung").content.decode()
    assert sum(q["sql"].startswith(counting) for q in captured.captured_queries) == 1
    assert found.count('class="list-group-item') == 1 and "tiêm chủng" in found
