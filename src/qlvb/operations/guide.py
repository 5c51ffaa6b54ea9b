"""The user guide rendered in the site (Điều 21.9: support documents): Vietnamese Markdown pages in
``settings.QLVB_GUIDE_DIR`` (``docs/huong-dan/`` of the repository), one per role, rendered with
markdown-it-py in CommonMark mode with raw HTML **off** (a ``<script>`` in a page shows as text) and
link validation on (no ``javascript:`` links); every heading gets an anchor and the table of contents
lists the level-2 and level-3 headings."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

from qlvb.core.text import fold

SLUG_RE = re.compile(r"^[a-z0-9-]{1,60}$")


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str


@dataclass(frozen=True)
class GuidePage:
    slug: str
    title: str
    html: SafeString
    toc: tuple[Heading, ...]


def guide_dir() -> Path:
    return Path(getattr(settings, "QLVB_GUIDE_DIR", ""))


def _anchor(text: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-") or "muc"
    anchor, n = base, 2
    while anchor in taken:
        anchor, n = f"{base}-{n}", n + 1
    taken.add(anchor)
    return anchor


def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


def render_markdown(source: str) -> tuple[str, str, tuple[Heading, ...]]:
    """(title, HTML, table of contents) of one Markdown page; the title is its first level-1 heading."""
    md = _parser()
    tokens = md.parse(source)
    title, toc, taken = "", [], set[str]()
    for i, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        text = tokens[i + 1].content
        anchor = _anchor(text, taken)
        token.attrSet("id", anchor)
        level = int(token.tag[1])
        if level == 1 and not title:
            title = text
        elif level in (2, 3):
            toc.append(Heading(level, text, anchor))
    for token in tokens:
        if token.type == "table_open":
            token.attrSet("class", "table table-sm table-bordered")
    html = md.renderer.render(tokens, md.options, {})
    return title, html, tuple(toc)


@lru_cache(maxsize=32)
def _page_cached(path: Path, mtime: float) -> tuple[str, str, tuple[Heading, ...]]:
    return render_markdown(path.read_text(encoding="utf-8"))


def guide_page(slug: str) -> GuidePage | None:
    """One page of the guide by its file name without ``.md``; None for a name that is not a page."""
    if not SLUG_RE.match(slug):
        return None
    path = guide_dir() / f"{slug}.md"
    if not path.is_file():
        return None
    title, html, toc = _page_cached(path, path.stat().st_mtime)
    return GuidePage(slug=slug, title=title or slug, html=mark_safe(html), toc=toc)  # noqa: S308 (raw HTML is off)


def guide_pages() -> list[GuidePage]:
    """Every page of the guide, ``index`` first, then by file name."""
    folder = guide_dir()
    if not folder.is_dir():
        return []
    slugs = sorted((p.stem for p in folder.glob("*.md") if SLUG_RE.match(p.stem)), key=lambda s: (s != "index", s))
    return [page for slug in slugs if (page := guide_page(slug)) is not None]
