"""A local S3-protocol server for the tests: moto's ``ThreadedMotoServer`` in a child process (so the objects
it keeps never count in the test's own tracemalloc figures, and a test can stop it like a store going down).

``python -m qlvb.files.tests.s3server`` starts the server on a free port of 127.0.0.1, prints the port and
serves until its standard input closes. The fixtures below configure qlvb for it: ``s3_store`` gives each
test its own bucket (``QLVB_STORAGE=s3``); ``store`` runs a test on the folder store and on S3 alike.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "qlvb-test", "AWS_SECRET_ACCESS_KEY": "qlvb-test-secret"}


class MotoProcess:
    """One moto server in a child process; ``stop()`` ends it (SIGTERM, then SIGKILL)."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[str] | None = None
        self.port = 0

    def start(self) -> MotoProcess:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "qlvb.files.tests.s3server"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # werkzeug's line per request
            text=True,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.strip().isdigit():
            self.stop()
            raise RuntimeError(f"moto server did not start: {line!r}")
        self.port = int(line)
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                pipe.close()
        self.process = None


def s3_client(url: str) -> Any:
    import boto3

    return boto3.client("s3", endpoint_url=url, region_name="us-east-1", **_keys())


def _keys() -> dict[str, str]:
    return {
        "aws_access_key_id": CREDENTIALS["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    }


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoProcess]:
    server = MotoProcess().start()
    try:
        yield server
    finally:
        server.stop()


def use_s3(settings: Any, monkeypatch: pytest.MonkeyPatch, url: str) -> str:
    """Point qlvb at a new, empty bucket of the server at ``url``; returns the bucket's name."""
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    bucket = f"qlvb-{uuid.uuid4().hex[:12]}"
    s3_client(url).create_bucket(Bucket=bucket)
    settings.QLVB_STORAGE = "s3"
    settings.S3_ENDPOINT_URL = url
    settings.S3_BUCKET = bucket
    settings.S3_REGION = "us-east-1"
    settings.S3_PREFIX = ""
    settings.S3_DOWNLOAD = "stream"
    settings.S3_TIMEOUT_SECONDS = 5.0
    return bucket


@pytest.fixture
def s3_store(moto_server: MotoProcess, settings: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    return use_s3(settings, monkeypatch, moto_server.url)


@pytest.fixture(params=["folder", "s3"])
def store(request: pytest.FixtureRequest, settings: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    """The same test on the folder store and on the S3 store (moto)."""
    if request.param == "s3":
        use_s3(settings, monkeypatch, request.getfixturevalue("moto_server").url)
    else:
        settings.QLVB_STORAGE = "folder"
    return str(request.param)


def main() -> None:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    print(server.get_host_and_port()[1], flush=True)
    sys.stdin.read()  # until the parent closes it (or kills us)
    server.stop()


if __name__ == "__main__":
    main()
