"""The dossier pages, the "Chưa lập hồ sơ" box, the "Thêm vào hồ sơ" form on the incoming and outgoing document
pages, and the Mục lục văn bản printed as PDF."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from qlvb.documents.models import DocumentType
from qlvb.dossiers import services
from qlvb.dossiers.models import DossierItem, DossierState, PlanHeading, PlanRow
from qlvb.dossiers.selectors import documents_unfiled, documents_visible_any
from qlvb.outgoing.services import DraftData, outgoing_create

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_list_shows_the_unfiled_box_and_opens_a_dossier(page_as, handled):
    doc = handled(subject="Về việc kiểm tra an toàn thực phẩm")
    client = page_as("dothanhhuong")
    page = client.get(reverse("dossiers:list"))
    assert page.status_code == 200
    assert "Chưa lập hồ sơ" in _text(page) and "Về việc kiểm tra an toàn thực phẩm" in _text(page)
    opened = client.post(
        reverse("dossiers:list"),
        {"title": "Hồ sơ an toàn thực phẩm", "notation": "07.VX", "start_date": "02/01/2026"},
    )
    assert opened.status_code == 302
    detail = client.get(opened["Location"])
    text = _text(detail)
    assert "Hồ sơ an toàn thực phẩm" in text and "02/01/2026" in text and "Vĩnh viễn" in text
    assert 'data-qlvb="dossier-close"' not in text and "chưa đóng được" in text
    assert f'value="{doc.pk}"' in text  # offered to be filed
    clash = client.post(reverse("dossiers:list"), {"title": "Khác", "notation": "07.VX"}, follow=True)
    assert "đã dùng cho một hồ sơ khác" in _text(clash)


def test_filing_from_the_incoming_page_then_closing(page_as, handled, free_dossier):
    doc = handled(page_amount=2)
    dossier = free_dossier()
    client = page_as("dothanhhuong")
    page = _text(client.get(reverse("incoming:detail", args=[doc.pk])))
    assert 'data-qlvb="dossier-add"' in page and f'<option value="{dossier.pk}">05.VX' in page
    back = reverse("incoming:detail", args=[doc.pk])
    added = client.post(reverse("dossiers:item_add"), {"dossier": dossier.pk, "document": doc.pk, "next": back})
    assert added.status_code == 302 and added["Location"] == back
    assert DossierItem.objects.filter(dossier=dossier, document=doc).exists()
    # an outside address is not followed
    evil = client.post(
        reverse("dossiers:item_add"), {"dossier": dossier.pk, "document": doc.pk, "next": "https://evil.example/"}
    )
    assert evil["Location"] == reverse("dossiers:detail", args=[dossier.pk])
    detail = _text(client.get(reverse("dossiers:detail", args=[dossier.pk])))
    assert 'data-qlvb="dossier-close"' in detail
    closed = client.post(
        reverse("dossiers:detail", args=[dossier.pk]),
        {"action": "close", "c-title": "Hồ sơ tiêm chủng 2026", "c-end_date": "30/06/2026"},
    )
    assert closed.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == DossierState.CLOSED and dossier.page_total == 2
    assert "Đã đóng" in _text(client.get(reverse("dossiers:detail", args=[dossier.pk])))


def test_a_document_not_seen_cannot_be_filed_through_the_page(page_as, handled, free_dossier):
    not_hers = handled(to="ngothuytrang")
    dossier = free_dossier()
    client = page_as("dothanhhuong")
    refused = client.post(reverse("dossiers:item_add"), {"dossier": dossier.pk, "document": not_hers.pk}, follow=True)
    assert "không có quyền xem" in _text(refused)
    assert not dossier.items.exists()
    assert page_as("tytlienminh_dangvantoan").get(reverse("dossiers:detail", args=[dossier.pk])).status_code == 404


def test_the_outgoing_page_offers_the_dossiers(page_as, person, tyt, free_dossier):
    outgoing = outgoing_create(
        actor=person("dothanhhuong"),
        data=DraftData(
            doc_type=DocumentType.objects.get(name="Công văn"),
            subject="Triển khai tiêm chủng mở rộng",
            signer=person("nguyenvanhung"),
            competence="",
            recipients=[tyt],
            drafter_initials="ĐTH",
            copy_count=5,
            free_recipients="Như trên;\nLưu: VT, VHXH.",
        ),
    )
    dossier = free_dossier()
    assert outgoing.pk in set(documents_unfiled(person("dothanhhuong")).values_list("pk", flat=True))  # she drafted it
    client = page_as("dothanhhuong")
    page = _text(client.get(reverse("outgoing:detail", args=[outgoing.pk])))
    assert 'data-qlvb="dossier-add"' in page and f'<option value="{dossier.pk}">' in page
    client.post(reverse("dossiers:item_add"), {"dossier": dossier.pk, "document": outgoing.pk})
    assert DossierItem.objects.filter(dossier=dossier, document_id=outgoing.pk).exists()
    assert not documents_unfiled(person("dothanhhuong")).filter(pk=outgoing.pk).exists()
    # outgoing's own rule, through documents.visibility: another officer does not see the draft
    assert not documents_visible_any(person("ngothuytrang")).filter(pk=outgoing.pk).exists()


def test_the_plan_page_approves_and_opens_from_a_row(page_as, person, ubnd):
    clerk = page_as("lethuha")
    created = clerk.post(reverse("dossiers:plans"), {"year": 2026, "numbering": "continuous"})
    assert created.status_code == 302
    url = created["Location"]
    clerk.post(url, {"action": "heading", "h-title": "Văn hóa - Xã hội", "h-abbreviation": "VX"})
    heading = PlanHeading.objects.get(title="Văn hóa - Xã hội")
    clerk.post(
        url, {"action": "row", "r-heading": heading.pk, "r-title": "Hồ sơ tiêm chủng", "r-retention_years": "10"}
    )
    assert 'data-qlvb="plan-approve"' not in _text(clerk.get(url))
    head = page_as("nguyenvanhung")
    assert 'data-qlvb="plan-approve"' in _text(head.get(url))
    head.post(url, {"action": "approve"})
    page = _text(page_as("dothanhhuong").get(url))
    assert "Đã duyệt" in page and "Tổng số: 1 hồ sơ" in page and 'data-qlvb="open-01.VX"' in page
    row = PlanRow.objects.get()
    opened = page_as("dothanhhuong").post(url, {"action": "open", "row": row.pk})
    assert opened.status_code == 302 and "/ho-so/" in opened["Location"]


def test_the_catalogue_prints_as_pdf(page_as, handled, free_dossier, person):
    doc = handled(page_amount=3, subject="Về việc tiêm chủng mở rộng")
    dossier = free_dossier()
    services.dossier_documents_add(actor=person("dothanhhuong"), dossier=dossier, document_ids=[doc.pk])
    pdf = page_as("dothanhhuong").get(reverse("dossiers:catalogue", args=[dossier.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = re.sub(r"\s+", " ", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages))
    assert "MỤC LỤC VĂN BẢN" in text and "tiêm chủng mở rộng" in text and dossier.file_code in text


def test_odd_ids_in_the_forms_answer_404_or_a_message(page_as, free_dossier):
    dossier = free_dossier()
    client = page_as("dothanhhuong")
    url = reverse("dossiers:detail", args=[dossier.pk])
    assert client.post(url, {"action": "remove", "item": "9" * 30}).status_code == 404
    huge = client.post(reverse("dossiers:item_add"), {"dossier": "9" * 30, "document": "1"}, follow=True)
    assert huge.status_code == 200 and "Chưa chọn hồ sơ" in _text(huge)
    none = client.post(url, {"action": "add", "document": ["x", "9" * 30]}, follow=True)
    assert "Chưa chọn văn bản nào" in _text(none)
