"""Encryption of a backup's files, streamed: AES-256-GCM over 1 MiB chunks (a STREAM construction: each
chunk's nonce is the file's random prefix, the chunk's number and a "last chunk" flag, so chunks cannot
be reordered, dropped or cut off at the end), keys derived from the operator's passphrase with scrypt.
The file's path in the backup is the associated data: a file moved to another name does not decrypt."""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"QLVBENC1"
CHUNK = 1 << 20
_PREFIX = 7
_TAG = 16


class Source(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class Sink(Protocol):
    def write(self, data: bytes, /) -> object: ...


class DecryptError(Exception):
    """Wrong passphrase, or a file changed, cut short or moved inside the backup."""


@dataclass(frozen=True)
class BackupKeys:
    encrypt: bytes
    mac: bytes


def keys_derive(passphrase: str, salt: bytes) -> BackupKeys:
    material = hashlib.scrypt(passphrase.encode("utf-8"), salt=salt, n=1 << 15, r=8, p=1, maxmem=64 << 20, dklen=64)
    return BackupKeys(encrypt=material[:32], mac=material[32:])


def manifest_mac(keys: BackupKeys, manifest: bytes) -> str:
    return hmac.new(keys.mac, manifest, hashlib.sha256).hexdigest()


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    return prefix + struct.pack(">I?", index, last)


def encrypt_stream(src: Source, dst: Sink, key: bytes, associated: bytes) -> None:
    """Write ``src`` encrypted to ``dst``; memory stays at two chunks whatever the size."""
    aead = AESGCM(key)
    prefix = os.urandom(_PREFIX)
    dst.write(MAGIC + prefix)
    index = 0
    current = src.read(CHUNK)
    while True:
        following = src.read(CHUNK)
        last = not following
        sealed = aead.encrypt(_nonce(prefix, index, last), current, associated)
        dst.write(struct.pack(">I", len(sealed)) + sealed)
        if last:
            return
        current, index = following, index + 1


def decrypt_stream(src: BinaryIO, dst: Sink, key: bytes, associated: bytes) -> None:
    """Write the plain content of ``src`` to ``dst``; ``DecryptError`` when anything does not authenticate
    (the part already written must then be discarded by the caller)."""
    head = src.read(len(MAGIC) + _PREFIX)
    if len(head) != len(MAGIC) + _PREFIX or not head.startswith(MAGIC):
        raise DecryptError("không phải tệp mã hóa của bản sao lưu")
    prefix, aead, index = head[len(MAGIC) :], AESGCM(key), 0
    while True:
        size_bytes = src.read(4)
        if len(size_bytes) != 4:
            raise DecryptError("tệp bị cắt cụt")
        (size,) = struct.unpack(">I", size_bytes)
        if size < _TAG or size > CHUNK + _TAG:
            raise DecryptError("khối dữ liệu sai kích thước")
        sealed = src.read(size)
        if len(sealed) != size:
            raise DecryptError("tệp bị cắt cụt")
        last = _at_end(src)
        try:
            dst.write(aead.decrypt(_nonce(prefix, index, last), sealed, associated))
        except InvalidTag as exc:
            raise DecryptError("sai khóa, hoặc tệp đã bị sửa, cắt hay đổi chỗ") from exc
        if last:
            return
        index += 1


def _at_end(src: BinaryIO) -> bool:
    here = src.tell()
    more = src.read(1)
    src.seek(here)
    return not more
