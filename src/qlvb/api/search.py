"""``/api/v1/search``: the full-text search of every document the caller may see (documents/search.py),
its XLSX export and the caller's saved searches. docs/search.md."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from qlvb.core.bounds import Id, PageNumber
from qlvb.directory.selectors import acting_user
from qlvb.documents import saved_searches
from qlvb.documents.search import Hit, SearchFilters, documents_search, query_parse, search_page
from qlvb.documents.search_export import EXPORT_LIMIT, search_xlsx

router = Router(tags=["search"])


class SearchIn(Schema):
    q: str = Field("", max_length=10_000, description='Từ khóa: từ (không cần dấu), "cụm từ", đầu-từ*')
    direction: Literal["", "incoming", "outgoing", "internal"] = ""
    doc_type: Id | None = None
    organ: str = Field("", max_length=200)
    register_id: Id | None = Field(None, description="Sổ văn bản (mã số)")
    date_from: dt.date | None = Field(None, description="Ngày văn bản từ")
    date_to: dt.date | None = None
    status: str = Field("", max_length=16, description="Trạng thái (received, registered, in_progress, ...)")
    urgency: int | None = Field(None, ge=0, le=3)
    signer: str = Field("", max_length=50)
    handler: Id | None = Field(None, description="Người được giao xử lý (mã người dùng)")
    sort: Literal["relevance", "date", "date_asc"] = "relevance"

    def filters(self) -> SearchFilters:
        return SearchFilters(
            direction=self.direction,
            doc_type=self.doc_type,
            organ=self.organ,
            register=self.register_id,
            date_from=self.date_from,
            date_to=self.date_to,
            status=self.status,
            urgency=self.urgency,
            signer=self.signer,
            handler=self.handler,
        )


class SearchPageIn(SearchIn):
    page: PageNumber = 1


class SearchHitOut(Schema):
    id: int
    direction: str
    doc_type: str
    number_notation: str
    issued_date: dt.date | None
    organ_name: str
    subject: str
    signer_name: str
    status: str
    urgency: int
    snippet: str = Field(description="Đoạn văn bản quanh từ tìm thấy (nội dung tệp, nếu không thì trích yếu)")
    highlights: list[tuple[int, int]] = Field(description="Vị trí [đầu, cuối) của các từ tìm thấy trong snippet")
    from_body: bool


class SearchPageOut(Schema):
    count: int
    page: int
    pages: int
    message: str
    approximate: bool = Field(
        False, description="Không có kết quả khớp đúng: results là kết quả gần đúng (sai một chữ)"
    )
    suggestion: str = Field("", description="Có phải bạn muốn tìm: từ khóa đã sửa theo kết quả gần đúng nhất")
    results: list[SearchHitOut]


class SavedSearchIn(Schema):
    name: str = Field(max_length=100)
    params: dict[str, str] = Field(description="Tham số của /search (q, direction, ...)")


class SavedSearchOut(Schema):
    id: int
    name: str
    params: str


def _hit(hit: Hit) -> dict[str, Any]:
    d = hit.document
    return {
        "id": d.pk,
        "direction": d.direction,
        "doc_type": d.doc_type.name,
        "number_notation": d.number_notation,
        "issued_date": d.issued_date,
        "organ_name": d.organ_name,
        "subject": d.subject,
        "signer_name": d.signer_name,
        "status": d.status,
        "urgency": d.urgency,
        "snippet": hit.snippet,
        "highlights": hit.spans,
        "from_body": hit.from_body,
    }


@router.get("", response=SearchPageOut, summary="Tìm văn bản (toàn văn, không dấu; 20 mỗi trang)")
def search(request: HttpRequest, f: Query[SearchPageIn]) -> dict[str, Any]:
    result = search_page(acting_user(request), text=f.q, filters=f.filters(), sort=f.sort, page=f.page)
    page = result.page
    return {
        "count": page.paginator.count if page else 0,
        "page": page.number if page else 1,
        "pages": page.paginator.num_pages if page else 0,
        "message": result.message,
        "approximate": result.approximate,
        "suggestion": result.suggestion,
        "results": [_hit(h) for h in result.hits],
    }


@router.get("/export.xlsx", response={200: None}, summary="Xuất danh sách kết quả tìm kiếm (XLSX, tối đa 5000 dòng)")
def export(request: HttpRequest, f: Query[SearchIn]) -> HttpResponse:
    found = documents_search(acting_user(request), query=query_parse(f.q), filters=f.filters(), sort=f.sort)
    response = HttpResponse(
        search_xlsx(found[:EXPORT_LIMIT], query=f.q),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="ket-qua-tim-kiem.xlsx"'
    return response


@router.get("/saved", response=list[SavedSearchOut], summary="Các tìm kiếm đã lưu của người dùng")
def saved_list(request: HttpRequest) -> Any:
    return list(saved_searches.saved_searches_of(acting_user(request)))


@router.post("/saved", response={201: SavedSearchOut}, summary="Lưu một tìm kiếm")
def saved_create(request: HttpRequest, payload: SavedSearchIn) -> Status:
    saved = saved_searches.saved_search_create(actor=acting_user(request), name=payload.name, params=payload.params)
    return Status(201, saved)


@router.delete("/saved/{int:saved_id}", response={204: None}, summary="Xóa một tìm kiếm đã lưu")
def saved_delete(request: HttpRequest, saved_id: Id) -> Status:
    saved_searches.saved_search_delete(actor=acting_user(request), pk=saved_id)
    return Status(204, None)
