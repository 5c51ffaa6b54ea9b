"""Issue 15, Điều 22.1.d, in the API (``/api/v1/operations/personal-exports``): ask, approve, refuse, read,
download; a second request 409, another person's export 404, downloading before approval 409 and after the
7 days 410 with "đã hết hạn"."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from qlvb.core.models import AuditEntry
from qlvb.operations.personal_export_models import PersonalExport

from .personal_export_data import open_zip

pytestmark = pytest.mark.django_db
BASE = "/api/v1/operations/personal-exports"


@pytest.fixture
def stores(settings: Any, tmp_path: Path) -> Path:
    settings.FILES_DIR = tmp_path / "files"
    settings.QLVB_PERSONAL_EXPORTS_DIR = str(tmp_path / "exports")
    return tmp_path


def test_the_whole_flow_in_the_api(
    stores: Path, api_as: Any, person: Any, celery_eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    huong, nam = api_as("dothanhhuong"), api_as("hoangvannam")
    with django_capture_on_commit_callbacks(execute=True):
        created = huong.post(BASE, {"note": "Nghỉ hưu"}, content_type="application/json")
    assert created.status_code == 201
    body = created.json()
    assert body["state"] == "pending" and body["download"] == "" and body["note"] == "Nghỉ hưu"
    export_id = body["id"]
    second = huong.post(BASE, {}, content_type="application/json")
    assert second.status_code == 409 and second.json()["code"] == "export_open"
    early = huong.get(f"{BASE}/{export_id}/download")
    assert early.status_code == 409 and early.json()["code"] == "export_not_ready"
    assert [e["id"] for e in nam.get(BASE).json()] == [export_id]
    assert api_as("vuquanghuy").get(f"{BASE}/{export_id}").status_code == 404
    assert api_as("vuquanghuy").post(f"{BASE}/{export_id}/approve").status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        approved = nam.post(f"{BASE}/{export_id}/approve")
    assert approved.status_code == 200
    ready = huong.get(f"{BASE}/{export_id}").json()
    assert ready["state"] == "ready" and ready["download"] == f"{BASE}/{export_id}/download"
    response = huong.get(ready["download"])
    assert response.status_code == 200
    opened = open_zip(b"".join(response.streaming_content))
    assert opened.data["person"]["username"] == person("dothanhhuong").username
    assert {"du-lieu.json", "du-lieu.xlsx", "manifest-sha256.txt"} <= set(opened.names)
    assert AuditEntry.objects.filter(action="operations.personal_export_downloaded").count() == 1
    assert nam.get(ready["download"]).status_code == 404

    PersonalExport.objects.filter(pk=export_id).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    late = huong.get(ready["download"])
    assert late.status_code == 410 and "đã hết hạn" in late.json()["detail"]
    assert late.json()["code"] == "export_expired"


def test_refusing_needs_a_reason_and_only_the_head_decides(stores: Path, api_as: Any) -> None:
    huong, nam = api_as("dothanhhuong"), api_as("hoangvannam")
    export_id = huong.post(BASE, {}, content_type="application/json").json()["id"]
    assert huong.post(f"{BASE}/{export_id}/approve").status_code == 403  # his own
    blank = nam.post(f"{BASE}/{export_id}/refuse", {"reason": "  "}, content_type="application/json")
    assert blank.status_code == 422
    refused = nam.post(f"{BASE}/{export_id}/refuse", {"reason": "Chưa đủ căn cứ"}, content_type="application/json")
    assert refused.status_code == 200 and refused.json()["refusal_reason"] == "Chưa đủ căn cứ"
    assert nam.post(f"{BASE}/{export_id}/approve").status_code == 409
    assert api_as("tranthilan2").get(f"{BASE}/{export_id}").status_code == 404
