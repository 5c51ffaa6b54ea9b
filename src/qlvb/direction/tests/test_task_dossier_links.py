"""A task links dossiers on the form and through the API, only those its giver may see: another's dossier or
an unknown id is refused as not found and nothing is given; the task page shows a linked dossier only to
the people who may see it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from qlvb.direction.task_models import Task
from qlvb.dossiers import services as dossier_services

from .task_fixtures import dept, in_days

pytestmark = pytest.mark.django_db
BASE = "/api/v1/tasks"


@pytest.fixture
def dossier(person):
    """A dossier the officer Đỗ Thanh Hương opened: she and the agency's leaders see it, her head does not."""
    return dossier_services.dossier_open(
        actor=person("dothanhhuong"), title="Hồ sơ phong trào văn hóa 2026", notation="07.VX", retention_years=10
    )


def _give(client, **more):
    payload = {"title": "Tổng kết phong trào", "due_date": in_days(7).isoformat(), "lead": {"unit_id": dept("VHXH").pk}}
    return client.post(BASE, {**payload, **more}, content_type="application/json")


def test_the_chairman_links_a_dossier_through_the_api(api_as, dossier):
    r = _give(api_as("nguyenvanhung"), dossier_ids=[dossier.pk])
    assert r.status_code == 201, r.content
    assert r.json()["dossier_ids"] == [dossier.pk]
    assert list(Task.objects.get().dossiers.values_list("pk", flat=True)) == [dossier.pk]


def test_a_dossier_the_giver_may_not_see_is_not_found(api_as, dossier):
    head = api_as("hoangvannam")  # a department head: neither its creator nor a leader of the agency
    r = _give(head, dossier_ids=[dossier.pk])
    assert r.status_code == 404 and "hồ sơ" in r.json()["detail"]
    r = _give(api_as("nguyenvanhung"), dossier_ids=[dossier.pk + 999])
    assert r.status_code == 404
    assert not Task.objects.exists()


def test_the_form_links_a_dossier_and_the_page_shows_it_to_who_may_see_it(page_as, dossier, person):
    chairman = page_as("nguyenvanhung")
    form = {
        "title": "Chỉnh lý hồ sơ phong trào",
        "lead": f"u:{dept('VHXH').pk}",
        "due_date": in_days(5).isoformat(),
        "priority": "1",
        "dossiers": str(dossier.pk),
    }
    assert 'data-qlvb="link-picker"' in chairman.get(reverse("direction:task_create")).content.decode()
    response = chairman.post(reverse("direction:task_create"), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    task = Task.objects.get()
    page = chairman.get(reverse("direction:task_detail", args=[task.pk])).content.decode()
    assert 'data-qlvb="task-dossiers"' in page and "Hồ sơ phong trào văn hóa 2026" in page
    head_page = page_as("hoangvannam").get(reverse("direction:task_detail", args=[task.pk])).content.decode()
    assert "Hồ sơ phong trào văn hóa 2026" not in head_page


def test_the_form_refuses_a_dossier_the_giver_may_not_see(page_as, dossier):
    form = {
        "title": "Việc của phòng",
        "lead": f"u:{dept('VHXH').pk}",
        "due_date": in_days(5).isoformat(),
        "priority": "1",
        "dossiers": str(dossier.pk),
    }
    response = page_as("hoangvannam").post(reverse("direction:task_create"), form)
    assert response.status_code == 404 and "hồ sơ" in response.content.decode()
    assert not Task.objects.exists()
    response = page_as("hoangvannam").post(reverse("direction:task_create"), {**form, "dossiers": "hai"})
    assert response.status_code == 422 and "Ghi mã hồ sơ bằng số" in response.content.decode()
