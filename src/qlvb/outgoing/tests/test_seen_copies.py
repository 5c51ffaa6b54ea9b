"""The sender sees whether each internal recipient saw its copy ("đã xem", issue 18): the recipient agency's
clerk opens the copy, the issued document's page and ``GET /api/v1/outgoing/{id}/seen`` say who and when."""

from __future__ import annotations

import pytest
from django.utils.timezone import localtime

from qlvb.documents.models import Direction
from qlvb.documents.seen_models import SeenReceipt
from qlvb.documents.visibility import documents_visible_to

pytestmark = pytest.mark.django_db


def test_the_sender_sees_the_recipient_clerk_opened_the_copy(issued, person, page_as, api_as):
    outgoing = issued()
    delivery = outgoing.document.deliveries.get()
    copy = delivery.incoming_document
    url = f"/van-ban-di/{outgoing.pk}/"
    assert "chưa xem" in page_as("lethuha").get(url).content.decode()
    assert api_as("lethuha").get(f"/api/v1/outgoing/{outgoing.pk}/seen").json()[0]["receipts"] == []
    assert page_as("tytlienminh_buithiloan").get(f"/van-ban-den/{copy.pk}/").status_code == 200
    receipt = SeenReceipt.objects.get(document=copy)
    assert receipt.user == person("tytlienminh_buithiloan")
    when = localtime(receipt.seen_at).strftime("%d/%m/%Y %H:%M")
    assert f"Bùi Thị Loan — {when}" in page_as("lethuha").get(url).content.decode()
    (row,) = api_as("lethuha").get(f"/api/v1/outgoing/{outgoing.pk}/seen").json()
    assert row["copy_id"] == copy.pk and [r["user_name"] for r in row["receipts"]] == ["Bùi Thị Loan"]
    # someone who may not see the issued document reads none of its receipts
    assert not documents_visible_to(person("ngothuytrang"), Direction.OUTGOING).filter(pk=outgoing.pk).exists()
    assert api_as("ngothuytrang").get(f"/api/v1/outgoing/{outgoing.pk}/seen").status_code == 404
