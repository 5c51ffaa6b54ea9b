"""The test OpenID Connect provider (``oidcprovider/``), one process for the session, and the settings
that point the system at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from qlvb.directory.tests.oidcprovider import CLIENT_ID, CLIENT_SECRET, Provider, ProviderPerson, start_provider

# The provider's people: Lê Thu Hà's official mailbox written with other capitals than the system's
# record of it, a mailbox nobody in the system has, and Đỗ Thanh Hương (whose account gets locked).
PROVIDER_PEOPLE = [
    ProviderPerson("lethuha", "UBLienMinh_LeThuHa@LienMinh.Example.VN"),
    ProviderPerson("nguoila", "nguoila@lienminh.example.vn"),
    ProviderPerson("dothanhhuong", "ublienminh_dothanhhuong@lienminh.example.vn"),
]


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    provider = start_provider(tmp_path_factory.mktemp("oidc-provider"), PROVIDER_PEOPLE)
    yield provider
    provider.stop()


@pytest.fixture
def sso_settings(settings, oidc_provider: Provider) -> Iterator[Provider]:
    """The system configured for SSO with the test provider (as the environment would set it)."""
    from qlvb.directory.sso import provider_configuration_forget

    settings.QLVB_OIDC_ISSUER = oidc_provider.issuer
    settings.QLVB_OIDC_CLIENT_ID = CLIENT_ID
    settings.QLVB_OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.QLVB_OIDC_TRUST_MFA = False
    provider_configuration_forget()
    oidc_provider.reset()
    yield oidc_provider
    oidc_provider.reset()
    provider_configuration_forget()
