"""The outgoing list's box counts and "Việc chờ tôi" are kept per person in the cache (core/person_counts.py,
issue 17) and change at once for everyone an approval step moves: the reviewer, the drafter of a returned
draft, the clerk who checks the format, the signer. Each count is read twice, the second from the cache."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client

from qlvb.directory.models import User
from qlvb.outgoing import services
from qlvb.outgoing.tests.conftest import ALL_OK
from qlvb.reports.waiting import waiting_for


def test_each_approval_step_moves_the_boxes_at_once(
    draft: Any, with_version: Any, person: Callable[[str], User], page_as: Callable[..., Client]
) -> None:
    huong, nam, ha, hung = (person(p) for p in ("dothanhhuong", "hoangvannam", "lethuha", "nguyenvanhung"))
    clients: dict[int, Client] = {}

    def boxes(user: User) -> dict[str, int]:
        client = clients.setdefault(user.pk, page_as(user))
        first = client.get("/van-ban-di/?box=all").context["counts"]
        second = client.get("/van-ban-di/?box=all").context["counts"]
        assert first == second
        return dict(second)

    def waiting(user: User) -> dict[str, int]:
        first = {w.key: w.count for w in waiting_for(user)}
        assert {w.key: w.count for w in waiting_for(user)} == first
        return first

    outgoing = with_version(draft())
    assert boxes(nam)["todo"] == 0
    assert waiting(nam)["approve"] == 0
    services.outgoing_submit(actor=huong, outgoing=outgoing)
    assert boxes(nam)["todo"] == 1
    assert waiting(nam)["approve"] == 1

    services.outgoing_return(actor=nam, outgoing=outgoing, comment="Bổ sung thời gian triển khai")
    assert boxes(nam)["todo"] == 0
    assert boxes(huong)["todo"] == 1  # the returned draft waits for its drafter

    with_version(outgoing)
    services.outgoing_submit(actor=huong, outgoing=outgoing)
    assert boxes(huong)["todo"] == 0
    assert boxes(ha)["clerk"] == 0
    services.outgoing_approve(actor=nam, outgoing=outgoing)
    assert boxes(nam)["todo"] == 0
    assert boxes(ha)["clerk"] == 1
    assert waiting(ha)["clerk"] == 1

    assert waiting(hung)["sign"] == 0
    services.outgoing_format_check(actor=ha, outgoing=outgoing, checks=ALL_OK)
    assert waiting(hung)["sign"] == 1
    assert boxes(hung)["todo"] == 1
