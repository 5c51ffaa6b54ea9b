"""Web download: ``/tep/<id>/`` — the same checks as the API, streamed."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseServerError
from django.views.decorators.http import require_GET

from qlvb.core.errors import NotFound
from qlvb.directory.selectors import acting_user

from .responses import file_response, gone_when_disposed
from .services import file_download
from .storage import BlobCorruptedError, BlobMissingError, StorageUnavailable


@require_GET
@login_required
@gone_when_disposed
def download(request: HttpRequest, file_id: int) -> FileResponse | HttpResponse:
    try:
        opened = file_download(actor=acting_user(request), file_id=file_id)
    except NotFound as exc:
        raise Http404(exc.message) from None
    except (BlobCorruptedError, BlobMissingError) as exc:  # never serve content that fails its checksum
        return HttpResponseServerError(exc.message, content_type="text/plain; charset=utf-8")
    except StorageUnavailable as exc:  # the object store cannot be reached: say so, 503
        return HttpResponse(exc.message, status=503, content_type="text/plain; charset=utf-8")
    return file_response(opened)
