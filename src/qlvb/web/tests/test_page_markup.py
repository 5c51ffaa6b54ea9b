"""Markup rules every page keeps (HTTP level; the browser checks are in test_accessibility.py): the
outgoing pages' dates are typed dd/mm/yyyy like every other date, no inline style the CSP would
block, labelled filters, a skip link."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from qlvb.outgoing.forms import DraftForm


def _first(pattern: str, text: str, group: int) -> str:
    """The first match of ``pattern`` in ``text`` (failing when there is none), its ``group``."""
    found = re.search(pattern, text)
    assert found is not None, pattern
    return found.group(group)


def test_reply_deadline_is_a_dd_mm_yyyy_text_field(demo, page_as):
    html = page_as("ublienminh_dothanhhuong").get("/van-ban-di/soan/").content.decode()
    (field,) = re.findall(r'<input[^>]*name="due_date"[^>]*>', html)
    assert 'type="date"' not in field  # no native picker in the browser's own order (mm/dd/yyyy)
    assert 'placeholder="dd/mm/yyyy"' in field and 'type="text"' in field
    assert DraftForm.base_fields["due_date"].clean("15/04/2027") == dt.date(2027, 4, 15)


@pytest.mark.parametrize("url", ["/van-ban-di/", "/van-ban-di/soan/", "/van-ban-di/so-dang-ky/"])
def test_outgoing_pages_have_no_inline_style(demo, url, page_as):
    html = page_as("ublienminh_lethuha").get(url).content.decode()
    assert " style=" not in html and "<style" not in html


def test_inbox_filters_are_labelled(demo, page_as):
    html = page_as("ublienminh_lethuha").get("/van-ban-den/").content.decode()
    for name in ("status", "urgency"):
        assert re.search(rf'<label[^>]*for="id_{name}"', html), name


def test_every_page_starts_with_a_skip_link_to_the_content(demo, page_as):
    for client, url in ((Client(), "/dang-nhap/"), (page_as("ublienminh_lethuha"), "/")):
        html = client.get(url).content.decode()
        body = html.split("<body", 1)[1]
        first_link = _first(r"<a [^>]*>", body, 0)
        assert 'href="#content"' in first_link
        assert 'id="content" tabindex="-1"' in html


def test_help_text_and_errors_are_tied_to_their_field(demo, page_as):
    """Django points ``aria-describedby`` at ``<id>_helptext`` and ``<id>_error``: those elements exist,
    so a screen reader reads the rule and the error with the field."""
    client = page_as("ublienminh_lethuha")
    html = client.post(
        "/doi-mat-khau/", {"old_password": "LienMinh@2025", "new_password1": "ngan", "new_password2": "ngan"}
    ).content.decode()
    (field,) = re.findall(r'<input[^>]*name="new_password1"[^>]*>', html)
    described = _first(r'aria-describedby="([^"]+)"', field, 1).split()
    assert described == ["id_new_password1_helptext", "id_new_password1_error"]
    for element_id in described:
        assert f'id="{element_id}"' in html, element_id
    assert 'aria-invalid="true"' in field
