"""The audit log records sign-in, failures, lock/unlock and role changes with actor, time, IP and object;
`qlvb audit verify` then passes on the untouched chain."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from qlvb.core.models import AuditEntry
from qlvb.directory import services

from .support import PASSWORD, Api, unit


def test_the_story_of_a_day_is_in_the_log(person) -> None:
    lan, huong = person("tranthilan"), person("dothanhhuong")
    client = Client(REMOTE_ADDR="192.0.2.10")
    client.post(reverse("web:login"), {"username": lan.username, "password": "sai"})
    client.post(reverse("web:login"), {"username": lan.username, "password": PASSWORD})
    api = Api(lan)
    api.client.defaults["REMOTE_ADDR"] = "192.0.2.11"
    assert api.post(f"/directory/users/{huong.pk}/roles", {"role": "clerk", "unit": unit("VHXH").pk}).status_code == 201
    assert api.delete(f"/directory/users/{huong.pk}/roles/{unit('VHXH').pk}/clerk").status_code == 204
    assert api.post(f"/directory/users/{huong.pk}/lock", {"reason": "Chuyển công tác"}).status_code == 200
    assert api.post(f"/directory/users/{huong.pk}/unlock").status_code == 200

    start = AuditEntry.objects.filter(action="auth.sign_in_failed").get().seq
    story = list(AuditEntry.objects.filter(seq__gte=start).order_by("seq"))
    actions = [e.action for e in story]
    assert actions == [
        "auth.sign_in_failed",
        "auth.sign_in",
        "auth.token_issued",
        "role.granted",
        "role.revoked",
        "user.locked",
        "user.unlocked",
    ]
    failed, signed_in, _token, granted, revoked, locked, unlocked = story
    assert (failed.actor_id, failed.actor_username, failed.ip) == (None, lan.username, "192.0.2.10")
    assert (signed_in.actor_id, signed_in.ip) == (lan.pk, "192.0.2.10")
    for entry in (granted, revoked, locked, unlocked):
        assert entry.actor_id == lan.pk and entry.actor_username == lan.username
        assert entry.ip == "192.0.2.11"
        assert (entry.object_type, entry.object_id, entry.object_repr) == (
            "directory.user",
            str(huong.pk),
            "Đỗ Thanh Hương",
        )
        assert entry.created_at is not None
    assert granted.data == {"role": "clerk", "unit": unit("VHXH").pk}
    assert revoked.data == {"role": "clerk", "unit": unit("VHXH").pk}
    assert locked.data["reason"] == "Chuyển công tác"

    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "toàn vẹn" in out.getvalue()


def test_granting_a_role_twice_records_it_once(person) -> None:
    lan, huong = person("tranthilan"), person("dothanhhuong")
    granted = AuditEntry.objects.filter(action="role.granted", data__role="archivist")
    before = granted.count()  # the demo agency's archivist was granted when it was loaded
    services.role_grant(actor=lan, user=huong, role="archivist", unit=unit("VHXH"))
    services.role_grant(actor=lan, user=huong, role="archivist", unit=unit("VHXH"))
    assert granted.count() == before + 1
    services.role_revoke(actor=lan, user=huong, role="archivist", unit=unit("VHXH"))
    services.role_revoke(actor=lan, user=huong, role="archivist", unit=unit("VHXH"))
    assert AuditEntry.objects.filter(action="role.revoked").count() == 1


def test_sign_out_is_recorded(person) -> None:
    client = Client()
    client.post(reverse("web:login"), {"username": "ublienminh_lethuha", "password": PASSWORD})
    client.post(reverse("web:logout"))
    assert AuditEntry.objects.filter(action="auth.sign_out", actor_username="ublienminh_lethuha").exists()
