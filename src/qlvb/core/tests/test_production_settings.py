"""Production settings refuse to start with the demo secret or without an audit key, and start with
proper ones."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from qlvb import settings as qlvb_settings

SETUP = "import django; django.setup(); from django.conf import settings; print('OK', settings.DEBUG)"


def _start(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("QLVB_") and k != "DATABASE_URL"}
    base.update(
        {
            "DJANGO_SETTINGS_MODULE": "qlvb.settings",
            "QLVB_DATA_DIR": str(tmp_path),
            "PYTHONPATH": str(Path(qlvb_settings.__file__).resolve().parent.parent),
        }
    )
    base.update(env)
    return subprocess.run(
        [sys.executable, "-c", SETUP], env=base, capture_output=True, text=True, timeout=120, check=False
    )


def test_production_refuses_the_demo_secret(tmp_path: Path) -> None:
    result = _start(tmp_path, QLVB_ENV="production")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "QLVB_ENV=production cần QLVB_SECRET_KEY riêng" in result.stderr


def test_production_refuses_the_demo_secret_even_when_given_explicitly(tmp_path: Path) -> None:
    result = _start(tmp_path, QLVB_ENV="production", QLVB_SECRET_KEY=qlvb_settings.DEMO_SECRET_KEY)
    assert result.returncode != 0
    assert "không dùng khóa mẫu" in result.stderr


def test_production_refuses_a_short_secret(tmp_path: Path) -> None:
    result = _start(tmp_path, QLVB_ENV="production", QLVB_SECRET_KEY="ngan-qua")
    assert result.returncode != 0
    assert "ít nhất 50 ký tự" in result.stderr


SECRET = "k7#Qz!p2Lw9vR4sX1mN8bT5yU3oE6aD0fG-hJ^cV&e8Wq@Zt1Ym"
AUDIT_KEY = "a" * 8 + "Qz!p2Lw9vR4sX1mN8bT5yU3oE6aD0fG"


@pytest.mark.parametrize("env_name", ["production", "development"])
def test_a_proper_secret_starts(tmp_path: Path, env_name: str) -> None:
    secret = SECRET
    result = _start(tmp_path, QLVB_ENV=env_name, QLVB_SECRET_KEY=secret, QLVB_AUDIT_KEY=AUDIT_KEY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "OK False"


def test_development_starts_with_the_demo_secret(tmp_path: Path) -> None:
    result = _start(tmp_path)
    assert result.returncode == 0, result.stderr


def test_production_refuses_to_start_without_an_audit_key(tmp_path: Path) -> None:
    result = _start(tmp_path, QLVB_ENV="production", QLVB_SECRET_KEY=SECRET)
    assert result.returncode != 0
    assert "cần khóa nhật ký hệ thống" in result.stderr


def test_production_refuses_a_short_audit_key(tmp_path: Path) -> None:
    result = _start(tmp_path, QLVB_ENV="production", QLVB_SECRET_KEY=SECRET, QLVB_AUDIT_KEY="ngan")
    assert result.returncode != 0
    assert "ít nhất 32 ký tự" in result.stderr


def test_production_starts_with_an_audit_key_file(tmp_path: Path) -> None:
    key_file = tmp_path / "audit.key"
    key_file.write_text(AUDIT_KEY)
    result = _start(tmp_path, QLVB_ENV="production", QLVB_SECRET_KEY=SECRET, QLVB_AUDIT_KEY_FILE=str(key_file))
    assert result.returncode == 0, result.stderr


def _deploy_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "QLVB_ENV": "production",
        "QLVB_SECRET_KEY": SECRET,
        "QLVB_AUDIT_KEY": AUDIT_KEY,
        "QLVB_ALLOWED_HOSTS": "vanban.lienminh.example.vn",
        **extra,
    }


def test_check_deploy_is_clean_in_production(tmp_path: Path) -> None:
    """`manage.py check --deploy` with production settings: no warning at all (HSTS, HTTPS redirect,
    secure cookies, X-Frame-Options DENY, a long secret)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("QLVB_") and k != "DATABASE_URL"}
    base.update(
        {
            "DJANGO_SETTINGS_MODULE": "qlvb.settings",
            "QLVB_DATA_DIR": str(tmp_path),
            "PYTHONPATH": str(Path(qlvb_settings.__file__).resolve().parent.parent),
        }
    )
    base.update(_deploy_env(tmp_path))
    base.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests (src/qlvb/conftest.py) only
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_hsts_max_age_comes_from_the_environment(tmp_path: Path) -> None:
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT)"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith("QLVB_") and k != "DATABASE_URL"}
    base.update(
        {
            "DJANGO_SETTINGS_MODULE": "qlvb.settings",
            "QLVB_DATA_DIR": str(tmp_path),
            "PYTHONPATH": str(Path(qlvb_settings.__file__).resolve().parent.parent),
        }
    )
    for extra, expected in (({}, "31536000 True True"), ({"QLVB_HSTS_SECONDS": "600"}, "600 True True")):
        base.update(_deploy_env(tmp_path, **extra))
        result = subprocess.run(
            [sys.executable, "-c", script], env=base, capture_output=True, text=True, timeout=120, check=False
        )
        assert result.stdout.strip() == expected, result.stderr


def test_a_secure_request_gets_the_hsts_header(client, settings) -> None:
    settings.SECURE_HSTS_SECONDS = 600
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/healthz", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=600; includeSubDomains"
    assert client.get("/healthz").get("Strict-Transport-Security") is None  # never over plain HTTP
