"""Bounded integer types for what callers send (API path, query and body fields).

Python integers have no limit, the databases' do: an id, a page number or an offset beyond a 64-bit
integer crashes SQLite ("Python int too large") and PostgreSQL ("bigint out of range"), and a number
beyond its column (a smallint) fails the write. Declaring the bounds in the schema turns such input into
the API's 422 with a Vietnamese message before any query runs, and shows the bounds in OpenAPI."""

from __future__ import annotations

from typing import Annotated

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

BIGINT_MAX = 2**63 - 1
MAX_PAGE = 1_000_000  # 20 rows a page: far beyond any register, and page × size stays far inside bigint
MAX_LIMIT = 1000
MAX_OFFSET = 1_000_000_000
SMALL_MAX = 32767  # PostgreSQL smallint

Id = Annotated[int, Field(ge=1, le=BIGINT_MAX, description="Mã số (id)")]
PageNumber = Annotated[int, Field(ge=1, le=MAX_PAGE, description="Trang (từ 1)")]
SmallCount = Annotated[int, Field(ge=0, le=SMALL_MAX)]


class BoundedLimitOffset(LimitOffsetPagination):
    """ninja's limit/offset pagination with upper bounds on both numbers."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_LIMIT, description="Số dòng mỗi trang")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Bỏ qua bao nhiêu dòng đầu")
