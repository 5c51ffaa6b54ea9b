"""The six-monthly report on the use of the system (seed Điều 21.10): per agency and for the whole
deployment, computed again at each run; as XLSX (no cell a spreadsheet would run) and as a PDF narrative."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from qlvb.core.audit import record
from qlvb.directory.models import Unit
from qlvb.reports.periods import current_half, half_year
from qlvb.reports.usage import usage_compute

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(handle, finish, person):
    finish(handle("Kế hoạch tiêm chủng", channel="axis"))
    handle("Báo cáo dân số", channel="paper")
    handle("Rà soát hộ nghèo", channel="internal")
    record("auth.sign_in", actor=person("nguyenvanhung"), obj=person("nguyenvanhung"))


def test_an_agency_report_counts_channels_accounts_and_deadlines(person, activity, ubnd, tyt):
    report = usage_compute([ubnd], current_half())
    v = report.agencies[0].values
    assert (v["in_total"], v["in_electronic"], v["in_axis"], v["in_internal"], v["in_paper"]) == (3, 2, 1, 1, 1)
    assert v["accounts_active"] == 10  # the demo's people of UBND and its departments (archivist included)
    assert v["accounts_used"] >= 1
    assert (v["work_total"], v["work_on_time"], v["work_not_due"]) == (3, 1, 2)
    assert v["incidents"] == 0  # no incident in the log: the row stays, with its note
    assert report.total.values == v
    # another agency has nothing of it
    assert usage_compute([tyt], current_half()).agencies[0].values["in_total"] == 0


def test_a_past_period_can_be_run_again(activity, ubnd):
    last_year = half_year(timezone.localdate().year - 1, 1)
    assert usage_compute([ubnd], last_year).agencies[0].values["in_total"] == 0
    first = usage_compute([ubnd], current_half()).agencies[0].values
    again = usage_compute([ubnd], current_half()).agencies[0].values
    assert first == again


def test_the_deployment_report_is_the_admins(page_as, activity, ubnd, tyt):
    admin = page_as("tranthilan")  # admin of UBND, above the Trạm Y tế
    page = admin.get("/thong-ke/bao-cao-06-thang/?pham_vi=toan-bo")
    assert page.status_code == 200
    report = page.context["report"]
    assert [a.name for a in report.agencies] == [ubnd.name, tyt.name]
    assert report.total.values["in_total"] == 3
    refused = page_as("nguyenvanhung").get("/thong-ke/bao-cao-06-thang/?pham_vi=toan-bo")
    assert refused.status_code == 403
    assert "toàn bộ" in refused.content.decode()


def test_bad_periods_and_other_agencies_are_refused(page_as, tyt):
    leader = page_as("nguyenvanhung")
    reversed_ = leader.get("/thong-ke/bao-cao-06-thang/?tu=31/12/2026&den=01/07/2026")
    assert reversed_.status_code == 422
    assert "trước khi bắt đầu" in reversed_.content.decode()
    assert leader.get("/thong-ke/bao-cao-06-thang/?ky=2026-3").status_code == 422
    other = leader.get(f"/thong-ke/bao-cao-06-thang/?co_quan={tyt.pk}")
    assert other.status_code == 403
    assert page_as("dothanhhuong").get("/thong-ke/bao-cao-06-thang/").status_code == 403


def test_the_xlsx_never_holds_a_formula(page_as, activity, dept):
    vhxh = dept("VHXH")
    Unit.objects.filter(pk=vhxh.pk).update(name='=HYPERLINK("http://x.example/","Bấm")')
    leader = page_as("nguyenvanhung")
    for url in ("/thong-ke/thong-ke.xlsx", "/thong-ke/bao-cao-06-thang.xlsx"):
        response = leader.get(url)
        assert response.status_code == 200, url
        with zipfile.ZipFile(io.BytesIO(response.content)) as z:
            sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets and not any("<f>" in s or "<f " in s for s in sheets), url
    book = load_workbook(io.BytesIO(leader.get("/thong-ke/thong-ke.xlsx").content))
    names = [c.value for c in book["Theo đơn vị"]["A"]]
    assert '=HYPERLINK("http://x.example/","Bấm")' in names
    usage = load_workbook(io.BytesIO(leader.get("/thong-ke/bao-cao-06-thang.xlsx").content))
    assert usage["Tổng hợp"]["B8"].value == 3  # Văn bản đến tiếp nhận trong kỳ


def test_the_pdf_tells_the_figures_in_words(page_as, activity):
    response = page_as("nguyenvanhung").get("/thong-ke/bao-cao-06-thang.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "BÁO CÁO" in text and "Ủy ban nhân dân xã Liên Minh".upper() in text
    assert "tiếp nhận 3 văn bản, trong đó 2 văn bản điện tử" in " ".join(text.split())


def test_the_incident_log_is_counted_once_for_the_whole_deployment(activity, ubnd, tyt):
    """Điều 21.10: incidents and downtime come from the administrator's log (operations), the same for
    every agency, never added up in the total."""
    from qlvb.directory.models import User
    from qlvb.operations.notice_models import NoticeKind, SystemNotice
    from qlvb.operations.notices import NoticeData, notice_start

    half = current_half()
    start = timezone.make_aware(dt.datetime.combine(half.start, dt.time(8)))
    notice = notice_start(
        actor=User.objects.get(username="admin"),
        data=NoticeData(kind=NoticeKind.INCIDENT, title="Mất kết nối cơ sở dữ liệu", starts_at=start),
    )
    SystemNotice.objects.filter(pk=notice.pk).update(ended_at=start + dt.timedelta(minutes=95))

    report = usage_compute([ubnd, tyt], half)

    for row in report.agencies:
        assert (row.values["incidents"], row.values["downtime_minutes"]) == (1, 95)
    assert (report.total.values["incidents"], report.total.values["downtime_minutes"]) == (1, 95)


def test_the_statistics_page_links_the_report_only_for_who_may_open_it(page_as, activity):
    """First-user sweep: the clerk saw the link on "Thống kê" and got a 403 behind it."""
    for who, may in (("nguyenvanhung", True), ("lethuha", False)):
        client = page_as(who)
        statistics = client.get("/thong-ke/")
        assert statistics.status_code == 200, who
        linked = "/thong-ke/bao-cao-06-thang/" in statistics.content.decode()
        opens = client.get("/thong-ke/bao-cao-06-thang/").status_code == 200
        assert linked == opens == may, who
