"""A task's documents and dossiers: the picker on the task form finds (by number, notation, subject) only what
the person may see; the page ``/cong-viec/<id>/van-ban/`` and ``POST /api/v1/tasks/{id}/documents`` change
the links after the task was given (audit ``task.documents_changed``, a line in the task's history), by its
giver or a leader; ``GET .../documents/choices?q=`` is the picker's search through the API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from qlvb.core.models import AuditEntry
from qlvb.direction.task_models import Task
from qlvb.documents.models import Document, DocumentType
from qlvb.dossiers import services as dossier_services

from .task_fixtures import dept, give, in_days

pytestmark = pytest.mark.django_db

FORM = {
    "channel": "paper",
    "code_number": "45",
    "code_notation": "KH-UBND",
    "issued_date": "2026-03-01",
    "organ_name": "UBND huyện Mê Linh",
    "subject": "Kế hoạch triển khai phong trào toàn dân đoàn kết",
    "urgency": "0",
    "secrecy": "",
    "language": "Tiếng Việt",
}


@pytest.fixture
def doc(page_as, demo):
    """An incoming document registered by the clerk (seen by the office and the leaders)."""
    form = {**FORM, "doc_type": DocumentType.objects.get(name="Kế hoạch").pk}
    response = page_as("lethuha").post(reverse("incoming:receive"), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    return Document.objects.get(subject=FORM["subject"])


@pytest.fixture
def dossier(person):
    return dossier_services.dossier_open(
        actor=person("dothanhhuong"), title="Hồ sơ phong trào văn hóa 2026", notation="07.VX", retention_years=10
    )


def _choices(client, q: str) -> str:
    return client.get(reverse("direction:task_link_choices"), {"q": q}).content.decode()


def test_the_picker_finds_what_the_person_may_see(page_as, doc, dossier):
    chairman = page_as("nguyenvanhung")
    found = _choices(chairman, "KH-UBND")
    assert f'data-qlvb="link-document-{doc.pk}"' in found and "Kế hoạch triển khai phong trào" in found
    assert f'name="documents" value="{doc.pk}"' in found
    assert f'data-qlvb="link-document-{doc.pk}"' in _choices(chairman, "ke hoach trien khai")  # no diacritics
    both = _choices(chairman, "phong trào")
    assert f'data-qlvb="link-dossier-{dossier.pk}"' in both and f'name="dossiers" value="{dossier.pk}"' in both
    # another agency's officer finds nothing of the UBND's
    other = _choices(page_as("tytlienminh_buithiloan"), "KH-UBND")
    assert f"link-document-{doc.pk}" not in other and 'data-qlvb="link-none"' in other
    assert _choices(chairman, "  ").strip() == ""


def test_the_task_form_links_what_was_ticked_and_searches_without_javascript(page_as, doc):
    chairman = page_as("nguyenvanhung")
    form = {
        "title": "Triển khai kế hoạch phong trào",
        "lead": f"u:{dept('VHXH').pk}",
        "due_date": in_days(5).strftime("%d/%m/%Y"),
        "priority": "1",
    }
    page = chairman.post(reverse("direction:task_create"), {**form, "action": "search", "q": "KH-UBND"})
    text = page.content.decode()
    assert page.status_code == 200 and not Task.objects.exists()  # a search, not the task given
    assert f'data-qlvb="link-document-{doc.pk}"' in text and 'value="Triển khai kế hoạch phong trào"' in text
    response = chairman.post(reverse("direction:task_create"), {**form, "documents": [str(doc.pk)]})
    assert response.status_code == 302, response.content.decode()[:2000]
    task = Task.objects.get()
    assert list(task.documents.values_list("pk", flat=True)) == [doc.pk]
    edit = chairman.get(reverse("direction:task_links", args=[task.pk])).content.decode()
    assert f'name="documents" value="{doc.pk}" id="link-chosen-document-{doc.pk}" checked' in edit


def test_the_links_page_changes_them_with_an_audit_entry(page_as, person, doc, dossier):
    task = give(person("nguyenvanhung"), lead=dept("VHXH"))
    chairman = page_as("nguyenvanhung")
    url = reverse("direction:task_links", args=[task.pk])
    detail = chairman.get(reverse("direction:task_detail", args=[task.pk])).content.decode()
    assert 'data-qlvb="task-links"' in detail
    response = chairman.post(url, {"documents": [doc.pk], "dossiers": [dossier.pk], "action": "save"})
    assert response.status_code == 302 and response["Location"] == reverse("direction:task_detail", args=[task.pk])
    assert list(task.documents.values_list("pk", flat=True)) == [doc.pk]
    assert list(task.dossiers.values_list("pk", flat=True)) == [dossier.pk]
    entry = AuditEntry.objects.get(action="task.documents_changed")
    assert entry.data["documents_added"] == [doc.pk] and entry.data["dossiers_added"] == [dossier.pk]
    assert task.events.filter(action="documents_changed").count() == 1
    page = chairman.get(reverse("direction:task_detail", args=[task.pk])).content.decode()
    assert "Sửa văn bản, hồ sơ liên quan" in page and "Kế hoạch triển khai phong trào" in page
    # untick the document: removed; saving the same again records nothing
    chairman.post(url, {"dossiers": [dossier.pk], "action": "save"})
    assert not task.documents.exists()
    chairman.post(url, {"dossiers": [dossier.pk], "action": "save"})
    assert AuditEntry.objects.filter(action="task.documents_changed").count() == 2
    # a handler who did not give it may not change them; another agency's person does not find the task
    refused = page_as("hoangvannam").get(url)
    assert refused.status_code == 403 and "Chỉ người giao việc" in refused.content.decode()
    assert page_as("tytlienminh_buithiloan").get(url).status_code == 404
    bad = chairman.post(url, {"dossiers": ["hai"], "action": "save"})
    assert bad.status_code == 422 and "Ghi mã hồ sơ bằng số" in bad.content.decode()


def test_the_api_changes_the_links_and_searches(api_as, person, doc, dossier):
    task = give(person("nguyenvanhung"), lead=dept("VHXH"))
    chairman = api_as("nguyenvanhung")
    base = f"/api/v1/tasks/{task.pk}/documents"
    choices = chairman.get(f"{base}/choices", {"q": "KH-UBND"})
    assert choices.status_code == 200
    assert {"kind": "document", "id": doc.pk, "direction": "incoming"}.items() <= choices.json()[0].items()
    done = chairman.post(base, {"document_ids": [doc.pk], "dossier_ids": [dossier.pk]}, content_type="application/json")
    assert done.status_code == 200 and done.json() == {"document_ids": [doc.pk], "dossier_ids": [dossier.pk]}
    assert chairman.get(f"/api/v1/tasks/{task.pk}").json()["document_ids"] == [doc.pk]
    unknown = chairman.post(base, {"dossier_ids": [dossier.pk + 999]}, content_type="application/json")
    assert unknown.status_code == 404
    assert list(task.dossiers.values_list("pk", flat=True)) == [dossier.pk]  # nothing changed
    head = api_as("hoangvannam")
    assert head.post(base, {"document_ids": []}, content_type="application/json").status_code == 403
    assert head.get(f"{base}/choices", {"q": "KH"}).status_code == 403
    assert api_as("tytlienminh_buithiloan").post(base, {}, content_type="application/json").status_code == 404
