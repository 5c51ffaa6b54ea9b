"""The delegation API /api/v1/directory/delegations: list (what the page lists, by state), create (every
scope; the page's refusals as JSON), end; another agency's delegation and people answer 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from qlvb.core.models import AuditEntry
from qlvb.directory.models import Delegation

pytestmark = pytest.mark.django_db

URL = "/api/v1/directory/delegations"


def _body(person, grantor="nguyenvanhung", delegate="phamthimai", **changes):
    today = timezone.localdate()
    body = {
        "grantor": person(grantor).pk,
        "delegate": person(delegate).pk,
        "kind": "KT.",
        "scopes": ["sign", "direct", "approve", "follow"],
        "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=4)).isoformat(),
        "reason": "Đi công tác",
    }
    body.update(changes)
    return body


def test_a_leader_creates_lists_and_ends_a_delegation(api_as, person):
    api = api_as("nguyenvanhung")
    made = api.post(URL, _body(person), content_type="application/json")
    assert made.status_code == 201, made.content
    data = made.json()
    assert data["scopes"] == ["sign", "direct", "approve", "follow"] and data["state"] == "in_force"
    assert data["grantor_name"] == "Nguyễn Văn Hùng" and data["delegate_name"] == "Phạm Thị Mai"
    row = Delegation.objects.get(pk=data["id"])
    assert (row.sign, row.direct, row.approve, row.follow) == (True, True, True, True)

    listed = api_as("phamthimai").get(URL).json()  # the delegate sees what he received
    assert [d["id"] for d in listed["items"]] == [data["id"]]
    assert api.get(f"{URL}?state=revoked").json()["items"] == []

    ended = api.post(f"{URL}/{data['id']}/end")
    assert ended.status_code == 200 and ended.json()["state"] == "revoked"
    assert [d["id"] for d in api.get(f"{URL}?state=revoked").json()["items"]] == [data["id"]]
    assert AuditEntry.objects.filter(action="delegation.revoked").count() == 1
    again = api.post(f"{URL}/{data['id']}/end")
    assert again.status_code == 409


@pytest.mark.parametrize("scope", ["approve", "follow"])
def test_each_new_scope_alone(api_as, person, scope):
    made = api_as("nguyenvanhung").post(URL, _body(person, scopes=[scope], kind="TL."), content_type="application/json")
    assert made.status_code == 201 and made.json()["scopes"] == [scope]


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"scopes": []}, 422, "delegation_invalid"),
        ({"scopes": ["accept_everything"]}, 422, "delegation_invalid"),
        ({"kind": "TM."}, 422, "delegation_invalid"),
        ({"delegate": "nguyenvanhung"}, 422, "delegation_invalid"),
    ],
)
def test_refusals_write_nothing(api_as, person, changes, status, code):
    answer = api_as("nguyenvanhung").post(URL, _body(person, **changes), content_type="application/json")
    assert answer.status_code == status and answer.json()["code"] == code
    assert not Delegation.objects.exists()


def test_who_may_not(api_as, person):
    refused = api_as("phamthimai").post(URL, _body(person, delegate="hoangvannam"), content_type="application/json")
    assert refused.status_code == 403  # a leader for another leader
    other = api_as("nguyenvanhung").post(
        URL, _body(person, delegate="tytlienminh_buithiloan"), content_type="application/json"
    )
    assert other.status_code == 404  # a person of another agency: as if he did not exist
    made = api_as("nguyenvanhung").post(URL, _body(person), content_type="application/json").json()
    assert api_as("tytlienminh_dangvantoan").get(f"{URL}/{made['id']}").status_code == 404
    assert api_as("tytlienminh_dangvantoan").post(f"{URL}/{made['id']}/end").status_code == 404
    assert api_as("dothanhhuong").post(f"{URL}/{made['id']}/end").status_code == 404  # not his to see
    overlap = api_as("nguyenvanhung").post(
        URL, _body(person, delegate="hoangvannam", scopes=["follow"]), content_type="application/json"
    )
    assert overlap.status_code == 409 and overlap.json()["code"] == "delegation_overlap"
