"""The REST API at /api/v1 (OpenAPI at /api/v1/openapi.json). Each app adds its router here."""

from __future__ import annotations

from ninja import NinjaAPI

from . import errors
from .auth import token_or_session
from .me import router as me_router

api = NinjaAPI(
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
api.add_router("/files", "qlvb.files.api.router")
api.add_router("/incoming", "qlvb.incoming.api.router")
api.add_router("/outgoing", "qlvb.outgoing.api.router")
api.add_router("/signing", "qlvb.signing.api.router")
