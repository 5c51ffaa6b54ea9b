"""The task pages, for the roles allowed and refused: giving a task, the lists, the task page, the action
pages on its parts, a document's directive turned into tasks from the document page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from qlvb.assignments.models import Assignment, AssignmentStatus
from qlvb.direction.task_models import Task

from .task_fixtures import dept, give, in_days

pytestmark = pytest.mark.django_db


def _form(lead: str, due, **more):
    return {
        "title": "Kiểm tra công tác vệ sinh môi trường",
        "lead": lead,
        "due_date": due.isoformat(),
        "priority": "1",
        **more,
    }


def test_the_chairman_gives_a_task_on_the_page(page_as, person):
    client = page_as("nguyenvanhung")
    assert client.get(reverse("direction:task_create")).status_code == 200
    response = client.post(reverse("direction:task_create"), _form(f"u:{dept('VHXH').pk}", in_days(5)))
    task = Task.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("direction:task_detail", args=[task.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Kiểm tra công tác vệ sinh môi trường" in page and "Phòng Văn hóa - Xã hội" in page
    head_page = page_as("hoangvannam").get(reverse("direction:task_detail", args=[task.pk])).content.decode()
    assert 'data-qlvb="assign"' in head_page


def test_an_officer_is_refused_with_the_reason(page_as):
    response = page_as("dothanhhuong").get(reverse("direction:task_create"))
    assert response.status_code == 403
    assert "Chỉ lãnh đạo cơ quan hoặc lãnh đạo phòng mới giao việc" in response.content.decode()


def test_a_past_due_date_is_refused_on_the_page(page_as, person):
    response = page_as("nguyenvanhung").post(
        reverse("direction:task_create"), _form(f"u:{dept('VHXH').pk}", in_days(-2))
    )
    assert response.status_code == 422
    assert "đã qua" in response.content.decode()
    assert not Task.objects.exists()


def test_a_person_of_another_agency_is_not_offered(page_as, person):
    outsider = person("tytlienminh_buithiloan")
    client = page_as("nguyenvanhung")
    assert f'value="p:{outsider.pk}"' not in client.get(reverse("direction:task_create")).content.decode()
    response = client.post(reverse("direction:task_create"), _form(f"p:{outsider.pk}", in_days(3)))
    assert response.status_code == 422 and not Task.objects.exists()


def test_another_agencys_task_is_not_found(page_as, person):
    task = give(person("nguyenvanhung"), lead=person("dothanhhuong"))
    part = Assignment.objects.get(task_part__task=task)
    outsider = page_as("tytlienminh_dangvantoan")
    assert outsider.get(reverse("direction:task_detail", args=[task.pk])).status_code == 404
    assert outsider.get(reverse("direction:task_part_action", args=[part.pk, "remind"])).status_code == 404
    # and someone of the agency with no part in it
    assert page_as("ngothuytrang").get(reverse("direction:task_detail", args=[task.pk])).status_code == 404


def test_lists_and_filters(page_as, person):
    task = give(person("nguyenvanhung"), lead=person("dothanhhuong"), due=in_days(4))
    mine = page_as("dothanhhuong").get(reverse("direction:task_list") + "?box=mine").content.decode()
    assert task.title in mine and 'data-qlvb="lead">Đỗ Thanh Hương (VHXH)<' in mine
    chairman = page_as("nguyenvanhung")
    assert task.title in chairman.get(reverse("direction:task_list") + "?box=assigned").content.decode()
    later = chairman.get(reverse("direction:task_list") + f"?box=assigned&due_from={in_days(5).isoformat()}")
    assert task.title not in later.content.decode()
    done = chairman.get(reverse("direction:task_list") + "?box=assigned&status=done")
    assert task.title not in done.content.decode()


def test_progress_and_completion_through_the_pages(page_as, person):
    task = give(person("nguyenvanhung"), lead=person("dothanhhuong"))
    part = Assignment.objects.get(task_part__task=task)
    officer = page_as("dothanhhuong")
    url = reverse("direction:task_part_action", args=[part.pk, "report"])
    assert officer.post(url, {"kind": "progress", "text": "Được một nửa", "progress": "50"}).status_code == 302
    url = reverse("direction:task_part_action", args=[part.pk, "complete"])
    assert officer.post(url, {"result": "Đã xong"}).status_code == 302
    # only the assigner accepts
    accept = reverse("direction:task_part_action", args=[part.pk, "accept"])
    assert officer.post(accept, {"note": ""}).status_code == 403
    assert page_as("nguyenvanhung").post(accept, {"note": "Tốt"}).status_code == 302
    part.refresh_from_db()
    task.refresh_from_db()
    assert part.status == AssignmentStatus.DONE and task.status == "done"


def test_an_incoming_documents_directive_becomes_tasks_in_one_step(page_as, person, demo):
    from qlvb.incoming.services import Target, incoming_direct, incoming_receive
    from qlvb.incoming.tests.conftest import make_data

    ubnd = dept("VHXH").agency
    assert ubnd is not None
    doc = incoming_receive(actor=person("lethuha"), agency=ubnd, channel="email", data=make_data()).document
    incoming_direct(
        actor=person("nguyenvanhung"),
        document=doc,
        directive="Tổ chức tiêm chủng tại 5 thôn\nBáo cáo kết quả về UBND",
        targets=[Target(role="lead", unit=dept("VHXH"), due_date=in_days(9))],
    )
    chairman = page_as("nguyenvanhung")
    detail = chairman.get(reverse("incoming:detail", args=[doc.pk])).content.decode()
    assert 'data-qlvb="tasks-from-document"' in detail
    assert (
        'data-qlvb="tasks-from-document"'
        not in page_as("dothanhhuong").get(reverse("incoming:detail", args=[doc.pk])).content.decode()
    )
    url = reverse("direction:tasks_from_document", args=[doc.pk])
    form = chairman.get(url).content.decode()
    assert "Tổ chức tiêm chủng tại 5 thôn" in form
    response = chairman.post(
        url,
        {
            "items": "Tổ chức tiêm chủng tại 5 thôn\nBáo cáo kết quả về UBND",
            "lead": f"u:{dept('VHXH').pk}",
            "due_date": in_days(9).isoformat(),
        },
    )
    assert response.status_code == 302
    tasks = list(Task.objects.order_by("id"))
    assert [t.title for t in tasks] == ["Tổ chức tiêm chủng tại 5 thôn", "Báo cáo kết quả về UBND"]
    assert all(t.source_document == doc and list(t.documents.all()) == [doc] for t in tasks)
    assert all(t.origin == "incoming" for t in tasks)
    again = chairman.post(
        url, {"items": "Báo cáo kết quả về UBND", "lead": f"u:{dept('VHXH').pk}", "due_date": in_days(9).isoformat()}
    )
    assert again.status_code == 422 and "đã được giao" in again.content.decode()


def test_a_notification_about_a_tasks_part_leads_to_the_task(
    page_as, person, celery_eager, django_capture_on_commit_callbacks
):
    from qlvb.assignments.models import Notification
    from qlvb.notifications.links import notification_url

    officer = person("dothanhhuong")
    with django_capture_on_commit_callbacks(execute=True):
        task = give(person("nguyenvanhung"), lead=officer)
    note = Notification.objects.get(user=officer, kind="assigned")
    url = notification_url(note)
    response = page_as(officer).get(url)
    assert response.status_code == 302 and response["Location"] == reverse("direction:task_detail", args=[task.pk])
    assert page_as("tytlienminh_dangvantoan").get(url).status_code == 404


def test_result_files_by_the_handler_seen_by_whoever_sees_the_task(page_as, person, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.FILES_DIR = tmp_path / "files"
    task = give(person("nguyenvanhung"), lead=person("dothanhhuong"))
    url = reverse("direction:task_file_add", args=[task.pk])
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    # the giver's files are his; a handler adds result files
    refused = page_as("dothanhhuong").post(
        url, {"kind": "attachment", "file": SimpleUploadedFile("ke-hoach.pdf", pdf, "application/pdf")}
    )
    assert refused.status_code == 403
    done = page_as("dothanhhuong").post(
        url, {"kind": "result", "file": SimpleUploadedFile("bao-cao.pdf", pdf, "application/pdf")}
    )
    assert done.status_code == 302, done.content.decode()[:500]
    f = task.files.get()
    assert f.kind == "result" and f.added_by == person("dothanhhuong")
    download = reverse("files:download", args=[f.stored_file_id])
    assert page_as("nguyenvanhung").get(download).status_code == 200
    assert page_as("ngothuytrang").get(download).status_code in (403, 404)
