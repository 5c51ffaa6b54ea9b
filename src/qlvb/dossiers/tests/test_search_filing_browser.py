"""In Chromium, at desktop width and at 375 px: Đỗ Thanh Hương searches, ticks two results and files them into
one of her open dossiers from the search page; she lands back on her results with the message, the dossier
holds both. axe-core on the page; screenshots under var/screenshots/dossiers/."""

from __future__ import annotations

from pathlib import Path

import pytest

from qlvb.conftest import assert_accessible
from qlvb.dossiers.models import DossierItem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[4] / "var" / "screenshots" / "dossiers"


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "375px"])
def test_filing_two_search_results_into_a_dossier(phone, browser_as, live_server, handled, free_dossier):
    docs = [handled(code_number=str(n), subject=f"Về việc tiêm chủng sởi đợt {n}") for n in (71, 72, 73)]
    dossier = free_dossier(title="Hồ sơ tiêm chủng sởi năm 2026")
    page = browser_as("dothanhhuong", phone=phone)
    page.goto(f"{live_server.url}/tim-kiem/?q=ti%C3%AAm+ch%E1%BB%A7ng+s%E1%BB%9Fi")
    page.wait_for_load_state("networkidle")
    for doc in docs[:2]:
        page.locator(f'[data-qlvb="search-pick"][value="{doc.pk}"]').check()
    page.get_by_label("Hồ sơ đang lập").select_option(str(dossier.pk))
    assert_accessible(page, "tìm kiếm, chọn văn bản để đưa vào hồ sơ")
    if phone:
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, "scrolls sideways"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"search-filing-{'375' if phone else 'desktop'}.png"), full_page=True)
    page.locator('[data-qlvb="search-file-ok"]').click()
    page.wait_for_load_state("networkidle")
    assert "/tim-kiem/" in page.url
    assert f"Đã đưa 2 văn bản vào hồ sơ {dossier.file_code}" in page.locator("main").inner_text()
    filed = set(DossierItem.objects.filter(dossier=dossier).values_list("document_id", flat=True))
    assert filed == {docs[0].pk, docs[1].pk}
