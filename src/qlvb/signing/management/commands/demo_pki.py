"""``qlvb demo_pki``: serve the demo PKI (OCSP, CRL, certificates, timestamps) and the demo remote
signing service (CSC) until stopped. ``qlvb serve`` runs it beside gunicorn when ``qlvb demo`` has
created the demo PKI (``var/demo-pki``)."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qlvb.signing.demo_pki import DemoPKI, csc_url, start_services


class Command(BaseCommand):
    help = "Chạy CA thử nghiệm của bản trình diễn (OCSP, CRL, dấu thời gian) và dịch vụ ký số từ xa mẫu."

    def handle(self, *args: Any, **options: Any) -> None:
        pki = DemoPKI()
        if not pki.exists:
            raise CommandError("Chưa có CA thử nghiệm: chạy “qlvb demo” trước.")
        try:
            stop = start_services(pki)
        except OSError as exc:
            raise CommandError(f"Không mở được cổng cho CA thử nghiệm ({pki.url}, {csc_url()}): {exc}") from exc
        self.stdout.write(f"CA thử nghiệm tại {pki.url}, dịch vụ ký số từ xa mẫu tại {csc_url()}.")
        done = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: done.set())
        signal.signal(signal.SIGINT, lambda *_: done.set())
        done.wait()
        stop()
