"""The layout's parts kept per process (``web/layout_parts.py``): a person never sees another's navigation,
and the kept HTML follows the section, the unread count and the language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from qlvb.assignments.models import Notification
from qlvb.web import layout_parts

TEMPLATES = Path(layout_parts.__file__).parent / "templates" / "web"
PARTS = {
    "nav": "_nav.html",
    "bottom_nav": "_bottom_nav.html",
    "app_head": "_app_head.html",
    "app_banners": "_app_banners.html",
    "languages": "_languages.html",
}
# what each part may read from the page's context: its key holds it (or, for the permission filters and the
# shell's flags, the roles, superuser, staff, active and locked it is a function of)
READS = {
    "nav": {
        "request.path",
        "user",
        "user.is_superuser",
        "user.is_staff",
        "shell_can_manage_users",
        "shell_can_view_audit",
    },
    "bottom_nav": {"request.path", "user.is_authenticated"},
    "app_head": {"request"},
    "app_banners": set(),
    "languages": {"code", "name", "LANGUAGE_CODE"},  # ``code`` and ``name``: the loop's own, over the settings
}
_WORDS = re.compile(r"(?<![\w.'\"])([a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*)")
_NOT_CONTEXT = {"if", "elif", "else", "endif", "in", "not", "and", "or", "as", "url", "translate", "load", "i18n"}
_NOT_CONTEXT |= {"static", "qlvb_web", "notifications_nav", "unread_notifications", "can", "slice", "default"}
_NOT_CONTEXT |= {"app_worker_allowed", "comment", "endcomment", "unread", "for", "endfor", "get_available_languages"}


def _context_names(source: str) -> set[str]:
    source = re.sub(r"{% comment %}.*?{% endcomment %}", "", source, flags=re.S)
    names: set[str] = set()
    for tag in re.findall(r"{%(.*?)%}|{{(.*?)}}", source):
        text = re.sub(r"\"[^\"]*\"|'[^']*'", "", " ".join(tag))
        set_here = set(re.findall(r"\bas (\w+)", text))
        names |= {w for w in _WORDS.findall(text) if w not in _NOT_CONTEXT and w not in set_here}
    defined = set(re.findall(r"\bas (\w+)", source))
    return {n for n in names if n.split(".")[0] not in defined}


@pytest.mark.parametrize("part", sorted(PARTS))
def test_each_part_reads_only_what_its_key_holds(part):
    assert part in layout_parts.KEYS
    assert _context_names((TEMPLATES / PARTS[part]).read_text()) <= READS[part]


def test_the_sections_tested_by_the_parts_hold_no_digit():
    """The key has the path's shape (digits replaced): right only while no URL a part compares holds one."""
    for part in PARTS.values():
        source = (TEMPLATES / part).read_text()
        for name in re.findall(r"{% url '([\w:]+)'", source):
            try:
                assert not re.search(r"\d", reverse(name)), name
            except NoReverseMatch:  # an app not installed in this deployment
                continue
        for literal in re.findall(r"'(/[^']*)'", source):
            assert not re.search(r"\d", literal), literal
    assert layout_parts.path_shape("/van-ban-den/123/tep/4/") == "/van-ban-den/0/tep/0/"


def test_a_person_sees_his_own_navigation_not_the_last_ones(demo, page_as):
    clerk, officer = page_as("lethuha"), page_as("dothanhhuong")  # the clerk sees the statistics, not the officer
    for _ in range(2):
        assert 'data-qlvb="nav-reports"' in clerk.get("/van-ban-den/").content.decode()
        page = officer.get("/van-ban-den/").content.decode()
        assert 'data-qlvb="nav-reports"' not in page and "Đỗ Thanh Hương" in page


def test_the_active_section_follows_the_page(demo, page_as):
    clerk = page_as("lethuha")
    incoming = clerk.get("/van-ban-den/").content.decode()
    outgoing = clerk.get("/van-ban-di/").content.decode()
    assert re.search(r'nav-link active" href="/van-ban-den/" data-qlvb="nav-incoming"', incoming)
    assert not re.search(r'nav-link active" href="/van-ban-den/"', outgoing)
    assert re.search(r'nav-link active" href="/van-ban-di/" data-qlvb="nav-outgoing"', outgoing)
    assert 'data-qlvb="tab-outgoing" aria-current="page"' in outgoing
    assert 'data-qlvb="tab-outgoing" aria-current="page"' not in incoming


def test_the_unread_badge_follows_the_count(demo, person, page_as, django_capture_on_commit_callbacks):
    officer = person("dothanhhuong")
    client = page_as(officer)
    assert 'data-qlvb="unread"' not in client.get("/van-ban-den/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        Notification.objects.create(user=officer, kind="assigned", text="Văn bản mới", created_at=timezone.now())
    assert re.search(r'data-qlvb="unread">1<', client.get("/van-ban-den/").content.decode())


def test_the_navigation_in_the_chosen_language(demo, page_as):
    clerk = page_as("lethuha")
    vi, en = 'data-qlvb="nav-incoming">Văn bản đến<', 'data-qlvb="nav-incoming">Incoming documents<'
    assert vi in clerk.get("/van-ban-den/").content.decode()
    clerk.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = clerk.get("/van-ban-den/").content.decode()
    assert en in page and vi not in page and "Release to reload" in page
    clerk.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert vi in clerk.get("/van-ban-den/").content.decode()
