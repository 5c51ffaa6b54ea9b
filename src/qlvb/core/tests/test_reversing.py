"""``core.reversing.id_url`` gives what ``reverse`` gives for any id, under any script prefix."""

from __future__ import annotations

from django.urls import reverse, set_script_prefix
from hypothesis import given
from hypothesis import strategies as st

from qlvb.core.reversing import id_url


@given(st.integers(min_value=1, max_value=2**63 - 1))
def test_the_same_address_as_reverse(pk: int) -> None:
    for name in ("incoming:detail", "outgoing:detail"):
        assert id_url(name, pk) == reverse(name, args=[pk])


def test_under_a_script_prefix() -> None:
    set_script_prefix("/qlvb/")
    try:
        assert id_url("incoming:detail", 42) == reverse("incoming:detail", args=[42]) == "/qlvb/van-ban-den/42/"
    finally:
        set_script_prefix("/")
