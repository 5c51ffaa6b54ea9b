"""The page /quan-tri/uy-quyen/: a leader grants from the form (dd/mm/yyyy), sees and revokes; refusals
answer 422 with the Vietnamese reason and write nothing; another agency's delegation answers 404."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from qlvb.directory.models import Delegation, User

pytestmark = pytest.mark.django_db
URL = "/quan-tri/uy-quyen/"


def _form(grantor: User, delegate: User, *, days: int = 3, start: int = 0, **extra: Any) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "grantor": grantor.pk,
        "delegate": delegate.pk,
        "kind": "KT.",
        "scopes": ["sign", "direct"],
        "starts_on": (today + dt.timedelta(days=start)).strftime("%d/%m/%Y"),
        "ends_on": (today + dt.timedelta(days=start + days)).strftime("%d/%m/%Y"),
        "reason": "Đi học tập trung",
        **extra,
    }


def test_a_leader_grants_lists_and_revokes(page_as: Callable[..., Any], person: Callable[[str], User]) -> None:
    hung, mai = person("nguyenvanhung"), person("phamthimai")
    client = page_as(hung, csrf=False)
    page = client.get(URL)
    assert page.status_code == 200 and "Ủy quyền mới" in page.content.decode()
    answer = client.post(URL, _form(hung, mai))
    assert answer.status_code == 302
    made = Delegation.objects.get()
    listed = client.get(URL).content.decode()
    assert "Phạm Thị Mai" in listed and "Đang có hiệu lực" in listed and made.starts_on.strftime("%d/%m/%Y") in listed
    assert f'data-qlvb="delegation-revoke-{made.pk}"' in listed
    # The delegate sees it, without the form and without the revoke button.
    seen = page_as(mai).get(URL).content.decode()
    assert "Nguyễn Văn Hùng" in seen and "delegation-revoke" not in seen
    assert client.post(f"{URL}{made.pk}/thu-hoi/").status_code == 302
    made.refresh_from_db()
    assert made.revoked_at is not None and "Đã thu hồi" in client.get(URL).content.decode()


def test_refusals_are_shown_and_nothing_is_written(page_as: Callable[..., Any], person: Callable[[str], User]) -> None:
    hung, mai = person("nguyenvanhung"), person("phamthimai")
    client = page_as(hung)
    past = client.post(URL, _form(hung, mai, start=-5, days=2))
    assert past.status_code == 422 and "đã qua" in past.content.decode()
    client.post(URL, _form(hung, mai))
    overlap = client.post(URL, _form(hung, person("hoangvannam"), start=1))
    assert overlap.status_code == 422 and "trùng thời gian" in overlap.content.decode()
    outsider = client.post(URL, _form(hung, person("tytlienminh_buithiloan")))
    assert outsider.status_code == 422  # not among the choices: another agency's person
    assert Delegation.objects.count() == 1


def test_another_agency_cannot_touch_it(page_as: Callable[..., Any], person: Callable[[str], User]) -> None:
    hung = person("nguyenvanhung")
    page_as(hung).post(URL, _form(hung, person("phamthimai")))
    made = Delegation.objects.get()
    other = page_as(person("tytlienminh_dangvantoan"))
    assert "Phạm Thị Mai" not in other.get(URL).content.decode()
    assert other.post(f"{URL}{made.pk}/thu-hoi/").status_code == 404
    assert Delegation.objects.get().revoked_at is None
