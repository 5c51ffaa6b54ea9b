"""The codes of the errors files raises (intake, storage, conversions, zip archives): the ``code`` of
the error body API clients see. A value never changes once published."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    CONVERT_LIMIT = "convert_limit"
    CONVERT_TIMEOUT = "convert_timeout"
    FILE_CORRUPTED = "file_corrupted"
    FILE_DISPOSED = "file_disposed"
    FILE_EMPTY = "file_empty"
    FILE_MISSING = "file_missing"
    FILE_TOO_LARGE = "file_too_large"
    FILE_TRUNCATED = "file_truncated"
    FILE_TYPE_REFUSED = "file_type_refused"
    NOT_CONVERTIBLE = "not_convertible"
    STORAGE_UNAVAILABLE = "storage_unavailable"
    NO_LIBREOFFICE = "no_libreoffice"
    UNREADABLE = "unreadable"
    ZIP_BOMB = "zip_bomb"
    ZIP_BROKEN = "zip_broken"
    ZIP_ENCRYPTED = "zip_encrypted"
    ZIP_METHOD = "zip_method"
    ZIP_NESTED = "zip_nested"
    ZIP_PATH = "zip_path"
    # the text of a file (extraction.py, ocr.py): why it could not be read
    TEXT_CORRUPT = "text_corrupt"
    TEXT_ENCRYPTED = "text_encrypted"
    TEXT_IMAGE_TOO_LARGE = "text_image_too_large"
    TEXT_KIND = "text_kind"
    TEXT_LIMIT = "text_limit"
    TEXT_MULTIPAGE_TIFF = "text_multipage_tiff"
    TEXT_OCR_FAILED = "text_ocr_failed"
    TEXT_OFFICE = "text_office"
    TEXT_SIGNED_SCAN = "text_signed_scan"
    TEXT_TIMEOUT = "text_timeout"
    TEXT_TOO_MANY_PAGES = "text_too_many_pages"
    TEXT_TOOL_MISSING = "text_tool_missing"
