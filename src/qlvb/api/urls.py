"""The REST API at /api/v1 (OpenAPI at /api/v1/openapi.json). Each app adds its router here."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, re_path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from . import errors
from .auth import token_or_session
from .me import router as me_router


class DistinctSchemas(OpenAPISchema):
    """Ninja files every operation's schemas under their class names; two different classes of one
    name would silently overwrite each other in ``components``. Refuse it when the schema is built."""

    def add_schema_definitions(self, definitions: dict[str, Any]) -> None:
        for name, definition in definitions.items():
            known = self.schemas.get(name)
            if known is not None and known != definition:
                raise TypeError(f"Two different API schemas are both named {name!r}: rename one.")
        super().add_schema_definitions(definitions)


@csrf_exempt  # a POST to an unknown path is a 404 like a GET, not a CSRF page
def _unknown_path(request: HttpRequest, rest: str = "") -> JsonResponse:
    return JsonResponse({"detail": "Không có đường dẫn API này.", "code": errors.ErrorCode.NOT_FOUND}, status=404)


class Api(NinjaAPI):
    def _get_urls(self) -> list[URLResolver | URLPattern]:
        # Last: a path no operation matches (``/incoming/abc``) is a JSON 404 like every API error,
        # not the web's HTML page.
        return [*super()._get_urls(), re_path(r"^(?P<rest>(?s:.)*)$", _unknown_path)]

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return errors.declare_errors(DistinctSchemas(self, path_prefix), path_prefix)  # type: ignore[return-value]


api = Api(
    title="qlvb API",
    version="1",
    description="API của Hệ thống quản lý văn bản và điều hành. Xác thực: `Authorization: Bearer <token>`.",
    auth=token_or_session,
    urls_namespace="api",
    docs_url="/docs",
)
errors.install(api)
api.add_router("", me_router)
api.add_router("/directory", "qlvb.directory.api.router")
api.add_router("/exchange", "qlvb.exchange.api.router")
api.add_router("/files", "qlvb.files.api.router")
api.add_router("/files", "qlvb.api.filefields.router")
api.add_router("/incoming/notifications", "qlvb.notifications.api.router")
api.add_router("/push", "qlvb.notifications.push_api.router")  # issue 16: Web Push devices
api.add_router("/incoming", "qlvb.incoming.api.router")
api.add_router("/outgoing", "qlvb.outgoing.api.router")
api.add_router("/signing", "qlvb.signing.api.router")
api.add_router("/search", "qlvb.api.search.router")
api.add_router("/dossiers", "qlvb.dossiers.api.router")
api.add_router("/dossiers", "qlvb.dossiers.package_api.router")  # export13: packages, bulk filing, files, XLSX
api.add_router("/calendar", "qlvb.direction.calendar_api.router")
api.add_router("/announcements", "qlvb.direction.announcement_api.router")
api.add_router("/tasks", "qlvb.direction.task_api.router")
api.add_router("/reports", "qlvb.reports.api.router")
api.add_router("/operations", "qlvb.operations.personal_export_api.router")  # issue 15: personal data export
api.add_router("/operations/handover", "qlvb.operations.handover_api.router")
