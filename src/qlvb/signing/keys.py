"""Where signing keys live — one interface, three kinds.

* :class:`Pkcs12Key` — a PKCS#12 file (soft token): development, or an agency keeping its key on the
  server;
* :class:`Pkcs11Key` — a PKCS#11 token or HSM (the Government CA's USB token, an HSM; tested with
  SoftHSM2);
* :class:`CscKey` — a remote signing service speaking the Cloud Signature Consortium API v1 (SmartCA
  style services; tested against ``certomancer-csc-dummy``).

``key.open(pin)`` is an async context manager yielding a pyHanko ``Signer``; every failure a user can
cause (wrong PIN, locked token, missing token, service refusing) becomes a :class:`SigningRefused`
with a Vietnamese message.
"""

from __future__ import annotations

import abc
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import aiohttp
from asn1crypto import x509
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import pkcs12
from django.utils.translation import gettext as _
from pyhanko.keys.internal import translate_pyca_cryptography_cert_to_asn1, translate_pyca_cryptography_key_to_asn1
from pyhanko.sign import signers
from pyhanko.sign.signers import csc_signer
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from qlvb.core.errors import DomainError

from .errors import ErrorCode


class SigningRefused(DomainError):  # noqa: N818 (named like core.errors)
    """Signing cannot go ahead: the key, the PIN or the certificate does not allow it."""

    def __init__(self, message: Any, *, code: str = ErrorCode.SIGNING_REFUSED) -> None:
        super().__init__(message, code=code)


class KeyMethod:
    PKCS12 = "pkcs12"
    PKCS11 = "pkcs11"
    CSC = "csc"
    PLUGIN = "plugin"

    CHOICES: ClassVar[list[tuple[str, str]]] = [
        (PKCS12, "Tệp chứng thư số PKCS#12"),
        (PKCS11, "USB token / HSM gắn vào máy chủ (PKCS#11)"),
        (CSC, "Ký số từ xa (dịch vụ CSC)"),
        (PLUGIN, "USB token tại máy của người ký (phần mềm ký số)"),
    ]


class SigningKey(abc.ABC):
    """A private key and its certificate, wherever they are kept."""

    method: ClassVar[str]

    @abc.abstractmethod
    def open(self, pin: str) -> contextlib.AbstractAsyncContextManager[signers.Signer]:
        """Unlock the key with ``pin`` and yield a pyHanko signer; raise :class:`SigningRefused`."""


def wrong_pin() -> SigningRefused:
    return SigningRefused(
        _("Mã PIN hoặc mật khẩu của khóa bí mật không đúng. Hãy nhập lại (người ký tự nhập; hệ thống không lưu)."),
        code=ErrorCode.WRONG_PIN,
    )


def csc_unreachable() -> SigningRefused:
    return SigningRefused(
        _(
            "Không kết nối được dịch vụ ký số từ xa. Thử lại sau ít phút; nếu vẫn lỗi, liên hệ quản trị hệ thống "
            "(với bản trình diễn: dịch vụ được “make run”/“qlvb serve” khởi động)."
        ),
        code=ErrorCode.CSC_UNREACHABLE,
    )


@dataclass(frozen=True)
class Pkcs12Key(SigningKey):
    path: str
    other_certs: tuple[x509.Certificate, ...] = ()
    data: bytes = b""  # an uploaded PKCS#12 (instead of a file in the server's key folder)
    method: ClassVar[str] = KeyMethod.PKCS12

    @contextlib.asynccontextmanager
    async def open(self, pin: str) -> AsyncIterator[signers.Signer]:
        if self.data:
            data = self.data
        else:
            try:
                data = Path(self.path).read_bytes()
            except OSError as exc:
                raise SigningRefused(
                    _(
                        "Không đọc được tệp khóa bí mật (PKCS#12) trên máy chủ. Hãy tải lên tệp chứng thư số tại "
                        "trang “Chữ ký số”, hoặc liên hệ quản trị hệ thống."
                    ),
                    code=ErrorCode.KEY_MISSING,
                ) from exc
        try:
            private_key, cert, extra = pkcs12.load_key_and_certificates(data, pin.encode() if pin else None)
        except ValueError as exc:
            raise wrong_pin() from exc
        if private_key is None or cert is None:
            raise SigningRefused(_("Tệp PKCS#12 không chứa khóa bí mật và chứng thư số."), code=ErrorCode.KEY_MISSING)
        registry = SimpleCertificateStore()
        registry.register_multiple(
            [translate_pyca_cryptography_cert_to_asn1(c) for c in extra] + list(self.other_certs)
        )
        signer = _LoadedKeySigner(
            private_key,
            signing_cert=translate_pyca_cryptography_cert_to_asn1(cert),
            signing_key=translate_pyca_cryptography_key_to_asn1(private_key),
            cert_registry=registry,
        )
        yield signer


class _LoadedKeySigner(signers.SimpleSigner):
    """A SimpleSigner keeping the key object it was loaded with: pyHanko's re-parses the DER key (with
    the RSA consistency check, ~40 ms) on every signature."""

    def __init__(self, private_key: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._private_key = private_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        try:
            algo = mechanism.signature_algo
        except ValueError:
            algo = mechanism["algorithm"].native
        if isinstance(self._private_key, RSAPrivateKey) and algo == "rsassa_pkcs1v15":
            return self._private_key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
        return super().sign_raw(data, digest_algorithm)


@dataclass(frozen=True)
class Pkcs11Key(SigningKey):
    module: str
    token_label: str
    key_label: str
    cert_label: str = ""
    other_certs: tuple[x509.Certificate, ...] = ()
    method: ClassVar[str] = KeyMethod.PKCS11

    @contextlib.asynccontextmanager
    async def open(self, pin: str) -> AsyncIterator[signers.Signer]:
        import pkcs11
        from pkcs11 import exceptions as p11exc
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

        try:
            session = open_pkcs11_session(
                self.module, token_criteria=TokenCriteria(label=self.token_label), user_pin=pin
            )
        except (p11exc.PinIncorrect, p11exc.PinInvalid, p11exc.PinLenRange) as exc:
            raise wrong_pin() from exc
        except p11exc.PinLocked as exc:
            raise SigningRefused(
                _("Thiết bị lưu khóa đã bị khóa do nhập sai mã PIN nhiều lần."), code=ErrorCode.PIN_LOCKED
            ) from exc
        except (pkcs11.PKCS11Error, OSError, RuntimeError) as exc:
            # pyHanko raises its own PKCS11Error (a RuntimeError subclass) when no token matches.
            raise SigningRefused(
                _("Không tìm thấy thiết bị lưu khóa (USB token/HSM) “%(label)s”.") % {"label": self.token_label},
                code=ErrorCode.TOKEN_MISSING,
            ) from exc
        try:
            signer = PKCS11Signer(
                session,
                key_label=self.key_label,
                cert_label=self.cert_label or self.key_label,
                other_certs_to_pull=None,
                ca_chain=list(self.other_certs),
            )
            yield signer
        finally:
            session.close()


@dataclass(frozen=True)
class CscKey(SigningKey):
    """A credential on a CSC v1 remote signing service. ``pin`` is sent with ``credentials/authorize``
    (services with implicit authorisation ignore it); ``oauth_token`` is the bearer token if the
    service needs one."""

    service_url: str
    credential_id: str
    oauth_token: str = ""
    timeout: int = 30
    method: ClassVar[str] = KeyMethod.CSC

    @contextlib.asynccontextmanager
    async def open(self, pin: str) -> AsyncIterator[signers.Signer]:
        info = csc_signer.CSCServiceSessionInfo(
            service_url=self.service_url.rstrip("/"),
            credential_id=self.credential_id,
            oauth_token=self.oauth_token or None,
        )
        async with aiohttp.ClientSession() as session:
            try:
                credential = await csc_signer.fetch_certs_in_csc_credential(session, info, timeout=self.timeout)
            except (aiohttp.ClientError, TimeoutError, OSError) as exc:
                raise csc_unreachable() from exc
            except Exception as exc:
                raise SigningRefused(
                    _("Dịch vụ ký số từ xa không cung cấp chứng thư số “%(id)s”.") % {"id": self.credential_id},
                    code=ErrorCode.CSC_CREDENTIAL,
                ) from exc
            auth = _CscAuthorization(info, credential, session=session, pin=pin, timeout=self.timeout)
            yield csc_signer.CSCSigner(session, auth_manager=auth)


class _CscAuthorization(csc_signer.CSCAuthorizationManager):
    """Asks ``credentials/authorize`` for a SAD bound to the hashes about to be signed (SCAL 2)."""

    def __init__(
        self,
        info: csc_signer.CSCServiceSessionInfo,
        credential: csc_signer.CSCCredentialInfo,
        *,
        session: aiohttp.ClientSession,
        pin: str,
        timeout: int,
    ) -> None:
        super().__init__(info, credential)
        self.session = session
        self.pin = pin
        self.timeout = timeout

    async def authorize_signature(self, hash_b64s: list[str]) -> csc_signer.CSCAuthorizationInfo:
        request = self.format_csc_auth_request(
            pin=self.pin or None,
            hash_b64s=hash_b64s if self.credential_info.hash_pinning_required else None,
            num_signatures=len(hash_b64s),
        )
        url = self.csc_session_info.endpoint_url("credentials/authorize")
        try:
            async with self.session.post(
                url, json=request, headers=self.auth_headers, timeout=aiohttp.ClientTimeout(total=self.timeout)
            ) as response:
                if response.status in (401, 403):
                    raise wrong_pin()
                if response.status >= 400:
                    raise SigningRefused(_("Dịch vụ ký số từ xa từ chối yêu cầu ký."), code=ErrorCode.CSC_REFUSED)
                data = await response.json()
        except aiohttp.ClientError as exc:
            raise csc_unreachable() from exc
        return self.parse_csc_auth_response(data)


@dataclass(frozen=True)
class PluginKey(SigningKey):
    """The signer's USB token at his own desk, reached by his browser through the CA's local signing
    plug-in (docs/signing.md, "USB token tại máy người ký"). The server holds only the certificate:
    it prepares the signature and gives out the hash; the plug-in signs it on the token. ``open``
    yields an external signer with a placeholder signature value (the size of the real one)."""

    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...] = ()
    method: ClassVar[str] = KeyMethod.PLUGIN

    @contextlib.asynccontextmanager
    async def open(self, pin: str) -> AsyncIterator[signers.Signer]:
        registry = SimpleCertificateStore()
        registry.register_multiple(list(self.chain))
        yield signers.ExternalSigner(
            signing_cert=self.certificate, cert_registry=registry, signature_value=bytes(self.signature_size())
        )

    def signature_size(self) -> int:
        key = self.certificate.public_key
        try:
            return max(256, (int(key.bit_size) + 7) // 8)
        except Exception:
            return 512
