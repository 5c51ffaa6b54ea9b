"""Deadlines (issue 8): a past "thời hạn giải quyết" is refused at registration, a past handling deadline at
direction; a sub-assignment's deadline may not pass its parent's; "Chủ trì" starts empty; every inbox shows
the person's own deadline (the clerk's list the document's), labelled."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from qlvb.core.errors import ValidationFailed
from qlvb.documents.models import Document, DocumentType
from qlvb.incoming.services import Target, assignment_assign, incoming_direct, incoming_route


def today() -> dt.date:
    """The date in Asia/Ho_Chi_Minh when the test runs (a run may cross local midnight)."""
    return timezone.localdate()


def past() -> dt.date:
    return today() - dt.timedelta(days=1)


def test_registration_refuses_a_past_due_date_but_not_a_past_issue_date(receive):
    with pytest.raises(ValidationFailed) as refused:
        receive(due_date=past())
    assert "đã qua" in refused.value.message and f"{past():%d/%m/%Y}" in refused.value.message
    assert not Document.objects.exists()
    doc = receive(due_date=today(), issued_date=today() - dt.timedelta(days=400))
    assert doc.arrival_number == 1


def test_direction_refuses_a_past_deadline_given_or_inherited(receive, person, dept):
    hung = person("nguyenvanhung")
    doc = receive()
    with pytest.raises(ValidationFailed) as refused:
        incoming_direct(
            actor=hung, document=doc, directive="", targets=[Target(role="lead", unit=dept("VHXH"), due_date=past())]
        )
    assert "Phòng Văn hóa - Xã hội" in refused.value.message and "đã qua" in refused.value.message
    with pytest.raises(ValidationFailed):
        incoming_route(
            actor=person("lethuha"),
            document=doc,
            targets=[Target(role="lead", unit=dept("KT")), Target(role="support", unit=dept("VHXH"), due_date=past())],
        )
    # An old document whose own date has passed: the leader must give a new deadline.
    Document.objects.filter(pk=doc.pk).update(due_date=past())
    doc.refresh_from_db()
    with pytest.raises(ValidationFailed):
        incoming_direct(actor=hung, document=doc, directive="", targets=[Target(role="lead", unit=dept("VHXH"))])
    (lead,) = incoming_direct(
        actor=hung, document=doc, directive="", targets=[Target(role="lead", unit=dept("VHXH"), due_date=today())]
    )
    assert lead.due_date == today() and not doc.assignments.exclude(pk=lead.pk).exists()


def test_a_sub_assignment_may_not_end_after_its_parent(receive, person, dept):
    doc = receive()
    parent_due = today() + dt.timedelta(days=10)
    (lead,) = incoming_direct(
        actor=person("nguyenvanhung"),
        document=doc,
        directive="",
        targets=[Target(role="lead", unit=dept("VHXH"), due_date=parent_due)],
    )
    with pytest.raises(ValidationFailed) as refused:
        assignment_assign(
            actor=person("hoangvannam"),
            assignment=lead,
            targets=[Target(role="lead", user=person("dothanhhuong"), due_date=parent_due + dt.timedelta(days=1))],
        )
    assert f"({parent_due:%d/%m/%Y})" in refused.value.message and "không được sau" in refused.value.message
    (mine,) = assignment_assign(
        actor=person("hoangvannam"),
        assignment=lead,
        targets=[Target(role="lead", user=person("dothanhhuong"), due_date=parent_due - dt.timedelta(days=2))],
    )
    assert mine.due_date == parent_due - dt.timedelta(days=2)


# --- through the pages ---------------------------------------------------------------------------------------


def _receive_form(**extra):
    return {
        "channel": "paper",
        "doc_type": DocumentType.objects.get(name="Công văn").pk,
        "code_number": "8",
        "code_notation": "UBND-VP",
        "issued_date": "05/03/2026",
        "organ_name": "UBND huyện Mê Linh",
        "subject": "Về việc báo cáo công tác văn thư",
        "urgency": "0",
        "secrecy": "",
        "language": "Tiếng Việt",
        **extra,
    }


def test_the_receive_form_refuses_a_past_due_date_in_vietnamese(client, person):
    client.force_login(person("lethuha"))
    response = client.post(reverse("incoming:receive"), _receive_form(due_date=f"{past():%d/%m/%Y}"))
    assert response.status_code == 422
    html = response.content.decode()
    assert "Thời hạn giải quyết" in html and "đã qua" in html and 'class="invalid-feedback' in html
    assert not Document.objects.exists()
    ok = client.post(reverse("incoming:receive"), _receive_form(due_date=f"{today():%d/%m/%Y}"))
    assert ok.status_code == 302 and Document.objects.get().due_date == today()


def test_the_direction_form_starts_without_a_lead_and_refuses_a_past_deadline(client, person, receive, dept):
    doc = receive()
    client.force_login(person("nguyenvanhung"))
    url = reverse("incoming:direct", args=[doc.pk])
    html = client.get(url).content.decode()
    lead_select = html[html.index('name="lead"') :]
    lead_select = lead_select[: lead_select.index("</select>")]
    assert '<option value="" selected>— Chọn đơn vị hoặc người chủ trì —</option>' in lead_select
    missing = client.post(url, {"directive": "x"})
    assert missing.status_code == 422 and "Cần chọn đơn vị hoặc người chủ trì." in missing.content.decode()
    late = client.post(url, {"lead": f"u:{dept('VHXH').pk}", "lead_due": f"{past():%d/%m/%Y}"})
    assert late.status_code == 422 and "đã qua" in late.content.decode() and not doc.assignments.exists()


def test_inboxes_show_the_persons_own_deadline_and_the_clerk_the_documents(client, person, receive, dept):
    doc_due, lead_due, mine_due = (today() + dt.timedelta(days=d) for d in (30, 20, 12))
    doc = receive(due_date=doc_due)
    (lead,) = incoming_direct(
        actor=person("nguyenvanhung"),
        document=doc,
        directive="",
        targets=[Target(role="lead", unit=dept("VHXH"), due_date=lead_due)],
    )
    assignment_assign(
        actor=person("hoangvannam"),
        assignment=lead,
        targets=[Target(role="lead", user=person("dothanhhuong"), due_date=mine_due)],
    )
    expected = {"dothanhhuong": ("my-due", mine_due), "lethuha": ("doc-due", doc_due)}
    for name, (marker, due) in expected.items():
        client.force_login(person(name))
        html = client.get(reverse("incoming:list"), {"box": "all"}).content.decode()
        assert f'data-qlvb="{marker}"' in html and f"{due:%d/%m/%Y}" in html, name
        other = {f"{d:%d/%m/%Y}" for d in (doc_due, lead_due, mine_due)} - {f"{due:%d/%m/%Y}"}
        assert not any(d in html for d in other), name
    client.force_login(person("dothanhhuong"))
    assert "Hạn xử lý của bạn" in client.get(reverse("incoming:list"), {"box": "to_handle"}).content.decode()
