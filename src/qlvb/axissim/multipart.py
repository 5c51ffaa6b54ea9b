"""A small streaming multipart/form-data reader for the simulator's ``sendEdoc`` upload."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from .store import AxisError

CHUNK = 64 * 1024


class PartReader:
    """A small streaming multipart/form-data reader: yields (name, chunks) for each part, holding at
    most one buffer and the boundary's length in memory."""

    def __init__(self, stream: Any, length: int, boundary: bytes) -> None:
        self.stream, self.remaining = stream, length
        self.delimiter = b"\r\n--" + boundary
        self.buffer = b"\r\n"  # so the first boundary matches the same delimiter

    def _fill(self) -> bool:
        if self.remaining <= 0:
            return False
        data = self.stream.read(min(CHUNK, self.remaining))
        if not data:
            self.remaining = 0
            return False
        self.remaining -= len(data)
        self.buffer += data
        return True

    def _skip_to_delimiter(self) -> None:
        while (index := self.buffer.find(self.delimiter)) < 0:
            self.buffer = self.buffer[-len(self.delimiter) :]
            if not self._fill():
                raise AxisError(400, 400, "Dữ liệu multipart bị cắt cụt.")
        self.buffer = self.buffer[index + len(self.delimiter) :]

    def parts(self) -> Iterator[tuple[str, Iterator[bytes]]]:
        self._skip_to_delimiter()
        while True:
            while len(self.buffer) < 2 and self._fill():
                pass
            if self.buffer.startswith(b"--"):
                return
            while (end := self.buffer.find(b"\r\n\r\n")) < 0:
                if len(self.buffer) > 16384 or not self._fill():
                    raise AxisError(400, 400, "Phần đầu multipart không hợp lệ.")
            head = self.buffer[:end].decode("utf-8", "replace")
            self.buffer = self.buffer[end + 4 :]
            match = re.search(r'name="([^"]*)"', head)
            name = match.group(1) if match else ""
            chunks = self._body()
            yield name, chunks
            for _rest in chunks:  # drain whatever the consumer did not read
                pass

    def _body(self) -> Iterator[bytes]:
        keep = len(self.delimiter)
        while True:
            index = self.buffer.find(self.delimiter)
            if index >= 0:
                if index:
                    yield self.buffer[:index]
                self.buffer = self.buffer[index + keep :]
                return
            if len(self.buffer) > keep:
                yield self.buffer[:-keep]
                self.buffer = self.buffer[-keep:]
            if not self._fill():
                raise AxisError(400, 400, "Dữ liệu multipart bị cắt cụt.")
