"""In Chromium: the close form of a dossier shows the retention it will take and the document filed twice,
ticked for removal; after closing, the "Lịch sử hồ sơ" box tells what happened. axe-core on both states;
screenshots under var/screenshots/dossiers/."""

from __future__ import annotations

from pathlib import Path

import pytest

from qlvb.conftest import assert_accessible
from qlvb.documents.models import DocumentType
from qlvb.dossiers import services
from qlvb.dossiers.models import DossierState
from qlvb.incoming.assigning import Target
from qlvb.incoming.directing import incoming_route
from qlvb.incoming.receiving import incoming_receive
from qlvb.incoming.tests.conftest import make_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[4] / "var" / "screenshots" / "dossiers"


def test_closing_removes_the_duplicate_and_the_history_tells_it(browser_as, live_server, handled, free_dossier, person):
    officer, clerk = person("dothanhhuong"), person("lethuha")
    decision = handled(doc_type=DocumentType.objects.get(name="Quyết định"), code_number="12", code_notation="QĐ-UBND")
    again = incoming_receive(
        actor=clerk,
        agency=decision.agency,
        channel="email",
        data=make_data(doc_type=decision.doc_type, code_number="12", code_notation="QĐ-UBND"),
        confirm_duplicate=True,
    ).document
    incoming_route(actor=clerk, document=again, targets=[Target(role="lead", user=officer)])
    dossier = free_dossier()
    services.dossier_documents_add(actor=officer, dossier=dossier, document_ids=[decision.pk, again.pk])
    page = browser_as("dothanhhuong")
    page.goto(f"{live_server.url}/ho-so/{dossier.pk}/")
    page.wait_for_load_state("networkidle")
    close = page.locator('[data-qlvb="dossier-close"]')
    assert "10 năm → Vĩnh viễn" in close.locator('[data-qlvb="retention-reassessment"]').inner_text()
    assert close.locator('input[name="remove"]').is_checked()
    assert_accessible(page, "đóng hồ sơ: bản trùng, thời hạn bảo quản")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "closing-duplicates.png"), full_page=True)
    page.locator('[data-qlvb="dossier-close-ok"]').click()
    page.wait_for_load_state("networkidle")
    history = page.locator('[data-qlvb="dossier-history"]').inner_text()
    assert "Xác định lại thời hạn bảo quản khi đóng hồ sơ" in history and "Rút bản trùng khi đóng hồ sơ" in history
    assert "10 năm → Vĩnh viễn" in history
    assert_accessible(page, "hồ sơ đã đóng, lịch sử hồ sơ")
    page.screenshot(path=str(SHOTS / "closed-history.png"), full_page=True)
    dossier.refresh_from_db()
    assert dossier.state == DossierState.CLOSED and dossier.doc_total == 1 and dossier.retention_years is None
