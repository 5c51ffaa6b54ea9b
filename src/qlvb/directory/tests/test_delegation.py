"""Ủy quyền: who may grant, the bad inputs (oneself, another agency, an ended range, an overlap), revoking,
and "in force" read at the moment of the action (an expired or revoked delegation stops at once)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from qlvb.core.audit import AuditEntry
from qlvb.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from qlvb.directory.delegation import (
    DelegationInput,
    delegation_grant,
    delegation_in_force,
    delegation_revoke,
    delegations_visible_to,
    grantors_of,
)
from qlvb.directory.models import Delegation, User

pytestmark = pytest.mark.django_db


def _input(grantor: User, delegate: User, **changes: object) -> DelegationInput:
    today = timezone.localdate()
    values: dict[str, object] = {
        "grantor": grantor,
        "delegate": delegate,
        "kind": "KT.",
        "scopes": ["sign", "direct"],
        "starts_on": today,
        "ends_on": today + dt.timedelta(days=6),
        "reason": "Chủ tịch đi công tác",
    }
    values.update(changes)
    return DelegationInput(**values)  # type: ignore[arg-type]


def test_a_leader_delegates_and_it_is_in_force_at_once(person: Callable[[str], User]) -> None:
    hung, mai = person("nguyenvanhung"), person("phamthimai")
    made = delegation_grant(actor=hung, data=_input(hung, mai))
    assert delegation_in_force(delegate=mai, grantor_id=hung.pk, scope="sign") == made
    assert delegation_in_force(delegate=mai, grantor_id=hung.pk, scope="direct") == made
    assert list(grantors_of(mai, "sign").values_list("grantor_id", flat=True)) == [hung.pk]
    assert delegation_in_force(delegate=hung, grantor_id=mai.pk, scope="sign") is None  # one way only
    entry = AuditEntry.objects.filter(action="delegation.granted").get()
    assert entry.data["kind"] == "KT." and entry.data["delegate"] == mai.pk


def test_the_administrator_delegates_for_a_leader(person: Callable[[str], User]) -> None:
    made = delegation_grant(
        actor=person("tranthilan"), data=_input(person("nguyenvanhung"), person("hoangvannam"), kind="TL.")
    )
    assert made.created_by == person("tranthilan")


def test_who_may_not_grant(person: Callable[[str], User]) -> None:
    hung, mai, nam = person("nguyenvanhung"), person("phamthimai"), person("hoangvannam")
    with pytest.raises(PermissionDenied):  # a leader for another leader
        delegation_grant(actor=mai, data=_input(hung, nam))
    with pytest.raises(PermissionDenied):  # a department head has no authority to delegate
        delegation_grant(actor=nam, data=_input(nam, person("dothanhhuong")))
    with pytest.raises(NotFound):  # a leader of another agency: as if he did not exist
        delegation_grant(actor=hung, data=_input(person("tytlienminh_dangvantoan"), person("tytlienminh_buithiloan")))
    assert not Delegation.objects.exists()


@pytest.mark.parametrize(
    ("who", "changes", "message"),
    [
        ("nguyenvanhung", {}, "chính mình"),
        ("tytlienminh_dangvantoan", {}, "không thuộc"),
        ("phamthimai", {"ends_on": dt.timedelta(days=-1), "starts_on": dt.timedelta(days=-3)}, "đã qua"),
        ("phamthimai", {"starts_on": dt.timedelta(days=5), "ends_on": dt.timedelta(days=2)}, "sau hoặc bằng"),
        ("phamthimai", {"scopes": []}, "phạm vi"),
        ("phamthimai", {"kind": "TM."}, "KT., TL., TUQ. hoặc Q."),
    ],
)
def test_bad_input_is_refused_with_a_reason(
    person: Callable[[str], User], who: str, changes: dict[str, object], message: str
) -> None:
    today = timezone.localdate()
    resolved = {k: today + v if isinstance(v, dt.timedelta) else v for k, v in changes.items()}
    hung = person("nguyenvanhung")
    with pytest.raises(ValidationFailed, match=message):
        delegation_grant(actor=hung, data=_input(hung, person(who), **resolved))
    assert not Delegation.objects.exists()


def test_an_overlap_in_the_same_scope_is_refused(person: Callable[[str], User]) -> None:
    hung, mai, nam = person("nguyenvanhung"), person("phamthimai"), person("hoangvannam")
    today = timezone.localdate()
    delegation_grant(actor=hung, data=_input(hung, mai, scopes=["sign"]))
    with pytest.raises(Conflict, match="Phạm Thị Mai"):
        delegation_grant(actor=hung, data=_input(hung, nam, scopes=["sign"], starts_on=today + dt.timedelta(days=6)))
    # Another scope, or days after the first ends: accepted.
    delegation_grant(actor=hung, data=_input(hung, nam, scopes=["direct"]))
    delegation_grant(
        actor=hung,
        data=_input(
            hung, nam, scopes=["sign"], starts_on=today + dt.timedelta(days=7), ends_on=today + dt.timedelta(days=9)
        ),
    )
    assert Delegation.objects.count() == 3


def test_revoked_and_expired_delegations_stop_at_once(person: Callable[[str], User]) -> None:
    hung, mai = person("nguyenvanhung"), person("phamthimai")
    made = delegation_grant(actor=hung, data=_input(hung, mai))
    with pytest.raises(PermissionDenied):  # the delegate does not revoke
        delegation_revoke(actor=mai, delegation_id=made.pk)
    delegation_revoke(actor=hung, delegation_id=made.pk)
    assert delegation_in_force(delegate=mai, grantor_id=hung.pk, scope="sign") is None
    with pytest.raises(Conflict):
        delegation_revoke(actor=hung, delegation_id=made.pk)
    assert AuditEntry.objects.filter(action="delegation.revoked").count() == 1
    # Revoked: the same days may be delegated again. A range that ended yesterday no longer applies.
    again = delegation_grant(actor=hung, data=_input(hung, mai))
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Delegation.objects.filter(pk=again.pk).update(starts_on=yesterday, ends_on=yesterday)
    assert delegation_in_force(delegate=mai, grantor_id=hung.pk, scope="sign") is None
    assert not grantors_of(mai, "sign").exists()


def test_a_locked_delegate_acts_for_no_one(person: Callable[[str], User]) -> None:
    hung, mai = person("nguyenvanhung"), person("phamthimai")
    delegation_grant(actor=hung, data=_input(hung, mai))
    User.objects.filter(pk=mai.pk).update(is_active=False)
    assert not grantors_of(mai, "sign").exists()


def test_who_sees_which_delegations(person: Callable[[str], User]) -> None:
    hung, mai = person("nguyenvanhung"), person("phamthimai")
    made = delegation_grant(actor=hung, data=_input(hung, mai))
    assert list(delegations_visible_to(mai)) == [made]
    assert list(delegations_visible_to(person("tranthilan"))) == [made]  # the agency's administrator
    assert list(delegations_visible_to(person("dothanhhuong"))) == []
    assert list(delegations_visible_to(person("tytlienminh_dangvantoan"))) == []  # another agency
    with pytest.raises(NotFound):
        delegation_revoke(actor=person("tytlienminh_dangvantoan"), delegation_id=made.pk)
