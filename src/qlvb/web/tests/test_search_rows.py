"""The search page's results written in Python (web/search_rows.py) are the template's, character for character:
every part present or missing, values that need escaping, a subject longer than the checkbox's label, each
direction, urgency and status, with and without a link and the dossier checkbox, in Vietnamese and English."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

from django.template import Context, Template
from django.utils import translation

from qlvb.documents.models import Direction, Document, DocumentStatus, DocumentType, Urgency
from qlvb.documents.search import Hit
from qlvb.web.search_rows import search_hit_item

# The result as the search page's template wrote it before search_rows.search_hit_item.
BEFORE = (Path(__file__).parent / "data" / "search_hit_before.html").read_text(encoding="utf-8").rstrip("\n")
TRICKY = "Về việc <b>\"khẩn\"</b> & 'gấp' — triển khai kế hoạch chuyển đổi số năm 2026 của tỉnh"


def _hits() -> list[Hit]:
    hits = []
    kind = DocumentType(pk=3, name="Quyết <định>")
    shapes = itertools.product(Direction.values, Urgency.values, (True, False), (True, False))
    for n, (direction, urgency, full, typed) in enumerate(shapes, start=1):
        doc = Document(
            pk=1_000 + n,
            direction=direction,
            urgency=urgency,
            status=DocumentStatus.values[n % len(DocumentStatus.values)],
            subject=TRICKY if full else "Giấy mời họp",
            organ_name="UBND <tỉnh> & Sở",
            signer_name='Nguyễn Văn "A"' if full else "",
            code_number="12" if full else "",
            code_notation="QĐ-UBND" if full or n % 3 else "",
            issued_date=dt.date(2026, 3, 5) if full else None,
        )
        if typed:  # else no type, as a document whose type is not set
            doc.doc_type = kind
        spans = [(8, 12)] if full else []
        hits.append(Hit(doc, "Về việc <khẩn> & triển khai" if full else "", spans, from_body=full))
    return hits


def test_a_result_is_what_the_template_wrote():
    template = Template(BEFORE)
    hits = _hits()
    assert len(hits) == 48
    compared = 0
    for language in ("vi", "en"):
        with translation.override(language):
            for hit, link, may_file in itertools.product(hits, ("", '/van-ban-den/5/?a=1&b="x"'), (True, False)):
                expected = template.render(Context({"hit": hit, "link": link, "may_file": may_file}))
                assert search_hit_item(hit, link, may_file=may_file) == expected, (language, hit.document.pk)
                compared += 1
    assert compared == 2 * 48 * 4


def test_a_result_escapes_what_it_shows():
    hit = _hits()[0]
    html = search_hit_item(hit, '/van-ban-den/5/?a=1&b="x"', may_file=True)
    assert "<b>" not in html and "&lt;b&gt;" in html and "UBND &lt;tỉnh&gt; &amp; Sở" in html
    assert 'href="/van-ban-den/5/?a=1&amp;b=&quot;x&quot;"' in html and "05/03/2026" in html
    assert 'value="1001"' in html and 'aria-label="Chọn văn bản Về việc &lt;b&gt;' in html
