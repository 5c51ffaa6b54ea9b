"""Issue 8, "outgoing drafts": subject, recipients and signer can be changed while the draft can change
(after an approval the chain starts again, the change is in the history with before and after); the
format checklist starts unticked and an unticked item returns the draft; a reply due date in the past
is refused with a Vietnamese message where it makes no sense."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from qlvb.core.errors import Conflict, ValidationFailed
from qlvb.documents.models import Document, DocumentEvent, DocumentType
from qlvb.outgoing import services
from qlvb.outgoing.models import State, StepKind, StepStatus
from qlvb.outgoing.services import FORMAT_CHECKLIST

pytestmark = pytest.mark.django_db(transaction=False)


def _data(outgoing, **changes):
    d = outgoing.document
    values = {
        "doc_type": d.doc_type,
        "subject": d.subject,
        "signer": outgoing.signer,
        "competence": outgoing.competence,
        "urgency": d.urgency,
        "due_date": d.due_date,
        "drafter_initials": outgoing.drafter_initials,
        "copy_count": outgoing.copy_count,
        "recipients": [r.unit for r in outgoing.recipients.all()],
        "free_recipients": outgoing.free_recipients,
        "paper_recipients": outgoing.paper_recipients,
        **changes,
    }
    return services.DraftData(**values)


def test_subject_recipients_signer_change_after_approval_restarts_the_chain(draft, with_version, person, ubnd, page_as):
    mai, nam = person("phamthimai"), person("hoangvannam")
    outgoing = with_version(draft())
    services.outgoing_submit(actor=outgoing.drafter, outgoing=outgoing)
    services.outgoing_approve(actor=nam, outgoing=outgoing)
    outgoing.refresh_from_db()
    services.outgoing_update(
        actor=outgoing.drafter,
        outgoing=outgoing,
        data=_data(
            outgoing,
            subject="Triển khai tiêm chủng đợt 2",
            signer=mai,
            recipients=[],
            free_recipients="Trung tâm Y tế huyện Mê Linh",
        ),
    )
    outgoing.refresh_from_db()
    assert outgoing.document.subject == "V/v triển khai tiêm chủng đợt 2" and outgoing.signer == mai
    assert outgoing.document.signer_name == "Phạm Thị Mai" and "Mê Linh" in outgoing.document.to_places
    assert outgoing.state == State.IN_REVIEW and outgoing.round == 2  # approved, then changed: approve again
    assert outgoing.steps.get(round=2, kind=StepKind.SIGN).user == mai
    event = DocumentEvent.objects.get(document=outgoing.document, action="metadata_changed")
    assert event.data["changes"]["subject"] == {
        "before": "V/v triển khai tiêm chủng mở rộng",
        "after": "V/v triển khai tiêm chủng đợt 2",
    }
    assert event.data["changes"]["signer"] == {"before": "Nguyễn Văn Hùng", "after": "Phạm Thị Mai"}
    assert "Người ký: Nguyễn Văn Hùng → Phạm Thị Mai" in event.text  # the history says it in Vietnamese
    # a new version records the metadata it was uploaded with: the version list shows what changed
    outgoing = with_version(outgoing)
    page = page_as("dothanhhuong").get(f"/van-ban-di/{outgoing.pk}/").content.decode()
    assert "Trích yếu: V/v triển khai tiêm chủng đợt 2" in page


def test_signer_change_before_any_approval_moves_the_waiting_signature_step(draft, with_version, person):
    outgoing = with_version(draft())
    services.outgoing_submit(actor=outgoing.drafter, outgoing=outgoing)
    outgoing.refresh_from_db()
    services.outgoing_update(
        actor=outgoing.drafter, outgoing=outgoing, data=_data(outgoing, signer=person("phamthimai"))
    )
    sign = outgoing.steps.get(round=1, kind=StepKind.SIGN)
    assert sign.status == StepStatus.WAITING and sign.user == person("phamthimai")


def test_no_edit_once_signed_and_not_by_others(signed, draft, person):
    outgoing = draft()
    with pytest.raises(Exception, match="Chỉ người soạn thảo"):
        services.outgoing_update(actor=person("ngothuytrang"), outgoing=outgoing, data=_data(outgoing))
    done = signed()
    with pytest.raises(Conflict, match="không sửa được nữa"):
        services.outgoing_update(actor=done.drafter, outgoing=done, data=_data(done, subject="Khác"))


def test_edit_page(draft, person, tyt, page_as):
    outgoing = draft()
    huong = page_as("dothanhhuong")
    page = huong.get(f"/van-ban-di/{outgoing.pk}/").content.decode()
    assert f'href="/van-ban-di/{outgoing.pk}/sua/"' in page
    form = huong.get(f"/van-ban-di/{outgoing.pk}/sua/").content.decode()
    assert "V/v triển khai tiêm chủng mở rộng" in form and 'name="file"' not in form
    r = huong.post(
        f"/van-ban-di/{outgoing.pk}/sua/",
        {
            "doc_type": outgoing.document.doc_type_id,
            "subject": "Kế hoạch tiêm chủng",
            "recipients": [tyt.pk],
            "free_recipients": "Trung tâm Y tế huyện Mê Linh",
            "paper_recipients": "UBND huyện",
            "signer": person("phamthimai").pk,
            "urgency": 0,
            "copy_count": 4,
            "drafter_initials": "ĐTH",
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    outgoing.refresh_from_db()
    assert outgoing.document.subject == "V/v kế hoạch tiêm chủng" and outgoing.signer == person("phamthimai")
    assert outgoing.paper_recipients == "UBND huyện" and outgoing.copy_count == 4
    # someone who may see it but not change it is sent back with the reason; an outsider gets 404
    r = page_as("lethuha").get(f"/van-ban-di/{outgoing.pk}/sua/", follow=True)
    assert "Chỉ người soạn thảo hoặc người đang duyệt" in r.content.decode()
    assert page_as("ngothuytrang").get(f"/van-ban-di/{outgoing.pk}/sua/").status_code == 404


def test_format_checklist_starts_unticked_and_an_unticked_item_returns(draft, with_version, person, page_as):
    outgoing = with_version(draft())
    services.outgoing_submit(actor=outgoing.drafter, outgoing=outgoing)
    services.outgoing_approve(actor=person("hoangvannam"), outgoing=outgoing)
    ha = page_as("lethuha")
    page = ha.get(f"/van-ban-di/{outgoing.pk}/").content.decode()
    form = page[page.index('data-qlvb="format-check"') : page.index('data-qlvb="format-ok"')]
    assert form.count('type="checkbox"') == len(FORMAT_CHECKLIST) and "checked" not in form
    ticked = {f"check_{k}": "on" for k in FORMAT_CHECKLIST if k != "trinh_bay"}  # one item left unticked
    ha.post(f"/van-ban-di/{outgoing.pk}/format_check/", ticked)
    outgoing.refresh_from_db()
    assert outgoing.state == State.RETURNED
    returned = outgoing.steps.get(kind=StepKind.FORMAT, status=StepStatus.RETURNED)
    assert "Khổ giấy A4" in returned.comment and returned.data["checks"]["trinh_bay"] is False


# --- item 5: dates -------------------------------------------------------------------------------------


def test_past_reply_due_date_refused_but_an_unchanged_one_does_not_block(draft, person):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(ValidationFailed, match=f"Hạn trả lời {yesterday:%d/%m/%Y} đã qua") as refused:
        draft(due_date=yesterday)
    assert refused.value.code == "past_date"
    outgoing = draft(due_date=timezone.localdate())
    Document.objects.filter(pk=outgoing.pk).update(due_date=yesterday)  # days pass; the draft is corrected
    outgoing.refresh_from_db()
    services.outgoing_update(actor=outgoing.drafter, outgoing=outgoing, data=_data(outgoing, subject="Sửa trích yếu"))
    with pytest.raises(ValidationFailed, match="đã qua"):  # but moving it to another past day is refused
        services.outgoing_update(
            actor=outgoing.drafter, outgoing=outgoing, data=_data(outgoing, due_date=yesterday - dt.timedelta(days=3))
        )


def test_past_reply_due_date_on_the_page_and_the_api(person, tyt, page_as, api_as):
    huong = page_as("dothanhhuong")
    form = huong.get("/van-ban-di/soan/").content.decode()
    assert f'min="{timezone.localdate().isoformat()}"' in form  # the picker offers no past day
    r = huong.post(
        "/van-ban-di/soan/",
        {
            "doc_type": DocumentType.objects.get(name="Công văn").pk,
            "subject": "Triển khai",
            "recipients": [tyt.pk],
            "signer": person("nguyenvanhung").pk,
            "urgency": 0,
            "copy_count": 1,
            "due_date": "01/03/2020",
        },
    )
    assert r.status_code == 422 and "Hạn trả lời 01/03/2020 đã qua" in r.content.decode()
    api = api_as("dothanhhuong")
    r = api.post(
        "/api/v1/outgoing",
        {
            "doc_type_id": DocumentType.objects.get(name="Công văn").pk,
            "subject": "Triển khai",
            "signer_id": person("nguyenvanhung").pk,
            "recipient_ids": [tyt.pk],
            "due_date": "2020-03-01",
        },
        content_type="application/json",
    )
    assert r.status_code in (400, 422) and "đã qua" in r.json()["detail"]


def test_issue_preview_warns_of_a_passed_reply_due_date(draft):
    from qlvb.outgoing.recipients import recipients_summary

    outgoing = draft(due_date=timezone.localdate())
    Document.objects.filter(pk=outgoing.pk).update(due_date=timezone.localdate() - dt.timedelta(days=2))
    outgoing.refresh_from_db()
    assert recipients_summary(outgoing)["warnings"][0].startswith("Hạn trả lời")
