"""Input to the document page's actions that does not parse answers 422 with the page and a Vietnamese
message, and changes nothing (issue 10: ``act`` had a raw ``int()`` on the signed version, a 500)."""

from __future__ import annotations

import pytest
from django.test import Client

from qlvb.outgoing.models import Outgoing, State
from qlvb.outgoing.tests.conftest import PIN

BASE = "/van-ban-di"


def _web(person, name):
    client = Client()
    client.force_login(person(name))
    return client


def test_a_version_that_is_not_a_number_answers_422_not_500(to_sign, profiles, person):
    outgoing = to_sign()
    r = _web(person, "nguyenvanhung").post(f"{BASE}/{outgoing.pk}/sign/", {"pin": PIN, "version": "12abc"})
    assert r.status_code == 422
    page = r.content.decode()
    assert "Phiên bản ký: Nhập một số" in page  # the field and Django's own message, in Vietnamese
    assert Outgoing.objects.get(pk=outgoing.pk).state == State.TO_SIGN


@pytest.mark.parametrize(
    ("action", "data", "message"),
    [
        ("comment", {"text": ""}, "Góp ý"),
        ("convert_retry", {"version": "x"}, "Phiên bản"),
        ("recipient", {"name": "Như trên", "fix": "match", "unit": ""}, "Hãy chọn cơ quan trong danh bạ."),
        ("recipient", {"name": "Như trên", "fix": "burn"}, "Cách xử lý"),
    ],
)
def test_bad_input_to_a_draft_answers_422_with_the_message(draft, person, action, data, message):
    outgoing = draft()
    r = _web(person, "dothanhhuong").post(f"{BASE}/{outgoing.pk}/{action}/", data)
    assert r.status_code == 422
    assert message in r.content.decode()
    assert not outgoing.comments.exists()
    assert Outgoing.objects.get(pk=outgoing.pk).free_recipients == outgoing.free_recipients


def test_a_refusal_of_the_service_is_shown_on_the_page(draft, person):
    outgoing = draft()  # no file yet: the service refuses the submission
    r = _web(person, "dothanhhuong").post(f"{BASE}/{outgoing.pk}/submit/", follow=True)
    assert r.status_code == 200
    assert "Cần tải lên tệp dự thảo" in r.content.decode()
    assert Outgoing.objects.get(pk=outgoing.pk).state == State.DRAFT
