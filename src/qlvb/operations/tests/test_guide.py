"""Issue 15, Điều 21.9: the user guide (docs/huong-dan/, Vietnamese Markdown, one page per role) is
rendered in the site with a table of contents; raw HTML in the source is shown as text, never run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from qlvb.operations.guide import render_markdown

pytestmark = pytest.mark.django_db


def test_every_role_has_a_page_with_a_table_of_contents(page_as: Any) -> None:
    client = page_as("lethuha")
    index = client.get("/ho-tro/huong-dan/").content.decode()
    for slug, title in [
        ("van-thu", "Hướng dẫn cho văn thư"),
        ("lanh-dao", "Hướng dẫn cho lãnh đạo"),
        ("chuyen-vien", "Hướng dẫn cho chuyên viên"),
        ("quan-tri", "Hướng dẫn cho quản trị"),
    ]:
        assert f"/ho-tro/huong-dan/{slug}/" in index
        page = client.get(f"/ho-tro/huong-dan/{slug}/").content.decode()
        assert "<h1 id=" in page and title in page
        assert 'data-qlvb="guide-toc"' in page


def test_headings_get_anchors_the_contents_link_to() -> None:
    _title, html, toc = render_markdown("# Tiêu đề\n\n## Vào sổ\n\n### Vào sổ\n\nx\n")
    assert [h.anchor for h in toc] == ["vao-so", "vao-so-2"]
    assert '<h2 id="vao-so">' in html and '<h3 id="vao-so-2">' in html


def test_raw_html_and_script_links_in_the_source_are_not_rendered() -> None:
    _title, html, _toc = render_markdown(
        '# T\n\n<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">\n\n[bấm](javascript:alert(3))\n'
    )
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<img" not in html
    assert 'href="javascript:' not in html


def test_an_unknown_page_or_a_path_outside_the_folder_is_not_found(page_as: Any, tmp_path: Path) -> None:
    (tmp_path / "index.md").write_text("# Trang chính\n", encoding="utf-8")
    (tmp_path.parent / "secret.md").write_text("# Bí mật\n", encoding="utf-8")
    client = page_as("lethuha")
    with override_settings(QLVB_GUIDE_DIR=tmp_path):
        assert client.get("/ho-tro/huong-dan/khong-co/").status_code == 404
        assert client.get("/ho-tro/huong-dan/..%2Fsecret/").status_code == 404
        assert "Trang chính" in client.get("/ho-tro/huong-dan/").content.decode()


def test_signed_out_visitors_are_sent_to_sign_in(client: Any) -> None:
    assert client.get("/ho-tro/huong-dan/")["Location"].startswith("/dang-nhap/")
    assert client.get("/ho-tro/")["Location"].startswith("/dang-nhap/")
