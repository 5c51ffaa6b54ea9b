"""A real local HTTP receiver for the webhook tests and the benchmark: a threaded ``http.server`` on
127.0.0.1 that keeps every request (path, headers, body) and answers as its ``behaviour`` says — a status
code for the n-th request of a delivery id, or a pause (a hanging endpoint)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """``behaviour(delivery_id, nth)`` → (status, seconds to wait before answering)."""

    behaviour: Callable[[str, int], tuple[int, float]] = lambda _d, _n: (200, 0.0)
    requests: list[Received] = field(default_factory=list)
    seen: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None
    keep: bool = True  # keep every request (the tests); the benchmark only counts
    count: int = 0

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # as any real web server: the answer's headers and body (two writes) leave at once, not 40 ms
            # apart (Nagle's algorithm against the sender's delayed acknowledgement)
            disable_nagle_algorithm = True

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                delivery = self.headers.get("X-Qlvb-Delivery", "")
                with receiver.lock:
                    receiver.count += 1
                    if receiver.keep:
                        receiver.requests.append(Received(self.path, dict(self.headers.items()), body))
                    nth = receiver.seen[delivery] = receiver.seen.get(delivery, 0) + 1
                status, wait = receiver.behaviour(delivery, nth)
                if wait:
                    time.sleep(wait)
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:  # the sender gave up waiting
                    pass

            def log_message(self, format: str, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def _bench_behaviour(
    fail_share: float, slow_share: float, hang_share: float = 0.0, hang: float = 0.0
) -> Callable[[str, int], tuple[int, float]]:
    """For the benchmark: ``fail_share`` of the deliveries answer 500 at their first request, half of those
    503 again at the second; ``hang_share`` (others) hang ``hang`` seconds at their first request (past the
    sender's read timeout: a failed attempt, retried); ``slow_share`` take 50 ms. Decided by the delivery
    id (the same every run)."""

    def behaviour(delivery: str, nth: int) -> tuple[int, float]:
        key = (int(delivery or 0) * 2654435761) % 10_000 / 10_000
        if key < fail_share and (nth == 1 or (nth == 2 and key < fail_share / 2)):
            return (500 if nth == 1 else 503), 0.0
        if fail_share <= key < fail_share + hang_share and nth == 1:
            return 200, hang
        return 200, 0.05 if key > 1 - slow_share else 0.0

    return behaviour


def main() -> None:
    """``python -m qlvb.integrations.tests.receiver [fail_share] [slow_share] [hang_share] [hang]``: prints
    its address, serves until killed; ``GET /stats`` answers the counts (requests, deliveries acknowledged,
    acknowledged twice)."""
    import json
    import sys

    fail_share = float(sys.argv[1]) if len(sys.argv) > 1 else 0.1
    slow_share = float(sys.argv[2]) if len(sys.argv) > 2 else 0.0
    hang_share = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
    hang = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0
    behaviour = _bench_behaviour(fail_share, slow_share, hang_share, hang)
    acknowledged: dict[str, int] = {}

    def counted(delivery: str, nth: int) -> tuple[int, float]:
        status, wait = behaviour(delivery, nth)
        if status == 200 and not wait > 0.5:  # an answer that comes after the sender gave up is no receipt
            with receiver.lock:
                acknowledged[delivery] = acknowledged.get(delivery, 0) + 1
        return status, wait

    receiver = Receiver(behaviour=counted, keep=False)
    receiver.start()
    assert receiver.server is not None
    handler = receiver.server.RequestHandlerClass

    def do_GET(self: BaseHTTPRequestHandler) -> None:  # noqa: N802
        with receiver.lock:
            body = json.dumps(
                {
                    "requests": receiver.count,
                    "acknowledged": len(acknowledged),
                    "twice": sum(1 for n in acknowledged.values() if n > 1),
                }
            ).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    handler.do_GET = do_GET  # type: ignore[attr-defined]
    print(receiver.url, flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
