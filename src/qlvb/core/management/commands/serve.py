"""``qlvb serve``: gunicorn and one Celery worker (and beat), plus the side services the apps
register (signing: the demo PKI and remote signing service when the demo is loaded), stopped together
on Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


@dataclass(frozen=True)
class SideService:
    """A process ``qlvb serve`` runs beside gunicorn and Celery: its name, its command line (after
    ``python -m qlvb.cli``) and what it adds to the environment of gunicorn and Celery."""

    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)


# Filled at start-up by the apps above core (``AppConfig.ready``); each returns None when it has
# nothing to run on this installation.
_SIDE_SERVICES: dict[str, Callable[[], SideService | None]] = {}


def side_service_register(name: str, factory: Callable[[], SideService | None]) -> None:
    _SIDE_SERVICES[name] = factory


class Command(BaseCommand):
    help = "Chạy máy chủ web (gunicorn) cùng tiến trình nền (Celery)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("QLVB_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("QLVB_WEB_WORKERS", "2")))
        parser.add_argument("--no-worker", action="store_true", help="không chạy Celery worker")

    def handle(self, *args: Any, **options: Any) -> None:
        for folder in (settings.CELERY_DIR / "queue", settings.CELERY_DIR / "processed", settings.FILES_DIR):
            folder.mkdir(parents=True, exist_ok=True)
        python = sys.executable
        commands = _commands(python, options)
        names = ["gunicorn", "celery"][: len(commands)]
        env = dict(os.environ)
        sides = [s for s in (factory() for _n, factory in sorted(_SIDE_SERVICES.items())) if s is not None]
        for side in sides:
            env.update(side.env)
        # side services first: gunicorn and Celery may call them as soon as they start
        side_children = [
            subprocess.Popen([python, "-m", "qlvb.cli", *side.argv], start_new_session=True)  # noqa: S603
            for side in sides
        ]
        children = side_children + [
            subprocess.Popen(cmd, start_new_session=True, env=env)  # noqa: S603
            for cmd in commands
        ]
        names = [side.name for side in sides] + names
        for side in sides:
            self.stdout.write(f"Dịch vụ kèm theo: {side.name}.")
        self.stdout.write(f"qlvb đang chạy tại http://{options['bind']} — nhấn Ctrl-C để dừng.")

        def stop(*_: Any) -> None:
            _stop_all(children)
            raise SystemExit(0)

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        self._watch(names, children, side_count=len(side_children), stop=stop)

    def _watch(
        self, names: list[str], children: list[subprocess.Popen[bytes]], *, side_count: int, stop: Callable[[], None]
    ) -> None:
        """Until one of gunicorn and Celery stops (then everything stops); a side service (the demo CA)
        stopping is reported once and does not take the web server down."""
        reported: set[int] = set()
        while True:
            for index, (name, child) in enumerate(zip(names, children, strict=False)):
                if child.poll() is None:
                    continue
                if index < side_count:
                    if index not in reported:
                        reported.add(index)
                        self.stderr.write(f"Dịch vụ kèm theo “{name}” đã dừng (mã {child.returncode}); web vẫn chạy.")
                    continue
                self.stderr.write(f"Tiến trình {name} đã dừng (mã {child.returncode}); dừng tất cả.")
                stop()
            time.sleep(1)


def _commands(python: str, options: dict[str, Any]) -> list[list[str]]:
    """gunicorn's command line, and Celery's (worker with beat) unless ``--no-worker``."""
    commands = [
        [
            python,
            "-m",
            "gunicorn",
            "qlvb.wsgi:application",
            "--config",
            "python:qlvb.gunicorn_conf",
            "--bind",
            options["bind"],
            "--workers",
            str(options["workers"]),
            "--threads",
            "4",
            "--access-logfile",
            "-",
            "--timeout",
            "120",
        ]
    ]
    if not options["no_worker"]:
        commands.append(
            [
                python,
                "-m",
                "celery",
                "-A",
                "qlvb",
                "worker",
                "--queues",
                "default,ocr,exchange",  # CELERY_TASK_ROUTES: the text of files → "ocr", the axis → "exchange"
                "--beat",
                "--loglevel",
                "INFO",
                "--concurrency",
                "2",
                "--schedule",
                str(settings.CELERY_DIR / "beat-schedule"),
            ]
        )
    return commands


def _stop_all(children: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM to every child's process group, then SIGKILL to those still running after 15 seconds."""
    for child in children:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
