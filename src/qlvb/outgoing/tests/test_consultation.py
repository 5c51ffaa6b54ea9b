"""Lấy ý kiến: the drafter asks chosen people of the agency, each answers agree / disagree / other with
a comment and a file; answering again replaces the answer; after the round is closed nothing is
accepted; the drafter extends, closes and exports the summary (XLSX read back, PDF text checked);
outsiders get 404; the invited see the draft and their own answer only."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from qlvb.assignments.models import Notification
from qlvb.core.errors import Conflict, PermissionDenied, ValidationFailed
from qlvb.outgoing import consultation as consult
from qlvb.outgoing import reports
from qlvb.outgoing.selectors import outgoing_visible_to
from qlvb.outgoing.tests.conftest import upload

pytestmark = pytest.mark.django_db
BASE = "/api/v1/outgoing"
JSON = "application/json"


@pytest.fixture
def drafted(draft, with_version):
    return with_version(draft())


def _in(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def test_a_round_from_asking_to_summary(drafted, person, committed):
    huong, huy, trang, nam = (person(n) for n in ("dothanhhuong", "vuquanghuy", "ngothuytrang", "hoangvannam"))
    assert not outgoing_visible_to(huy).filter(pk=drafted.pk).exists()
    with committed():
        c = consult.consultation_open(
            actor=huong,
            outgoing=drafted,
            people=[huy, trang, nam],
            deadline=_in(3),
            message="Đề nghị góp ý trước ngày hạn.",
        )
    assert c.ordinal == 1 and c.version is not None and c.version.ordinal == 1
    assert set(Notification.objects.filter(kind="new_document").values_list("user__username", flat=True)) == {
        huy.username,
        trang.username,
        nam.username,
    }
    assert outgoing_visible_to(huy).filter(pk=drafted.pk).exists()  # the invited see the draft
    consult.consultation_answer(actor=huy, consultation=c, opinion="agree")
    note = upload(trang, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "gop-y-trang.pdf")
    consult.consultation_answer(
        actor=trang, consultation=c, opinion="other", comment="Bổ sung căn cứ", stored_file=note
    )
    with pytest.raises(ValidationFailed, match="nội dung góp ý"):
        consult.consultation_answer(actor=nam, consultation=c, opinion="disagree")
    # answering again replaces the answer; the history keeps both
    consult.consultation_answer(actor=huy, consultation=c, opinion="disagree", comment="Sai số liệu mục 2")
    answer = c.answers.get(user=huy)
    assert (answer.opinion, answer.revisions, answer.late) == ("disagree", 1, False)
    assert drafted.document.events.filter(action="consultation_answered").count() == 3
    assert consult.summary_counts(c) == {"agree": 0, "disagree": 1, "other": 1, "none": 1, "total": 3}
    # extend, then close: the unanswered stays "chưa trả lời", nothing more is accepted
    with pytest.raises(ValidationFailed, match="sau hạn hiện tại"):
        consult.consultation_extend(actor=huong, consultation=c, deadline=_in(2))
    with pytest.raises(PermissionDenied):
        consult.consultation_extend(actor=huy, consultation=c, deadline=_in(5))
    consult.consultation_extend(actor=huong, consultation=c, deadline=_in(5))
    c.refresh_from_db()
    assert (c.deadline, c.first_deadline) == (_in(5), _in(3))
    with pytest.raises(PermissionDenied):
        consult.consultation_close(actor=huy, consultation=c)
    consult.consultation_close(actor=huong, consultation=c)
    with pytest.raises(Conflict, match="đã kết thúc"):
        consult.consultation_answer(actor=nam, consultation=c, opinion="agree")
    with pytest.raises(Conflict):
        consult.consultation_close(actor=huong, consultation=c)
    closed = drafted.document.events.get(action="consultation_closed")
    assert "0 đồng ý, 1 không đồng ý, 1 ý kiến khác, 1 chưa trả lời" in closed.text

    # the summary, read back from the XLSX
    sheet = load_workbook(io.BytesIO(reports.consultation_xlsx(c))).active
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    flat = [str(v) for row in cells for v in row if v is not None]
    assert "BẢNG TỔNG HỢP Ý KIẾN GÓP Ý DỰ THẢO" in flat
    assert any("Lấy ý kiến lần 1, phiên bản dự thảo 1" in v and "gia hạn từ" in v for v in flat)
    head = cells.index(list(reports.SUMMARY_COLUMNS))
    rows = {r[1]: r for r in cells[head + 1 : head + 4]}
    assert rows["Vũ Quang Huy"][3] == "Không đồng ý" and rows["Vũ Quang Huy"][4] == "Sai số liệu mục 2"
    assert rows["Ngô Thùy Trang"][3] == "Ý kiến khác" and rows["Ngô Thùy Trang"][5] == "gop-y-trang.pdf"
    assert rows["Hoàng Văn Nam"][3] == "Chưa trả lời"
    assert any(v.startswith("Tổng hợp: 0 đồng ý, 1 không đồng ý") for v in flat)

    # and the PDF printed from it by LibreOffice
    pdf = reports.consultation_pdf(c)
    if os.environ.get("QLVB_OUTGOING_SAVE_DIR"):  # to render and look at
        Path(os.environ["QLVB_OUTGOING_SAVE_DIR"], "tong-hop-y-kien.pdf").write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "BẢNG TỔNG HỢP Ý KIẾN GÓP Ý DỰ THẢO" in text
    assert "Vũ Quang Huy" in text and "Sai số liệu mục 2" in text and "Chưa trả lời" in text


def test_rules_of_opening_a_round(drafted, draft, person, tyt):
    huong, huy = person("dothanhhuong"), person("vuquanghuy")
    with pytest.raises(PermissionDenied):  # only the drafter asks
        consult.consultation_open(actor=person("lethuha"), outgoing=drafted, people=[huy], deadline=_in(3))
    with pytest.raises(ValidationFailed, match="cơ quan"):  # only people of the agency
        consult.consultation_open(
            actor=huong, outgoing=drafted, people=[person("tytlienminh_buithiloan")], deadline=_in(3)
        )
    with pytest.raises(ValidationFailed, match="chính mình"):
        consult.consultation_open(actor=huong, outgoing=drafted, people=[huong], deadline=_in(3))
    with pytest.raises(ValidationFailed, match="trước hôm nay"):
        consult.consultation_open(actor=huong, outgoing=drafted, people=[huy], deadline=_in(-1))
    with pytest.raises(ValidationFailed, match="tải lên tệp dự thảo"):
        consult.consultation_open(actor=huong, outgoing=draft(), people=[huy], deadline=_in(3))
    first = consult.consultation_open(actor=huong, outgoing=drafted, people=[huy], deadline=_in(3))
    with pytest.raises(Conflict, match="chưa kết thúc"):  # one open round at a time
        consult.consultation_open(actor=huong, outgoing=drafted, people=[huy], deadline=_in(3))
    consult.consultation_close(actor=huong, consultation=first)
    second = consult.consultation_open(actor=huong, outgoing=drafted, people=[huy], deadline=_in(4))
    assert second.ordinal == 2
    with pytest.raises(PermissionDenied, match="không được mời"):
        consult.consultation_answer(actor=person("ngothuytrang"), consultation=second, opinion="agree")


def test_a_late_answer_is_accepted_and_marked(drafted, person):
    huong, huy = person("dothanhhuong"), person("vuquanghuy")
    c = consult.consultation_open(actor=huong, outgoing=drafted, people=[huy], deadline=_in(0))
    type(c).objects.filter(pk=c.pk).update(deadline=_in(-2))  # two days have passed
    answer = consult.consultation_answer(actor=huy, consultation=c, opinion="agree")
    assert answer.late


def test_due_soon_reminds_those_who_have_not_answered_once(drafted, person, committed):
    huong, huy, trang = person("dothanhhuong"), person("vuquanghuy"), person("ngothuytrang")
    c = consult.consultation_open(actor=huong, outgoing=drafted, people=[huy, trang], deadline=_in(1))
    consult.consultation_answer(actor=huy, consultation=c, opinion="agree")
    with committed():
        assert consult.consultations_due_sweep() == 1
    with committed():
        assert consult.consultations_due_sweep() == 0  # once
    assert list(Notification.objects.filter(kind="due_soon").values_list("user__username", flat=True)) == [
        trang.username
    ]


def test_api_path_and_refusals(api_as, drafted, person):
    pk = drafted.pk
    huong, huy, outsider = api_as("dothanhhuong"), api_as("vuquanghuy"), api_as("tranthilan2")
    assert huy.get(f"{BASE}/{pk}").status_code == 404
    r = huong.post(
        f"{BASE}/{pk}/consultations",
        {
            "user_ids": [person("vuquanghuy").pk, person("ngothuytrang").pk],
            "deadline": _in(3).isoformat(),
            "message": "Góp ý giúp",
        },
        content_type=JSON,
    )
    assert r.status_code == 201, r.content
    cid = r.json()["id"]
    assert r.json()["summary"]["none"] == 2
    assert huy.get(f"{BASE}/{pk}").status_code == 200
    for method, path in [
        ("get", ""),
        ("post", f"/{cid}/answer"),
        ("post", f"/{cid}/extend"),
        ("post", f"/{cid}/close"),
        ("get", f"/{cid}/export"),
    ]:
        r = getattr(outsider, method)(
            f"{BASE}/{pk}/consultations{path}", {"opinion": "agree", "deadline": _in(9).isoformat()}, content_type=JSON
        )
        assert r.status_code == 404, (method, path, r.status_code)
    r = huy.post(f"{BASE}/{pk}/consultations/{cid}/answer", {"opinion": "agree"}, content_type=JSON)
    assert r.status_code == 200 and r.json()["answers"][0]["opinion"] == "agree"
    r = huy.post(f"{BASE}/{pk}/consultations/{cid}/answer", {"opinion": "maybe"}, content_type=JSON)
    assert r.status_code == 422 and "Đồng ý" in r.json()["detail"]
    # the invited see their own answer only, not the summary nor the export
    rounds = huy.get(f"{BASE}/{pk}/consultations").json()
    assert len(rounds[0]["answers"]) == 1 and "summary" not in rounds[0]
    assert huy.get(f"{BASE}/{pk}/consultations/{cid}/export").status_code == 403
    assert huy.post(f"{BASE}/{pk}/consultations/{cid}/close").status_code == 403
    full = huong.get(f"{BASE}/{pk}/consultations").json()[0]
    assert full["summary"] == {"agree": 1, "disagree": 0, "other": 0, "none": 1, "total": 2}
    assert api_as("lethuha").get(f"{BASE}/{pk}/consultations").json()[0]["summary"]["agree"] == 1  # clerk: by role
    r = huong.post(f"{BASE}/{pk}/consultations/{cid}/extend", {"deadline": _in(6).isoformat()}, content_type=JSON)
    assert r.json()["deadline"] == _in(6).isoformat()
    assert huong.post(f"{BASE}/{pk}/consultations/{cid}/close").json()["open"] is False
    r = huy.post(f"{BASE}/{pk}/consultations/{cid}/answer", {"opinion": "disagree", "comment": "x"}, content_type=JSON)
    assert r.status_code == 409 and "đã kết thúc" in r.json()["detail"]
    x = huong.get(f"{BASE}/{pk}/consultations/{cid}/export?format=xlsx")
    assert x.status_code == 200 and x.content[:2] == b"PK"
    assert huong.get(f"{BASE}/{pk}/consultations/{cid}/export?format=doc").status_code == 422


def test_pages_ask_answer_extend_close_export(drafted, person, page_as):
    page_url = f"/van-ban-di/{drafted.pk}/"
    huong, huy, outsider = page_as("dothanhhuong"), page_as("vuquanghuy"), page_as("tranthilan2")
    assert huy.get(page_url).status_code == 404
    assert 'data-qlvb="consultation-open"' in huong.get(page_url).content.decode()
    r = huong.post(
        f"{page_url}y-kien/",
        {
            "people": [person("vuquanghuy").pk, person("ngothuytrang").pk],
            "deadline": _in(3).strftime("%d/%m/%Y"),
            "message": "Xin ý kiến",
        },
    )
    assert r.status_code == 302
    c = drafted.consultations.get()
    assert outsider.post(f"{page_url}y-kien/{c.pk}/tra-loi/", {"opinion": "agree"}).status_code == 404
    assert outsider.get(f"{page_url}y-kien/{c.pk}/tong-hop.xlsx").status_code == 404
    page = huy.get(page_url).content.decode()
    assert 'data-qlvb="consultation-answer"' in page and 'data-qlvb="consultation-summary"' not in page
    from django.core.files.uploadedfile import SimpleUploadedFile

    huy.post(
        f"{page_url}y-kien/{c.pk}/tra-loi/",
        {
            "opinion": "other",
            "comment": "Đề nghị bổ sung kinh phí",
            "file": SimpleUploadedFile("gop-y.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
        },
    )
    answer = c.answers.get(user=person("vuquanghuy"))
    assert answer.opinion == "other" and answer.stored_file.name == "gop-y.pdf"
    page = huong.get(page_url).content.decode()
    assert "Đề nghị bổ sung kinh phí" in page and 'data-qlvb="consultation-summary"' in page
    huong.post(f"{page_url}y-kien/{c.pk}/gia-han/", {"deadline": _in(7).isoformat()})
    c.refresh_from_db()
    assert c.deadline == _in(7)
    huong.post(f"{page_url}y-kien/{c.pk}/ket-thuc/")
    c.refresh_from_db()
    assert not c.is_open
    r = huy.post(f"{page_url}y-kien/{c.pk}/tra-loi/", {"opinion": "agree"}, follow=True)
    assert "đã kết thúc" in r.content.decode()
    assert c.answers.get(user=person("vuquanghuy")).opinion == "other"
    x = huong.get(f"{page_url}y-kien/{c.pk}/tong-hop.xlsx")
    assert x.status_code == 200 and x.content[:2] == b"PK"
    assert huy.get(f"{page_url}y-kien/{c.pk}/tong-hop.xlsx").status_code == 302  # refused, with a message
