"""``python -m qlvb.directory.tests.oidcprovider.serve PORT``: make the provider's RSA key and
database (its people and the registered client, from the environment), then serve on 127.0.0.1:PORT."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def _rsa_key(path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    path.write_bytes(pem)


def _populate() -> None:
    from django.contrib.auth.models import User
    from oauth2_provider.models import Application

    for person in json.loads(os.environ["OIDCP_USERS"]):
        User.objects.create_user(person["username"], email=person["email"], password=person["password"])
    Application.objects.create(
        name="QLVB",
        client_id=os.environ["OIDCP_CLIENT_ID"],
        client_secret=os.environ["OIDCP_CLIENT_SECRET"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=os.environ["OIDCP_REDIRECT_URI"],
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )


def main() -> None:
    port = int(sys.argv[1])
    workdir = Path(os.environ["OIDCP_WORKDIR"])
    workdir.mkdir(parents=True, exist_ok=True)
    _rsa_key(workdir / "oidc.key")  # a new key at every start
    os.environ["DJANGO_SETTINGS_MODULE"] = "qlvb.directory.tests.oidcprovider.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    _populate()
    call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, use_threading=True, skip_checks=True)


if __name__ == "__main__":
    main()
