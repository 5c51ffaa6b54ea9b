"""The request's own CPU on the form POSTs of a working day (issue 17, "CPU per request", the writes).

``bench_request_cpu.py`` measures the pages a person reads; the mixed load (``bench_load.py``) showed the
writes at 40–77 ms of web CPU each, ~30 % of the web's CPU. This bench measures those POSTs the same way,
in this process, through the whole WSGI stack (session cookie, CSRF, middleware, view, service, the
redirect), on the database ``bench_request_cpu.py`` built (made by running it when missing; this bench only
adds work to it):

  - register  the clerk registers a paper document with its PDF   POST /van-ban-den/tiep-nhan/
  - direct    the leader directs a submitted document              POST /van-ban-den/<id>/chi-dao/
  - complete  the officer completes his assignment                 POST /van-ban-den/phan-cong/<id>/hoan-thanh/
  - approve   the department leader approves a submitted draft     POST /van-ban-di/<id>/approve/

Each POST consumes its target (a document is directed once), so the work is prepared first through the
real services (registered documents submitted to the leaders; drafts with a PDF version submitted for
review). The form's fields are those the page sends (``bench/load/loadforms.py``, as the load does); only
the POST is timed. The work a POST leaves for Celery (notifications, indexing) runs eagerly in a test
but here goes to the broker: it is not the request's CPU.

    .venv/bin/python bench/bench_post_cpu.py [--database qlvb_bench_cpu] [--requests 30] [--profile]
        [--only register,direct] [--cache-url redis://localhost:6379/13]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "load"))
from bench_load import _docx_bytes, _pdf_bytes  # noqa: E402
from bench_request_cpu import HOST, Caller, pct  # noqa: E402
from loadforms import form_of  # noqa: E402

CSRF = "benchcsrfsecret0123456789abcdefX"  # 32 characters: Django takes an unmasked secret as the token

NAMES = {
    "register": "register a paper document with its PDF (clerk)",
    "direct": "direct a submitted document (leader)",
    "complete": "complete an assignment (officer)",
    "approve": "approve a draft (department leader)",
}


class Poster(Caller):
    """The WSGI application called with a form POST (multipart, as a browser sends a form with a file)."""

    draft_pdf_id: int | None = None  # the PDF every prepared draft shares

    def post(self, user: Any, url: str, data: dict[str, Any]) -> tuple[int, bytes]:
        from django.test.client import BOUNDARY, MULTIPART_CONTENT, FakePayload, encode_multipart

        body = encode_multipart(BOUNDARY, {**data, "csrfmiddlewaretoken": CSRF})
        return self.call(
            user,
            url,
            cookie=f"; csrftoken={CSRF}",
            QUERY_STRING="",
            REQUEST_METHOD="POST",
            CONTENT_TYPE=MULTIPART_CONTENT,
            CONTENT_LENGTH=str(len(body)),
            **{"wsgi.input": FakePayload(body)},
        )

    def form(self, user: Any, url: str, values: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """The page's form as the person fills it: (action, fields)."""
        code, body = self.get(user, url)
        assert code == 200, (url, code, body[:300])
        found = form_of(body.decode())
        data = {k: v for k, v in {**found["fields"], **values}.items() if v is not None}
        for name in found["required"]:
            if not data.get(name):
                data[name] = "Đã xử lý theo chỉ đạo."
        return found["action"] or url, data

    def measure_post(self, user: Any, url: str, data: dict[str, Any]) -> dict[str, float]:
        return self.timed(lambda: self.post(user, url, data), url, 302)  # accepted: a redirect, not the form again


Post = tuple[Any, str, dict[str, Any]]  # (person, url, the form's fields)


def prepare(rng: random.Random, n: int, poster: Poster) -> dict[str, Callable[[], list[Post]]]:
    """Per kind, a function that makes ``n`` fresh POSTs (the work each one consumes made first)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db.models import Count

    from qlvb.assignments.models import Assignment
    from qlvb.directory.models import User
    from qlvb.documents.models import Direction, Document

    agency_id = (
        Document.objects.filter(direction=Direction.INCOMING)
        .values("agency_id")
        .annotate(k=Count("id"))
        .order_by("-k")
        .values_list("agency_id", flat=True)
    )[0]
    clerk = User.objects.filter(role_assignments__role="clerk", role_assignments__unit_id=agency_id).first()
    leaders = list(User.objects.filter(role_assignments__role="leader", role_assignments__unit_id=agency_id))
    pdf = _pdf_bytes()

    def register() -> list[Post]:
        posts = []
        for _ in range(n):
            k = rng.randint(1, 10**6)
            action, data = poster.form(
                clerk,
                "/van-ban-den/tiep-nhan/",
                {"subject": f"V/v triển khai nhiệm vụ chuyển đổi số đợt {k}", "code_notation": f"{k}/UBND-VP"},
            )
            data.update(channel="paper", main_file=SimpleUploadedFile(f"cv-{k}.pdf", pdf, "application/pdf"))
            posts.append((clerk, action, data))
        return posts

    def direct() -> list[Post]:
        from qlvb.incoming.services import IncomingData, incoming_receive, incoming_submit

        doc_type = Document.objects.filter(agency_id=agency_id).exclude(doc_type=None).first().doc_type  # type: ignore[union-attr]
        posts = []
        for i in range(n):
            leader = leaders[i % len(leaders)]
            k = rng.randint(1, 9999)
            data = IncomingData(
                doc_type=doc_type,
                subject=f"Về việc triển khai kế hoạch số {k} năm 2026",
                organ_name="Ủy ban nhân dân tỉnh",
                code_number=str(k),
                code_notation="UBND-VX",
                issued_date=__import__("datetime").date(2026, 11, 20),
                signer_position="Chủ tịch",
                signer_name="Nguyễn Văn An",
            )
            received = incoming_receive(
                actor=clerk, agency=clerk.unit.agency, channel="paper", data=data, confirm_duplicate=True
            )
            incoming_submit(actor=clerk, document=received.document, leader=leader)
            url = f"/van-ban-den/{received.document.pk}/chi-dao/"
            action, fields = poster.form(leader, url, {"directive": "Giao phòng chủ trì tham mưu."})
            posts.append((leader, action, fields))
        return posts

    def complete() -> list[Post]:
        open_ = list(
            Assignment.objects.filter(
                user__isnull=False, role="lead", status__in=("pending", "in_progress"), document__isnull=False
            )
            .select_related("user")
            .order_by("?")[:n]
        )
        posts = []
        for a in open_:
            url = f"/van-ban-den/phan-cong/{a.pk}/hoan-thanh/"
            action, fields = poster.form(a.user, url, {"result": "Đã tham mưu, hoàn thành."})
            posts.append((a.user, action, fields))
        return posts

    def approve() -> list[Post]:
        return approvals(rng, n, poster, agency_id)

    return {"register": register, "direct": direct, "complete": complete, "approve": approve}


def approvals(rng: random.Random, n: int, poster: Poster, agency_id: int) -> list[Post]:
    """Drafts with a version submitted by their drafters, each waiting for its department leader (LibreOffice
    converts the first one; the others share its PDF, as in ``bench_load.py``)."""
    from qlvb.directory.models import User
    from qlvb.documents.models import DocumentType
    from qlvb.files.intake import file_intake
    from qlvb.outgoing.approval import outgoing_submit
    from qlvb.outgoing.draft_state import current_step
    from qlvb.outgoing.drafting import DraftData, outgoing_create
    from qlvb.outgoing.models import DraftVersion
    from qlvb.outgoing.versions import version_convert, version_upload

    officers = list(User.objects.filter(role_assignments__role="officer", unit__parent_id=agency_id).distinct()[:10])
    signer = User.objects.filter(role_assignments__role="leader", role_assignments__unit_id=agency_id).first()
    doc_type = DocumentType.objects.first()
    docx = _docx_bytes()
    posts: list[Post] = []
    for i in range(n):
        drafter = officers[i % len(officers)]
        outgoing = outgoing_create(
            actor=drafter,
            data=DraftData(
                doc_type=doc_type,  # type: ignore[arg-type]
                subject=f"V/v báo cáo kết quả thực hiện nhiệm vụ số {rng.randint(1, 999)}",
                signer=signer,
                free_recipients="Như trên\nLưu: VT",
            ),
        )
        stored = file_intake(actor=drafter, stream=io.BytesIO(docx), original_name=f"du-thao-{i}.docx", channel="web")
        version = version_upload(actor=drafter, outgoing=outgoing, stored_file=stored)
        if poster.draft_pdf_id is None:
            poster.draft_pdf_id = version_convert(version_id=version.pk).pdf_id
        DraftVersion.objects.filter(pk=version.pk).update(pdf_id=poster.draft_pdf_id)
        outgoing = outgoing_submit(actor=drafter, outgoing=outgoing)
        step = current_step(outgoing)
        if step is None or step.user is None or step.kind != "review":
            continue
        posts.append((step.user, f"/van-ban-di/{outgoing.pk}/approve/", {"comment": "Đồng ý."}))
    return posts


def run(poster: Poster, posts: list[Post]) -> dict[str, list[float]]:
    figures: dict[str, list[float]] = {"wall": [], "cpu": [], "sql": [], "app_cpu": [], "queries": []}
    for user, url, data in posts:
        for k, v in poster.measure_post(user, url, data).items():
            figures[k].append(v)
    return figures


def profiled(poster: Poster, posts: list[Post], top: int, dump: str) -> tuple[float, str]:
    """Calls per request and the cProfile summary (CPU clock) of ``posts``."""
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for user, url, data in posts:
        code, body = poster.post(user, url, data)
        assert code == 302, (url, code, body[:300])
    profiler.disable()
    if dump:
        profiler.dump_stats(dump)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    calls = stats.total_calls / max(1, len(posts))  # type: ignore[attr-defined]
    stats.sort_stats("cumulative").print_stats(r"qlvb/|templat|middleware", top)
    stats.strip_dirs().sort_stats("tottime").print_stats(top)
    return calls, out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=os.environ.get("QLVB_BENCH_CPU_DB", "qlvb_bench_cpu"))
    parser.add_argument("--cache-url", default=os.environ.get("QLVB_CACHE_URL", ""), help="Redis for the caches")
    parser.add_argument("--requests", type=int, default=30, help="measured POSTs per kind")
    parser.add_argument("--only", default="", help="comma-separated kinds: " + ",".join(NAMES))
    parser.add_argument("--profile", action="store_true", help="print a cProfile summary per kind")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--dump", default="", help="with --profile: each kind's raw profile to DUMP-<kind>.prof")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--port", default="5432")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    url = f"postgresql://postgres@/{args.database}?host={HOST}&port={args.port}"
    listed = subprocess.run(
        ["psql", "-h", HOST, "-p", args.port, "-U", "postgres", "-Atc", "SELECT datname FROM pg_database"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    if args.database not in listed:  # alone, or before it in `make bench`: the page bench builds the set
        page_bench = [sys.executable, str(ROOT / "bench_request_cpu.py"), "--database", args.database]
        subprocess.run([*page_bench, "--port", args.port, "--requests", "1", "--only", "floor"], check=True)
    os.environ.update({"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "qlvb.settings"})
    if args.cache_url:
        os.environ["QLVB_CACHE_URL"] = args.cache_url
    sys.path.insert(0, str(ROOT.parent / "src"))
    import django

    django.setup()
    from qlvb.documents.models import Document

    load = os.getloadavg()
    print(
        f"== {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} — {os.cpu_count()} cores, "
        f"{Document.objects.count():,} documents, load {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} =="
    )
    poster = Poster()
    makers = prepare(random.Random(args.seed), args.requests, poster)
    wanted = [k for k in (args.only.split(",") if args.only else NAMES) if k]
    print(
        "\n| POST | requests | wall p50 / p95 | CPU p50 / p95 | SQL time p50 | CPU outside SQL p50 | queries | calls |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    reports = []
    for key in wanted:
        run(poster, makers[key]()[:3])  # warm: templates, connections, each person's session
        f = run(poster, makers[key]())
        calls, report = profiled(poster, makers[key](), args.top, f"{args.dump}-{key}.prof" if args.dump else "")
        reports.append((key, report))
        q = f["queries"]
        print(
            f"| {NAMES[key]} | {len(f['wall'])} | {statistics.median(f['wall']):.1f} / {pct(f['wall'], 95):.1f} ms "
            f"| {statistics.median(f['cpu']):.1f} / {pct(f['cpu'], 95):.1f} ms | {statistics.median(f['sql']):.1f} ms "
            f"| {statistics.median(f['app_cpu']):.1f} ms | {min(q):.0f}–{max(q):.0f} | {calls:,.0f} |"
        )
    if args.profile:
        for key, report in reports:
            print(f"\n--- profile: {NAMES[key]}")
            print(report)


if __name__ == "__main__":
    main()
